import Foundation
import SecondLineModel
import Testing
@testable import SecondLineIngest

/// Runs a `Watcher` on its own thread, with short timings, capturing its log.
final class WatchHarness: @unchecked Sendable {
    let folder: TemporaryFolder
    let watcher: Watcher
    private let state = RunState()
    private let logBox = LogBox()

    /// What the watcher thread reports; the thread holds only this and the watcher, so the test's
    /// folder is removed as soon as the test ends.
    final class RunState: @unchecked Sendable {
        let lock = NSLock()
        var totals: WatchTotals?
        var failure: IngestError?
        let finished = DispatchSemaphore(value: 0)
    }

    init(_ folder: TemporaryFolder, millisecondsPerPage: Int = 0, stable: Double = 0.3, pageWait: Double = 10,
         jobs: Int = 2, once: Bool = false, configure: (inout WatchOptions) -> Void = { _ in }) {
        self.folder = folder
        try? FileManager.default.createDirectory(at: folder.path("drop"), withIntermediateDirectories: true)
        var options = WatchOptions(drop: folder.path("drop"), output: folder.path("out"), jobs: jobs)
        options.stableSeconds = stable
        options.pageWaitSeconds = pageWait
        options.rescanSeconds = 1
        options.retrySeconds = 0.3
        options.heartbeatSeconds = 3600
        options.once = once
        configure(&options)
        let box = logBox
        watcher = Watcher(options: options, factory: TextScanReaderFactory(millisecondsPerPage: millisecondsPerPage),
                          log: { box.append($0) })
    }

    /// A test that fails early must not leave its watcher running on a removed folder.
    deinit {
        if isRunning {
            watcher.requestStop()
            _ = state.finished.wait(timeout: .now() + 10)
        }
    }

    var log: [String] { logBox.lines }

    func start() {
        let watcher = watcher
        let state = state
        let thread = Thread {
            do throws(IngestError) {
                let result = try watcher.run()
                state.lock.withLock { state.totals = result }
            } catch {
                state.lock.withLock { state.failure = error }
            }
            state.finished.signal()
        }
        thread.start()
    }

    var isRunning: Bool { state.lock.withLock { state.totals == nil && state.failure == nil } }

    /// Stops the watcher (as SIGTERM does) and returns its totals.
    func stop(timeout: Double = 30) throws -> WatchTotals {
        watcher.requestStop()
        return try waitForEnd(timeout: timeout)
    }

    func waitForEnd(timeout: Double = 30) throws -> WatchTotals {
        guard state.finished.wait(timeout: .now() + timeout) == .success else {
            Issue.record("the watcher did not stop within \(timeout) s")
            throw CancellationError()
        }
        state.finished.signal() // keep it signalled for deinit
        if let failure = state.lock.withLock({ state.failure }) { throw failure }
        return try #require(state.lock.withLock { state.totals })
    }
}

final class LogBox: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String] = []
    func append(_ line: String) { lock.withLock { items.append(line) } }
    var lines: [String] { lock.withLock { items } }
}

/// Polls `condition` until true or the timeout passes; returns whether it became true.
@discardableResult
func waitUntil(_ timeout: Double, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if condition() { return true }
        Thread.sleep(forTimeInterval: 0.05)
    }
    return condition()
}

extension TemporaryFolder {
    /// Result documents written for declarations (top level of OUT and its subfolders, not archive/quarantine).
    var results: [String] {
        files(under: "out").filter { $0.hasSuffix(".json") && !$0.hasPrefix("archive/") && !$0.hasPrefix("quarantine/") }
    }
    var archived: [String] { files(under: "out/archive").map { ($0 as NSString).lastPathComponent }.sorted() }
    var quarantined: [String] { files(under: "out/quarantine").filter { !$0.hasSuffix(".error.json") } }
    /// Files still in DROP (outside the processing area).
    var waiting: [String] { files(under: "drop").filter { !$0.hasPrefix(Watcher.processingName) } }
    var inProcessing: [String] { files(under: "drop/" + Watcher.processingName) }
}

@Suite("Watch a drop folder", .serialized)
struct WatchTests {
    @Test func refusesOutputArchiveOrQuarantineInsideTheDrop() throws {
        let folder = try TemporaryFolder("watch")
        try FileManager.default.createDirectory(at: folder.path("drop"), withIntermediateDirectories: true)
        let drop = folder.path("drop")
        let cases: [WatchOptions] = [
            WatchOptions(drop: drop, output: drop.appendingPathComponent("out")),
            WatchOptions(drop: drop, output: folder.path("out"), finish: .archive(drop.appendingPathComponent("done/archive"))),
            WatchOptions(drop: drop, output: folder.path("out"), quarantine: drop),
        ]
        for options in cases {
            #expect(throws: IngestError.self) { try Watcher.validate(options) }
        }
        try Watcher.validate(WatchOptions(drop: drop, output: folder.path("out")))
        #expect(throws: IngestError.self) { try Watcher.validate(WatchOptions(drop: folder.path("missing"), output: folder.path("out"))) }
    }

