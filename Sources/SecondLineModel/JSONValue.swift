import Foundation

/// A JSON document that keeps key order and number text exactly as written.
///
/// Our own reader (not JSONSerialization) so that decimals stay exact, errors carry line and
/// column, non-UTF-8 text is caught, and decoding is fast enough for bulk validation.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    /// The number's text as written (`1250.10`), never converted to binary floating point.
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case let (.bool(x), .bool(y)): return x == y
        case let (.number(x), .number(y)): return x == y
        case let (.string(x), .string(y)): return x == y
        case let (.array(x), .array(y)): return x == y
        case let (.object(x), .object(y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case .bool(let b): hasher.combine(b)
        case .number(let n): hasher.combine(n)
        case .string(let s): hasher.combine(s)
        case .array(let a): hasher.combine(a)
        case .object(let o): for (k, v) in o { hasher.combine(k); hasher.combine(v) }
        }
    }

    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        for (k, v) in members where k == key { return v }
        return nil
    }

    /// A short name of the JSON type, for error messages.
    public var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}

/// Where a JSON text is malformed.
public struct JSONSyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public var reason: String
    public var description: String { "line \(line), column \(column): \(reason)" }
}

public enum JSONReader {
    public static let maximumDepth = 200

    public static func parse(_ data: Data) throws(JSONSyntaxError) -> JSONValue {
        let result: Result<JSONValue, JSONSyntaxError> = data.withUnsafeBytes { raw in
            var parser = Parser(bytes: raw.bindMemory(to: UInt8.self))
            do throws(JSONSyntaxError) { return .success(try parser.parseDocument()) } catch { return .failure(error) }
        }
        return try result.get()
    }

    struct Parser {
        let bytes: UnsafeBufferPointer<UInt8>
        var position = 0
        var depth = 0

        init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        mutating func parseDocument() throws(JSONSyntaxError) -> JSONValue {
            // A UTF-8 byte order mark is tolerated.
            if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { position = 3 }
            skipWhitespace()
            guard position < bytes.count else { throw error("the file holds no JSON value") }
            let value = try parseValue()
            skipWhitespace()
            guard position == bytes.count else { throw error("unexpected text after the JSON value") }
            return value
        }

        func error(_ reason: String, at offset: Int? = nil) -> JSONSyntaxError {
            let end = min(offset ?? position, bytes.count)
            var line = 1
            var lineStart = 0
            for i in 0..<end where bytes[i] == UInt8(ascii: "\n") {
                line += 1
                lineStart = i + 1
            }
            // Count characters, not bytes, for the column.
            var column = 1
            var i = lineStart
            while i < end {
                if bytes[i] & 0xC0 != 0x80 { column += 1 }
                i += 1
            }
            return JSONSyntaxError(line: line, column: column, reason: reason)
        }

        mutating func skipWhitespace() {
            while position < bytes.count {
                switch bytes[position] {
                case 0x20, 0x0A, 0x0D, 0x09: position += 1
                default: return
                }
            }
        }

        mutating func parseValue() throws(JSONSyntaxError) -> JSONValue {
            guard position < bytes.count else { throw error("the JSON text ends too early") }
            switch bytes[position] {
            case UInt8(ascii: "{"): return try parseObject()
            case UInt8(ascii: "["): return try parseArray()
            case UInt8(ascii: "\""): return .string(try parseString())
            case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
            case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
            case UInt8(ascii: "n"): try expectLiteral("null"); return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
            default:
                if bytes[position] >= 0x80 {
                    throw error("unexpected character; expected a JSON value")
                }
                throw error("unexpected character '\(Character(Unicode.Scalar(bytes[position])))'; expected a JSON value")
            }
        }

        mutating func expectLiteral(_ literal: StaticString) throws(JSONSyntaxError) {
            let count = literal.utf8CodeUnitCount
            guard position + count <= bytes.count else { throw error("the JSON text ends too early") }
            for i in 0..<count where bytes[position + i] != literal.utf8Start[i] {
                throw error("invalid literal; expected \(literal)")
            }
            position += count
        }

