import Foundation
import SecondLineModel

/// The outcome of checking a code field's two printed halves: the code in the label's
/// parentheses and the table name on the value line.
public struct CodeResolution: Sendable, Hashable {
    public enum Outcome: Sendable, Hashable {
        /// The code to put in the declaration.
        case code(String)
        case problem(FieldProblem)
    }
    public var outcome: Outcome
    /// Cross-checks and repairs, for the field's evidence.
    public var notes: [String]
    /// Set when code and name were both read clearly and disagree (CODE-NAME-MISMATCH).
    public var mismatch: Finding?
    /// How much the two halves support the code: 2 = both agree, 1 = one trusted half only.
    public var support: Int
}

/// Checks a printed code against its printed name and the code table; recovers one from the
/// other only when the recovery is unambiguous and the half it comes from was read reliably.
public struct CodeFieldResolver: Sendable {
    public let tables: CodeTables
    public init(tables: CodeTables = .bundled) { self.tables = tables }

    /// - Parameters:
    ///   - codeText: what was read inside the label's parentheses (nil or "" when none was printed/read).
    ///   - nameText: what was read on the value line.
    ///   - codeTrusted / nameTrusted: whether each reading is reliable on its own (agreeing readings,
    ///     high confidence). Two halves that agree with each other need no further trust.
    ///   - nameOnly: the form prints only the name (item currency, duty mode): a short name read alike
    ///     twice is then all there is, and enough.
    public func resolve(field: String, table tableName: CodeTableName, codeText: String?, nameText: String,
                        codeTrusted: Bool = true, nameTrusted: Bool = true, nameOnly: Bool = false) -> CodeResolution
    {
        let table = tables[tableName]
        let read = FieldParser.compact(codeText ?? "").uppercased()
        let code = Self.conformToShape(read, of: table)
        let name = FieldParser.compact(nameText)
        func problem(_ reason: GapReason, _ message: String, finding: Finding? = nil) -> CodeResolution {
            CodeResolution(outcome: .problem(FieldProblem(reason, message)), notes: [], mismatch: finding, support: 0)
        }
        if code.isEmpty && name.isEmpty { return problem(.blank, "\(field) is blank") }
        let codeShapeOK = !code.isEmpty && Self.hasShape(code, of: table)
        let codeKnown = codeShapeOK && table.contains(code: code)
        let nameMatch = name.isEmpty ? nil : Self.match(name: name, in: table)

        // The two halves agree: the strongest evidence there is.
        if codeKnown, let match = nameMatch, match.code == code {
            var note = match.distance == 0 ? "code and name agree" : "name read as '\(name)', nearest table name '\(match.name)' agrees with code \(code)"
            if read != code { note += "; code read as '\(read)' (letter O/I where the code has digits, or the reverse)" }
            return CodeResolution(outcome: .code(code), notes: [note], mismatch: nil, support: match.distance == 0 ? 2 : 1)
        }
        // Both halves read, and they name different entries.
        if codeKnown, let match = nameMatch {
            let codeName = table.name(forCode: code) ?? "?"
            let message = "the printed code (\(code) = \(codeName)) and the printed name '\(name)' (= \(match.code)) disagree"
            if codeTrusted && nameTrusted && match.distance == 0 {
                return problem(.inconsistent, message, finding: Finding(rule: "CODE-NAME-MISMATCH", severity: .error, fields: [field],
                                                                       message: "\(field): \(message); check which one is meant"))
            }
            return problem(.unreadable, message + "; one of the readings is unsure")
        }
        // Only the code is usable.
        if codeKnown {
            // An unsure code and a name one character from its table name: two independent halves point at
            // the same entry.
            if !codeTrusted, let own = Self.nearOwnName(name, code: code, in: table) {
                return CodeResolution(outcome: .code(code), notes: ["code read as '\(code)' (readings differ) and the name as '\(name)', one character from its table name '\(own)'; no other entry is as close"],
                                      mismatch: nil, support: 1)
            }
            guard codeTrusted else { return problem(.unreadable, "code read as '\(code)' with low confidence and the name '\(name)' does not confirm it") }
            if name.isEmpty {
                return CodeResolution(outcome: .code(code), notes: ["no name printed or read; code \(code) is in the table"], mismatch: nil, support: 1)
            }
            if !nameTrusted {
                return CodeResolution(outcome: .code(code), notes: ["name '\(name)' unreadable; code \(code) is in the table"], mismatch: nil, support: 1)
            }
            let own = table.name(forCode: code) ?? "?"
            return problem(.inconsistent, "code \(code) (\(own)) is printed with the name '\(name)', which is not in the \(tableName.rawValue) table")
        }
        // A name read exactly and a code read one character off that name's code (a character lost next to
        // the bracket, JOR read as OR): each half confirms the other.
        if let match = nameMatch, match.distance == 0, !code.isEmpty, !codeKnown, Self.distance(code, match.code) == 1 {
            return CodeResolution(outcome: .code(match.code), notes: ["name '\(match.name)' is the table name of \(match.code); the code was read as '\(read)', one character off"],
                                  mismatch: nil, support: 1)
        }
        // Only the name is usable: recover the code from it.
        if let match = nameMatch, code.isEmpty || !codeShapeOK || !codeTrusted {
            // Short names (CIF, C&F, 全免) are one misread apart: without the code they prove nothing.
            guard match.name.count >= 4 || (nameOnly && nameTrusted && match.distance == 0) else {
                return problem(.unreadable, "the code could not be read and the short name '\(name)' alone does not settle it")
            }
            guard nameTrusted || match.distance == 0 else { return problem(.unreadable, "the name '\(name)' was read with low confidence and no code confirms it") }
            // A code read, if unsure, that is far from the name's code may be another code printed with the
            // name (AUS000 with 中国香港): taking the name's code would hide the mismatch.
            guard code.isEmpty || Self.distance(code, match.code) <= max(1, match.code.count / 3) else {
                return problem(.unreadable, "the code read as '\(read)' is unsure and far from \(match.code), the code of the printed name '\(match.name)'; code and name may disagree")
            }
            let why = code.isEmpty ? "no code was read" : "the code read as '\(code)' is not usable"
            return CodeResolution(outcome: .code(match.code), notes: ["\(why); code taken from the printed name '\(match.name)'"], mismatch: nil, support: 1)
        }
        if let match = nameMatch, codeShapeOK {
            // Well-formed code absent from the table, while the name names another entry.
            let message = "the printed code \(code) is not in the \(tableName.rawValue) table and the printed name '\(name)' is \(match.code)"
            return problem(codeTrusted && nameTrusted ? .inconsistent : .unreadable, message)
        }
        if codeShapeOK && !table.isComplete && codeTrusted && (name.isEmpty || nameTrusted) {
            // A partial table cannot confirm the code; keep it as read and say so.
            return CodeResolution(outcome: .code(code), notes: ["code \(code) is not in the partial \(tableName.rawValue) table; name '\(name)' not checked"],
                                  mismatch: nil, support: 1)
        }
        if codeShapeOK && table.isComplete && codeTrusted {
            return problem(.malformed, "'\(code)' is not a code of the \(tableName.rawValue) table")
        }
        let shown = [code, name].filter { !$0.isEmpty }.joined(separator: " / ")
        return problem(.unreadable, "neither the code nor the name of \(field) could be read reliably ('\(shown)')")
    }

