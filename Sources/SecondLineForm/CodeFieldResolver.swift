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
        // Only the name is usable: recover the code from it.
        if let match = nameMatch, code.isEmpty || !codeShapeOK || !codeTrusted {
            // Short names (CIF, C&F, 全免) are one misread apart: without the code they prove nothing.
            guard match.name.count >= 4 || (nameOnly && nameTrusted && match.distance == 0) else {
                return problem(.unreadable, "the code could not be read and the short name '\(name)' alone does not settle it")
            }
            guard nameTrusted || match.distance == 0 else { return problem(.unreadable, "the name '\(name)' was read with low confidence and no code confirms it") }
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

    /// Where every code of the table has a digit at a position, a read O or I there is 0 or 1, and where
    /// every code has a letter, a read 0 or 1 is O or I (the one confusion a code's format settles).
    static func conformToShape(_ code: String, of table: CodeTable) -> String {
        let codes = table.entries.map { Array($0.code) }
        guard !codes.isEmpty, Set(codes.map(\.count)) == [code.count] else { return code }
        var chars = Array(code)
        for i in chars.indices {
            let column = codes.map { $0[i] }
            if column.allSatisfy(\.isASCIIDigit) {
                if chars[i] == "O" || chars[i] == "D" || chars[i] == "Q" { chars[i] = "0" } else if chars[i] == "I" || chars[i] == "L" { chars[i] = "1" }
            } else if column.allSatisfy({ $0.isASCII && $0.isLetter }) {
                if chars[i] == "0" { chars[i] = "O" } else if chars[i] == "1" { chars[i] = "I" }
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

    struct NameMatch { var code: String; var name: String; var distance: Int }

    /// The table entry whose name the reading matches: exactly, or within a small edit distance
    /// when no other entry is nearly as close (an ambiguous reading matches nothing).
    static func match(name: String, in table: CodeTable) -> NameMatch? {
        if let code = table.code(forName: name) { return NameMatch(code: code, name: name, distance: 0) }
        var best: NameMatch? = nil
        var runnerUp = Int.max
        for entry in table.entries {
            let d = distance(name, FieldParser.compact(entry.name))
            if let b = best {
                if d < b.distance {
                    runnerUp = b.distance
                    best = NameMatch(code: entry.code, name: entry.name, distance: d)
                } else if d < runnerUp {
                    runnerUp = d
                }
            } else {
                best = NameMatch(code: entry.code, name: entry.name, distance: d)
            }
        }
        guard let b = best, b.distance <= tolerance(for: b.name), runnerUp > b.distance + 1 else { return nil }
        return b
    }

    /// One misread character per four, at most 2; names of 1–3 characters must be read exactly.
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
}