        mutating func enter() throws(JSONSyntaxError) {
            depth += 1
            if depth > JSONReader.maximumDepth { throw error("nesting is deeper than \(JSONReader.maximumDepth) levels") }
        }

        mutating func parseObject() throws(JSONSyntaxError) -> JSONValue {
            try enter()
            defer { depth -= 1 }
            position += 1
            var members: [(String, JSONValue)] = []
            skipWhitespace()
            if position < bytes.count, bytes[position] == UInt8(ascii: "}") { position += 1; return .object(members) }
            while true {
                skipWhitespace()
                guard position < bytes.count else { throw error("the JSON text ends inside an object") }
                guard bytes[position] == UInt8(ascii: "\"") else { throw error("expected a quoted key") }
                let keyStart = position
                let key = try parseString()
                for (existing, _) in members where existing == key {
                    throw error("duplicate key \"\(key)\"", at: keyStart)
                }
                skipWhitespace()
                guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { throw error("expected ':' after the key \"\(key)\"") }
                position += 1
                skipWhitespace()
                let value = try parseValue()
                members.append((key, value))
                skipWhitespace()
                guard position < bytes.count else { throw error("the JSON text ends inside an object") }
                if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
                if bytes[position] == UInt8(ascii: "}") { position += 1; return .object(members) }
                throw error("expected ',' or '}' in an object")
            }
        }

        mutating func parseArray() throws(JSONSyntaxError) -> JSONValue {
            try enter()
            defer { depth -= 1 }
            position += 1
            var elements: [JSONValue] = []
            skipWhitespace()
            if position < bytes.count, bytes[position] == UInt8(ascii: "]") { position += 1; return .array(elements) }
            while true {
                skipWhitespace()
                elements.append(try parseValue())
                skipWhitespace()
                guard position < bytes.count else { throw error("the JSON text ends inside an array") }
                if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
                if bytes[position] == UInt8(ascii: "]") { position += 1; return .array(elements) }
                throw error("expected ',' or ']' in an array")
            }
        }

        mutating func parseNumber() throws(JSONSyntaxError) -> String {
            let start = position
            if bytes[position] == UInt8(ascii: "-") { position += 1 }
            func isDigit(_ b: UInt8) -> Bool { b >= 48 && b <= 57 }
            guard position < bytes.count, isDigit(bytes[position]) else { throw error("invalid number") }
            if bytes[position] == UInt8(ascii: "0") {
                position += 1
                if position < bytes.count, isDigit(bytes[position]) { throw error("invalid number: leading zero") }
            } else {
                while position < bytes.count, isDigit(bytes[position]) { position += 1 }
            }
            if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
                position += 1
                guard position < bytes.count, isDigit(bytes[position]) else { throw error("invalid number: digits expected after '.'") }
                while position < bytes.count, isDigit(bytes[position]) { position += 1 }
            }
            if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
                position += 1
                if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") { position += 1 }
                guard position < bytes.count, isDigit(bytes[position]) else { throw error("invalid number: exponent digits expected") }
                while position < bytes.count, isDigit(bytes[position]) { position += 1 }
            }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
        }

        mutating func parseString() throws(JSONSyntaxError) -> String {
            let open = position
            position += 1
            let start = position
            var hasEscape = false
            var hasHighBytes = false
            while position < bytes.count {
                let b = bytes[position]
                if b == UInt8(ascii: "\"") { break }
                if b == UInt8(ascii: "\\") { hasEscape = true; position += 2; continue }
                if b < 0x20 { throw error("control character inside a string") }
                if b >= 0x80 { hasHighBytes = true }
                position += 1
            }
            guard position < bytes.count else { throw error("the string that starts here is never closed", at: open) }
            let raw = UnsafeBufferPointer(rebasing: bytes[start..<position])
            position += 1
            if hasHighBytes, String(validating: raw, as: UTF8.self) == nil {
                throw error("text is not valid UTF-8; save the file as UTF-8", at: start)
            }
            if !hasEscape { return String(decoding: raw, as: UTF8.self) }
            return try unescape(raw, offset: start)
        }

        func unescape(_ raw: UnsafeBufferPointer<UInt8>, offset: Int) throws(JSONSyntaxError) -> String {
            var out: [UInt8] = []
            out.reserveCapacity(raw.count)
            var i = 0
            func hex4(_ at: Int) -> UInt32? {
                guard at + 4 <= raw.count else { return nil }
                var v: UInt32 = 0
                for k in 0..<4 {
                    let c = raw[at + k]
                    let d: UInt32
                    switch c {
                    case 48...57: d = UInt32(c - 48)
                    case 65...70: d = UInt32(c - 55)
                    case 97...102: d = UInt32(c - 87)
                    default: return nil
                    }
                    v = v * 16 + d
                }
                return v
            }
            while i < raw.count {
                let b = raw[i]
                guard b == UInt8(ascii: "\\") else { out.append(b); i += 1; continue }
                guard i + 1 < raw.count else { throw error("invalid escape", at: offset + i) }
                let e = raw[i + 1]
                i += 2
                switch e {
                case UInt8(ascii: "\""): out.append(0x22)
                case UInt8(ascii: "\\"): out.append(0x5C)
                case UInt8(ascii: "/"): out.append(0x2F)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    guard var scalar = hex4(i) else { throw error("invalid \\u escape", at: offset + i) }
                    i += 4
                    if (0xD800...0xDBFF).contains(scalar) {
                        guard i + 6 <= raw.count, raw[i] == UInt8(ascii: "\\"), raw[i + 1] == UInt8(ascii: "u"),
                              let low = hex4(i + 2), (0xDC00...0xDFFF).contains(low)
                        else { throw error("unpaired surrogate in \\u escape", at: offset + i) }
                        i += 6
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let u = Unicode.Scalar(scalar) else { throw error("invalid \\u escape", at: offset + i) }
                    out.append(contentsOf: Array(String(Character(u)).utf8))
                default: throw error("invalid escape", at: offset + i - 2)
                }
            }
            return String(decoding: out, as: UTF8.self)
        }
    }
}

