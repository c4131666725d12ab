import Testing
import SecondLineModel
@testable import SecondLineForm

/// Repairs from the form's redundancy, on plain values (no OCR): total = quantity × unit price,
/// item number = row position, and names matched with an OCR-confusion-aware distance.
@Suite("Item repairs: quantity × unit price, row positions")
struct ItemRepairTests {
    typealias Reading = ItemRepairs.NumberReading

    static func d(_ text: String) -> ExactDecimal { ExactDecimal(text)! }
    /// A value read confidently as printed.
    static func read(_ text: String) -> Reading { Reading(value: d(text), texts: [text]) }

    @Test("a number is as sure as the words holding its digits: a quantity's unit read unsure (干 at 0.47) does not count")
    func digitConfidence() {
        let box = PixelBox(x: 0, y: 0, width: 10, height: 10)
        let quantity = [ReadWord(text: "2809.16", box: box, confidence: 0.93), ReadWord(text: "干", box: box, confidence: 0.47),
                        ReadWord(text: "克", box: box, confidence: 0.92)]
        #expect(PageReader.digitConfidence(quantity) == 0.93)
        // Digits read in one word with the unit carry that word's confidence.
        #expect(PageReader.digitConfidence([ReadWord(text: "2809.16干克", box: box, confidence: 0.47)]) == 0.47)
        #expect(PageReader.digitConfidence([ReadWord(text: "千克", box: box, confidence: 0.9)]) == nil)
    }

    @Test("three values that agree exactly are confirmed")
    func confirmed() {
        let outcome = ItemRepairs.checkPrice(quantity: Self.read("1147.42"),
                                             unitPrice: Self.read("446.16"),
                                             total: Self.read("511932.91"))
        guard case .confirmed = outcome else { Issue.record("expected confirmed, got \(outcome)"); return }
    }

    @Test("an unreadable total is recovered when a reading of it equals quantity × unit price")
    func recoverTotal() {
        // The first reading carries a stray dot, the second a letter S for a 5: both stand for the product.
        let outcome = ItemRepairs.checkPrice(quantity: Self.read("1147.42"),
                                             unitPrice: Self.read("446.16"),
                                             total: Reading(value: nil, texts: ["511932.91.", "S11932.91"]))
        guard case .repaired(let field, let value, let note) = outcome else { Issue.record("expected a repair, got \(outcome)"); return }
        #expect(field == .totalPrice)
        #expect(value == Self.d("511932.91"))
        #expect(note.contains("511932.91.") && note.contains("1147.42") && note.contains("446.16"))
    }

    @Test("a total whose readings do not give the product stays a gap")
    func totalNotFitting() {
        // 1112391.21 printed, '11' lost: the part that was read is not the product.
        let outcome = ItemRepairs.checkPrice(quantity: Self.read("2373"),
                                             unitPrice: Self.read("468.77"),
                                             total: Reading(value: nil, texts: ["2", "1 二 12391.21"]))
        guard case .unresolved(.totalPrice, _) = outcome else { Issue.record("expected unresolved, got \(outcome)"); return }
    }

    @Test("a total is never invented: with no reading of it there is nothing to repair")
    func noReadingNoRepair() {
        let outcome = ItemRepairs.checkPrice(quantity: Self.read("10"),
                                             unitPrice: Self.read("2.5"),
                                             total: Reading(value: nil, texts: ["", "二"]))
        #expect(outcome == .undetermined)
    }

    @Test("a repair needs the other two values read confidently")
    func needsConfidentInputs() {
        let outcome = ItemRepairs.checkPrice(quantity: Reading(value: Self.d("1147.42"), texts: ["1147.42"], confidence: 0.6),
                                             unitPrice: Self.read("446.16"),
                                             total: Reading(value: nil, texts: ["511932.91."]))
        #expect(outcome == .undetermined)
    }

