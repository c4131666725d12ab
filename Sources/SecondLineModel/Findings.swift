import Foundation

public enum Severity: String, Sendable, Hashable, Comparable {
    case error
    case warning

    public static func < (a: Severity, b: Severity) -> Bool { a == .error && b == .warning }
}

/// One rule violation: which rule, how serious, which fields, and what a broker should know.
public struct Finding: Sendable, Hashable, CustomStringConvertible {
    public var rule: String
    public var severity: Severity
    public var fields: [String]
    public var message: String

    public init(rule: String, severity: Severity, fields: [String], message: String) {
        self.rule = rule
        self.severity = severity
        self.fields = fields
        self.message = message
    }

    public var description: String {
        "\(severity.rawValue) \(rule) [\(fields.joined(separator: ", "))]: \(message)"
    }

    public var json: JSONValue {
        .object([
            ("rule", .string(rule)), ("severity", .string(severity.rawValue)),
            ("fields", .array(fields.map { .string($0) })), ("message", .string(message)),
        ])
    }
}

public enum GapReason: String, Sendable, Hashable, CaseIterable {
    case blank, unreadable, malformed, inconsistent
}

/// A box in page pixels (after rotation): x, y from the top-left corner.
public struct PixelBox: Sendable, Hashable {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int
    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    public var json: JSONValue { .array([x, y, width, height].map { .number(String($0)) }) }
}

/// A field that could not be filled in from paper: it is left out of the declaration.
public struct Gap: Sendable, Hashable {
    public var field: String
    public var reason: GapReason
    public var page: Int?
    public var box: PixelBox?
    public var text: String?
    public var message: String
    /// The values two disagreeing readings gave, for checks across items (not part of the JSON: the
    /// message quotes them).
    public var readings: [String] = []

    public init(field: String, reason: GapReason, page: Int? = nil, box: PixelBox? = nil, text: String? = nil, message: String) {
        self.field = field
        self.reason = reason
        self.page = page
        self.box = box
        self.text = text
        self.message = message
    }

    public var json: JSONValue {
        var members: [(String, JSONValue)] = [("field", .string(field)), ("reason", .string(reason.rawValue))]
        if let page { members.append(("page", .number(String(page)))) }
        if let box { members.append(("box", box.json)) }
        if let text { members.append(("text", .string(text))) }
        members.append(("message", .string(message)))
        return .object(members)
    }
}

/// What was read for one field and how sure the reader is.
public struct FieldEvidence: Sendable, Hashable {
    public var text: String
    /// In [0, 1]; calibrated: of the fields given 0.95, about 95 % are right.
    public var confidence: Double
    public var page: Int
    public var box: PixelBox?
    /// Repairs and cross-checks applied (what was read, what it became, why).
    public var notes: [String]
    /// The page whose reading of the same print was taken instead of reading this one again; nil when
    /// read here. A copy is no independent reading (not part of the JSON: the notes say so).
    public var copiedFrom: Int? = nil

    public init(text: String, confidence: Double, page: Int, box: PixelBox? = nil, notes: [String] = []) {
        self.text = text
        self.confidence = confidence
        self.page = page
        self.box = box
        self.notes = notes
    }

    public var json: JSONValue {
        var members: [(String, JSONValue)] = [
            ("text", .string(text)),
            ("confidence", .number(String(format: "%.3f", min(1, max(0, confidence))))),
            ("page", .number(String(page))),
        ]
        if let box { members.append(("box", box.json)) }
        if !notes.isEmpty { members.append(("notes", .array(notes.map { .string($0) }))) }
        return .object(members)
    }
}

public struct SourcePage: Sendable, Hashable {
    public var file: String
    /// 0-based page index inside the file.
    public var index: Int
    /// The `页码` printed on the page, when read.
    public var pageNumber: Int?
    public var rotation: Int
    public var skewDegrees: Double
    public var dpi: Int

