import Foundation
import Testing

/// The electronic commands end to end through the built executable: exit statuses and output.
@Suite("validate, convert and schema commands")
struct CommandLineTests {
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    func secondline(_ arguments: [String]) throws -> Run {
        let process = Process()
        process.executableURL = try secondlineExecutable()
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
    }

    static var electronic: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/electronic")
    }

    func fixture(_ name: String) throws -> String {
        let url = Self.electronic.appendingPathComponent(name)
        try #require(FileManager.default.fileExists(atPath: url.path), "missing fixture \(url.path); run scripts/make-electronic-fixtures.sh")
        return url.path
    }

    @Test("valid declarations exit 0, in JSON and XML")
    func valid() throws {
        let run = try secondline(["validate", "--today", "2026-11-29", try fixture("import-declaration-2025.json"), try fixture("export-record-list-2025.xml")])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("valid, no findings"))
    }

    @Test("error findings exit 1 and name rule and field")
    func findings() throws {
        let run = try secondline(["validate", "--json", "--today", "2026-11-29", try fixture("invalid-import.json")])
        #expect(run.status == 1)
        let results = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: Any]])
        let findings = try #require(results.first?["findings"] as? [[String: Any]])
        let pairs = Set(findings.map { "\($0["rule"] as? String ?? "") \(($0["fields"] as? [String])?.first ?? "")" })
        #expect(pairs.isSuperset(of: ["XF-NET-GROSS netWeightKg", "ID-USCC domesticParty.uscc", "XF-ITEM-TOTAL items[0].totalPrice"]))
    }

    @Test("an unreadable file exits 2 and the other files are still validated")
    func unreadableAmongValid() throws {
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("empty-\(UUID().uuidString).json")
        _ = FileManager.default.createFile(atPath: empty.path, contents: Data())
        defer { try? FileManager.default.removeItem(at: empty) }
        let run = try secondline(["validate", "--today", "2026-11-29", try fixture("malformed.json"), empty.path,
                                  FileManager.default.temporaryDirectory.path, try fixture("invalid-import.json")])
        #expect(run.status == 2)
        #expect(run.stderr.contains("line 1, column 46"))
        #expect(run.stderr.contains("empty"))
        #expect(run.stderr.contains("folder"))
        #expect(run.stdout.contains("XF-NET-GROSS"), "the readable file after the bad ones is still validated")
    }

    @Test("a file above --max-bytes is refused before reading")
    func sizeCap() throws {
        let run = try secondline(["validate", "--max-bytes", "100", try fixture("import-declaration-2025.json")])
        #expect(run.status == 2)
        #expect(run.stderr.contains("above the limit of 100 bytes"))
    }

    @Test("usage errors exit 64")
    func usage() throws {
        #expect(try secondline(["validate"]).status == 64)
        #expect(try secondline(["convert", try fixture("import-declaration-2025.json"), "--to", "yaml"]).status == 64)
        #expect(try secondline(["validate", "--today", "yesterday", try fixture("import-declaration-2025.json")]).status == 64)
    }

    @Test("convert JSON → XML → JSON gives the same record")
    func convert() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("convert-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let xml = folder.appendingPathComponent("d.xml").path
        let back = folder.appendingPathComponent("d.json").path
        let source = try fixture("export-declaration-2025.json")
        #expect(try secondline(["convert", source, "--to", "xml", "-o", xml]).status == 0)
        #expect(try String(contentsOfFile: xml, encoding: .utf8).contains("<DecMessage>"))
        #expect(try secondline(["convert", xml, "--to", "json", "-o", back]).status == 0)
        let original = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: source))) as? NSDictionary
        let roundTrip = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: back))) as? NSDictionary
        #expect(original == roundTrip)
    }

    @Test("schema prints a JSON Schema")
    func schema() throws {
        let run = try secondline(["schema"])
        #expect(run.status == 0)
        let schema = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(schema["$schema"] as? String == "https://json-schema.org/draft/2020-12/schema")
    }
}