    @Test("three confident values that disagree are kept for XF-ITEM-TOTAL, never changed")
    func disagreement() {
        let outcome = ItemRepairs.checkPrice(quantity: Self.read("2373"),
                                             unitPrice: Self.read("468.77"),
                                             total: Self.read("1112891.21"))
        guard case .disagree(let note) = outcome else { Issue.record("expected disagree, got \(outcome)"); return }
        #expect(note.contains("1112391.21"))
    }

    @Test("a difference within XF-ITEM-TOTAL's tolerance is not called exact")
    func tolerance() {
        let outcome = ItemRepairs.checkPrice(quantity: Self.read("3"),
                                             unitPrice: Self.read("3.331"),
                                             total: Self.read("10.00"))
        guard case .withinTolerance = outcome else { Issue.record("expected withinTolerance, got \(outcome)"); return }
    }

    @Test("an unreadable unit price is recovered only when no other unit price one digit away gives the same total")
    func unitPrice() {
        // 2215.8 × 703.293 = 1558356.6294 → 1558356.63; 703.292 or 703.294 give other totals.
        let unique = ItemRepairs.checkPrice(quantity: Self.read("2215.8"),
                                            unitPrice: Reading(value: nil, texts: ["7O3.293", "703.29"]),
                                            total: Self.read("1558356.63"))
        guard case .repaired(.unitPrice, let value, _) = unique else { Issue.record("expected a repair, got \(unique)"); return }
        #expect(value == Self.d("703.293"))
        // 1 × 12.3456 = 12.35, and so is 1 × 12.3457: the total cannot tell them apart.
        let ambiguous = ItemRepairs.checkPrice(quantity: Self.read("1"),
                                               unitPrice: Reading(value: nil, texts: ["12.3456", "I2.3456"]),
                                               total: Self.read("12.35"))
        guard case .unresolved(.unitPrice, let note) = ambiguous else { Issue.record("expected unresolved, got \(ambiguous)"); return }
        #expect(note.contains("would"))
    }

    @Test("two readings of the unit price that both fit are a gap, not a choice")
    func twoFittingReadings() {
        let outcome = ItemRepairs.checkPrice(quantity: Self.read("100"),
                                             unitPrice: Reading(value: nil, texts: ["1.5", "1.50"]),
                                             total: Self.read("150.00"))
        // 1.5 and 1.50 are the same number: one value, so a repair is fine.
        guard case .repaired(.unitPrice, let v, _) = outcome else { Issue.record("expected a repair, got \(outcome)"); return }
        #expect(v == Self.d("1.5"))
        // 0.001 × 20 = 0.02 and 0.001 × 21 = 0.021 → 0.02: both readings fit the total.
        let two = ItemRepairs.checkPrice(quantity: Self.read("0.001"),
                                         unitPrice: Reading(value: nil, texts: ["20", "21"]),
                                         total: Self.read("0.02"))
        guard case .unresolved(.unitPrice, _) = two else { Issue.record("expected unresolved, got \(two)"); return }
    }

    @Test("an unsure declared quantity is confirmed by unit price and total when only it fits")
    func quantity() {
        // 2215.8 × 703.293 = 1558356.63; 2215.7 or 2215.9 give other totals.
        let outcome = ItemRepairs.checkPrice(quantity: Reading(value: nil, texts: ["2215.8", "2215.8"]),
                                             unitPrice: Self.read("703.293"),
                                             total: Self.read("1558356.63"))
        guard case .repaired(.declaredQuantity, let v, _) = outcome else { Issue.record("expected a repair, got \(outcome)"); return }
        #expect(v == Self.d("2215.8"))
        // A reading that does not fit is not replaced by the quotient.
        let wrong = ItemRepairs.checkPrice(quantity: Reading(value: nil, texts: ["2216.8"]),
                                           unitPrice: Self.read("703.293"),
                                           total: Self.read("1558356.63"))
        guard case .unresolved(.declaredQuantity, _) = wrong else { Issue.record("expected unresolved, got \(wrong)"); return }
    }