    /// The table name of `code` when `name` is one character from it and no other entry is as close (the
    /// name then confirms the code despite a misread character); nil otherwise.
    static func nearOwnName(_ name: String, code: String, in table: CodeTable) -> String? {
        guard !name.isEmpty, let own = table.name(forCode: code).map(FieldParser.compact), own.count >= 2, name != own,
              distance(name, own) == 1,
              !table.entries.contains(where: { $0.code != code && distance(name, FieldParser.compact($0.name)) <= 1 }) else { return nil }
        return own
    }

    /// Where every code of the table has a digit at a position, a letter read there that OCR confuses with
    /// a digit (O/D/Q → 0, I/L → 1, S → 5, B → 8, Z → 2, G → 6) is that digit, and where every code has a
    /// letter, such a digit is the letter: the one confusion a code's format settles.
    static func conformToShape(_ code: String, of table: CodeTable) -> String {
        let codes = table.entries.map { Array($0.code) }
        guard !codes.isEmpty, Set(codes.map(\.count)) == [code.count] else { return code }
        var chars = Array(code)
        for i in chars.indices {
            let column = codes.map { $0[i] }
            if column.allSatisfy(\.isASCIIDigit) {
                if let digit = OCRConfusion.digit(forLetter: chars[i]) { chars[i] = digit }
            } else if column.allSatisfy({ $0.isASCII && $0.isLetter }) {
                if let letter = OCRConfusion.letter(forDigit: chars[i]) { chars[i] = letter }
            }
        }
        return String(chars)
    }

