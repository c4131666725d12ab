import SecondLineModel

/// The unified social credit code (GB 32100-2015).
public enum USCC {
    public static let alphabet = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")
    static let weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    static let values: [Character: Int] = Dictionary(uniqueKeysWithValues: alphabet.enumerated().map { ($1, $0) })

    public enum Problem: Sendable, Hashable {
        case length(Int)
        case character(Character, position: Int)
        case checkCharacter(found: Character, expected: Character)
    }

    /// The check character for the first 17 characters, or nil if one is outside the alphabet.
    public static func checkCharacter(for first17: some StringProtocol) -> Character? {
        let chars = Array(first17)
        guard chars.count == 17 else { return nil }
        var sum = 0
        for (i, c) in chars.enumerated() {
            guard let v = values[c] else { return nil }
            sum += v * weights[i]
        }
        return alphabet[(31 - sum % 31) % 31]
    }

    /// Value of each ASCII byte in the alphabet, -1 outside it.
    static let byteValues: [Int] = {
        var table = [Int](repeating: -1, count: 128)
        for (i, c) in alphabet.enumerated() { table[Int(c.asciiValue!)] = i }
        return table
    }()

    public static func problem(in code: String) -> Problem? {
        let bytes = Array(code.utf8)
        guard bytes.count == 18, bytes.allSatisfy({ $0 < 128 }) else {
            let chars = Array(code)
            if chars.count != 18 { return .length(chars.count) }
            for (i, c) in chars.enumerated() where values[c] == nil { return .character(c, position: i + 1) }
            return nil
        }
        var sum = 0
        for i in 0..<18 {
            let v = byteValues[Int(bytes[i])]
            if v < 0 { return .character(Character(Unicode.Scalar(bytes[i])), position: i + 1) }
            if i < 17 { sum += v * weights[i] }
        }
        let expected = alphabet[(31 - sum % 31) % 31]
        let found = Character(Unicode.Scalar(bytes[17]))
        return found == expected ? nil : .checkCharacter(found: found, expected: expected)
    }

    public static func isValid(_ code: String) -> Bool { problem(in: code) == nil }
}

/// ID-USCC: every party's unified social credit code.
public struct USCCRule: Rule {
    public let id = "ID-USCC"
    public init() {}

    public func check(_ d: Declaration, context: RuleContext) -> [Finding] {
        var list = FindingList(id)
        for (party, path, label) in [(d.domesticParty, "domesticParty.uscc", "domestic party"), (d.endUser, "endUser.uscc", "end user"), (d.declaringUnit, "declaringUnit.uscc", "declaring unit")] {
            guard let code = party?.uscc, let problem = USCC.problem(in: code) else { continue }
            switch problem {
            case .length(let n):
                list.error([path], "the \(label)'s credit code \"\(code)\" has \(n) characters; it must have 18")
            case let .character(c, position):
                list.error([path], "the \(label)'s credit code \"\(code)\" has '\(c)' at position \(position), which is not allowed (I, O, S, V, Z and lower case never occur)")
            case let .checkCharacter(found, expected):
                list.error([path], "the \(label)'s credit code \"\(code)\" ends in '\(found)' but its check character must be '\(expected)'; a character is probably mistyped")
            }
        }
        return list.findings
    }
}

/// ID-CUSTOMS-NUMBER: office, year and import/export flag inside the customs number.
public struct CustomsNumberRule: Rule {
    public let id = "ID-CUSTOMS-NUMBER"
    public init() {}

    public func check(_ d: Declaration, context: RuleContext) -> [Finding] {
        var list = FindingList(id)
        guard let number = d.customsNumber, Shape.digits(number, 18) else { return [] }
        let chars = Array(number)
        let office = String(chars[0..<4])
        if let port = d.customsPort, port != office {
            list.error(["customsNumber", "customsPort"], "the customs number starts with office \(office) but the customs port is \(port)")
        }
        if let date = d.declarationDate, let year = Int(String(chars[4..<8])), year != date.year {
            let firstWeek = date.month == 1 && date.day <= 7 && year == date.year - 1
            list.add(firstWeek ? .warning : .error, ["customsNumber", "declarationDate"],
                     "the customs number carries year \(year) but the declaration date is \(date.iso)")
        }
        if let type = d.formType {
            let expected: Character = type.isImport ? "1" : "0"
            if chars[8] != expected {
                list.error(["customsNumber"], "digit 9 of the customs number is \(chars[8]) but must be \(expected) on \(type.isImport ? "import" : "export") forms")
            }
        }
        return list.findings
    }
}

/// ID-RECORD-PREFIX: the record (manual) number's first letter fits the supervision mode.
public struct RecordPrefixRule: Rule {
    public let id = "ID-RECORD-PREFIX"
    public init() {}

    static let prefixes: [String: Set<Character>] = [
        "0214": ["B", "E"], "0255": ["B", "E"], "0258": ["B", "E"], "0265": ["B", "E"], "0865": ["B", "E"],
        "0615": ["C", "E"], "0715": ["C", "E"], "0654": ["C", "E"], "0657": ["C", "E"], "0664": ["C", "E"], "0864": ["C", "E"],
        "5014": ["H"], "5015": ["H"], "5100": ["H"], "5000": ["H", "T"], "5034": ["H", "T"],
    ]

    static func isProcessingTrade(_ mode: String) -> Bool {
        ["02", "06", "07", "08"].contains(String(mode.prefix(2))) && mode.count == 4
    }

    public func check(_ d: Declaration, context: RuleContext) -> [Finding] {
        var list = FindingList(id)
        guard let mode = d.supervisionMode else { return [] }
        var allowed = Self.prefixes[mode]
        if mode == "0110", let levy = d.levyNature, ["401", "789", "799"].contains(levy) { allowed = ["Z"] }
        guard let record = d.recordNumber else {
            if Self.isProcessingTrade(mode) {
                list.error(["recordNumber", "supervisionMode"], "supervision mode \(mode) is processing trade and needs a record number (备案号)")
            }
            return list.findings
        }
        if let allowed, let first = record.first, !allowed.contains(first) {
            list.error(["recordNumber", "supervisionMode"], "record number \(record) starts with \(first), but supervision mode \(mode) needs one starting with \(allowed.sorted().map(String.init).joined(separator: " or "))")
        }
        return list.findings
    }
}