    public init(file: String, index: Int, pageNumber: Int? = nil, rotation: Int = 0, skewDegrees: Double = 0, dpi: Int = 300) {
        self.file = file
        self.index = index
        self.pageNumber = pageNumber
        self.rotation = rotation
        self.skewDegrees = skewDegrees
        self.dpi = dpi
    }

    public var json: JSONValue {
        var members: [(String, JSONValue)] = [("file", .string(file)), ("index", .number(String(index)))]
        members.append(("pageNumber", pageNumber.map { .number(String($0)) } ?? .null))
        members.append(("rotation", .number(String(rotation))))
        members.append(("skewDegrees", .number(String(format: "%.2f", skewDegrees))))
        members.append(("dpi", .number(String(dpi))))
        return .object(members)
    }
}

public enum ResultStatus: String, Sendable, Hashable, CaseIterable {
    case accepted
    case needsReview = "needs-review"
    case rejected
}

/// The result of reading one declaration (result-format.md).
public struct ResultDocument: Sendable, Hashable {
    public static let schemaVersion = 1
    public var files: [String]
    public var pages: [SourcePage]
    public var sha256: [String]
    public var status: ResultStatus
    public var declaration: Declaration?
    public var fields: [String: FieldEvidence]
    public var gaps: [Gap]
    public var findings: [Finding]
    /// Why the input is not a declaration or could not be read as a whole.
    public var rejectionReason: String?

    public init(
        files: [String], pages: [SourcePage] = [], sha256: [String] = [], status: ResultStatus,
        declaration: Declaration? = nil, fields: [String: FieldEvidence] = [:], gaps: [Gap] = [],
        findings: [Finding] = [], rejectionReason: String? = nil
    ) {
        self.files = files
        self.pages = pages
        self.sha256 = sha256
        self.status = status
        self.declaration = declaration
        self.fields = fields
        self.gaps = gaps
        self.findings = findings
        self.rejectionReason = rejectionReason
    }

    /// accepted = no gap and no error finding; otherwise needs-review.
    public static func status(gaps: [Gap], findings: [Finding]) -> ResultStatus {
        gaps.isEmpty && !findings.contains { $0.severity == .error } ? .accepted : .needsReview
    }

    public var json: JSONValue {
        var members: [(String, JSONValue)] = [("schemaVersion", .number(String(Self.schemaVersion)))]
        members.append(("source", .object([
            ("files", .array(files.map { .string($0) })),
            ("pages", .array(pages.map(\.json))),
            ("sha256", .array(sha256.map { .string($0) })),
        ])))
        members.append(("status", .string(status.rawValue)))
        if let rejectionReason { members.append(("rejectionReason", .string(rejectionReason))) }
        members.append(("declaration", declaration.map(DeclarationJSON.value(of:)) ?? .null))
        members.append(("fields", .object(FieldPath.sorted(fields.keys).map { ($0, fields[$0]!.json) })))
        members.append(("gaps", .array(gaps.map(\.json))))
        members.append(("findings", .array(findings.map(\.json))))
        return .object(members)
    }

    public func jsonData() -> Data { JSONWriter.data(json) }
}

/// Field paths like `items[2].hsCode`, with helpers to order them as on the form.
public enum FieldPath {
    public static func item(_ index: Int, _ key: String) -> String { "items[\(index)].\(key)" }

    /// Header fields in form order first, then items by index.
    public static func sorted(_ paths: some Sequence<String>) -> [String] {
        let order = Dictionary(uniqueKeysWithValues: DeclarationJSON.headerKeys.enumerated().map { ($1, $0) })
        func key(_ path: String) -> (Int, Int, String) {
            if path.hasPrefix("items["), let close = path.firstIndex(of: "]"),
               let index = Int(path[path.index(path.startIndex, offsetBy: 6)..<close]) {
                return (1000, index, path)
            }
            let head = String(path.prefix { $0 != "." && $0 != "[" })
            return (order[head] ?? 999, 0, path)
        }
        return paths.sorted { key($0) < key($1) }
    }
}