    /// Codes of a table share a length and alphabet; a reading outside that shape is a misread.
    static func hasShape(_ code: String, of table: CodeTable) -> Bool {
        guard !table.entries.isEmpty else { return !code.isEmpty }
        let lengths = Set(table.entries.map { $0.code.count })
        guard lengths.contains(code.count) else { return false }
        let numeric = table.entries.allSatisfy { $0.code.allSatisfy(\.isASCIIDigit) }
        if numeric { return code.allSatisfy(\.isASCIIDigit) }
        return code.allSatisfy { $0.isASCIIDigit || ($0.isASCII && $0.isUppercase) }
    }

    struct NameMatch {
        var code: String
        var name: String
        /// Plain edit distance between the reading and the table name (0 = read exactly).
        var distance: Int
        /// OCR-confusion-aware distance (`OCRConfusion.distance`); equals `distance` when no edit is a known confusion.
        var cost: Double = 0
        /// Every edit is a substitution of characters OCR is known to confuse (e.g. 干 for 千).
        var confusionOnly: Bool { distance > 0 && cost <= Double(distance) * OCRConfusion.substitutionCost + 1e-9 }
    }

    /// The table entry whose name the reading matches: exactly, or within a small OCR-confusion-aware
    /// distance when no other entry is nearly as close (an ambiguous reading matches nothing).
    /// Names of 1–3 characters match only through one confusable character (干克 → 千克), and only when
    /// the reading is not itself another entry's name.
    static func match(name: String, in table: CodeTable) -> NameMatch? {
        if let code = table.code(forName: name) { return NameMatch(code: code, name: name, distance: 0, cost: 0) }
        guard !name.isEmpty else { return nil }
        // Table names print full-width brackets (刚果（布）); a reading gives them half-width.
        if let entry = table.entries.first(where: { FieldParser.compact($0.name) == FieldParser.compact(name) }) {
            return NameMatch(code: entry.code, name: entry.name, distance: 0, cost: 0)
        }
        var best: (entry: CodeTable.Entry, cost: Double)? = nil
        var runnerUp = Double.infinity
        for entry in table.entries {
            let c = OCRConfusion.distance(name, FieldParser.compact(entry.name))
            if let b = best {
                if c < b.cost {
                    runnerUp = b.cost
                    best = (entry, c)
                } else if c < runnerUp {
                    runnerUp = c
                }
            } else {
                best = (entry, c)
            }
        }
        guard let b = best else { return nil }
        let target = FieldParser.compact(b.entry.name)
        let edits = distance(name, target)
        let match = NameMatch(code: b.entry.code, name: b.entry.name, distance: edits, cost: b.cost)
        if target.count >= 4 {
            // Two whole edits between the best and the next entry; one suffices when the best is only
            // confusable substitutions (拆半征税 → 折半征税, not 折半补税).
            let margin = runnerUp - b.cost
            guard b.cost <= Double(tolerance(for: target)) + 1e-9, margin > 1 + 1e-9 || (match.confusionOnly && margin >= 1 - 1e-9) else { return nil }
        } else {
            // Short names: exactly one confusable substitution, and every other entry at least a whole edit further.
            guard edits == 1, match.confusionOnly, runnerUp > b.cost + 0.5 else { return nil }
        }
        return match
    }

    /// A name read exactly as an entry's name of four or more characters that every other entry is at
    /// least two edits from: to give it, a misreading would have to turn two characters into exactly
    /// another entry's (照章征税 is; 折半征税 is not, one character from 折半补税; nor is 美元, from 欧元).
    static func unmistakable(name: String, in table: CodeTable) -> Bool {
        let name = FieldParser.compact(name)
        guard name.count >= 4, table.code(forName: name) != nil else { return false }
        return table.entries.allSatisfy { entry in
            let other = FieldParser.compact(entry.name)
            return other == name || distance(name, other) >= 2
        }
    }

    /// One misread character per four, at most 2; names of 1–3 characters must be read exactly
    /// (or with one confusable character, see `match`).
    static func tolerance(for name: String) -> Int { min(2, name.count / 4) }

