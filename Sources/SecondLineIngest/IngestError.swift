import Foundation

/// Problems with the batch as a whole (not with one scan). Messages say what to do.
public enum IngestError: Error, Sendable, CustomStringConvertible, LocalizedError {
    case inputMissing(String)
    case inputUnreadable(String, reason: String)
    case outputNotWritable(String, reason: String)
    case outputInsideDrop(what: String, path: String, drop: String)
    case ledger(String, reason: String)
    /// Writing a result failed (disk full, read-only, permissions). The input stays pending.
    case outputWriteFailed(path: String, reason: String)
    case noReader(String)
    /// Another ingest or watch is writing to this output folder.
    case outputInUse(String)

    public var description: String {
        switch self {
        case .inputMissing(let path):
            return "input folder \(path) does not exist; check the path"
        case .inputUnreadable(let path, let reason):
            return "cannot read input \(path): \(reason); check that the folder exists and you may read it"
        case .outputNotWritable(let path, let reason):
            return "cannot write to output folder \(path): \(reason); choose a folder you may write to"
        case .outputInsideDrop(let what, let path, let drop):
            return "the \(what) folder \(path) lies inside the drop folder \(drop); choose one outside it, or results would be read as new scans"
        case .ledger(let path, let reason) where reason.contains("full"):
            return "the ledger \(path) cannot be updated: \(reason); free space on the output disk and run again (inputs not recorded as finished are read again)"
        case .ledger(let path, let reason):
            return "the ledger \(path) cannot be updated: \(reason); fix that and run again (inputs not recorded as finished are read again)"
        case .outputWriteFailed(let path, let reason):
            return "could not write \(path): \(reason); the input stays pending and is read again on the next run once the output disk is writable"
        case .outputInUse(let path):
            return "another secondline ingest or watch is writing to \(path); wait for it to finish or choose another output folder"
        case .noReader(let reason):
            return "no form reader is available: \(reason)"
        }
    }

    public var errorDescription: String? { description }
}

/// Why one input could not be read. Recorded in the ledger and the summary; the batch goes on.
public enum InputFailure: Error, Sendable, CustomStringConvertible, LocalizedError, Equatable {
    case empty(String)
    case tooLarge(String, bytes: Int64, limit: Int64)
    case unreadable(String, reason: String)
    case readerFailed(String, reason: String)

    public var description: String {
        switch self {
        case .empty(let path):
            return "\(path): the file is empty (0 bytes); scan it again"
        case .tooLarge(let path, let bytes, let limit):
            return "\(path): the file is \(bytes / 1_000_000) MB, more than the \(limit / 1_000_000) MB a scan may have; scan at 300 DPI or split it"
        case .unreadable(let path, let reason):
            return "\(path): cannot be read: \(reason)"
        case .readerFailed(let path, let reason):
            return reason.contains(path) ? reason : "\(path): \(reason)"
        }
    }

    public var errorDescription: String? { description }
}