    @Test("number candidates map confusable letters and strip stray dots",
          arguments: [("511932.91.", "511932.91"), ("S11,932.9l", "511932.91"), ("1O5.2B", "105.28"), ("x 12.50 y", "12.50")])
    func candidates(text: String, expected: String) {
        #expect(ItemRepairs.numberCandidates([text]).contains(Self.d(expected)))
    }

    @Test("an item number is recovered from its row position only when a reading holds its digits")
    func itemNumber() {
        #expect(ItemRepairs.positionalItemNumber(page: 3, row: 2, rowsPerPage: 6) == 15)
        #expect(ItemRepairs.repairItemNumber(texts: ["5", "15"], expected: 15) != nil)
        #expect(ItemRepairs.repairItemNumber(texts: ["6.", ""], expected: 6) != nil)
        #expect(ItemRepairs.repairItemNumber(texts: ["l7", "工 7"], expected: 17) != nil)
        #expect(ItemRepairs.repairItemNumber(texts: ["2", "225"], expected: 25) != nil)
        #expect(ItemRepairs.repairItemNumber(texts: ["4", "dd"], expected: 4) != nil)   // letters alone do not speak against digits
        #expect(ItemRepairs.repairItemNumber(texts: ["5", "D"], expected: 5) != nil)
        #expect(ItemRepairs.repairItemNumber(texts: ["D", "dd"], expected: 4) == nil)   // nor for the number
        #expect(ItemRepairs.repairItemNumber(texts: ["S", "B"], expected: 5) == nil)    // letters passed over: digits must say it
        #expect(ItemRepairs.repairItemNumber(texts: ["4", "0"], expected: 4) == nil)    // a digit does
        // 39 and 12 are item numbers too: a reading of one is no mark beside the digit.
        #expect(ItemRepairs.repairItemNumber(texts: ["3", "39"], expected: 3) == nil)
        #expect(ItemRepairs.repairItemNumber(texts: ["12", "12"], expected: 2) == nil)
        #expect(ItemRepairs.repairItemNumber(texts: ["11", "1"], expected: 1) == nil)
        #expect(ItemRepairs.repairItemNumber(texts: ["2", "21"], expected: 25) == nil)
        #expect(ItemRepairs.repairItemNumber(texts: ["44", "1"], expected: 11) == nil)
        #expect(ItemRepairs.repairItemNumber(texts: ["16", "15"], expected: 15) == nil)
        #expect(ItemRepairs.repairItemNumber(texts: ["", ""], expected: 3) == nil)
    }
}

@Suite("OCR-confusion-aware matching of closed vocabularies")
struct ConfusionMatchTests {
    let tables = CodeTables.bundled

    @Test("confusable pairs cost less than an arbitrary substitution")
    func distance() {
        #expect(OCRConfusion.distance("千克", "千克") == 0)
        #expect(OCRConfusion.distance("干克", "千克") < 1)
        #expect(OCRConfusion.distance("田克", "千克") == 1)
        #expect(OCRConfusion.distance("O1S8", "0158") < 1.5)
        #expect(OCRConfusion.distance("ABCD", "WXYZ") == 4)
        #expect(OCRConfusion.confusable("0", "O") && OCRConfusion.confusable("l", "1") && !OCRConfusion.confusable("3", "8"))
        // The plain edit distance the header code uses is unchanged.
        #expect(CodeFieldResolver.distance("干克", "千克") == 1)
    }

    @Test("a unit read with one confusable character is the table's unit", arguments: [("干克", "035"), ("于克", "035"), ("王克", "035"), ("千兑", "035")])
    func unitRepair(read: String, code: String) throws {
        let m = try #require(CodeFieldResolver.match(name: read, in: tables[.units]))
        #expect(m.code == code)
        #expect(m.confusionOnly)
    }

    @Test("a short name that is not a known confusion, or that two entries explain, matches nothing",
          arguments: ["田克", "克千", "千"])
    func noUnitGuess(read: String) {
        let m = CodeFieldResolver.match(name: read, in: tables[.units])
        // 千 alone is one character away from 千克, 千米, 千升 …: no match. 田克: not a known confusion.
        #expect(m == nil || m?.distance == 0, "\(read) matched \(String(describing: m?.name))")
    }