    /// Levenshtein distance over characters.
    static func distance(_ a: String, _ b: String) -> Int {
        let x = Array(a), y = Array(b)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var previous = Array(0...y.count)
        var current = [Int](repeating: 0, count: y.count + 1)
        for i in 1...x.count {
            current[0] = i
            for j in 1...y.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[y.count]
    }

    /// What a name repair changed, for the field's evidence: `'干' read for '千'`.
    static func describeSubstitutions(read: String, as name: String) -> String {
        let a = Array(read), b = Array(name)
        guard a.count == b.count else { return "'\(read)' read for '\(name)'" }
        let changed = zip(a, b).filter { $0 != $1 }.map { "'\($0.0)' read for '\($0.1)'" }
        return changed.isEmpty ? "read exactly" : changed.joined(separator: ", ")
    }
}

/// Characters OCR engines are known to confuse. A substitution between two characters of one group
/// costs less than an arbitrary substitution, so that a closed vocabulary (codes, units, countries,
/// currencies, duty modes) is matched by what a scan can plausibly have turned it into.
/// The list is deliberately short: only confusions seen with the printed fonts of the form.
enum OCRConfusion {
    /// Groups of mutually confusable characters (data, not logic).
    static let groups: [String] = [
        // Latin letters and digits
        "0ODQ", "1lI|!", "5S", "8B", "2Z", "6G", "7T",
        // Chinese characters that differ by one short stroke or dot
        "千干于王", "己已巳", "未末", "土士", "日曰目", "人入八", "大太犬", "天夫", "王玉", "刀力",
        "贝见", "鸟乌", "免兔", "折拆", "戊戌戍", "元无", "币市", "兑克", "台合", "个介", "只兄", "支文",
    ]
    static let substitutionCost = 0.3

    /// The groups each character belongs to (王 is confused both with 千 and with 玉).
    static let groupsOf: [Character: Set<Int>] = {
        var map: [Character: Set<Int>] = [:]
        for (i, group) in groups.enumerated() { for c in group { map[c, default: []].insert(i) } }
        return map
    }()

    /// Cost of reading `b` where `a` is printed: 0 same, `substitutionCost` confusable, 1 otherwise.
    static func cost(_ a: Character, _ b: Character) -> Double {
        if a == b { return 0 }
        if let x = groupsOf[a], let y = groupsOf[b], !x.isDisjoint(with: y) { return substitutionCost }
        return 1
    }

    /// Whether two characters are a known OCR confusion.
    static func confusable(_ a: Character, _ b: Character) -> Bool { a != b && cost(a, b) < 1 }

    /// Weighted Levenshtein distance: insertions and deletions cost 1, substitutions `cost(_:_:)`.
    static func distance(_ a: String, _ b: String) -> Double {
        let x = Array(a), y = Array(b)
        if x.isEmpty { return Double(y.count) }
        if y.isEmpty { return Double(x.count) }
        var previous = (0...y.count).map(Double.init)
        var current = [Double](repeating: 0, count: y.count + 1)
        for i in 1...x.count {
            current[0] = Double(i)
            for j in 1...y.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost(x[i - 1], y[j - 1]))
            }
            swap(&previous, &current)
        }
        return previous[y.count]
    }

    /// The digit a letter stands for where only a digit can be printed (O → 0, S → 5 …).
    static func digit(forLetter c: Character) -> Character? {
        guard c.isLetter || c == "|" || c == "!" else { return nil }
        let forms = [c, Character(c.uppercased()), Character(c.lowercased())]
        for group in groups where forms.contains(where: { group.contains($0) }) {
            if let d = group.first(where: \.isASCIIDigit) { return d }
        }
        return nil
    }

    /// The letter a digit stands for where only an (upper-case) letter can be printed (0 → O, 5 → S …).
    static func letter(forDigit c: Character) -> Character? {
        guard c.isASCIIDigit, let g = groupsOf[c]?.min() else { return nil }
        return groups[g].first { $0.isASCII && $0.isUppercase }
    }

    /// A reading of a number with letters a Latin model confuses with digits turned into those digits
    /// (`1O5.2S` → `105.25`); nil when a character is neither a digit, a decimal point nor such a letter.
    static func digitsOnly(_ text: String) -> String? {
        var out = ""
        for c in text where !c.isWhitespace && c != "," {
            if c.isASCIIDigit || c == "." { out.append(c) } else if c == "。" { out.append(".") } else if let d = digit(forLetter: c) { out.append(d) } else { return nil }
        }
        return out.isEmpty ? nil : out
    }
}
