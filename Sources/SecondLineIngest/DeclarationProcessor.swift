import Foundation

public enum OutputFormat: String, Sendable, CaseIterable {
    /// One result document per declaration: `<key>.json`.
    case json
    /// The JSON Lines index of all results: `index.jsonl`.
    case jsonl
    /// The DecMessage XML of each accepted declaration (all with `xmlForAll`): `<key>.xml`.
    case xml
}

public struct OutputOptions: Sendable {
    public var formats: Set<OutputFormat>
    /// Write XML for every declaration that has one, not only accepted ones.
    public var xmlForAll: Bool
    /// Larger inputs fail with a clear message instead of exhausting memory.
    public var maxFileBytes: Int64

    public static let defaultMaxFileBytes: Int64 = 200_000_000

    public init(formats: Set<OutputFormat> = [.json, .jsonl], xmlForAll: Bool = false, maxFileBytes: Int64 = OutputOptions.defaultMaxFileBytes) {
        self.formats = formats
        self.xmlForAll = xmlForAll
        self.maxFileBytes = maxFileBytes
    }
}

/// What happened to one declaration in this run.
public struct ProcessedDeclaration: Sendable, Hashable {
    public var key: String
    public var files: [String]
    public var state: LedgerState
    public var pageCount: Int
    public var seconds: Double
    public var resultPath: String?
    public var error: String?
    public var reviewReason: String?
}

/// Reads one declaration and puts its outputs in place, keeping the ledger exactly-once:
/// ledger `pending` → read → outputs renamed into place → ledger final. A crash anywhere
/// leaves either `pending` (redone next time, outputs overwritten whole) or a final entry.
public struct DeclarationProcessor: Sendable {
    public let outputFolder: URL
    public let ledger: Ledger
    public let writer: any OutputWriter
    public let options: OutputOptions

    public init(outputFolder: URL, ledger: Ledger, writer: any OutputWriter = AtomicFileWriter(), options: OutputOptions) {
        self.outputFolder = outputFolder
        self.ledger = ledger
        self.writer = writer
        self.options = options
    }

    /// Output path of a declaration, relative to the output folder.
    public static func resultPath(forKey key: String) -> String { key + ".json" }
    public static func xmlPath(forKey key: String) -> String { key + ".xml" }

    /// Throws only for faults of the output side (write failure, ledger); the input then stays pending.
    public func process(_ group: InputGroup, with reader: any DeclarationReader) throws(IngestError) -> ProcessedDeclaration {
        let started = Date()
        let previous = try ledger.declaration(group.key)
        try ledger.begin(group)
        var processed = ProcessedDeclaration(key: group.key, files: group.files.map(\.relativePath), state: .pending,
                                             pageCount: 0, seconds: 0, resultPath: nil, error: nil, reviewReason: nil)
        let outcome: ReadOutcome
        do {
            try Self.checkSize(group, limit: options.maxFileBytes)
            do {
                outcome = try reader.read(group)
            } catch let failure as InputFailure {
                throw failure
            } catch {
                throw InputFailure.readerFailed(group.files.map(\.relativePath).joined(separator: ", "), reason: describe(error))
            }
        } catch {
            let message = (error as? InputFailure)?.description ?? describe(error)
            removeStaleOutputs(previous, keeping: [])
            try ledger.finish(key: group.key, state: .failed, pageCount: nil, resultPath: nil, xmlPath: nil,
                              resultJSON: nil, error: message, reviewReason: nil)
            processed.state = .failed
            processed.error = message
            processed.seconds = Date().timeIntervalSince(started)
            return processed
        }

        var written: [String] = []
        var resultPath: String?
        var xmlPath: String?
        do {
            if options.formats.contains(.json) {
                let path = Self.resultPath(forKey: group.key)
                try writer.write(outcome.resultJSON, to: outputFolder.appendingPathComponent(path))
                resultPath = path
                written.append(path)
            }
            if options.formats.contains(.xml), let xml = outcome.declarationXML, outcome.status == .accepted || options.xmlForAll {
                let path = Self.xmlPath(forKey: group.key)
                try writer.write(xml, to: outputFolder.appendingPathComponent(path))
                xmlPath = path
                written.append(path)
            }
        } catch {
            try? ledger.notePending(key: group.key, error: error.description)
            throw error
        }
        removeStaleOutputs(previous, keeping: written)
        let state = LedgerState(outcome.status)
        try ledger.finish(key: group.key, state: state, pageCount: outcome.pageCount, resultPath: resultPath, xmlPath: xmlPath,
                          resultJSON: outcome.resultJSON, error: nil, reviewReason: outcome.reviewReason)
        processed.state = state
        processed.pageCount = outcome.pageCount
        processed.resultPath = resultPath
        processed.reviewReason = outcome.reviewReason
        processed.seconds = Date().timeIntervalSince(started)
        return processed
    }

