import Foundation
import Testing
import SecondLineModel
import SecondLineOCR
@testable import SecondLineForm

@Suite("Header values a later page reads as an earlier page agreed")
struct EarlierPageTests {
    @Test("only a reading sure of every word that says the earlier agreement is checked by it")
    func sureReadingOnly() {
        let box = PixelBox(x: 0, y: 0, width: 10, height: 10)
        let earlier = PageReader.EarlierValue(text: "苏州 海 晨报 关 有 限 公 司", page: 1)
        let policy = ConfidencePolicy()
        func reading(_ words: [(String, Double)]) -> ReadText {
            ReadText(words: words.map { ReadWord(text: $0.0, box: box, confidence: $0.1) }, box: box)
        }
        let sure = reading([("苏州", 0.97), ("海", 0.9), ("晨", 0.8), ("报关有限公司", 0.89)])
        #expect(PageReader.saysSurely(sure, value: sure.text, as: earlier, policy: policy))
        // Unsure of the very character two networks may have shared a misreading of (晨 for 晟): read again here.
        let unsure = reading([("苏州", 0.97), ("海", 0.9), ("晨", 0.0), ("报关有限公司", 0.89)])
        #expect(!PageReader.saysSurely(unsure, value: unsure.text, as: earlier, policy: policy))
        let other = reading([("苏州", 0.97), ("海", 0.9), ("晟", 0.9), ("报关有限公司", 0.89)])
        #expect(!PageReader.saysSurely(other, value: other.text, as: earlier, policy: policy))
    }

    @Test("a later page's first reading that says what two readings agreed on page 1 is checked by that agreement, and is right")
    func checkedByEarlierPage() throws {
        let stem = "light-export-4p-111"
        let truth = try #require(try FormFixtures.truth(stem)["declaration"] as? [String: Any])
        let url = try FormFixtures.url(stem + ".tif")
        let document = try ImageDocument(path: url.path)
        let reader = try FormReader(options: FormReaderOptions(today: CalendarDate(year: 2024, month: 6, day: 1)))
        var cells: [String: [EarlierCell]] = [:]
        guard case .success(let first) = reader.readPage(try document.loadPage(0), file: url.path, index: 0, resultPage: 1,
                                                         earlierCells: &cells).1 else {
            Issue.record("\(stem): page 1 was not read")
            return
        }
        let agreed = first.evidence.filter { $0.value.confidence >= PageReader.agreedConfidence }
            .mapValues { PageReader.EarlierValue(text: $0.text, page: 1) }
        // No cell is taken from the same print: every cell of page 2 is read.
        var none: [String: [EarlierCell]] = [:]
        guard case .success(let second) = reader.readPage(try document.loadPage(1), file: url.path, index: 1, resultPage: 2,
                                                          agreedEarlier: agreed, earlierCells: &none).1 else {
            Issue.record("\(stem): page 2 was not read")
            return
        }
        let checked = second.evidence.filter { $0.value.notes.contains { $0.hasPrefix("read once on this page") } }
        print("\(stem): \(checked.count) header values of page 2 checked by page 1: \(checked.keys.sorted())")
        // Names, credit codes and the declaring unit are checked so, not only dates and numbers.
        #expect(checked.keys.contains { $0.hasSuffix(".name") })
        #expect(checked.keys.contains { $0.hasSuffix(".uscc") })
        #expect(checked.keys.contains { $0.hasPrefix("declaringUnit") })
        for field in checked.keys {
            #expect(second.values[field] == first.values[field], "\(field): page 2 and page 1 values differ")
            // Where the truth holds the field as text, the value is the printed one.
            let path = field.split(separator: ".").map(String.init)
            let printed = path.count == 2 ? (truth[path[0]] as? [String: Any])?[path[1]] : truth[field]
            if let printed = printed as? String, case .string(let value)? = second.values[field] {
                #expect(FieldParser.compact(value) == FieldParser.compact(printed), "\(field): read '\(value)', printed '\(printed)'")
            }
        }
    }
}