    @Test func twoHundredFilesAtOnceAmongThemCorruptAndEmpty() throws {
        let folder = try TemporaryFolder("watch")
        // Prepared outside, then moved in at once (as a copy tool finishing would).
        var good: [String] = []
        for index in 1...200 {
            let name: String
            if index % 20 == 0 {
                name = "empty\(index).png"
                try folder.write("staging/" + name, Data())
            } else if index % 20 == 10 {
                name = "corrupt\(index).png"
                try folder.write("staging/" + name, Data([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0xFF, 0xD9]))
            } else {
                name = "scan\(index).png"
                try folder.scan("staging/" + name)
                good.append("scan\(index)")
            }
        }
        try folder.write("staging/.DS_Store", Data([1, 2, 3]))
        let harness = WatchHarness(folder)
        harness.start()
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path("staging").path) {
            try FileManager.default.moveItem(at: folder.path("staging/" + name), to: folder.path("drop/" + name))
        }
        let settled = waitUntil(60) { folder.archived.count + folder.quarantined.count == 200 }
        let totals = try harness.stop()
        #expect(settled, "every input ends in archive or quarantine (archive \(folder.archived.count), quarantine \(folder.quarantined.count))")
        #expect(totals.accepted == 180)
        #expect(totals.failed == 20)
        #expect(folder.results == good.sorted().map { $0 + ".json" })
        #expect(folder.quarantined.count == 20)
        #expect(folder.files(under: "out/quarantine").filter { $0.hasSuffix(".error.json") }.count == 20)
        #expect(folder.waiting == [".DS_Store"], "junk stays where it is")
        #expect(folder.inProcessing.isEmpty)
        let index = try decodeIndex(folder.path("out/index.jsonl"))
        #expect(index.count == 200)
        let report = try String(contentsOf: folder.path("out/quarantine/empty20.png.error.json"), encoding: .utf8)
        #expect(report.contains("empty"))
    }

    @Test func aFileWrittenSlowlyOverFiveSecondsIsReadOnceComplete() throws {
        let folder = try TemporaryFolder("watch")
        let harness = WatchHarness(folder, stable: 1)
        harness.start()
        let target = folder.path("drop/slow.png")
        #expect(FileManager.default.createFile(atPath: target.path, contents: nil))
        let handle = try #require(FileHandle(forWritingAtPath: target.path))
        try handle.write(contentsOf: Data("FAKESCAN\n".utf8))
        for part in 1...10 {
            Thread.sleep(forTimeInterval: 0.5)
            try handle.write(contentsOf: Data("part: \(part)\n".utf8))
        }
        // The verdict is in the last line: a reader that took the file early would say "accepted".
        try handle.write(contentsOf: Data("status: needs-review\n".utf8))
        try handle.close()
        let full = try Data(contentsOf: target)
        let done = waitUntil(15) { folder.results == ["slow.json"] && folder.archived == ["slow.png"] }
        let totals = try harness.stop()
        #expect(done)
        #expect(totals.needsReview == 1)
        #expect(totals.accepted == 0)
        #expect(totals.failed == 0)
        let ledger = try Ledger(folder: folder.path("out"))
        #expect(try ledger.inputs(ofDeclaration: "slow").map(\.sha256) == [SHA256.hex(of: full)])
        #expect(harness.log.filter { $0.contains("slow.png:") }.count == 1, "read exactly once")
    }

    @Test(arguments: [true, false])
    func threePageFilesOneSecondApartGiveOneResult(withPageMarks: Bool) throws {
        let folder = try TemporaryFolder("watch")
        // Without marks the watcher can only wait for a quiet spell (page wait); with marks it goes at once.
        let harness = WatchHarness(folder, pageWait: withPageMarks ? 20 : 2.5)
        harness.start()
        let started = Date()
        for page in 1...3 {
            try folder.scan("drop/M-p\(page).png", page: withPageMarks ? "\(page)/3" : nil)
            if page < 3 { Thread.sleep(forTimeInterval: 1) }
        }
        let done = waitUntil(20) { folder.results == ["M.json"] && folder.archived.count == 3 }
        let seconds = Date().timeIntervalSince(started)
        let totals = try harness.stop()
        #expect(done)
        #expect(totals.accepted == 1)
        let result = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: folder.path("out/M.json"))) as? [String: Any])
        let source = try #require(result["source"] as? [String: Any])
        #expect(source["files"] as? [String] == ["M-p1.png", "M-p2.png", "M-p3.png"])
        if withPageMarks { #expect(seconds < 15, "with all 页码/页数 marks present it does not wait for the page timeout") }
    }

    @Test func outputUnwritableMidRunKeepsInputsAndRecovers() throws {
        let folder = try TemporaryFolder("watch")
        let harness = WatchHarness(folder)
        harness.start()
        try folder.scan("drop/A.png")
        #expect(waitUntil(10) { folder.results == ["A.json"] && folder.archived == ["A.png"] })

        try makeUnwritable(folder.path("out"))
        try folder.scan("drop/B.png")
        Thread.sleep(forTimeInterval: 2)
        #expect(harness.isRunning, "the watcher keeps running")
        #expect(folder.results == ["A.json"])
        #expect(folder.inProcessing == ["B.png"] || folder.waiting == ["B.png"], "B is kept, not lost: \(folder.files(under: "."))")
        #expect(!folder.archived.contains("B.png"))
        #expect(harness.log.contains { $0.contains("B.png") && $0.contains("will retry") })

        makeWritableAgain(folder.path("out"))
        let recovered = waitUntil(15) { folder.results == ["A.json", "B.json"] && folder.archived == ["A.png", "B.png"] }
        let totals = try harness.stop()
        #expect(recovered)
        #expect(totals.accepted == 2, "log: \(harness.log.joined(separator: "\n"))")
        #expect(folder.inProcessing.isEmpty)
    }

    @Test func filesPresentAtStartAreProcessedJunkIgnoredAndOnceExits() throws {
        let folder = try TemporaryFolder("watch")
        try folder.scan("drop/A.png")
        try folder.scan("drop/sub/B.png", status: "needs-review")
        for junk in [".DS_Store", "Thumbs.db", "._A.png", "~$notes.docx", "C.png.tmp", "D.png.part", "@eaDir/A.png", ".hidden/E.png"] {
            try folder.scan("drop/" + junk)
        }
        let harness = WatchHarness(folder, once: true)
        harness.start()
        let totals = try harness.waitForEnd()
        #expect(totals.accepted == 1)
        #expect(totals.needsReview == 1)
        #expect(totals.exitCode == 3)
        #expect(folder.results == ["A.json", "sub/B.json"])
        #expect(folder.waiting.count == 8)
    }

    @Test func pollModeFindsFilesWithoutInotify() throws {
        let folder = try TemporaryFolder("watch")
        let harness = WatchHarness(folder) { $0.pollSeconds = 0.5 }
        harness.start()
        Thread.sleep(forTimeInterval: 0.3)
        try folder.scan("drop/deep/er/P.png")
        let done = waitUntil(10) { folder.results == ["deep/er/P.json"] && folder.archived == ["P.png"] }
        let totals = try harness.stop()
        #expect(done)
        #expect(totals.accepted == 1)
        #expect(harness.log.first?.contains("polling") == true)
    }

    @Test func aHalfWrittenImageWaitsUntilItsEndMarkerArrives() throws {
        let folder = try TemporaryFolder("watch")
        let harness = WatchHarness(folder)
        harness.start()
        // A PNG cut off before its IEND chunk: size and time stay still, but it is not whole.
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13] + Array("IHDR".utf8) + [UInt8](repeating: 0, count: 17)
        try folder.write("drop/cut.png", Data(png))
        Thread.sleep(forTimeInterval: 1.5)
        #expect(folder.waiting == ["cut.png"], "not taken while its end is missing")
        let handle = try FileHandle(forWritingTo: folder.path("drop/cut.png"))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data([0, 0, 0, 0] + Array("IEND".utf8) + [0xAE, 0x42, 0x60, 0x82]))
        try handle.close()
        // Whole now; the test reader cannot decode PNG pixels, so it ends in the quarantine.
        let taken = waitUntil(10) { folder.quarantined == ["cut.png"] }
        let totals = try harness.stop()
        #expect(taken)
        #expect(totals.failed == 1)
        #expect(FileManager.default.fileExists(atPath: folder.path("out/quarantine/cut.png.error.json").path))
    }

    @Test func deleteModeRemovesReadInputsAndHeartbeatsAreLogged() throws {
        let folder = try TemporaryFolder("watch")
        let harness = WatchHarness(folder) { options in
            options.finish = .delete
            options.heartbeatSeconds = 0.5
        }
        harness.start()
        try folder.scan("drop/D.png")
        try folder.write("drop/bad.png", Data("garbage".utf8))
        let done = waitUntil(10) { folder.results == ["D.json"] && folder.waiting.isEmpty && folder.quarantined == ["bad.png"] }
        Thread.sleep(forTimeInterval: 0.6)
        let totals = try harness.stop()
        #expect(done)
        #expect(totals.accepted == 1)
        #expect(folder.archived.isEmpty, "deleted, not archived")
        #expect(folder.inProcessing.isEmpty)
        #expect(harness.log.contains { $0.contains("heartbeat") && $0.contains("accepted 1") })
        #expect(harness.log.contains { $0.contains("D.png: accepted") && $0.contains("deleted") })
    }

    @Test func theSameScanDroppedAgainIsNotReadTwice() throws {
        let folder = try TemporaryFolder("watch")
        let harness = WatchHarness(folder)
        harness.start()
        let content = try Data(contentsOf: try folder.scan("keep/A.png"))
        try folder.write("drop/A.png", content)
        #expect(waitUntil(10) { folder.archived == ["A.png"] })
        try folder.write("drop/A.png", content)           // same name, same bytes
        try folder.write("drop/copy of A.png", content)   // other name, same bytes
        try folder.scan("staging/A.png", extra: "v2\n")  // same name in a subfolder, other content
        try FileManager.default.createDirectory(at: folder.path("drop/later"), withIntermediateDirectories: true)
        try FileManager.default.moveItem(at: folder.path("staging/A.png"), to: folder.path("drop/later/A.png"))
        #expect(waitUntil(10) { folder.archived.count == 4 })
        let totals = try harness.stop()
        #expect(totals.accepted == 2, "A.png once, later/A.png (other content) once")
        #expect(folder.results == ["A.json", "later/A.json"])
        #expect(totals.duplicates == 2, "A.png again and its copy")
    }
}