    /// Notes `group` as the same scans as `original`: no reading, no result of its own.
    public func noteDuplicate(_ group: InputGroup, of original: String) throws(IngestError) -> ProcessedDeclaration {
        let previous = try ledger.declaration(group.key)
        removeStaleOutputs(previous, keeping: [])
        try ledger.begin(group, state: .duplicate, duplicateOf: original)
        return ProcessedDeclaration(key: group.key, files: group.files.map(\.relativePath), state: .duplicate, pageCount: 0,
                                    seconds: 0, resultPath: nil, error: "same scans as \(original); read once", reviewReason: nil)
    }

    /// Records an input that could not even be opened.
    public func noteFailure(_ group: InputGroup, _ failure: InputFailure) throws(IngestError) -> ProcessedDeclaration {
        let previous = try ledger.declaration(group.key)
        removeStaleOutputs(previous, keeping: [])
        try ledger.begin(group)
        try ledger.finish(key: group.key, state: .failed, pageCount: nil, resultPath: nil, xmlPath: nil,
                          resultJSON: nil, error: failure.description, reviewReason: nil)
        return ProcessedDeclaration(key: group.key, files: group.files.map(\.relativePath), state: .failed, pageCount: 0,
                                    seconds: 0, resultPath: nil, error: failure.description, reviewReason: nil)
    }

    static func checkSize(_ group: InputGroup, limit: Int64) throws(InputFailure) {
        for file in group.files {
            if file.size == 0 { throw .empty(file.relativePath) }
            if file.size > limit { throw .tooLarge(file.relativePath, bytes: file.size, limit: limit) }
        }
    }

    /// A declaration that changed status or failed must not leave an older result behind.
    private func removeStaleOutputs(_ previous: LedgerDeclaration?, keeping: [String]) {
        guard let previous else { return }
        for path in [previous.resultPath, previous.xmlPath].compactMap({ $0 }) where !keeping.contains(path) {
            try? FileManager.default.removeItem(at: outputFolder.appendingPathComponent(path))
        }
    }

    /// Rewrites `index.jsonl` from the ledger: one line per declaration, each exactly once.
    public func writeIndex() throws(IngestError) {
        guard options.formats.contains(.jsonl) else { return }
        var lines = Data()
        for declaration in try ledger.allDeclarations() where declaration.state.isFinal {
            lines.append(Self.indexLine(declaration))
            lines.append(0x0A)
        }
        try writer.write(lines, to: outputFolder.appendingPathComponent("index.jsonl"))
    }

    static func indexLine(_ declaration: LedgerDeclaration) -> Data {
        var object: [String: Any] = [
            "declaration": declaration.key,
            "status": declaration.state.rawValue,
            "files": declaration.files,
        ]
        if let value = declaration.resultPath { object["resultFile"] = value }
        if let value = declaration.xmlPath { object["xmlFile"] = value }
        if let value = declaration.pageCount { object["pages"] = value }
        if let value = declaration.error { object["error"] = value }
        if let value = declaration.reviewReason { object["reviewReason"] = value }
        if let value = declaration.duplicateOf { object["duplicateOf"] = value }
        if let json = declaration.resultJSON, let result = try? JSONSerialization.jsonObject(with: json) {
            object["result"] = result
        }
        return (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
    }
}
