import Foundation
import SecondLineModel
import GRDB

/// What the ledger knows about a declaration.
public enum LedgerState: String, Sendable, Codable, CaseIterable {
    /// Claimed; its outputs may or may not be in place. Redone by the next run.
    case pending
    case accepted
    case needsReview = "needs-review"
    case rejected
    /// The reader could not read it (corrupt, empty, …). Not retried unless the input changes.
    case failed
    /// The same scans as another declaration; read once, under that other name.
    case duplicate

    public init(_ status: ReadStatus) {
        switch status {
        case .accepted: self = .accepted
        case .needsReview: self = .needsReview
        case .rejected: self = .rejected
        }
    }

    /// Final states are not read again while their inputs are unchanged.
    public var isFinal: Bool { self != .pending }
    /// Needs a person to look at it.
    public var needsPerson: Bool { self == .needsReview || self == .rejected || self == .failed }
}

public struct LedgerDeclaration: Sendable, Hashable {
    public var key: String
    public var fingerprint: String
    public var state: LedgerState
    public var files: [String]
    public var pageCount: Int?
    public var resultPath: String?
    public var xmlPath: String?
    public var resultJSON: Data?
    public var error: String?
    public var reviewReason: String?
    public var duplicateOf: String?
    public var startedAt: Date?
    public var finishedAt: Date?
}

public struct LedgerInput: Sendable, Hashable {
    public var path: String
    public var declarationKey: String
    public var size: Int64
    public var modificationTime: Int64
    public var sha256: String
}

/// The SQLite ledger in OUT/.secondline-ledger.sqlite: one row per input file and one per declaration.
/// Every change is one transaction; a declaration becomes final only after its outputs are in place.
public final class Ledger: Sendable {
    public static let fileName = ".secondline-ledger.sqlite"
    public let path: String
    private let queue: DatabaseQueue