/// The watcher as a process: SIGKILL with files in flight and restart; SIGTERM exits 0.
@Suite("Watch process faults", .serialized)
struct WatchProcessTests {
    func startWatch(_ folder: TemporaryFolder, msPerPage: Int, extra: [String] = []) throws -> Process {
        let process = Process()
        process.executableURL = try secondlineExecutable()
        process.arguments = ["watch", folder.path("drop").path, "--out", folder.path("out").path, "--stable", "0.3", "--jobs", "2"] + extra
        process.environment = ProcessInfo.processInfo.environment.merging(["SECONDLINE_FAKE_READER": "text:\(msPerPage)"]) { _, new in new }
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    @Test func sigkillWithFiftyInFlightThenRestartLosesAndDoublesNothing() throws {
        let folder = try TemporaryFolder("watchkill")
        try FileManager.default.createDirectory(at: folder.path("drop"), withIntermediateDirectories: true)
        for index in 1...50 { try folder.scan("staging/f\(index).png") }
        let first = try startWatch(folder, msPerPage: 100)
        Thread.sleep(forTimeInterval: 0.3)
        for index in 1...50 {
            try FileManager.default.moveItem(at: folder.path("staging/f\(index).png"), to: folder.path("drop/f\(index).png"))
        }
        let someDone = waitUntil(20) { folder.results.count >= 6 }
        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()
        #expect(someDone)
        let beforeRestart = folder.results.count
        #expect(beforeRestart < 50, "killed mid-way (\(beforeRestart) results)")
        #expect(!folder.inProcessing.isEmpty, "files were in flight when killed")

        let second = try startWatch(folder, msPerPage: 10, extra: ["--once"])
        second.waitUntilExit()
        #expect(second.terminationStatus == 0)
        let names = (1...50).map { "f\($0)" }
        #expect(folder.results == names.sorted().map { $0 + ".json" })
        #expect(folder.archived == names.sorted().map { $0 + ".png" }, "every input archived exactly once")
        #expect(folder.inProcessing.isEmpty)
        #expect(folder.waiting.isEmpty)
        #expect(folder.files(under: "out").allSatisfy { !TemporaryNames.isTemporary(($0 as NSString).lastPathComponent) })
        let index = try decodeIndex(folder.path("out/index.jsonl"))
        #expect(index.count == 50)
        #expect(try Ledger(folder: folder.path("out")).declarations(in: .pending).isEmpty)
    }

    @Test func sigtermFinishesFilesInHandAndExitsZero() throws {
        let folder = try TemporaryFolder("watchterm")
        try FileManager.default.createDirectory(at: folder.path("drop"), withIntermediateDirectories: true)
        let process = try startWatch(folder, msPerPage: 400)
        for index in 1...8 { try folder.scan("drop/t\(index).png") }
        #expect(waitUntil(15) { folder.results.count >= 1 })
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 0)
        // Each input is in exactly one place: read and archived, or back in the drop folder.
        #expect(folder.inProcessing.isEmpty)
        #expect(folder.archived.count + folder.waiting.count == 8)
        #expect(folder.results.count == folder.archived.count)
    }
}
