import Foundation
import SecondLineModel
import Testing
@testable import SecondLineIngest

@Suite("Grouping and input names")
struct GroupingTests {
    @Test(arguments: [
        ("ABC123-p1", "ABC123", 1), ("ABC123_p02", "ABC123", 2), ("X-P3", "X", 3), ("a-b-p10", "a-b", 10),
    ])
    func pageSuffixIsRecognised(stem: String, base: String, page: Int) throws {
        let parsed = try #require(PageNaming.pageSuffix(ofStem: stem))
        #expect(parsed.base == base)
        #expect(parsed.page == page)
    }

    @Test(arguments: ["ABC123", "p1", "-p1", "X-p", "X-p0", "X-px", "shop1", "X-p1234"])
    func otherStemsAreWholeDeclarations(stem: String) {
        #expect(PageNaming.pageSuffix(ofStem: stem) == nil)
    }

    @Test(arguments: [".DS_Store", "Thumbs.db", "._scan.png", "~$report.docx", "scan.tmp", "scan.png.part", "@eaDir", ".hidden.png"])
    func junkNamesAreIgnored(name: String) {
        #expect(JunkNames.isJunk(name))
    }

    @Test(arguments: ["scan.png", "ABC-p1.jpg", "报关单.tiff", "x.pdf"])
    func scanNamesAreNotJunk(name: String) {
        #expect(!JunkNames.isJunk(name))
    }

    private func found(_ path: String) -> FoundFile {
        FoundFile(url: URL(fileURLWithPath: "/in/" + path), relativePath: path, size: 1, modificationTime: 0)
    }

    @Test func pageFilesOfOneStemFormOneDeclarationInPageOrder() {
        let groups = PageNaming.group(["sub/B-p2.jpg", "sub/B-p1.png", "sub/B-p10.png", "A.png", "other/B-p1.png"].map(found))
        #expect(groups.map(\.key) == ["A", "other/B", "sub/B"])
        let paged = groups[2]
        #expect(paged.stem == "B")
        #expect(paged.files.map(\.relativePath) == ["sub/B-p1.png", "sub/B-p2.jpg", "sub/B-p10.png"])
        #expect(paged.pageNumbers == [1, 2, 10])
    }

    @Test func equalStemsInOneFolderGetDistinctNames() {
        let groups = PageNaming.group(["X.png", "X.pdf", "X-p1.png", "Y.png"].map(found))
        #expect(groups.map(\.key) == ["X-p", "X.pdf", "X.png", "Y"])
        #expect(Set(groups.map(\.key)).count == groups.count)
    }

    @Test func walkSkipsJunkHiddenFoldersAndTheOutputFolder() throws {
        let folder = try TemporaryFolder()
        try folder.scan("in/A.png")
        try folder.scan("in/sub/B-p1.png")
        try folder.scan("in/.DS_Store")
        try folder.scan("in/@eaDir/A.png")
        try folder.scan("in/.cache/C.png")
        try folder.scan("in/D.png.part")
        try folder.scan("in/results/E.png") // the output folder, inside the input
        let walk = try InputWalker.walk(folder.path("in"), excluding: [folder.path("in/results")])
        #expect(walk.files.map(\.relativePath) == ["A.png", "sub/B-p1.png"])
    }
}

