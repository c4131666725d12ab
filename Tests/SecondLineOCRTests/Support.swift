import Foundation
import Testing
@testable import SecondLineOCR

/// Fixtures written by scripts/ocr-make-test-images.py. A missing file fails the test (never skips).
enum Fixture {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/ocr")

    static func path(_ name: String) throws -> String {
        let path = directory.appendingPathComponent(name).path
        try #require(FileManager.default.fileExists(atPath: path), "missing fixture \(path); run scripts/ocr-make-test-images.py")
        return path
    }

    static func data(_ name: String) throws -> Data {
        try Data(contentsOf: URL(fileURLWithPath: try path(name)))
    }

    struct TruthWord: Decodable {
        var text: String
        var box: [Int]
        var rect: PixelRect { PixelRect(x: box[0], y: box[1], width: box[2], height: box[3]) }
    }

    struct TruthPage: Decodable { var words: [TruthWord] }

    struct TruthEntry: Decodable {
        var dpi: Int
        var words: [TruthWord]?
        var pages: [TruthPage]?
        var lines: [String]?
    }

    static func truth(_ name: String) throws -> TruthEntry {
        let all = try JSONDecoder().decode([String: TruthEntry].self, from: try data("truth.json"))
        return try #require(all[name], "no truth for \(name)")
    }

    /// A scratch directory removed when the returned object is released… kept simple: unique per call.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("secondline-ocr-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func write(_ data: Data, named name: String) throws -> String {
        let url = try temporaryDirectory().appendingPathComponent(name)
        try data.write(to: url)
        return url.path
    }
}

/// A minimal, well-formed PDF with `pages` empty A4 pages, optionally "encrypted" with a user password
/// we do not know (poppler then reports "Incorrect password").
func makePDF(pages: Int, encrypted: Bool = false) -> Data {
    var objects = ["<< /Type /Catalog /Pages 2 0 R >>"]
    let kids = (0..<pages).map { "\($0 + 3) 0 R" }.joined(separator: " ")
    objects.append("<< /Type /Pages /Kids [\(kids)] /Count \(pages) >>")
    for _ in 0..<pages { objects.append("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>") }
    if encrypted {
        objects.append("<< /Filter /Standard /V 1 /R 2 /O <\(String(repeating: "11", count: 32))> /U <\(String(repeating: "22", count: 32))> /P -4 >>")
    }
    var out = "%PDF-1.4\n"
    var offsets: [Int] = []
    for (index, object) in objects.enumerated() {
        offsets.append(out.utf8.count)
        out += "\(index + 1) 0 obj\n\(object)\nendobj\n"
    }
    let xref = out.utf8.count
    out += "xref\n0 \(objects.count + 1)\n0000000000 65535 f \n"
    for offset in offsets { out += String(format: "%010d 00000 n \n", offset) }
    let id = "<00112233445566778899AABBCCDDEEFF>"
    let encrypt = encrypted ? " /Encrypt \(objects.count) 0 R /ID [\(id) \(id)]" : ""
    out += "trailer\n<< /Size \(objects.count + 1) /Root 1 0 R\(encrypt) >>\nstartxref\n\(xref)\n%%EOF\n"
    return Data(out.utf8)
}

func makeEngine(_ languages: String = "eng") throws -> OCREngine {
    try OCREngine(tessdata: Tessdata.locate(), languages: languages)
}

/// Normalizes page `index` of a fixture with default options.
func normalizedFixture(_ name: String, page index: Int = 0, engine: OCREngine) throws -> NormalizedPage {
    let document = try ImageDocument(path: try Fixture.path(name))
    return try PageNormalizer().normalize(try document.loadPage(index), using: engine)
}

/// Fraction of truth words found (exact text) among recognized words.
func recall(_ truth: [Fixture.TruthWord], in result: OCRResult) -> Double {
    var remaining = result.words.map(\.text)
    var found = 0
    for word in truth {
        if let index = remaining.firstIndex(of: word.text) {
            remaining.remove(at: index)
            found += 1
        }
    }
    return truth.isEmpty ? 0 : Double(found) / Double(truth.count)
}
