import Foundation
import Testing
@testable import SecondLineOCR

@Suite("Engine options")
struct EngineOptionsTests {
    /// The "Gross weight 1250 kg net weight 1180 kg" line of page-eng.png, with a margin.
    private func grossWeightLine() throws -> (rect: PixelRect, words: [Fixture.TruthWord]) {
        let truth = try #require(try Fixture.truth("page-eng.png").words)
        let gross = try #require(truth.first { $0.text == "Gross" })
        let lineWords = truth.filter { abs($0.box[1] - gross.box[1]) < 20 }
        let left = lineWords.map(\.box[0]).min()!, top = lineWords.map(\.box[1]).min()!
        let right = lineWords.map { $0.box[0] + $0.box[2] }.max()!, bottom = lineWords.map { $0.box[1] + $0.box[3] }.max()!
        return (PixelRect(x: left - 15, y: top - 15, width: right - left + 30, height: bottom - top + 30), lineWords)
    }

    @Test("without the inverted-text retry, raw-line and single-word reads recover the printed words")
    func rawLineAndSingleWordWithoutInvertRetry() throws {
        let engine = try OCREngine(tessdata: Tessdata.locate(), languages: "eng", retriesInvertedText: false)
        #expect(!engine.retriesInvertedText)
        let page = try normalizedFixture("page-eng.png", engine: engine)
        let (lineRect, lineWords) = try grossWeightLine()
        engine.setImage(page.image)

        let raw = try engine.recognize(rect: lineRect, settings: RecognitionSettings(pageSegmentation: .rawLine))
        #expect(raw.text == "Gross weight 1250 kg net weight 1180 kg")
        let gross = try #require(raw.words.first)
        // Raw-line boxes are looser than layout-analysed ones (line height), so only ask that the word's
        // box holds the printed word's centre: a box relative to the rectangle would lie far off.
        let truthRect = lineWords[0].rect
        let centre = (x: truthRect.x + truthRect.width / 2, y: truthRect.y + truthRect.height / 2)
        #expect((gross.box.x...gross.box.maxX).contains(centre.x) && (gross.box.y...gross.box.maxY).contains(centre.y),
                "box \(gross.box) must be in page coordinates, around \(truthRect)")
        for word in raw.words { #expect((0...1).contains(word.confidence)) }

        let kgTruth = try #require(lineWords.first { $0.text == "1180" })
        let wordRect = PixelRect(x: kgTruth.box[0] - 10, y: kgTruth.box[1] - 10, width: kgTruth.box[2] + 20, height: kgTruth.box[3] + 20)
        let word = try engine.recognize(rect: wordRect, settings: RecognitionSettings(pageSegmentation: .singleWord, dpi: 300))
        #expect(word.text == "1180")
    }

    @Test("prepare(languages:) loads a language set up front and names the Debian package of a missing one")
    func prepareLanguages() throws {
        let engine = try makeEngine()
        try engine.prepare(languages: "osd")
        try engine.prepare(languages: "eng")
        #expect(engine.loadedLanguageSets == ["eng", "osd"])
        #expect(throws: OCRError.self) { try engine.prepare(languages: "no_such_language") }
        do {
            try engine.prepare(languages: "no_such_language")
            Issue.record("a missing language must fail")
        } catch let error as OCRError {
            #expect(error.description.contains("tesseract-ocr-no-such-language"), "\(error)")
        }
        #expect(engine.loadedLanguageSets == ["eng", "osd"])
    }
}
