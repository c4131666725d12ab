import Foundation
import Testing
@testable import SecondLineOCR

@Suite("Normalization and intake")
struct NormalizationTests {
    @Test("pages turned 90/180/270° are detected and turned upright", arguments: [1, 2, 3])
    func orientation(quarterTurns: Int) throws {
        let engine = try makeEngine()
        let document = try ImageDocument(path: try Fixture.path("page-eng.png"))
        let upright = try document.loadPage(0)
        let turned = try upright.image.rotated(quarterTurnsClockwise: quarterTurns)
        let loaded = LoadedPage(image: turned, pageIndex: 0, dpi: 300, dpiSource: .metadata)
        let page = try PageNormalizer().normalize(loaded, using: engine)
        #expect(page.report.rotationAppliedDegrees == (4 - quarterTurns) % 4 * 90, "\(page.report.orientationNote)")
        #expect(page.image.width == upright.image.width && page.image.height == upright.image.height)
        let result = try engine.recognize(image: page.image)
        let truth = try #require(try Fixture.truth("page-eng.png").words)
        #expect(recall(truth, in: result) >= 0.9)
        // After correction the words are where they were on the upright page.
        let first = try #require(result.words.first { $0.text == "CUSTOMS" })
        #expect(first.box.overlapRatio(with: truth[0].rect) >= 0.5)
    }

    @Test("Chinese-only pages turned 90/180/270° are turned upright (OSD is unsure on Han text)", arguments: [1, 2, 3])
    func chineseOrientation(quarterTurns: Int) throws {
        let engine = try makeEngine("chi_sim")
        let upright = try ImageDocument(path: try Fixture.path("page-chi.png")).loadPage(0)
        let turned = try upright.image.rotated(quarterTurnsClockwise: quarterTurns)
        let page = try PageNormalizer().normalize(LoadedPage(image: turned, pageIndex: 0, dpi: 300, dpiSource: .metadata), using: engine)
        #expect(page.report.rotationAppliedDegrees == (4 - quarterTurns) % 4 * 90, "\(page.report.orientationNote)")
        let text = try engine.recognize(image: page.image, settings: RecognitionSettings(languages: "chi_sim")).text
        #expect(text.replacingOccurrences(of: " ", with: "").contains("上海贸易有限公司"), "recognized: \(text)")
    }

    @Test("±3° skew is measured and corrected to within 0.3°", arguments: [-3.0, 3.0])
    func skew(degrees: Double) throws {
        let engine = try makeEngine()
        let document = try ImageDocument(path: try Fixture.path("page-eng.png"))
        let straight = try document.loadPage(0).image.grayscale()
        let baseline = try #require(try straight.measureSkew()).degrees
        let skewed = try straight.rotated(byDegrees: degrees)
        let loaded = LoadedPage(image: skewed, pageIndex: 0, dpi: 300, dpiSource: .metadata)
        let page = try PageNormalizer().normalize(loaded, using: engine)
        #expect(page.report.rotationAppliedDegrees == 0)
        #expect(abs(page.report.skewCorrectedDegrees + degrees - baseline) < 0.3, "corrected \(page.report.skewCorrectedDegrees)°")
        let residual = try #require(try page.image.measureSkew()).degrees
        #expect(abs(residual - baseline) < 0.3, "residual skew \(residual)° (straight page measures \(baseline)°)")
        let result = try engine.recognize(image: page.image)
        #expect(recall(try #require(try Fixture.truth("page-eng.png").words), in: result) >= 0.9)
    }

    @Test("low-resolution JPEG is scaled to 300 DPI and boxes scale with it")
    func jpegScaled() throws {
        let engine = try makeEngine()
        let page = try normalizedFixture("page-eng-150dpi.jpg", engine: engine)
        #expect(page.report.sourceDPI == 150 && page.report.dpiSource == .metadata)
        #expect(page.report.scaleFactor == 2 && page.report.outputDPI == 300)
        #expect(page.image.depth == 8)
        let result = try engine.recognize(image: page.image)
        let truth = try #require(try Fixture.truth("page-eng-150dpi.jpg").words)
        #expect(recall(truth, in: result) >= 0.9)
        let invoice = try #require(result.words.first { $0.text == "Invoice" })
        let truthInvoice = try #require(truth.first { $0.text == "Invoice" }).rect
        let scaled = PixelRect(x: truthInvoice.x * 2, y: truthInvoice.y * 2, width: truthInvoice.width * 2, height: truthInvoice.height * 2)
        #expect(invoice.box.overlapRatio(with: scaled) >= 0.5)
    }

    @Test("missing DPI metadata is estimated from the A4 page size")
    func dpiEstimated() throws {
        let document = try ImageDocument(path: try Fixture.path("page-nodpi.png"))
        let page = try document.loadPage(0)
        #expect(page.dpiSource == .estimatedFromA4)
        #expect(page.dpi == 200)
    }

    @Test("multi-page CCITT G4 TIFF: every page read")
    func multiPageTIFF() throws {
        let engine = try makeEngine()
        let path = try Fixture.path("multi-g4.tif")
        let document = try ImageDocument(path: path)
        #expect(document.format == .tiff && document.pageCount == 2)
        let truth = try #require(try Fixture.truth("multi-g4.tif").pages)
        for index in 0..<2 {
            let loaded = try document.loadPage(index)
            #expect(loaded.image.depth == 1 && loaded.dpi == 300)
            let page = try PageNormalizer().normalize(loaded, using: engine)
            #expect(recall(truth[index].words, in: try engine.recognize(image: page.image)) >= 0.9)
        }
    }

    @Test("PDF: every page rasterized at 300 DPI")
    func pdf() throws {
        let engine = try makeEngine()
        let document = try ImageDocument(path: try Fixture.path("doc.pdf"))
        #expect(document.format == .pdf && document.pageCount == 2)
        let truth = try #require(try Fixture.truth("doc.pdf").pages)
        var recognizer = DocumentRecognizer()
        recognizer.settings = .default
        for index in 0..<2 {
            let page = try recognizer.recognize(document: document, pageIndex: index, engine: engine)
            #expect(page.normalization.dpiSource == .rasterized && page.normalization.outputDPI == 300)
            #expect(page.normalization.outputWidth == 2480)
            #expect(recall(truth[index].words, in: page.result) >= 0.9)
        }
    }

    @Test("format comes from the bytes, not the name")
    func formatFromMagic() throws {
        let jpeg = try Fixture.data("page-eng-150dpi.jpg")
        let path = try Fixture.write(jpeg, named: "looks-like.png")
        let document = try ImageDocument(path: path)
        #expect(document.format == .jpeg)
        #expect(ImageFormat.detect(try Fixture.data("multi-g4.tif")) == .tiff)
        #expect(ImageFormat.detect(try Fixture.data("doc.pdf")) == .pdf)
        #expect(ImageFormat.detect(Data("P5\n10 10\n255\n".utf8)) == .pnm)
    }
}
