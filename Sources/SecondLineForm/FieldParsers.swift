import Foundation
import SecondLineModel
import SecondLineRules

/// Why a field's text could not become a value. Maps onto a gap.
public struct FieldProblem: Error, Sendable, Hashable, CustomStringConvertible {
    public var reason: GapReason
    public var message: String
    public init(_ reason: GapReason, _ message: String) {
        self.reason = reason
        self.message = message
    }
    public var description: String { "\(reason.rawValue): \(message)" }
}

/// Turns the text read from one cell into a typed value. Strict on purpose: anything that
/// does not have the printed format is `malformed`, never patched into shape.
public enum FieldParser {
    /// Full-width ASCII to half-width, ideographic space and runs of spaces to one space, trimmed.
    public static func normalize(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        for s in text.unicodeScalars {
            switch s.value {
            case 0xFF01...0xFF5E: scalars.append(Unicode.Scalar(s.value - 0xFEE0)!)
            case 0x3000, 0x00A0, 0x09: scalars.append(" ")
            case 0x2014, 0x2013, 0x2212: scalars.append("-")
            default: scalars.append(s)
            }
        }
        let joined = String(scalars).split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
        return joined.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Text with every space removed (numbers, dates and codes never contain spaces).
    public static func compact(_ text: String) -> String {
        normalize(text).filter { !$0.isWhitespace }
    }

    static func isBlank(_ text: String) -> Bool { compact(text).isEmpty }

    // MARK: dates, numbers

    /// `YYYYMMDD` → date.
    public static func date(_ text: String) -> Result<CalendarDate, FieldProblem> {
        let t = compact(text)
        if t.isEmpty { return .failure(FieldProblem(.blank, "the date is blank")) }
        guard t.count == 8, t.allSatisfy(\.isASCIIDigit) else {
            return .failure(FieldProblem(.malformed, "'\(t)' is not a date printed as YYYYMMDD"))
        }
        guard let date = CalendarDate(compact: t) else {
            return .failure(FieldProblem(.malformed, "'\(t)' is not a real calendar date"))
        }
        return .success(date)
    }

    /// A plain decimal with `.` as separator and no grouping; keeps the printed scale.
    public static func decimal(_ text: String) -> Result<ExactDecimal, FieldProblem> {
        let t = compact(text)
        if t.isEmpty { return .failure(FieldProblem(.blank, "the amount is blank")) }
        guard t.allSatisfy({ $0.isASCIIDigit || $0 == "." }), let value = ExactDecimal(t) else {
            return .failure(FieldProblem(.malformed, "'\(t)' is not a plain decimal number"))
        }
        // "007.5" is not how a form prints a number; a leading zero before other digits is a misread.
        if t.count > 1, t.first == "0", t.dropFirst().first != "." {
            return .failure(FieldProblem(.malformed, "'\(t)' has a leading zero"))
        }
        return .success(value)
    }

    /// A whole number ≥ 1 without sign or grouping.
    public static func integer(_ text: String) -> Result<Int, FieldProblem> {
        let t = compact(text)
        if t.isEmpty { return .failure(FieldProblem(.blank, "the number is blank")) }
        guard t.count <= 9, t.allSatisfy(\.isASCIIDigit), t.first != "0", let value = Int(t) else {
            return .failure(FieldProblem(.malformed, "'\(t)' is not a whole number"))
        }
        return .success(value)
    }

    // MARK: stray marks

    /// Marks a speck, a stamp's edge or a rule's end is read as, none of which a digit is misread as:
    /// never printed at the end of a number, nor at either end of a code or a table's name.
    static let strayMarks: Set<Character> = [".", ",", "，", "。", "、", ":", ";", "：", "；", "-"]
    /// Marks that may be a misread 1 (`|`, `!`, `'`): stray only after a word or a quantity's unit.
    static let strayMarksAfterWords: Set<Character> = ["|", "_", "'", "`", "~", "‘", "’", "!"]
    /// What a decimal point may be read as.
    static let decimalPoints: Set<Character> = [".", ",", "，", "。"]

    /// What a trimmed text is: the marks that may be removed depend on it. A quantity ends in its unit's
    /// name, so nothing after it is a digit or a decimal point.
    public enum PrintedKind: Sendable { case wholeNumber, decimal, quantity, word }

    /// `text` (compacted) without the stray marks read at its end — and, for a word (a code or a table's
    /// name), at its start — and the marks removed (empty when none were). A number keeps a mark that may
    /// be a misread 1. A decimal keeps a trailing point (or comma) unless a point remains before it:
    /// `8753.` may be `875.3` with its point misplaced, `1379461.53.` is not.
    public static func trimmingStrayMarks(_ text: String, as kind: PrintedKind) -> (text: String, removed: String) {
        var t = compact(text)
        var removed = ""
        let marks = kind == .word || kind == .quantity ? strayMarks.union(strayMarksAfterWords) : strayMarks
        while let last = t.last, marks.contains(last) {
            if kind == .decimal, decimalPoints.contains(last), !t.dropLast().contains(".") { break }
            removed = String(last) + removed
            t.removeLast()
        }
        while kind == .word, let first = t.first, marks.contains(first) {
            removed = String(first) + removed
            t.removeFirst()
        }
        return (t, removed)
    }

    /// Chinese text (an item name or specification) without marks read before its first or after its last
    /// Chinese character (`咖啡豆.`, `哥伦比亚,`): no such text begins or ends with punctuation there, except
    /// the marks in `keeping` and a quote that has its pair (`“嘉禾”牌`). Spacing is kept; `removed` is what
    /// was taken off.
    static func trimmingMarksAroundChinese(_ text: String, keeping: Set<Character> = []) -> (text: String, removed: String) {
        let quotes: Set<Character> = ["\"", "“", "”"]
        var chars = Array(normalize(text))
        let marks = strayMarks.union(strayMarksAfterWords).subtracting(keeping)
            .union(chars.filter { quotes.contains($0) }.count == 1 ? quotes : [])
        func isHan(_ c: Character?) -> Bool { c?.isHan ?? false }
        var removed = ""
        while true {
            while chars.last?.isWhitespace == true { chars.removeLast() }
            guard let last = chars.last, marks.contains(last), isHan(chars.dropLast().last(where: { !$0.isWhitespace })) else { break }
            removed = String(last) + removed
            chars.removeLast()
        }
        while true {
            while chars.first?.isWhitespace == true { chars.removeFirst() }
            guard let first = chars.first, marks.contains(first), isHan(chars.dropFirst().first(where: { !$0.isWhitespace })) else { break }
            removed = String(first) + removed
            chars.removeFirst()
        }
        return (String(chars), removed)
    }

    /// The evidence note for the marks `trimmingStrayMarks` removed from `text`; none when none were.
    static func strayMarkNotes(_ text: String, removed: String) -> [String] {
        removed.isEmpty ? [] : ["read as '\(compact(text))': '\(removed)' is a speck or mark beside the value, not print"]
    }

    // MARK: label parentheses

    /// The text inside the last pair of parentheses of a label line (`监管方式 (0110)` → `0110`),
    /// nil when the label carries none. Accepts full-width and half-width brackets.
    public static func parenthesized(_ labelText: String) -> String? {
        let t = normalize(labelText)
        guard let open = t.lastIndex(where: { $0 == "(" || $0 == "[" || $0 == "{" }) else { return nil }
        let rest = t[t.index(after: open)...]
        let inner = rest.prefix { $0 != ")" && $0 != "]" && $0 != "}" }
        return String(inner).filter { !$0.isWhitespace }
    }

    // MARK: parties

    /// The 18-character unified social credit code, validated (GB 32100-2015).
    public static func uscc(_ text: String) -> Result<String, FieldProblem> {
        let t = compact(text).uppercased()
        if t.isEmpty { return .failure(FieldProblem(.blank, "the unified social credit code is blank")) }
        guard t.count == 18 else {
            return .failure(FieldProblem(.malformed, "'\(t)' has \(t.count) characters; a unified social credit code has 18"))
        }
        guard USCC.isValid(t) else {
            return .failure(FieldProblem(.malformed, "'\(t)' fails the unified social credit code check character"))
        }
        return .success(t)
    }

    /// The code inside the brackets of a reading (`(91310000…)`), or the reading without brackets.
    public static func codeInBrackets(_ text: String) -> String {
        parenthesized(text) ?? compact(text).filter { $0 != "(" && $0 != ")" }
    }

    /// Legal forms that end company names (LTD., PTY, GMBH …), as printed in capitals.
    static let legalForms: Set<String> = ["LTD", "LTDA", "LIMITED", "LLC", "LLP", "INC", "CORP", "CO", "COMPANY", "PTE", "PTY", "PLC",
                                          "GMBH", "AG", "KG", "SA", "SAS", "SAC", "SARL", "SRL", "SPA", "BV", "NV", "AB", "AS", "OY", "KK", "JSC", "BHD",
                                          "SDN", "LDA", "CORPORATION", "LP", "SE", "SL"]

    /// The last word of a Latin name when it is one letter from a legal form of three letters or more and
    /// is none itself (LID for LTD, which every network may read alike), with that form; nil otherwise.
    public static func misreadLegalForm(_ name: String) -> (read: String, near: String)? {
        let words = name.uppercased().split { !($0.isLetter || $0.isNumber) }
        guard words.count >= 2, let last = words.last.map(String.init), last.allSatisfy({ $0.isASCII }), !legalForms.contains(last) else { return nil }
        guard let near = legalForms.filter({ $0.count >= 3 && CodeFieldResolver.distance(last, $0) == 1 }).sorted().first else { return nil }
        return (last, near)
    }

    /// A company or person name as printed: normalized spacing, no trailing punctuation noise.
    public static func name(_ text: String) -> Result<String, FieldProblem> {
        let t = normalize(text)
        if t.isEmpty { return .failure(FieldProblem(.blank, "the name is blank")) }
        return .success(t)
    }

    /// In a code of letters followed by digits (`AEO0445404946`), a character at the boundary that OCR
    /// confuses with its counterpart (O/0, I/1, S/5, B/8, Z/2, G/6) could belong to either run. Returns the
    /// pair, or nil when the boundary is clear.
    public static func letterDigitBoundaryConfusion(_ code: String) -> String? {
        let pairs: [Character: Character] = ["O": "0", "0": "O", "I": "1", "1": "I", "S": "5", "5": "S", "B": "8", "8": "B", "Z": "2", "2": "Z", "G": "6", "6": "G"]
        let chars = Array(code)
        guard let boundary = chars.firstIndex(where: \.isASCIIDigit), boundary > 0 else { return nil }
        for i in [boundary - 1, boundary] where i < chars.count {
            let c = chars[i]
            if let other = pairs[c] { return "'\(c)' and '\(other)'" }
        }
        return nil
    }

    /// Overseas party value line: name, with the AEO code in parentheses when it has one.
    public static func overseasParty(_ text: String) -> Result<OverseasParty, FieldProblem> {
        let t = normalize(text)
        if t.isEmpty { return .failure(FieldProblem(.blank, "the overseas party is blank")) }
        if let open = t.lastIndex(of: "("), t.hasSuffix(")") {
            let inner = t[t.index(after: open)..<t.index(before: t.endIndex)].filter { !$0.isWhitespace }
            let name = t[..<open].trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty else { return .failure(FieldProblem(.malformed, "'\(t)' has an AEO code but no name")) }
            guard inner.count >= 4, inner.allSatisfy({ $0.isASCIIDigit || ($0.isASCII && $0.isUppercase) }) else {
                return .failure(FieldProblem(.malformed, "'\(inner)' in '\(t)' is not an AEO code"))
            }
            return .success(OverseasParty(name: name, aeoCode: String(inner)))
        }
        if t.contains("(") || t.contains(")") {
            return .failure(FieldProblem(.malformed, "'\(t)' has an unbalanced parenthesis"))
        }
        return .success(OverseasParty(name: t, aeoCode: nil))
    }

    /// No name ends with a comma: one read there is a speck.
    static func trimmingTrailingCommas(_ text: String) -> String {
        var name = text
        while let last = name.last, last == "," || last == "，" || last.isWhitespace { name.removeLast() }
        return name
    }

    /// The name in a reading of the overseas party's cell, for comparing readings: what precedes an AEO
    /// code in brackets at its end (a network may read the bracket as a brace or square bracket), without
    /// trailing commas. A bracket inside the name (`ACME [ASIA] LTD`) is part of it.
    static func overseasNamePart(_ text: String) -> String {
        let name = text.firstMatch(of: /[(（{\[]\s*AE[O0Q][0-9A-Z ]*[)）}\]]?\s*$/).map { String(text[..<$0.range.lowerBound]) } ?? text
        return trimmingTrailingCommas(name)
    }

    // MARK: charges, documents, booleans

    /// `CUR/amount/mark` (mark 2 per unit, 3 total) or `rate/1`.
    public static func charge(_ text: String) -> Result<Charge, FieldProblem> {
        let t = compact(text).uppercased()
        if t.isEmpty { return .failure(FieldProblem(.blank, "the charge is blank")) }
        let parts = t.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        func amount(_ s: String) -> ExactDecimal? {
            guard s.allSatisfy({ $0.isASCIIDigit || $0 == "." }) else { return nil }
            if s.count > 1, s.first == "0", s.dropFirst().first != "." { return nil }
            return ExactDecimal(s)
        }
        if parts.count == 2, parts[1] == "1", let rate = amount(parts[0]) {
            return .success(Charge(mark: 1, amount: rate, currency: nil))
        }
        if parts.count == 3, parts[0].count == 3, parts[0].allSatisfy({ $0.isASCII && $0.isLetter }),
           let value = amount(parts[1]), parts[2] == "2" || parts[2] == "3" {
            return .success(Charge(mark: Int(parts[2]), amount: value, currency: parts[0]))
        }
        return .failure(FieldProblem(.malformed, "'\(t)' is neither CUR/amount/mark (mark 2 or 3) nor rate/1"))
    }

    /// `随附单证1：CODE:NUMBER  随附单证2：CODE:NUMBER` → documents (zero to two).
    public static func documents(_ text: String) -> Result<[AttachedDocument], FieldProblem> {
        let t = normalize(text)
        if t.isEmpty { return .failure(FieldProblem(.blank, "no attached documents are printed")) }
        // The printed prefix (随附单证N：) is Chinese; what remains is "N:CODE:NUMBER" per document.
        // Quote marks are specks. Document codes are letters of either case (customs uses 'a' as well as 'A').
        let latin = String(t.unicodeScalars.map { $0.properties.isIdeographic || "\"'“”‘’`".unicodeScalars.contains($0) ? " " : Character($0) })
        let pattern = /(?:^|\s)([12])\s*[:,;]\s*([0-9A-Za-z]{1,4})\s*:\s*([0-9A-Za-z\-\/]+)/
        var docs: [AttachedDocument] = []
        var consumed = 0
        for match in latin.matches(of: pattern) {
            docs.append(AttachedDocument(code: String(match.2), number: String(match.3)))
            consumed += match.0.filter { !$0.isWhitespace }.count
        }
        let meaningful = latin.filter { !$0.isWhitespace }.count
        guard !docs.isEmpty, docs.count <= 2, consumed == meaningful else {
            return .failure(FieldProblem(.malformed, "'\(t)' is not 随附单证N：CODE:NUMBER"))
        }
        return .success(docs)
    }

    /// The confirmation value after its label: exactly one of 是/否.
    public static func confirmation(_ text: String, label: String, yes: String = "是", no: String = "否")
        -> Result<Bool, FieldProblem>
    {
        var t = compact(text)
        // Drop the label (or what is left of it) so that only the value remains.
        if let colon = t.lastIndex(where: { $0 == ":" }) { t = String(t[t.index(after: colon)...]) }
        else if t.hasPrefix(label.filter { $0 != "：" && $0 != ":" }) {
            t = String(t.dropFirst(label.filter { $0 != "：" && $0 != ":" }.count))
        }
        if t.isEmpty { return .failure(FieldProblem(.blank, "the confirmation is not filled in")) }
        let hasYes = t.contains(yes), hasNo = t.contains(no)
        if hasYes && !hasNo && t.count == yes.count { return .success(true) }
        if hasNo && !hasYes && t.count == no.count { return .success(false) }
        return .failure(FieldProblem(.malformed, "'\(t)' is neither \(yes) nor \(no)"))
    }

    // MARK: text fields

    /// Free text of a given field; format checks follow declaration-form.md.
    public static func text(_ raw: String, field: String) -> Result<String, FieldProblem> {
        let t = normalize(raw)
        if t.isEmpty { return .failure(FieldProblem(.blank, "\(field) is blank")) }
        let c = compact(raw).uppercased()
        switch field {
        case "preEntryNumber":
            guard c.count == 18, c.allSatisfy({ $0.isASCIIDigit || ($0.isASCII && $0.isUppercase) }) else {
                return .failure(FieldProblem(.malformed, "'\(c)' is not an 18-character pre-entry number"))
            }
            return .success(c)
        case "customsNumber":
            guard c.count == 18, c.allSatisfy(\.isASCIIDigit) else {
                return .failure(FieldProblem(.malformed, "'\(c)' is not an 18-digit customs number"))
            }
            return .success(c)
        case "recordNumber":
            guard c.count == 12, c.allSatisfy({ $0.isASCIIDigit || ($0.isASCII && $0.isUppercase) }) else {
                return .failure(FieldProblem(.malformed, "'\(c)' is not a 12-character record number"))
            }
            return .success(c)
        case "licenseNumber":
            guard c.wholeMatch(of: /[0-9A-Z]{2}-[0-9A-Z]{2}-[0-9A-Z]{1,14}/) != nil else {
                return .failure(FieldProblem(.malformed, "'\(c)' is not a licence number xx-xx-…"))
            }
            return .success(c)
        case "declarantCardNumber":
            guard c.count >= 4, c.allSatisfy({ $0.isASCIIDigit || ($0.isASCII && $0.isUppercase) }) else {
                return .failure(FieldProblem(.malformed, "'\(c)' is not a declarant card number"))
            }
            return .success(c)
        case "declarantPhone":
            guard c.count >= 5, c.allSatisfy({ $0.isASCIIDigit || $0 == "-" }), c.first != "-", c.last != "-" else {
                return .failure(FieldProblem(.malformed, "'\(c)' is not a telephone number"))
            }
            return .success(c)
        case "billOfLading", "contractNumber":
            guard !c.contains(where: \.isHan) else {
                return .failure(FieldProblem(.malformed, "'\(t)' contains Chinese characters"))
            }
            return .success(t)
        default:
            return .success(t)
        }
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
    /// A Chinese character (CJK ideograph).
    var isHan: Bool { unicodeScalars.first?.properties.isIdeographic ?? false }
}