    @Test("an exact reading of a unit wins over a confusable neighbour (台 and 合 are both units)")
    func exactWins() throws {
        #expect(try #require(CodeFieldResolver.match(name: "台", in: tables[.units])).code == "001")
        #expect(try #require(CodeFieldResolver.match(name: "合", in: tables[.units])).code == "141")
    }

    @Test("currencies and duty modes: one confusable character is repaired, the result says which")
    func otherVocabularies() throws {
        let yen = try #require(CodeFieldResolver.match(name: "曰本元", in: tables[.currencies]))
        #expect(yen.code == "JPY")
        #expect(CodeFieldResolver.describeSubstitutions(read: "曰本元", as: yen.name).contains("'曰' read for '日'"))
        let duty = try #require(CodeFieldResolver.match(name: "拆半征税", in: tables[.dutyModes]))
        #expect(duty.code == "2")
    }

    @Test("a code's format settles digit/letter confusions", arguments: [("O11O", "0110"), ("S0B1", "5081")])
    func shape(read: String, expected: String) {
        let table = tables[.supervisionModes]
        #expect(CodeFieldResolver.conformToShape(read, of: table) == expected)
    }
}

@Suite("Item cells read once when the form's redundancy confirms them")
struct SingleReadingTests {
    static func d(_ text: String) -> ExactDecimal { ExactDecimal(text)! }

    @Test("quantity × unit price = total settles both prices when no unit price one digit away fits")
    func pricesSettled() {
        #expect(ItemRepairs.pricesSettled(quantity: Self.d("2224"), unitPrice: Self.d("884.1446"), total: Self.d("1966337.59")))
        // One of each: 884.1447 gives the same rounded total, so the total does not settle the unit price.
        #expect(!ItemRepairs.pricesSettled(quantity: Self.d("1"), unitPrice: Self.d("884.1446"), total: Self.d("884.14")))
        #expect(!ItemRepairs.pricesSettled(quantity: Self.d("2224"), unitPrice: Self.d("884.1446"), total: Self.d("1966337.60")))
        #expect(!ItemRepairs.pricesSettled(quantity: Self.d("0"), unitPrice: Self.d("884.1446"), total: Self.d("0")))
    }

    @Test("a quantity's unit read with a stray character or a confusable one is the table unit; a one-character unit is never guessed",
          arguments: [("448.2和干克", "035"), ("150干克", "035"), ("2224千克", "035"), ("463件", "011"), ("164件.", "011"), ("64生克", nil), ("3人", nil), ("7557", nil)])
    func quantityUnits(text: String, code: String?) {
        let units = CodeFieldResolver(tables: .bundled).tables[.units]
        #expect(PageReader.quantity(text, units: units)?.2.code == code)
    }
}

@Suite("Kept prices the arithmetic points at")
struct PriceSuspectTests {
    static func d(_ text: String) -> ExactDecimal { ExactDecimal(text)! }
    static func read(_ value: String?, _ texts: [String]) -> ItemRepairs.NumberReading {
        ItemRepairs.NumberReading(value: value.map(d), texts: texts, confidence: 0.98)
    }

    @Test("a unit price read 776 that fits no total, one digit from the total kept: the total is the suspect")
    func totalOneDigitOff() throws {
        let suspects = ItemRepairs.suspects(gapped: .unitPrice, quantity: Self.read("904", ["904"]),
                                            unitPrice: Self.read(nil, ["776", "1"]), total: Self.read("701304.00", ["701304.00"]))
        let first = try #require(suspects.first)
        #expect(first.0 == .totalPrice)
        #expect(first.1 == Self.d("701504.00"))
    }

