import Foundation
import Testing
@testable import SecondLineOCR

/// Every bad input yields the right typed error, naming the file (and page), before any big allocation.
@Suite("Bad input")
struct BadInputTests {
    func open(_ path: String, limits: ImageIntakeLimits = .default) throws -> ImageDocument {
        try ImageDocument(path: path, limits: limits)
    }

    @Test("zero-byte file")
    func empty() throws {
        let path = try Fixture.write(Data(), named: "empty.png")
        #expect(throws: OCRError.emptyFile(file: path)) { try open(path) }
    }

    @Test("missing file")
    func missing() throws {
        let path = try Fixture.temporaryDirectory().appendingPathComponent("nope.png").path
        #expect(throws: OCRError.fileNotFound(file: path)) { try open(path) }
    }

    @Test("truncated PNG, JPEG and TIFF", arguments: [
        ("page-eng.png", "PNG"), ("page-eng-150dpi.jpg", "JPEG"), ("multi-g4.tif", "TIFF"),
    ])
    func truncated(fixture: String, format: String) throws {
        let data = try Fixture.data(fixture)
        let path = try Fixture.write(data.prefix(data.count / 2), named: "half-\(fixture)")
        let error = try #require(throws: OCRError.self) { try open(path) }
        guard case let .truncated(file, page, reportedFormat) = error else {
            Issue.record("expected truncated, got \(error)")
            return
        }
        #expect(file == path && reportedFormat == format && page != nil)
        #expect(error.description.contains(path))
    }

    @Test("a PNG damaged in the middle (header and end intact) fails to decode with a typed error")
    func corruptedPNG() throws {
        var bytes = [UInt8](try Fixture.data("page-eng.png"))
        for index in stride(from: bytes.count / 3, to: bytes.count * 2 / 3, by: 7) { bytes[index] ^= 0x5A }
        let path = try Fixture.write(Data(bytes), named: "damaged.png")
        let document = try open(path)
        #expect(throws: OCRError.decodeFailed(file: path, page: 1, format: "PNG")) { try document.loadPage(0) }
    }

    @Test("a text file named .png")
    func textNamedPNG() throws {
        let path = try Fixture.write(Data("Invoice 123\nthis is not an image\n".utf8), named: "notes.png")
        let error = try #require(throws: OCRError.self) { try open(path) }
        guard case .unrecognizedFormat(path, let detail) = error else {
            Issue.record("expected unrecognizedFormat, got \(error)")
            return
        }
        #expect(detail.contains("text"))
    }

    @Test("a PNG header claiming 60000×60000 pixels is refused before decoding")
    func hugePNG() throws {
        let path = try Fixture.path("huge-header.png")
        let error = try #require(throws: OCRError.self) { try open(path) }
        #expect(error == .imageTooLarge(file: path, page: 1, width: 60000, height: 60000, limit: .default))
        #expect(error.description.contains("60000×60000"))
    }

    @Test("the pixel cap is configurable")
    func configurableCap() throws {
        let path = try Fixture.path("page-eng.png")
        var limits = ImageIntakeLimits.default
        limits.maxWidth = 2000
        #expect(throws: OCRError.imageTooLarge(file: path, page: 1, width: 2480, height: 3508, limit: limits)) {
            try open(path, limits: limits)
        }
    }

    @Test("a password-protected PDF")
    func encryptedPDF() throws {
        let path = try Fixture.write(makePDF(pages: 1, encrypted: true), named: "locked.pdf")
        #expect(throws: OCRError.encryptedPDF(file: path)) { try open(path) }
    }

    @Test("a broken PDF")
    func brokenPDF() throws {
        let path = try Fixture.write(Data("%PDF-1.4\nthis is not really a pdf\n".utf8), named: "broken.pdf")
        let error = try #require(throws: OCRError.self) { try open(path) }
        guard case .brokenPDF(path, _, _) = error else {
            Issue.record("expected brokenPDF, got \(error)")
            return
        }
    }

    @Test("a 1000-page PDF exceeds the page cap")
    func thousandPagePDF() throws {
        let path = try Fixture.write(makePDF(pages: 1000), named: "thousand.pdf")
        #expect(throws: OCRError.tooManyPages(file: path, pages: 1000, limit: 50)) { try open(path) }
    }

    @Test("the page cap applies to TIFF and is configurable")
    func tiffPageCap() throws {
        let path = try Fixture.path("multi-g4.tif")
        var limits = ImageIntakeLimits.default
        limits.maxPages = 1
        #expect(throws: OCRError.tooManyPages(file: path, pages: 2, limit: 1)) { try open(path, limits: limits) }
    }

    @Test("asking for a page that does not exist")
    func pageOutOfRange() throws {
        let path = try Fixture.path("doc.pdf")
        #expect(throws: OCRError.pageOutOfRange(file: path, page: 3, pageCount: 2)) { try open(path).loadPage(2) }
    }

    @Test("a missing language names the Debian package")
    func missingLanguage() throws {
        let error = try #require(throws: OCRError.self) { try makeEngine("eng+xyz_abc") }
        guard case .languageMissing("xyz_abc", _, "tesseract-ocr-xyz-abc") = error else {
            Issue.record("expected languageMissing, got \(error)")
            return
        }
        #expect(Tessdata.debianPackage(for: "chi_sim") == "tesseract-ocr-chi-sim")
        #expect(Tessdata.debianPackage(for: "osd") == "tesseract-ocr-osd")
        #expect(Tessdata.debianPackage(for: "HanS") == "tesseract-ocr-script-hans")
    }

    @Test("tessdata: explicit path must exist; TESSDATA_PREFIX and Debian default are searched")
    func tessdataDiscovery() throws {
        #expect(throws: OCRError.tessdataNotFound(searched: ["/nonexistent"])) {
            try Tessdata.locate(explicitPath: "/nonexistent")
        }
        let viaParent = try Tessdata.locate(explicitPath: "/usr/share/tesseract-ocr/5")
        #expect(viaParent.directory == "/usr/share/tesseract-ocr/5/tessdata")
        let viaEnvironment = try Tessdata.locate(environment: ["TESSDATA_PREFIX": "/usr/share/tesseract-ocr/5/tessdata"])
        #expect(viaEnvironment.directory == "/usr/share/tesseract-ocr/5/tessdata")
        let fallback = try Tessdata.locate(environment: ["TESSDATA_PREFIX": "/nonexistent"])
        #expect(fallback.directory == "/usr/share/tesseract-ocr/5/tessdata")
    }
}