    public init(folder: URL) throws(IngestError) {
        path = folder.appendingPathComponent(Ledger.fileName).path
        do {
            var configuration = Configuration()
            configuration.busyMode = .timeout(10)
            queue = try DatabaseQueue(path: path, configuration: configuration)
            try queue.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA journal_mode = WAL")
                try db.execute(sql: "PRAGMA synchronous = FULL")
                // Keep the write-ahead log small: it must fit on a nearly full output disk.
                try db.execute(sql: "PRAGMA wal_autocheckpoint = 100")
                try db.execute(sql: "PRAGMA journal_size_limit = 1048576")
            }
            var migrator = DatabaseMigrator()
            migrator.registerMigration("v1") { db in
                try db.execute(sql: """
                    CREATE TABLE declaration (
                        key TEXT PRIMARY KEY NOT NULL,
                        fingerprint TEXT NOT NULL,
                        state TEXT NOT NULL,
                        files TEXT NOT NULL,
                        pageCount INTEGER,
                        resultPath TEXT,
                        xmlPath TEXT,
                        resultJSON BLOB,
                        error TEXT,
                        reviewReason TEXT,
                        duplicateOf TEXT,
                        startedAt DOUBLE,
                        finishedAt DOUBLE
                    );
                    CREATE INDEX declaration_fingerprint ON declaration(fingerprint);
                    CREATE TABLE input (
                        path TEXT PRIMARY KEY NOT NULL,
                        declarationKey TEXT NOT NULL,
                        size INTEGER NOT NULL,
                        mtime INTEGER NOT NULL,
                        sha256 TEXT NOT NULL,
                        recordedAt DOUBLE NOT NULL
                    );
                    CREATE INDEX input_declaration ON input(declarationKey);
                    CREATE INDEX input_sha ON input(sha256);
                    """)
            }
            try migrator.migrate(queue)
        } catch {
            throw .ledger(path, reason: Ledger.describeDatabaseError(error))
        }
    }

    static func describeDatabaseError(_ error: any Error) -> String {
        if let dbError = error as? DatabaseError {
            switch dbError.resultCode {
            case .SQLITE_FULL: return "the disk is full"
            case .SQLITE_READONLY: return "the folder or file is read-only"
            case .SQLITE_CANTOPEN: return "the file cannot be opened or created (permissions?)"
            case .SQLITE_CORRUPT, .SQLITE_NOTADB: return "the file is damaged; move it away to start a fresh ledger (all inputs are then read again)"
            default: return dbError.message ?? "\(dbError.resultCode)"
            }
        }
        return describe(error)
    }

    private func write<T>(_ work: (Database) throws -> T) throws(IngestError) -> T {
        do {
            return try queue.write(work)
        } catch {
            throw .ledger(path, reason: Ledger.describeDatabaseError(error))
        }
    }

    private func read<T>(_ work: (Database) throws -> T) throws(IngestError) -> T {
        do {
            return try queue.read(work)
        } catch {
            throw .ledger(path, reason: Ledger.describeDatabaseError(error))
        }
    }

    // MARK: Reading

    public func inputs(ofDeclaration key: String) throws(IngestError) -> [LedgerInput] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM input WHERE declarationKey = ? ORDER BY path", arguments: [key]).map(Ledger.input)
        }
    }

    public func declaration(_ key: String) throws(IngestError) -> LedgerDeclaration? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM declaration WHERE key = ?", arguments: [key]).map(Ledger.declaration)
        }
    }

    /// A finished (read) declaration with these exact scans, other than `key`.
    /// `includingFailed`: whether a failed reading counts (ingest: yes, read once; watch: no, each copy is quarantined).
    public func readDeclaration(withFingerprint fingerprint: String, otherThan key: String, includingFailed: Bool = true) throws(IngestError) -> LedgerDeclaration? {
        let states = includingFailed ? "'accepted', 'needs-review', 'rejected', 'failed'" : "'accepted', 'needs-review', 'rejected'"
        return try read { db in
            try Row.fetchOne(db, sql: """
                SELECT * FROM declaration WHERE fingerprint = ? AND key <> ? AND state IN (\(states))
                ORDER BY key LIMIT 1
                """, arguments: [fingerprint, key]).map(Ledger.declaration)
        }
    }

    public func allDeclarations() throws(IngestError) -> [LedgerDeclaration] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM declaration ORDER BY key").map(Ledger.declaration)
        }
    }

    public func declarations(in state: LedgerState) throws(IngestError) -> [LedgerDeclaration] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM declaration WHERE state = ? ORDER BY key", arguments: [state.rawValue]).map(Ledger.declaration)
        }
    }

    // MARK: Writing

    /// Records that `group` is about to be read (or noted as a duplicate). Replaces what was known
    /// about the declaration and its inputs.
    public func begin(_ group: InputGroup, state: LedgerState = .pending, duplicateOf: String? = nil) throws(IngestError) {
        let now = Date().timeIntervalSince1970
        let files = Ledger.encodeFiles(group.files.map(\.relativePath))
        try write { db in
            try db.execute(sql: "DELETE FROM input WHERE declarationKey = ?", arguments: [group.key])
            for file in group.files {
                try db.execute(sql: """
                    INSERT OR REPLACE INTO input (path, declarationKey, size, mtime, sha256, recordedAt) VALUES (?, ?, ?, ?, ?, ?)
                    """, arguments: [file.relativePath, group.key, file.size, file.modificationTime, file.sha256, now])
            }
            try db.execute(sql: """
                INSERT OR REPLACE INTO declaration (key, fingerprint, state, files, duplicateOf, startedAt, finishedAt)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [group.key, group.fingerprint, state.rawValue, files, duplicateOf, now, state.isFinal ? now : nil])
        }
    }

    /// Records the final outcome, after the outputs are renamed into place.
    public func finish(key: String, state: LedgerState, pageCount: Int?, resultPath: String?, xmlPath: String?,
                       resultJSON: Data?, error: String?, reviewReason: String?) throws(IngestError) {
        let now = Date().timeIntervalSince1970
        try write { db in
            try db.execute(sql: """
                UPDATE declaration SET state = ?, pageCount = ?, resultPath = ?, xmlPath = ?, resultJSON = ?, error = ?,
                reviewReason = ?, finishedAt = ? WHERE key = ?
                """, arguments: [state.rawValue, pageCount, resultPath, xmlPath, resultJSON, error, reviewReason, now, key])
        }
    }

    /// Notes a failure to write outputs: the declaration stays pending with the reason.
    public func notePending(key: String, error: String) throws(IngestError) {
        try write { db in
            try db.execute(sql: "UPDATE declaration SET state = 'pending', error = ? WHERE key = ?", arguments: [error, key])
        }
    }

    /// Updates the stat of an input whose bytes did not change (touched, copied back).
    public func refreshStat(path: String, size: Int64, modificationTime: Int64) throws(IngestError) {
        try write { db in
            try db.execute(sql: "UPDATE input SET size = ?, mtime = ? WHERE path = ?", arguments: [size, modificationTime, path])
        }
    }

    // MARK: Rows

    private static func encodeFiles(_ files: [String]) -> String {
        (try? String(decoding: JSONEncoder().encode(files), as: UTF8.self)) ?? "[]"
    }

    private static func input(_ row: Row) -> LedgerInput {
        LedgerInput(path: row["path"], declarationKey: row["declarationKey"], size: row["size"], modificationTime: row["mtime"], sha256: row["sha256"])
    }

    private static func declaration(_ row: Row) -> LedgerDeclaration {
        let filesText: String = row["files"]
        let files = (try? JSONDecoder().decode([String].self, from: Data(filesText.utf8))) ?? []
        let started: Double? = row["startedAt"]
        let finished: Double? = row["finishedAt"]
        return LedgerDeclaration(
            key: row["key"], fingerprint: row["fingerprint"],
            state: LedgerState(rawValue: row["state"]) ?? .pending, files: files,
            pageCount: row["pageCount"], resultPath: row["resultPath"], xmlPath: row["xmlPath"], resultJSON: row["resultJSON"],
            error: row["error"], reviewReason: row["reviewReason"], duplicateOf: row["duplicateOf"],
            startedAt: started.map(Date.init(timeIntervalSince1970:)), finishedAt: finished.map(Date.init(timeIntervalSince1970:)))
    }
}