    @Test("a total reading that 465.038 would give, kept unit price 463.038: the unit price is the suspect")
    func unitPriceOneDigitOff() throws {
        let suspects = ItemRepairs.suspects(gapped: .totalPrice, quantity: Self.read("1300", ["1300"]),
                                            unitPrice: Self.read("463.038", ["463.038"]), total: Self.read(nil, ["604549.40", "604549 ,40"]))
        #expect(suspects.map(\.0) == [.unitPrice])
        #expect(suspects.first?.1 == Self.d("465.038"))
    }

    @Test("readings that are nowhere near point at nothing")
    func noSuspect() {
        #expect(ItemRepairs.suspects(gapped: .unitPrice, quantity: Self.read("904", ["904"]),
                                     unitPrice: Self.read(nil, ["1", "12"]), total: Self.read("701304.00", ["701304.00"])).isEmpty)
    }
}

@Suite("Telling printed lines apart")
struct LineSeparationTests {
    /// Ink per pixel row: a line of text is busy rows, a gap is empty rows, a stamp's stroke a few pixels.
    static func rows(_ runs: [(count: Int, ink: Int)]) -> [Int] { runs.flatMap { Array(repeating: $0.ink, count: $0.count) } }
    static let mm = 11.8

    @Test("two lines joined by a stamp's thin stroke are cut where only the stroke is")
    func strokeBetweenLines() {
        let rows = Self.rows([(40, 300), (30, 4), (40, 280)])
        let lines = PageReader.separateLines(rows, 0, rows.count - 1, mm: Self.mm)
        #expect(lines.count == 2)
        #expect(lines.first?.1 == 39)
        #expect(lines.last?.0 == 70)
    }

    @Test("a line no taller than a printed line is never cut, nor a tall one without a thin gap")
    func wholeLines() {
        let short = Self.rows([(30, 300), (8, 3), (30, 300)])
        #expect(PageReader.separateLines(short, 0, short.count - 1, mm: Self.mm).count == 1)
        let busy = Self.rows([(40, 300), (30, 120), (40, 280)])
        #expect(PageReader.separateLines(busy, 0, busy.count - 1, mm: Self.mm).count == 1)
    }

    @Test("three lines joined by strokes become three, each without the stroke's rows")
    func threeLines() {
        let rows = Self.rows([(35, 300), (25, 5), (35, 280), (25, 3), (35, 260)])
        let lines = PageReader.separateLines(rows, 0, rows.count - 1, mm: Self.mm)
        #expect(lines.map(\.0) == [0, 60, 120])
        #expect(lines.map(\.1) == [34, 94, 154])
    }

    @Test("a bracketed code is the ink after the widest gap of the line's end, not a narrower gap inside it")
    func tailAfterWidestGap() {
        // label ink, a 9-column space, "(J", a 6-column gap, "OR)".
        let cols = Array(repeating: 5, count: 40) + Array(repeating: 0, count: 9) + Array(repeating: 4, count: 8)
            + Array(repeating: 0, count: 6) + Array(repeating: 4, count: 14)
        let tail = PageReader.tailAfterWidestGap(cols, space: 5, narrowest: 10)
        #expect(tail?.start == 49)
        #expect(tail?.end == cols.count - 1)
        // No gap as wide as a space: the label cannot be told from the code.
        #expect(PageReader.tailAfterWidestGap(Array(repeating: 3, count: 60), space: 5, narrowest: 14) == nil)
        #expect(PageReader.tailAfterWidestGap(Array(repeating: 0, count: 60), space: 5, narrowest: 14) == nil)
    }

    @Test("each printed line of an item column belongs to one field")
    func itemLineKeys() {
        #expect(PageReader.itemKey(column: 0, line: 1) == "recordItemNumber")
        #expect(PageReader.itemKey(column: 1, line: 1) == "hsCode")
        #expect(PageReader.itemKey(column: 4, line: 2) == "currency")
        #expect(PageReader.itemKey(column: 2, line: 2) == "specification")
        #expect(PageReader.itemKey(column: 3, line: 1) == "secondQuantity")
        #expect(PageReader.itemKey(column: 5, line: 1) == "originCountry")
    }
}
