import Foundation
import Testing
import SecondLineModel
@testable import SecondLineForm

@Suite("Reading whole pages", .serialized)
struct FormReaderTests {
    /// One reader (one set of OCR engines) per test: suites run tests in parallel.
    let engine: FormReader

    init() throws { engine = try FormReader(options: FormReaderOptions(today: CalendarDate(year: 2024, month: 6, day: 1), readItems: false)) }

    func reader() throws -> FormReader { engine }

    @Test("pages that are not a declaration form are rejected with a reason",
          arguments: ["nonform-blank-2.png", "nonform-invoice-1.png", "nonform-photo-3.jpg"])
    func nonForm(file: String) throws {
        let result = try reader().read(files: [FormFixtures.url(file)])
        #expect(result.status == .rejected)
        #expect(result.declaration == nil)
        #expect(!(result.rejectionReason ?? "").isEmpty)
    }

    @Test("a file that is not an image is a clear error, not a crash")
    func notAnImage() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("secondline-form-\(UUID().uuidString).png")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data("not an image".utf8).write(to: url)
        #expect(throws: FormReadError.self) { try reader().read(files: [url]) }
    }

    /// Every header value in the declaration equals the truth, or the field is named in a gap or finding:
    /// nothing is silently wrong. Blank cells are gaps.
    @Test("header fields of rendered pages: right, or flagged — never silently wrong",
          arguments: ["clean-import-nominal-101.png", "clean-export-102.png", "clean-import-record-103.png", "light-import-record-112.jpg"])
    func headerFields(file: String) throws {
        let stem = String(file.prefix { $0 != "." })
        let truth = try FormFixtures.truth(stem)
        let truthDeclaration = try #require(truth["declaration"] as? [String: Any])
        let result = try reader().read(files: [FormFixtures.url(file)])
        #expect(result.status != .rejected)
        let declaration = try #require(result.declaration)
        #expect(declaration.formType?.rawValue == truthDeclaration["formType"] as? String)
        let read = try #require(try JSONSerialization.jsonObject(with: DeclarationJSON.encode(declaration)) as? [String: Any])
        let named = Set(result.gaps.map(\.field) + result.findings.flatMap(\.fields))
        func flagged(_ path: String) -> Bool {
            named.contains { $0 == path || path.hasPrefix($0 + ".") || $0.hasPrefix(path + ".") }
        }
        var right = 0, total = 0
        let layout = try FormLayout.bundled()
        for key in layout.fieldKeys(for: declaration.formType!) {
            let paths = ["domesticParty", "endUser", "declaringUnit"].contains(key) ? [key + ".name", key + ".uscc"]
                : key == "overseasParty" ? [key + ".name"] : [key]
            for path in paths {
                total += 1
                let want = Self.value(truthDeclaration, path), got = Self.value(read, path)
                if want == got { right += 1; continue }
                #expect(flagged(path), "\(stem) \(path): read \(got ?? "nothing") but the form says \(want ?? "nothing"), and no gap or finding names it")
            }
        }
        for blank in (truth["emptyFields"] as? [String] ?? []) + (truth["blankFields"] as? [String] ?? []) where !blank.hasPrefix("items") {
            #expect(result.gaps.contains { $0.field == blank || $0.field.hasPrefix(blank + ".") }, "\(stem): blank \(blank) is not a gap")
        }
        // Clean and light pages: most fields are read.
        #expect(Double(right) / Double(total) >= 0.7, "\(stem): only \(right) of \(total) header fields read right")
    }

    /// Text of a value for comparison: width-folded, spacing removed.
    static func value(_ object: [String: Any], _ path: String) -> String? {
        var current: Any? = object
        for part in path.split(separator: ".") { current = (current as? [String: Any])?[String(part)] }
        guard let current, !(current is NSNull) else { return nil }
        let text: String
        if let s = current as? String { text = s } else if let data = try? JSONSerialization.data(withJSONObject: current, options: [.sortedKeys, .fragmentsAllowed]) {
            text = String(decoding: data, as: UTF8.self)
        } else { text = "\(current)" }
        let folded = FieldParser.normalize(text.precomposedStringWithCompatibilityMapping)
        return folded.isEmpty ? nil : folded.filter { !$0.isWhitespace }
    }
}
