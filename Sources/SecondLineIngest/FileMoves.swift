import Foundation

enum FileMoves {
    /// Moves a file so that it is always in exactly one place: `rename` on one filesystem;
    /// across filesystems a durable copy under a temporary name, rename, then unlink of the source.
    /// Never overwrites: an existing target gets ` (2)`, ` (3)` … before the extension.
    /// Returns the final target.
    @discardableResult
    static func move(_ source: URL, into folder: URL, name: String) throws(IngestError) -> URL {
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw .outputWriteFailed(path: folder.path, reason: describe(error))
        }
        let target = freeName(in: folder, for: name)
        if rename(source.path, target.path) == 0 {
            AtomicFileWriter.syncFolder(folder)
            AtomicFileWriter.syncFolder(source.deletingLastPathComponent())
            return target
        }
        guard errno == EXDEV else { throw .outputWriteFailed(path: target.path, reason: lastErrorText()) }
        let data: Data
        do {
            data = try Data(contentsOf: source)
        } catch {
            throw .outputWriteFailed(path: source.path, reason: describe(error))
        }
        try AtomicFileWriter().write(data, to: target)
        unlink(source.path)
        AtomicFileWriter.syncFolder(source.deletingLastPathComponent())
        return target
    }

    static func freeName(in folder: URL, for name: String) -> URL {
        var candidate = folder.appendingPathComponent(name)
        var number = 2
        let (stem, ext) = PageNaming.stemAndExtension(name)
        while FileManager.default.fileExists(atPath: candidate.path) {
            candidate = folder.appendingPathComponent(ext.isEmpty ? "\(stem) (\(number))" : "\(stem) (\(number)).\(ext)")
            number += 1
        }
        return candidate
    }

    /// `a/b/c` is `a` itself or lies below it (paths resolved, so symlinks cannot hide it).
    static func isInside(_ path: URL, _ folder: URL) -> Bool {
        let child = resolved(path)
        let parent = resolved(folder)
        return child == parent || child.hasPrefix(parent.hasSuffix("/") ? parent : parent + "/")
    }

    /// Resolves symlinks of the longest existing prefix (the path itself may not exist yet).
    static func resolved(_ url: URL) -> String {
        var existing = url.standardizedFileURL
        var rest: [String] = []
        while !FileManager.default.fileExists(atPath: existing.path), existing.path != "/" {
            rest.insert(existing.lastPathComponent, at: 0)
            existing.deleteLastPathComponent()
        }
        var path = existing.resolvingSymlinksInPath().path
        for part in rest { path += (path.hasSuffix("/") ? "" : "/") + part }
        return path
    }
}

/// Whether a scan file looks whole (a half-written file usually lacks its end marker).
/// Unknown formats are left to the reader.
public enum ScanCompleteness {
    public static func looksComplete(_ url: URL) -> Bool {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return false }
        defer { try? handle.close() }
        guard let head = try? handle.read(upToCount: 8), !head.isEmpty else { return true } // empty: reader's verdict
        guard let end = try? handle.seekToEnd() else { return true }
        let tailLength = UInt64(min(end, 1024))
        guard (try? handle.seek(toOffset: end - tailLength)) != nil, let tail = try? handle.read(upToCount: Int(tailLength)) else { return true }
        let bytes = [UInt8](head)
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]) { // PNG: IEND chunk
            return tail.range(of: Data("IEND".utf8)) != nil
        }
        if bytes.starts(with: [0xFF, 0xD8]) { // JPEG: EOI marker (possibly followed by padding)
            return tail.range(of: Data([0xFF, 0xD9])) != nil
        }
        if bytes.starts(with: Array("%PDF".utf8)) {
            return tail.range(of: Data("%%EOF".utf8)) != nil
        }
        return true
    }
}
