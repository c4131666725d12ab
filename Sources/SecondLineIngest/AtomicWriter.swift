import Foundation

/// Writes output files whole or not at all. A protocol so tests can simulate a full disk.
public protocol OutputWriter: Sendable {
    /// Writes `data` to `url` atomically (creating parent folders). Throws `IngestError.outputWriteFailed`.
    func write(_ data: Data, to url: URL) throws(IngestError)
}

/// Temporary files are named `.<name>.slpart-<random>` beside their target; anything with this
/// marker left by a killed process is removed at start.
public enum TemporaryNames {
    public static let marker = ".slpart-"
    public static func isTemporary(_ name: String) -> Bool { name.hasPrefix(".") && name.contains(marker) }

    /// Removes leftovers of interrupted writes below `folder`. Returns how many were removed.
    @discardableResult
    public static func removeLeftovers(in folder: URL) -> Int {
        guard let enumerator = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil) else { return 0 }
        var removed = 0
        for case let url as URL in enumerator where isTemporary(url.lastPathComponent) {
            if (try? FileManager.default.removeItem(at: url)) != nil { removed += 1 }
        }
        return removed
    }
}

/// temp file in the same folder → write → fsync → rename → fsync folder.
public struct AtomicFileWriter: OutputWriter {
    public init() {}

    public func write(_ data: Data, to url: URL) throws(IngestError) {
        let folder = url.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw .outputWriteFailed(path: folder.path, reason: describe(error))
        }
        let temporary = folder.appendingPathComponent("." + url.lastPathComponent + TemporaryNames.marker + String(UInt32.random(in: 0...UInt32.max), radix: 36))
        let fd = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .outputWriteFailed(path: url.path, reason: lastErrorText()) }
        var failure: String?
        data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = lastErrorText()
                    return
                }
                offset += written
            }
        }
        if failure == nil, fsync(fd) != 0 { failure = lastErrorText() }
        if close(fd) != 0, failure == nil { failure = lastErrorText() }
        if failure == nil, rename(temporary.path, url.path) != 0 { failure = lastErrorText() }
        if let failure {
            unlink(temporary.path)
            throw .outputWriteFailed(path: url.path, reason: failure)
        }
        Self.syncFolder(folder)
    }

    /// Makes the rename itself durable.
    static func syncFolder(_ folder: URL) {
        let fd = open(folder.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        fsync(fd)
        close(fd)
    }
}
