import Foundation
import Testing
@testable import SecondLineIngest

/// Really SIGKILLs a running `secondline ingest` (using the text-scan reader through the hidden
/// SECONDLINE_FAKE_READER hook) and checks the rerun yields every declaration exactly once.
@Suite("Kill and rerun")
struct KillTests {
    @Test func sigkillMidBatchThenRerunGivesEveryDeclarationExactlyOnce() throws {
        let executable = try secondlineExecutable()
        let folder = try TemporaryFolder("kill")
        let count = 40
        for index in 1...count {
            if index % 10 == 0 {
                try folder.scan("in/multi\(index)-p1.png", page: "1/2")
                try folder.scan("in/multi\(index)-p2.png", page: "2/2")
            } else {
                try folder.scan("in/doc\(index).png", extra: "n: \(index)\n")
            }
        }

        let process = Process()
        process.executableURL = executable
        process.arguments = ["ingest", folder.path("in").path, "--out", folder.path("out").path, "--jobs", "2", "--format", "json,jsonl,xml"]
        process.environment = ProcessInfo.processInfo.environment.merging(["SECONDLINE_FAKE_READER": "text:80"]) { _, new in new }
        process.standardError = FileHandle.nullDevice
        try process.run()

        // Wait until some but not all results are in place, then kill -9.
        let deadline = Date().addingTimeInterval(30)
        var done = 0
        while Date() < deadline {
            done = folder.files(under: "out").filter { $0.hasSuffix(".json") }.count
            if done >= 8 { break }
            Thread.sleep(forTimeInterval: 0.02)
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)
        #expect(done >= 8 && done < count, "the kill should land mid-batch (saw \(done) results)")
        #expect(!FileManager.default.fileExists(atPath: folder.path("out/index.jsonl").path), "killed before the index was written")

        // Rerun in-process with the same fake reader.
        let options = IngestOptions(input: folder.path("in"), output: folder.path("out"), jobs: 2,
                                    outputs: OutputOptions(formats: [.json, .jsonl, .xml]), progress: .quiet)
        let summary = try IngestRun(options: options, factory: TextScanReaderFactory()).run()
        #expect(summary.accepted == count)
        #expect(summary.exitCode == 0)
        #expect(summary.readNow < count, "declarations finished before the kill are not read again")
        #expect(summary.readNow >= count - done)

        let outputs = folder.files(under: "out")
        #expect(outputs.filter { $0.hasSuffix(".json") }.count == count)
        #expect(outputs.filter { $0.hasSuffix(".xml") }.count == count)
        #expect(outputs.filter { TemporaryNames.isTemporary(($0 as NSString).lastPathComponent) }.isEmpty, "no partial files")
        let index = try decodeIndex(folder.path("out/index.jsonl"))
        let keys = index.compactMap { $0["declaration"] as? String }
        #expect(keys.count == count)
        #expect(Set(keys).count == count)
        for file in outputs where file.hasSuffix(".json") {
            let data = try Data(contentsOf: folder.path("out/" + file))
            #expect((try? JSONSerialization.jsonObject(with: data)) != nil, "\(file) is whole JSON")
        }
        let ledger = try Ledger(folder: folder.path("out"))
        #expect(try ledger.declarations(in: .pending).isEmpty)
    }
}

/// The exit statuses of the commands, as a script calling them sees them.
@Suite("Exit status")
struct ExitStatusTests {
    func runSecondline(_ arguments: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = try secondlineExecutable()
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(["SECONDLINE_FAKE_READER": "text"]) { _, new in new }
        process.standardError = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    @Test(arguments: [
        (["accepted"], Int32(0)),
        (["accepted", "needs-review"], Int32(3)),
        (["accepted", "rejected"], Int32(3)),
        (["needs-review", "corrupt"], Int32(1)),
    ])
    func ingestExitStatus(statuses: [String], expected: Int32) throws {
        let folder = try TemporaryFolder("exit")
        for (index, status) in statuses.enumerated() {
            if status == "corrupt" {
                try folder.write("in/s\(index).png", Data("not a scan".utf8))
            } else {
                try folder.scan("in/s\(index).png", status: status)
            }
        }
        #expect(try runSecondline(["ingest", folder.path("in").path, "--out", folder.path("out").path]) == expected)
    }

    @Test func usageErrorsExit64() throws {
        let folder = try TemporaryFolder("exit")
        try folder.scan("drop/A.png")
        let drop = folder.path("drop").path
        #expect(try runSecondline(["ingest", drop, "--out", folder.path("out").path, "--format", "pdf"]) == 64)
        #expect(try runSecondline(["ingest", drop, "--out", folder.path("out").path, "--jobs", "0"]) == 64)
        #expect(try runSecondline(["ingest", drop]) == 64)
        #expect(try runSecondline(["watch", drop, "--out", folder.path("out").path, "--archive", "/tmp/a", "--delete"]) == 64)
        #expect(try runSecondline(["watch", drop, "--out", drop + "/results", "--once"]) == 64, "OUT inside DROP is refused")
        #expect(try runSecondline(["ingest", folder.path("missing").path, "--out", folder.path("out").path]) == 1)
        #expect(try runSecondline(["watch", drop, "--out", folder.path("out2").path, "--once"]) == 0)
    }
}