/// Writes JSON with keys in the order given, two-space indentation when pretty.
public enum JSONWriter {
    public static func data(_ value: JSONValue, pretty: Bool = true) -> Data {
        var out = ""
        write(value, into: &out, indent: pretty ? 0 : nil)
        if pretty { out.append("\n") }
        return Data(out.utf8)
    }

    public static func string(_ value: JSONValue, pretty: Bool = false) -> String {
        var out = ""
        write(value, into: &out, indent: pretty ? 0 : nil)
        return out
    }

    static func write(_ value: JSONValue, into out: inout String, indent: Int?) {
        switch value {
        case .null: out.append("null")
        case .bool(let b): out.append(b ? "true" : "false")
        case .number(let n): out.append(n)
        case .string(let s): writeString(s, into: &out)
        case .array(let elements):
            if elements.isEmpty { out.append("[]"); return }
            out.append("[")
            for (i, element) in elements.enumerated() {
                if i > 0 { out.append(",") }
                newline(&out, indent.map { $0 + 1 })
                write(element, into: &out, indent: indent.map { $0 + 1 })
            }
            newline(&out, indent)
            out.append("]")
        case .object(let members):
            if members.isEmpty { out.append("{}"); return }
            out.append("{")
            for (i, (key, member)) in members.enumerated() {
                if i > 0 { out.append(",") }
                newline(&out, indent.map { $0 + 1 })
                writeString(key, into: &out)
                out.append(indent == nil ? ":" : ": ")
                write(member, into: &out, indent: indent.map { $0 + 1 })
            }
            newline(&out, indent)
            out.append("}")
        }
    }

    static func newline(_ out: inout String, _ indent: Int?) {
        guard let indent else { return }
        out.append("\n")
        out.append(String(repeating: "  ", count: indent))
    }

    static func writeString(_ s: String, into out: inout String) {
        out.append("\"")
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out.append("\\\"")
            case "\\": out.append("\\\\")
            case "\n": out.append("\\n")
            case "\r": out.append("\\r")
            case "\t": out.append("\\t")
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out.append("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out.append("\"")
    }
}
