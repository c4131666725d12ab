import Foundation

/// An XML element with its children and text. Attributes are kept for round trips.
///
/// A small reader of our own rather than libxml2: DecMessage is plain elements with text, and
/// refusing every DTD outright is the simplest defence against entity expansion and external entities.
public struct XMLTree: Sendable, Hashable {
    public var name: String
    public var attributes: [String: String]
    public var children: [XMLTree]
    public var text: String

    public init(name: String, attributes: [String: String] = [:], children: [XMLTree] = [], text: String = "") {
        self.name = name
        self.attributes = attributes
        self.children = children
        self.text = text
    }

    /// The name without a namespace prefix.
    public var localName: String {
        if let colon = name.lastIndex(of: ":") { return String(name[name.index(after: colon)...]) }
        return name
    }

    public func child(_ localName: String) -> XMLTree? { children.first { $0.localName == localName } }

    public func serialized(indent: Int = 0, into out: inout String) {
        let pad = String(repeating: "  ", count: indent)
        out += pad + "<" + name
        for key in attributes.keys.sorted() { out += " \(key)=\"\(Self.escape(attributes[key]!, quote: true))\"" }
        if children.isEmpty {
            if text.isEmpty { out += "/>\n" } else { out += ">" + Self.escape(text) + "</" + name + ">\n" }
            return
        }
        out += ">\n"
        for child in children { child.serialized(indent: indent + 1, into: &out) }
        out += pad + "</" + name + ">\n"
    }

    static func escape(_ s: String, quote: Bool = false) -> String {
        var out = ""
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"" where quote: out += "&quot;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }
}

public enum XMLReader {
    public static let maximumDepth = 100

    public static func parse(_ data: Data) throws(InputError) -> XMLTree {
        let bytes = [UInt8](data)
        var parser = Parser(bytes: bytes)
        return try parser.document()
    }

    struct Parser {
        let bytes: [UInt8]
        var position = 0

        func error(_ reason: String, at offset: Int? = nil) -> InputError {
            let end = min(offset ?? position, bytes.count)
            var line = 1
            var column = 1
            for i in 0..<end {
                if bytes[i] == 0x0A { line += 1; column = 1 } else if bytes[i] & 0xC0 != 0x80 { column += 1 }
            }
            return .malformedXML(line: line, column: column, reason: reason)
        }

        func starts(with s: String) -> Bool {
            let u = Array(s.utf8)
            guard position + u.count <= bytes.count else { return false }
            for i in 0..<u.count where bytes[position + i] != u[i] { return false }
            return true
        }

        mutating func skipWhitespace() {
            while position < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[position]) { position += 1 }
        }

        mutating func skip(past terminator: String, what: String) throws(InputError) {
            let start = position
            while position < bytes.count {
                if starts(with: terminator) { position += terminator.utf8.count; return }
                position += 1
            }
            throw error("\(what) is never closed", at: start)
        }

        mutating func document() throws(InputError) -> XMLTree {
            if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { position = 3 }
            if String(validating: bytes[position...], as: UTF8.self) == nil {
                if case let .malformedXML(line, column, _) = error("", at: firstInvalidUTF8(from: position)) {
                    throw .notUTF8(line: line, column: column)
                }
                throw .notUTF8(line: 1, column: 1)
            }
            try misc()
            guard position < bytes.count, bytes[position] == UInt8(ascii: "<") else { throw error("expected the root element") }
            let root = try element(depth: 0)
            try misc()
            guard position == bytes.count else { throw error("unexpected content after the root element") }
            return root
        }

        func firstInvalidUTF8(from start: Int) -> Int {
            var i = start
            while i < bytes.count {
                let b = bytes[i]
                let length: Int
                switch b {
                case 0..<0x80: length = 1
                case 0xC2...0xDF: length = 2
                case 0xE0...0xEF: length = 3
                case 0xF0...0xF4: length = 4
                default: return i
                }
                guard i + length <= bytes.count, String(validating: bytes[i..<i + length], as: UTF8.self) != nil else { return i }
                i += length
            }
            return i
        }

        /// Prolog, comments and processing instructions between elements; any DTD is refused.
        mutating func misc() throws(InputError) {
            while true {
                skipWhitespace()
                if starts(with: "<?") { try skip(past: "?>", what: "a processing instruction"); continue }
                if starts(with: "<!--") { try skip(past: "-->", what: "a comment"); continue }
                if starts(with: "<!DOCTYPE") || starts(with: "<!ENTITY") || starts(with: "<!") {
                    throw InputError.forbiddenXML("the document declares a DTD or entities (<!DOCTYPE/<!ENTITY>); declarations are refused to prevent entity expansion and external entity attacks — export the message without a DOCTYPE")
                }
                return
            }
        }