@Suite("SHA-256")
struct SHA256Tests {
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    ])
    func knownVectors(text: String, digest: String) {
        #expect(SHA256.hex(of: Data(text.utf8)) == digest)
    }

    @Test func streamingMatchesOneShotAcrossChunkBoundaries() throws {
        let folder = try TemporaryFolder()
        let bytes = Data((0..<(3 << 20) + 77).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        let file = try folder.write("big.bin", bytes)
        #expect(try SHA256.hex(ofFileAt: file) == SHA256.hex(of: bytes))
        // one million 'a': the FIPS long vector
        #expect(SHA256.hex(of: Data(repeating: 0x61, count: 1_000_000)) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }
}

@Suite("Batch ingest")
struct IngestTests {
    func ingest(_ folder: TemporaryFolder, jobs: Int = 2, formats: Set<OutputFormat> = [.json, .jsonl], xmlForAll: Bool = false,
                force: Bool = false, maxFileBytes: Int64 = OutputOptions.defaultMaxFileBytes,
                writer: any OutputWriter = AtomicFileWriter(), input: String = "in", output: String = "out") throws(IngestError) -> IngestSummary {
        let options = IngestOptions(input: folder.path(input), output: folder.path(output), jobs: jobs,
                                    outputs: OutputOptions(formats: formats, xmlForAll: xmlForAll, maxFileBytes: maxFileBytes),
                                    force: force, progress: .quiet)
        return try IngestRun(options: options, factory: TextScanReaderFactory(), writer: writer).run()
    }

    @Test func writesOneResultPerDeclarationAnIndexAndXMLForAccepted() throws {
        let folder = try TemporaryFolder()
        try folder.scan("in/A.png")
        try folder.scan("in/2025-12/B-p1.png", status: "needs-review", page: "1/2")
        try folder.scan("in/2025-12/B-p2.jpg", page: "2/2")
        try folder.scan("in/R.tiff", status: "rejected")
        let summary = try ingest(folder, formats: [.json, .jsonl, .xml])
        #expect(summary.declarations == 3)
        #expect((summary.accepted, summary.needsReview, summary.rejected, summary.failed) == (1, 1, 1, 0))
        #expect(summary.pagesReadNow == 4)
        #expect(summary.exitCode == 3)
        #expect(folder.files(under: "out").filter { !$0.hasPrefix(".") } == ["2025-12/B.json", "A.json", "A.xml", "R.json", "index.jsonl"])
        let index = try decodeIndex(folder.path("out/index.jsonl"))
        #expect(index.map { $0["declaration"] as? String } == ["2025-12/B", "A", "R"])
        #expect(index.map { $0["status"] as? String } == ["needs-review", "accepted", "rejected"])
        let result = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: folder.path("out/2025-12/B.json"))) as? [String: Any])
        let source = try #require(result["source"] as? [String: Any])
        #expect(source["files"] as? [String] == ["2025-12/B-p1.png", "2025-12/B-p2.jpg"])
        #expect(summary.needsPerson.map(\.key) == ["2025-12/B", "R"])
    }

    @Test func allAcceptedExitsZeroAndXMLForAllWithFlag() throws {
        let folder = try TemporaryFolder()
        try folder.scan("in/A.png")
        try folder.scan("in/B.png", status: "needs-review")
        let first = try ingest(folder, formats: [.json, .xml], xmlForAll: true)
        #expect(first.exitCode == 3)
        #expect(folder.files(under: "out").filter { !$0.hasPrefix(".") } == ["A.json", "A.xml", "B.json", "B.xml"])
        let other = try TemporaryFolder()
        try other.scan("in/A.png")
        #expect(try ingest(other).exitCode == 0)
    }

    @Test func secondRunSkipsUnchangedAndReadsChanged() throws {
        let folder = try TemporaryFolder()
        try folder.scan("in/A.png")
        try folder.scan("in/B.png")
        let touched = try folder.scan("in/C.png")
        #expect(try ingest(folder).readNow == 3)

        let again = try ingest(folder)
        #expect(again.readNow == 0)
        #expect(again.unchanged == 3)

        // Same bytes, new mtime: recognised by hash, not read again.
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: 3600)], ofItemAtPath: touched.path)
        // Changed content: read again; it now needs review.
        try folder.scan("in/B.png", status: "needs-review")
        let third = try ingest(folder)
        #expect(third.readNow == 1)
        #expect(third.unchanged == 2)
        #expect(third.needsReview == 1)
        let result = try String(contentsOf: folder.path("out/B.json"), encoding: .utf8)
        #expect(result.contains("needs-review"))

        let forced = try ingest(folder, force: true)
        #expect(forced.readNow == 3)
        #expect(try decodeIndex(folder.path("out/index.jsonl")).count == 3)
    }

    @Test func identicalScansUnderTwoNamesAreReadOnce() throws {
        let folder = try TemporaryFolder()
        try folder.scan("in/A.png", extra: "same\n", unique: false)
        try folder.scan("in/copies/A (copy).png", extra: "same\n", unique: false)
        try folder.scan("in/B.png")
        let summary = try ingest(folder)
        #expect(summary.readNow == 2)
        #expect(summary.duplicates.count == 1)
        #expect(summary.duplicates.first?.original == "A")
        #expect(!FileManager.default.fileExists(atPath: folder.path("out/copies/A (copy).json").path))
        let ledger = try Ledger(folder: folder.path("out"))
        #expect(try ledger.declaration("copies/A (copy)")?.state == .duplicate)
        #expect(try ledger.declaration("copies/A (copy)")?.duplicateOf == "A")

        // A later run that brings a third copy: still not read, noted against the ledger's original.
        try folder.scan("in/later/A.png", extra: "same\n", unique: false)
        let later = try ingest(folder)
        #expect(later.readNow == 0)
        #expect(later.duplicates.count == 2)
    }

    @Test func badInputsFailWithReasonAndTheBatchGoesOn() throws {
        let folder = try TemporaryFolder()
        try folder.scan("in/good1.png")
        try folder.write("in/empty.png", Data())
        try folder.write("in/empty2.png", Data())
        try folder.write("in/corrupt.png", Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x13]))
        try folder.write("in/notes.docx", Data("PK\u{3}\u{4} not an image".utf8))
        try folder.scan("in/huge.tiff", extra: String(repeating: "x", count: 5000))
        try folder.scan("in/torn.png", fail: "page 1 is torn across the weight field")
        try folder.scan("in/good2.png")
        let summary = try ingest(folder, maxFileBytes: 1000)
        #expect(summary.accepted == 2)
        #expect(summary.failed == 6)
        #expect(summary.exitCode == 1)
        let reasons = Dictionary(uniqueKeysWithValues: summary.needsPerson.map { ($0.key, $0.reason ?? "") })
        #expect(reasons["empty"]?.contains("empty") == true)
        #expect(reasons["empty2"]?.contains("empty") == true)
        #expect(reasons["corrupt"]?.contains("not an image") == true)
        #expect(reasons["notes"]?.contains("notes.docx") == true)
        #expect(reasons["huge"]?.contains("MB") == true)
        #expect(reasons["torn"]?.contains("torn across the weight field") == true)
        #expect(folder.files(under: "out").filter { $0.hasSuffix(".json") } == ["good1.json", "good2.json"])
        // Failed inputs are recorded; an unchanged failed input is not retried.
        #expect(try ingest(folder, maxFileBytes: 1000).readNow == 0)
    }

    @Test func unreadableEntriesAreReportedAndMissingInputIsAClearError() throws {
        let folder = try TemporaryFolder()
        try folder.scan("in/A.png")
        try FileManager.default.createSymbolicLink(atPath: folder.path("in/gone.png").path, withDestinationPath: "/nonexistent/scan.png")
        let summary = try ingest(folder)
        #expect(summary.accepted == 1)
        #expect(summary.failed == 1)
        #expect(summary.needsPerson.first?.key == "gone.png")

        #expect(throws: IngestError.self) { try ingest(folder, input: "no-such-folder") }
        do {
            _ = try ingest(folder, input: "no-such-folder")
        } catch {
            #expect(error.description.contains("does not exist"))
        }
        if geteuid() != 0 {
            try FileManager.default.createDirectory(at: folder.path("locked"), withIntermediateDirectories: true)
            chmod(folder.path("locked").path, 0o000)
            defer { chmod(folder.path("locked").path, 0o755) }
            #expect(throws: IngestError.self) { try ingest(folder, input: "locked") }
        }
    }

    @Test func outputThatCannotBeWrittenIsRefusedClearly() throws {
        let folder = try TemporaryFolder()
        try folder.scan("in/A.png")
        try folder.write("plainfile", Data("x".utf8))
        do {
            _ = try ingest(folder, output: "plainfile/out")
            Issue.record("ingest into a path below a regular file should fail")
        } catch {
            guard case .outputNotWritable = error else { Issue.record("unexpected error \(error)"); return }
            #expect(error.description.contains("plainfile"))
        }
        try FileManager.default.createDirectory(at: folder.path("readonly"), withIntermediateDirectories: true)
        try makeUnwritable(folder.path("readonly"))
        defer { makeWritableAgain(folder.path("readonly")) }
        #expect(throws: IngestError.self) { try ingest(folder, output: "readonly") }
    }

    @Test func outputInsideInputIsLeftOutOfTheWalk() throws {
        let folder = try TemporaryFolder()
        try folder.scan("in/A.png")
        try folder.scan("in/B-p1.png")
        let first = try ingest(folder, output: "in/results")
        #expect(first.declarations == 2)
        let second = try ingest(folder, output: "in/results")
        #expect(second.declarations == 2)
        #expect(second.readNow == 0)
        #expect(folder.files(under: "in/results").filter { !$0.hasPrefix(".") } == ["A.json", "B.json", "index.jsonl"])
    }

    @Test func diskFullKeepsTheInputPendingAndTheRerunFinishesIt() throws {
        let folder = try TemporaryFolder()
        for index in 1...6 { try folder.scan("in/S\(index).png") }
        // Two result files fit, then the disk is "full".
        let full = try ingest(folder, jobs: 1, writer: FullDiskWriter(allowedWrites: 2))
        #expect(full.exitCode == 1)
        let reason = try #require(full.stopReason)
        #expect(reason.contains("No space left on device"))
        #expect(reason.contains("stays pending"))
        #expect(full.accepted == 2)
        #expect(full.pending == 4)
        let ledger = try Ledger(folder: folder.path("out"))
        #expect(try ledger.declarations(in: .pending).count == 1) // the one that hit the full disk
        #expect(folder.files(under: "out").filter { TemporaryNames.isTemporary(($0 as NSString).lastPathComponent) }.isEmpty)

        let rerun = try ingest(folder, jobs: 2)
        #expect(rerun.readNow == 4)
        #expect(rerun.accepted == 6)
        #expect(rerun.exitCode == 0)
        #expect(try decodeIndex(folder.path("out/index.jsonl")).count == 6)
    }

    @Test func sidecarFilesBesideScansAreIgnoredAndCounted() throws {
        let folder = try TemporaryFolder()
        try folder.scan("in/A.png")
        try folder.write("in/A.truth.json", Data("{}".utf8))
        try folder.write("in/notes.txt", Data("call the broker".utf8))
        let summary = try ingest(folder)
        #expect(summary.declarations == 1)
        #expect(summary.ignoredSidecars == ["A.truth.json", "notes.txt"])
        #expect(summary.exitCode == 0)
    }

    @Test func twoRunsCannotWriteTheSameOutputAtOnce() throws {
        let folder = try TemporaryFolder()
        try folder.scan("in/A.png")
        let output = try OutputFolder.prepare(folder.path("out"))
        var held: OutputLock? = try OutputLock(folder: output)
        #expect(held != nil)
        #expect(throws: IngestError.self) { try ingest(folder) }
        held = nil
        #expect(try ingest(folder).accepted == 1)
    }

    @Test func temporaryLeftoversAreRemovedAtStart() throws {
        let folder = try TemporaryFolder()
        try folder.scan("in/A.png")
        try folder.write("out/sub/.A.json\(TemporaryNames.marker)abc", Data("{partial".utf8))
        _ = try ingest(folder)
        #expect(folder.files(under: "out").filter { !$0.hasPrefix(".secondline-") } == ["A.json", "index.jsonl"])
    }
}

