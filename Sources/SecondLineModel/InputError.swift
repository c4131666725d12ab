/// Why an electronic input could not be read at all. Each message says what is wrong and what to do.
public enum InputError: Error, Sendable, Hashable, CustomStringConvertible {
    case empty
    case tooLarge(bytes: Int, limit: Int)
    case isDirectory
    case unreadable(String)
    case notUTF8(line: Int, column: Int)
    case unknownFormat
    case malformedJSON(JSONSyntaxError)
    case malformedXML(line: Int, column: Int, reason: String)
    case forbiddenXML(String)
    case wrongType(path: String, expected: String, found: String)
    case notADeclaration(String)

    public var description: String {
        switch self {
        case .empty:
            return "the file is empty; export the declaration again"
        case let .tooLarge(bytes, limit):
            return "the file is \(bytes) bytes, above the limit of \(limit) bytes; check it is a single declaration, or raise --max-bytes"
        case .isDirectory:
            return "this is a folder, not a file; give the declaration files inside it"
        case .unreadable(let reason):
            return "the file cannot be read: \(reason)"
        case let .notUTF8(line, column):
            return "line \(line), column \(column): the text is not UTF-8; save the file as UTF-8 and try again"
        case .unknownFormat:
            return "the content is neither a JSON declaration record nor a DecMessage XML document"
        case .malformedJSON(let error):
            return "malformed JSON at \(error)"
        case let .malformedXML(line, column, reason):
            return "malformed XML at line \(line), column \(column): \(reason)"
        case .forbiddenXML(let reason):
            return "refused XML: \(reason)"
        case let .wrongType(path, expected, found):
            return "\(path): expected \(expected), found \(found)"
        case .notADeclaration(let reason):
            return "not a declaration: \(reason)"
        }
    }
}

/// The content kind of an electronic input, told from its bytes, not its name.
public enum InputFormat: String, Sendable, CaseIterable {
    case json, xml

    public static func detect(_ bytes: some Collection<UInt8>) -> InputFormat? {
        var iterator = bytes.makeIterator()
        var index = 0
        while let b = iterator.next() {
            defer { index += 1 }
            // Skip a UTF-8 BOM and whitespace.
            if index < 3, b == 0xEF || b == 0xBB || b == 0xBF { continue }
            switch b {
            case 0x20, 0x09, 0x0A, 0x0D: continue
            case UInt8(ascii: "{"), UInt8(ascii: "["): return .json
            case UInt8(ascii: "<"): return .xml
            default: return nil
            }
        }
        return nil
    }
}

/// A declaration read from an electronic input, with the format problems found on the way
/// (a value that is present but not of its format: FMT-PATTERN, FMT-DATE).
public struct DecodedDeclaration: Sendable, Hashable {
    public var declaration: Declaration
    public var findings: [Finding]
    public init(declaration: Declaration, findings: [Finding] = []) {
        self.declaration = declaration
        self.findings = findings
    }
}
