import Foundation

/// Recursive inotify watch of a folder: reports the relative paths of files closed after
/// writing or moved in, and of new subfolders (which it starts watching). Owns the inotify
/// descriptor and closes it in `deinit`.
final class DirectoryEvents {
    struct Batch {
        /// Relative paths (`sub/x.png`) that were written or moved in.
        var files: [String] = []
        /// New subfolders: they may already hold files, so the caller scans them.
        var folders: [String] = []
        /// The kernel dropped events: the caller should rescan everything.
        var overflowed = false
    }

    private let fd: Int32
    private let root: String
    private var folderByWatch: [Int32: String] = [:]
    private var buffer = [UInt8](repeating: 0, count: 64 * 1024)

    /// Throws when inotify is unavailable (the caller then falls back to polling).
    init(root: URL) throws(IngestError) {
        self.root = root.path
        fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard fd >= 0 else { throw .inputUnreadable(root.path, reason: "inotify is not available (\(lastErrorText())); use --poll") }
        addTree("")
    }

    deinit { close(fd) }

    /// Watches `relative` and every non-junk folder below it.
    func addTree(_ relative: String) {
        let path = relative.isEmpty ? root : root + "/" + relative
        let mask = UInt32(IN_CLOSE_WRITE) | UInt32(IN_MOVED_TO) | UInt32(IN_CREATE) | UInt32(IN_ATTRIB)
        let watch = inotify_add_watch(fd, path, mask)
        guard watch >= 0 else { return }
        folderByWatch[watch] = relative
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: path) else { return }
        for name in names where !JunkNames.isJunk(name) {
            let child = relative.isEmpty ? name : relative + "/" + name
            if let info = FileStat(path: root + "/" + child), info.isDirectory { addTree(child) }
        }
    }

    /// Waits up to `timeout` seconds for events.
    func next(timeout: Double) -> Batch {
        var batch = Batch()
        var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&poller, 1, Int32(max(0, timeout * 1000))) > 0 else { return batch }
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
            guard count > 0 else { break }
            var offset = 0
            while offset + 16 <= count {
                let (watch, mask, length) = buffer.withUnsafeBytes { raw -> (Int32, UInt32, Int) in
                    (raw.loadUnaligned(fromByteOffset: offset, as: Int32.self),
                     raw.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self),
                     Int(raw.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self)))
                }
                let nameBytes = buffer[(offset + 16)..<min(count, offset + 16 + length)].prefix { $0 != 0 }
                offset += 16 + length
                if mask & UInt32(IN_Q_OVERFLOW) != 0 { batch.overflowed = true; continue }
                guard let folder = folderByWatch[watch], !nameBytes.isEmpty else { continue }
                let name = String(decoding: nameBytes, as: UTF8.self)
                guard !JunkNames.isJunk(name) else { continue }
                let relative = folder.isEmpty ? name : folder + "/" + name
                if mask & UInt32(IN_ISDIR) != 0 {
                    if mask & (UInt32(IN_CREATE) | UInt32(IN_MOVED_TO)) != 0 {
                        addTree(relative)
                        batch.folders.append(relative)
                    }
                } else {
                    batch.files.append(relative)
                }
            }
        }
        return batch
    }
}
