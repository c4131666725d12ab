import Foundation
import Testing
@testable import SecondLineIngest

/// A fresh temporary folder per test, removed at the end.
final class TemporaryFolder {
    let url: URL

    init(_ name: String = "ingest") throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("secondline-\(name)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit {
        makeWritableAgain(url)
        try? FileManager.default.removeItem(at: url)
    }

    func path(_ relative: String) -> URL { url.appendingPathComponent(relative) }

    /// Writes a text "scan" for `TextScanReaderFactory`.
    @discardableResult
    func scan(_ relative: String, status: String = "accepted", page: String? = nil, delayMs: Int? = nil,
              fail: String? = nil, extra: String = "", unique: Bool = true) throws -> URL {
        // Distinct content per file unless asked otherwise: identical scans are duplicates.
        var text = "FAKESCAN\nstatus: \(status)\n" + (unique ? "id: \(relative)\n" : "")
        if let page { text += "page: \(page)\n" }
        if let delayMs { text += "delay-ms: \(delayMs)\n" }
        if let fail { text += "fail: \(fail)\n" }
        text += extra
        return try write(relative, Data(text.utf8))
    }

    @discardableResult
    func write(_ relative: String, _ data: Data) throws -> URL {
        let target = path(relative)
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: target)
        return target
    }

    /// All regular files below `relative`, as sorted relative paths.
    func files(under relative: String) -> [String] {
        let base = path(relative).resolvingSymlinksInPath().path
        guard let enumerator = FileManager.default.enumerator(atPath: base) else { return [] }
        var found: [String] = []
        while let item = enumerator.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: base + "/" + item, isDirectory: &isDirectory), !isDirectory.boolValue {
                found.append(item)
            }
        }
        return found.sorted()
    }
}

/// Makes `folder` unwritable, also for root (which ignores permission bits): `chmod 555`, and
/// when that is not enough the immutable attribute. Fails the test if neither works.
func makeUnwritable(_ folder: URL) throws {
    chmod(folder.path, 0o555)
    if isWritable(folder) {
        let status = run("/usr/bin/chattr", ["+i", folder.path])
        #expect(status == 0, "chattr +i failed; cannot make \(folder.path) unwritable as root")
    }
    try #require(!isWritable(folder), "could not make \(folder.path) unwritable for this test")
}

func makeWritableAgain(_ folder: URL) {
    if geteuid() == 0, FileManager.default.fileExists(atPath: "/usr/bin/chattr") {
        _ = run("/usr/bin/chattr", ["-i", folder.path], quiet: true)
    }
    chmod(folder.path, 0o755)
}

func isWritable(_ folder: URL) -> Bool {
    let probe = folder.appendingPathComponent(".probe-\(UUID().uuidString)")
    let fd = open(probe.path, O_WRONLY | O_CREAT, 0o644)
    guard fd >= 0 else { return false }
    close(fd)
    unlink(probe.path)
    return true
}

@discardableResult
func run(_ tool: String, _ arguments: [String], quiet: Bool = false) -> Int32 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: tool)
    process.arguments = arguments
    if quiet {
        process.standardError = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
    }
    do { try process.run() } catch { return -1 }
    process.waitUntilExit()
    return process.terminationStatus
}

/// The `secondline` executable built beside the test bundle (or `SECONDLINE_BIN`).
func secondlineExecutable() throws -> URL {
    if let explicit = ProcessInfo.processInfo.environment["SECONDLINE_BIN"] {
        return URL(fileURLWithPath: explicit)
    }
    var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for _ in 0..<6 {
        let candidate = folder.appendingPathComponent("secondline")
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory), !isDirectory.boolValue,
           FileManager.default.isExecutableFile(atPath: candidate.path) {
            return candidate
        }
        folder.deleteLastPathComponent()
    }
    Issue.record("the secondline executable was not found next to \(CommandLine.arguments[0]); build it (swift build) or set SECONDLINE_BIN")
    throw CancellationError()
}

/// A writer that fails like a full disk after `allowedWrites` successful writes.
final class FullDiskWriter: OutputWriter, @unchecked Sendable {
    private let lock = NSLock()
    private var remaining: Int
    private let real = AtomicFileWriter()

    init(allowedWrites: Int) { remaining = allowedWrites }

    func write(_ data: Data, to url: URL) throws(IngestError) {
        let allowed: Bool = lock.withLock {
            defer { remaining -= 1 }
            return remaining > 0
        }
        guard allowed else { throw .outputWriteFailed(path: url.path, reason: String(cString: strerror(ENOSPC))) }
        try real.write(data, to: url)
    }
}

func decodeIndex(_ url: URL) throws -> [[String: Any]] {
    let text = try String(contentsOf: url, encoding: .utf8)
    return try text.split(separator: "\n").map { line in
        try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }
}