        mutating func name() throws(InputError) -> String {
            let start = position
            while position < bytes.count {
                let b = bytes[position]
                if [0x20, 0x09, 0x0A, 0x0D, UInt8(ascii: ">"), UInt8(ascii: "/"), UInt8(ascii: "="), UInt8(ascii: "<")].contains(b) { break }
                position += 1
            }
            guard position > start else { throw error("expected a name") }
            return String(decoding: bytes[start..<position], as: UTF8.self)
        }

        mutating func element(depth: Int) throws(InputError) -> XMLTree {
            guard depth < XMLReader.maximumDepth else { throw error("elements nest deeper than \(XMLReader.maximumDepth) levels") }
            let open = position
            position += 1
            var node = XMLTree(name: try name())
            // Attributes
            while true {
                skipWhitespace()
                guard position < bytes.count else { throw error("the tag <\(node.name)> is never closed", at: open) }
                if bytes[position] == UInt8(ascii: "/") {
                    guard position + 1 < bytes.count, bytes[position + 1] == UInt8(ascii: ">") else { throw error("expected '/>'") }
                    position += 2
                    return node
                }
                if bytes[position] == UInt8(ascii: ">") { position += 1; break }
                let key = try name()
                skipWhitespace()
                guard position < bytes.count, bytes[position] == UInt8(ascii: "=") else { throw error("expected '=' after attribute \(key)") }
                position += 1
                skipWhitespace()
                guard position < bytes.count, bytes[position] == 0x22 || bytes[position] == 0x27 else { throw error("expected a quoted attribute value") }
                let quote = bytes[position]
                position += 1
                let start = position
                while position < bytes.count, bytes[position] != quote {
                    if bytes[position] == UInt8(ascii: "<") { throw error("'<' inside an attribute value") }
                    position += 1
                }
                guard position < bytes.count else { throw error("an attribute value is never closed", at: start) }
                node.attributes[key] = try decodeText(bytes[start..<position], offset: start)
                position += 1
            }
            // Content
            var text = ""
            while true {
                guard position < bytes.count else { throw error("the element <\(node.name)> is never closed", at: open) }
                if starts(with: "</") {
                    position += 2
                    let closing = try name()
                    guard closing == node.name else { throw error("</\(closing)> closes <\(node.name)>") }
                    skipWhitespace()
                    guard position < bytes.count, bytes[position] == UInt8(ascii: ">") else { throw error("expected '>'") }
                    position += 1
                    break
                }
                if starts(with: "<!--") { try skip(past: "-->", what: "a comment"); continue }
                if starts(with: "<![CDATA[") {
                    position += 9
                    let start = position
                    try skip(past: "]]>", what: "a CDATA section")
                    text += String(decoding: bytes[start..<position - 3], as: UTF8.self)
                    continue
                }
                if starts(with: "<?") { try skip(past: "?>", what: "a processing instruction"); continue }
                if starts(with: "<!") {
                    throw InputError.forbiddenXML("declarations inside the document are refused")
                }
                if bytes[position] == UInt8(ascii: "<") {
                    node.children.append(try element(depth: depth + 1))
                    continue
                }
                let start = position
                while position < bytes.count, bytes[position] != UInt8(ascii: "<") { position += 1 }
                text += try decodeText(bytes[start..<position], offset: start)
            }
            node.text = node.children.isEmpty ? text.trimmedWhitespace : ""
            return node
        }

        func decodeText(_ slice: ArraySlice<UInt8>, offset: Int) throws(InputError) -> String {
            guard slice.contains(UInt8(ascii: "&")) else { return String(decoding: slice, as: UTF8.self) }
            var out = ""
            var raw: [UInt8] = []
            var i = slice.startIndex
            while i < slice.endIndex {
                let b = slice[i]
                guard b == UInt8(ascii: "&") else { raw.append(b); i += 1; continue }
                guard let semicolon = slice[i...].firstIndex(of: UInt8(ascii: ";")), semicolon - i <= 12 else {
                    throw error("a '&' that starts no entity reference; write &amp;", at: i)
                }
                let entity = String(decoding: slice[(i + 1)..<semicolon], as: UTF8.self)
                let replacement: String
                switch entity {
                case "lt": replacement = "<"
                case "gt": replacement = ">"
                case "amp": replacement = "&"
                case "quot": replacement = "\""
                case "apos": replacement = "'"
                default:
                    var scalar: UInt32?
                    if entity.hasPrefix("#x") { scalar = UInt32(entity.dropFirst(2), radix: 16) } else if entity.hasPrefix("#") { scalar = UInt32(entity.dropFirst(), radix: 10) }
                    guard let value = scalar, let u = Unicode.Scalar(value) else {
                        throw InputError.forbiddenXML("the entity &\(entity); is not one of XML's predefined entities; custom entities are refused")
                    }
                    replacement = String(Character(u))
                }
                out += String(decoding: raw, as: UTF8.self) + replacement
                raw.removeAll()
                i = semicolon + 1
            }
            return out + String(decoding: raw, as: UTF8.self)
        }
    }
}