/// A real full disk: a tiny tmpfs as the output folder. Needs permission to mount (root with
/// CAP_SYS_ADMIN); elsewhere the test is reported as skipped (the simulated full disk above always runs).
@Suite("Full disk (tmpfs)")
struct FullDiskTests {
    static let canMount: Bool = {
        guard geteuid() == 0, let folder = try? TemporaryFolder("mountprobe") else { return false }
        let mounted = run("/bin/mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", folder.url.path], quiet: true) == 0
        if mounted { run("/bin/umount", [folder.url.path], quiet: true) }
        return mounted
    }()

    @Test(.enabled(if: FullDiskTests.canMount, "needs permission to mount a tmpfs"))
    func outputDiskFillsUpThenRerunAfterFreeingSpaceFinishesExactlyOnce() throws {
        let folder = try TemporaryFolder("fulldisk")
        for index in 1...120 { try folder.scan("in/s\(index).png", extra: String(repeating: "x", count: 2000)) }
        let out = folder.path("out")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        try #require(run("/bin/mount", ["-t", "tmpfs", "-o", "size=160k", "tmpfs", out.path]) == 0)
        defer { run("/bin/umount", [out.path], quiet: true) }

        let options = IngestOptions(input: folder.path("in"), output: out, jobs: 2, progress: .quiet)
        let full = try IngestRun(options: options, factory: TextScanReaderFactory()).run()
        #expect(full.exitCode == 1)
        let reason = try #require(full.stopReason)
        #expect(reason.contains("No space left on device") || reason.contains("disk is full"), "clear reason: \(reason)")
        #expect(full.pending > 0)
        #expect(folder.files(under: "out").allSatisfy { !TemporaryNames.isTemporary(($0 as NSString).lastPathComponent) }, "no partial files")

        try #require(run("/bin/mount", ["-o", "remount,size=16m", out.path]) == 0)
        let rerun = try IngestRun(options: options, factory: TextScanReaderFactory()).run()
        #expect(rerun.exitCode == 0)
        #expect(rerun.accepted == 120)
        #expect(folder.files(under: "out").filter { $0.hasSuffix(".json") }.count == 120)
        #expect(try decodeIndex(out.appendingPathComponent("index.jsonl")).count == 120)
    }
}
