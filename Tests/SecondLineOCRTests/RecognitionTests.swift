import Foundation
import Testing
@testable import SecondLineOCR

@Suite("Recognition")
struct RecognitionTests {
    @Test("text is recovered from a 300 DPI PNG page")
    func textRecovered() throws {
        let engine = try makeEngine()
        let page = try normalizedFixture("page-eng.png", engine: engine)
        let result = try engine.recognize(image: page.image)
        let truth = try #require(try Fixture.truth("page-eng.png").words)
        #expect(recall(truth, in: result) >= 0.95, "recognized: \(result.text)")
        #expect(result.text.contains("Shanghai Trading Company"))
        #expect(result.lines.count == 5)
        #expect(result.meanConfidence > 0.8 && result.meanConfidence <= 1)
        for word in result.words { #expect((0...1).contains(word.confidence)) }
    }

    @Test("word boxes land on the words")
    func wordBoxesLandOnWords() throws {
        let engine = try makeEngine()
        let page = try normalizedFixture("page-eng.png", engine: engine)
        let result = try engine.recognize(image: page.image)
        let truth = try #require(try Fixture.truth("page-eng.png").words)
        var matched = 0
        for word in truth {
            guard let found = result.words.first(where: { $0.text == word.text && $0.box.overlapRatio(with: word.rect) > 0 }) else { continue }
            matched += 1
            #expect(found.box.overlapRatio(with: word.rect) >= 0.6, "\(word.text): \(found.box) vs truth \(word.rect)")
        }
        #expect(matched >= truth.count - 1)
    }

    @Test("each word carries its characters, with boxes inside the word's box")
    func symbolsOfWords() throws {
        let engine = try makeEngine()
        let page = try normalizedFixture("page-eng.png", engine: engine)
        let result = try engine.recognize(image: page.image)
        #expect(!result.words.isEmpty)
        for word in result.words {
            #expect(word.symbols.map(\.text).joined() == word.text)
            for symbol in word.symbols {
                #expect(symbol.box.x >= word.box.x - 1 && symbol.box.x + symbol.box.width <= word.box.x + word.box.width + 1,
                        "\(symbol.text) \(symbol.box) outside \(word.text) \(word.box)")
            }
        }
        // The characters are not part of the JSON, which says what was read.
        let json = String(decoding: try JSONEncoder().encode(result), as: UTF8.self)
        #expect(!json.contains("symbols"))
        #expect(try JSONDecoder().decode(OCRResult.self, from: Data(json.utf8)).text == result.text)
    }

    @Test("a rectangle on an already-set page: boxes in page coordinates, whitelist applied then reset")
    func rectangleRecognition() throws {
        let engine = try makeEngine()
        let page = try normalizedFixture("page-eng.png", engine: engine)
        let truth = try #require(try Fixture.truth("page-eng.png").words)
        // Line 4, "Gross weight 1250 kg net weight 1180 kg": words 17...24 in the truth.
        let lineWords = truth.filter { abs($0.box[1] - truth.first { $0.text == "Gross" }!.box[1]) < 20 }
        let left = lineWords.map(\.box[0]).min()!, top = lineWords.map(\.box[1]).min()!
        let right = lineWords.map { $0.box[0] + $0.box[2] }.max()!, bottom = lineWords.map { $0.box[1] + $0.box[3] }.max()!
        let lineRect = PixelRect(x: left - 15, y: top - 15, width: right - left + 30, height: bottom - top + 30)

        engine.setImage(page.image)
        let line = try engine.recognize(rect: lineRect, settings: RecognitionSettings(pageSegmentation: .singleLine))
        #expect(line.text == "Gross weight 1250 kg net weight 1180 kg")
        let gross = try #require(line.words.first)
        #expect(gross.box.overlapRatio(with: lineWords[0].rect) >= 0.6, "box \(gross.box) must be in page coordinates")

        // Only the value "1250": digits whitelist.
        let valueTruth = try #require(lineWords.first { $0.text == "1250" })
        let valueRect = PixelRect(x: valueTruth.box[0] - 10, y: valueTruth.box[1] - 10,
                                  width: valueTruth.box[2] + 20, height: valueTruth.box[3] + 20)
        let digits = try engine.recognize(rect: valueRect, settings: RecognitionSettings(pageSegmentation: .singleWord,
                                                                                         characterWhitelist: "0123456789"))
        #expect(digits.text == "1250")
        // The whitelist must not leak into the next call.
        let again = try engine.recognize(rect: lineRect, settings: RecognitionSettings(pageSegmentation: .singleLine))
        #expect(again.text.contains("weight"))
    }

    @Test("recognize(rect:) before setImage is a typed error")
    func noImage() throws {
        let engine = try makeEngine()
        #expect(throws: OCRError.noImageSet) { try engine.recognize(rect: PixelRect(x: 0, y: 0, width: 10, height: 10)) }
    }

    @Test("Chinese and Latin with chi_sim+eng")
    func chinese() throws {
        let engine = try makeEngine("chi_sim+eng")
        let page = try normalizedFixture("page-chi.png", engine: engine)
        let result = try engine.recognize(image: page.image, settings: RecognitionSettings(languages: "chi_sim+eng"))
        let compact = result.text.replacingOccurrences(of: " ", with: "")
        #expect(compact.contains("上海贸易有限公司"), "recognized: \(result.text)")
    }

    @Test("engines keep one Tesseract instance per language set")
    func languageSets() throws {
        let engine = try makeEngine()
        let page = try normalizedFixture("page-eng.png", engine: engine)
        engine.setImage(page.image)
        _ = try engine.recognize(rect: PixelRect(x: 150, y: 250, width: 1000, height: 120),
                                 settings: RecognitionSettings(languages: "chi_sim+eng", pageSegmentation: .singleBlock))
        #expect(engine.loadedLanguageSets.contains("chi_sim+eng"))
        #expect(engine.loadedLanguageSets.contains("eng"))
    }

    @Test("the pool runs workers with their own engines and keeps input order")
    func pool() throws {
        let pool = OCREnginePool(size: 2, tessdata: try Tessdata.locate())
        let png = try Fixture.data("page-nodpi.png")
        let results = pool.map(count: 3) { _, engine in
            let page = try PageImage(data: png)
            page.setDPI(200)
            return try engine.recognize(image: page).lines.first?.text ?? ""
        }
        #expect(results.count == 3)
        for result in results { #expect(try result.get() == "CUSTOMS DECLARATION 2024") }
    }
}
