import Testing
import SecondLineModel
@testable import SecondLineForm

@Suite("Parsing what a cell says into typed values")
struct FieldParserTests {
    @Test("dates print as YYYYMMDD and must be real days")
    func dates() throws {
        #expect(try FieldParser.date("20250301").get() == CalendarDate(year: 2025, month: 3, day: 1))
        #expect(try FieldParser.date(" 2025 0301 ").get() == CalendarDate(year: 2025, month: 3, day: 1))
        #expect(FieldParser.date("20250230").failure?.reason == .malformed)
        #expect(FieldParser.date("2025031").failure?.reason == .malformed)
        #expect(FieldParser.date("2O250301").failure?.reason == .malformed)
        #expect(FieldParser.date("").failure?.reason == .blank)
    }

    @Test("decimals stay exact and keep their printed scale")
    func decimals() throws {
        #expect(try FieldParser.decimal("1250.10").get().description == "1250.10")
        #expect(try FieldParser.decimal("0.5").get().description == "0.5")
        #expect(FieldParser.decimal("12S0.5").failure?.reason == .malformed)
        #expect(FieldParser.decimal("1,250.1").failure?.reason == .malformed)
        #expect(FieldParser.decimal("55899..047").failure?.reason == .malformed)
        #expect(FieldParser.decimal("007.5").failure?.reason == .malformed)
        #expect(FieldParser.decimal("  ").failure?.reason == .blank)
    }

    @Test("a mark read after a number or around a table name is a speck; a point that may be the decimal point stays",
          arguments: [("1379461.53.", FieldParser.PrintedKind.decimal, "1379461.53", "."),
                      ("8753.", .decimal, "8753.", ""),
                      ("25.", .wholeNumber, "25", "."),
                      ("0901120000..", .wholeNumber, "0901120000", ".."),
                      ("164件.", .quantity, "164件", "."),
                      ("美元,", .word, "美元", ","),
                      ("'全免.", .word, "全免", "'."),
                      ("中国", .word, "中国", ""),
                      ("-12", .wholeNumber, "-12", ""),
                      ("2|", .wholeNumber, "2|", ""),
                      ("2!", .decimal, "2!", ""),
                      ("8753,", .decimal, "8753,", ""),
                      ("875.3,", .decimal, "875.3", ","),
                      ("美元|", .word, "美元", "|")])
    func strayMarks(text: String, kind: FieldParser.PrintedKind, kept: String, removed: String) {
        let trimmed = FieldParser.trimmingStrayMarks(text, as: kind)
        #expect(trimmed.text == kept)
        #expect(trimmed.removed == removed)
        #expect(FieldParser.strayMarkNotes(text, removed: trimmed.removed).isEmpty == removed.isEmpty)
    }

    @Test("integers are whole numbers from 1")
    func integers() throws {
        #expect(try FieldParser.integer("331").get() == 331)
        #expect(FieldParser.integer("0").failure?.reason == .malformed)
        #expect(FieldParser.integer("3l1").failure?.reason == .malformed)
    }

    @Test("unified social credit codes are checked by their check character")
    func uscc() throws {
        #expect(try FieldParser.uscc("91310000KD4NB5FYJ5").get() == "91310000KD4NB5FYJ5")
        #expect(FieldParser.uscc("91310000KD4NB5FYJ6").failure?.reason == .malformed)
        #expect(FieldParser.uscc("91310000KD4NB5FY").failure?.reason == .malformed)
        #expect(FieldParser.parenthesized("境内收货人 (91310000KD4NB5FYJ5)") == "91310000KD4NB5FYJ5")
        #expect(FieldParser.parenthesized("贸易国（地区） (JPN)") == "JPN")
        #expect(FieldParser.parenthesized("备案号") == nil)
    }

    @Test("charges: CUR/amount/mark or rate/1")
    func charges() throws {
        #expect(try FieldParser.charge("USD/1500/3").get() == Charge(mark: 3, amount: ExactDecimal("1500"), currency: "USD"))
        #expect(try FieldParser.charge("EUR/8.46/2").get() == Charge(mark: 2, amount: ExactDecimal("8.46"), currency: "EUR"))
        #expect(try FieldParser.charge("0.3/1").get() == Charge(mark: 1, amount: ExactDecimal("0.3"), currency: nil))
        #expect(FieldParser.charge("USD/1500/1").failure?.reason == .malformed)
        #expect(FieldParser.charge("JPY/86073").failure?.reason == .malformed)
        #expect(FieldParser.charge("USD/1500/3.0").failure?.reason == .malformed)
    }

    @Test("attached documents: 随附单证N：CODE:NUMBER, zero to two")
    func documents() throws {
        let two = try FieldParser.documents("随附单证1：Y:Q26593094693  随附单证2：E:K79698684347").get()
        #expect(two == [AttachedDocument(code: "Y", number: "Q26593094693"), AttachedDocument(code: "E", number: "K79698684347")])
        let one = try FieldParser.documents("随附单证1: B:P36815975848").get()
        #expect(one == [AttachedDocument(code: "B", number: "P36815975848")])
        #expect(FieldParser.documents("随附单证1 B4P80516539220, 随附单证2; B:V73279658429").failure?.reason == .malformed)
        #expect(FieldParser.documents("").failure?.reason == .blank)
    }

    @Test("marks before or after Chinese text are specks; inside it, or after Latin, they are kept")
    func marksAroundChinese() {
        #expect(FieldParser.trimmingMarksAroundChinese("咖啡 豆 :") == ("咖啡 豆", ":"))
        #expect(FieldParser.trimmingMarksAroundChinese("棉 制 针织 T 恤 \"") == ("棉 制 针织 T 恤", "\""))
        #expect(FieldParser.trimmingMarksAroundChinese("0|0| 未 焙 炒 | 产地 :哥伦比亚 |") == ("0|0| 未 焙 炒 | 产地 :哥伦比亚", "|"))
        #expect(FieldParser.trimmingMarksAroundChinese("'全免.") == ("全免", "'."))
        #expect(FieldParser.trimmingMarksAroundChinese(".苏州 博 源 进出口 有限公司") == ("苏州 博 源 进出口 有限公司", "."))
        #expect(FieldParser.trimmingMarksAroundChinese("中国（上海）国际贸易有限公司") == ("中国(上海)国际贸易有限公司", ""))  // full-width brackets normalized, kept
        #expect(FieldParser.trimmingMarksAroundChinese("型号:X100-") == ("型号:X100-", ""))
        #expect(FieldParser.trimmingMarksAroundChinese("规格:M4*10") == ("规格:M4*10", ""))
        // Quotes in pairs are print; a specification may end with an empty element or an element name.
        #expect(FieldParser.trimmingMarksAroundChinese("“嘉禾”牌大米") == ("“嘉禾”牌大米", ""))
        #expect(FieldParser.trimmingMarksAroundChinese("0|0|用途:电子|无型号|", keeping: ["|", ":"]) == ("0|0|用途:电子|无型号|", ""))
        #expect(FieldParser.trimmingMarksAroundChinese("0|0|用途:电子|品牌:", keeping: ["|", ":"]) == ("0|0|用途:电子|品牌:", ""))
        #expect(FieldParser.trimmingMarksAroundChinese("0|0|用途:电子,", keeping: ["|", ":"]) == ("0|0|用途:电子", ","))
    }

    @Test("overseas party: name, AEO code in parentheses")
    func overseasParty() throws {
        #expect(try FieldParser.overseasParty("GLOBAL PARTS GMBH").get() == OverseasParty(name: "GLOBAL PARTS GMBH", aeoCode: nil))
        #expect(try FieldParser.overseasParty("BLUE OCEAN LOGISTICS INC. (AEO3566512334)").get()
            == OverseasParty(name: "BLUE OCEAN LOGISTICS INC.", aeoCode: "AEO3566512334"))
        #expect(FieldParser.overseasParty("ACME TRADING CO., LTD. (AEC").failure?.reason == .malformed)
        // Readings are compared on the name alone: a brace for the code's bracket, a speck read as a comma.
        #expect(FieldParser.overseasNamePart("KOREA PRECISION CO., LTD. {AEO9298081300)") == "KOREA PRECISION CO., LTD.")
        #expect(FieldParser.overseasNamePart("PACIFIC RIM SUPPLY PTE. LTD., (AEO0959636157)") == "PACIFIC RIM SUPPLY PTE. LTD.")
        #expect(FieldParser.trimmingTrailingCommas("ACME TRADING CO., LTD.,") == "ACME TRADING CO., LTD.")
        #expect(FieldParser.trimmingTrailingCommas("ACME TRADING CO.,") == "ACME TRADING CO.")
        #expect(FieldParser.trimmingTrailingCommas("ACME TRADING CO., LTD.，") == "ACME TRADING CO., LTD.")
        // A bracket inside a name without an AEO code is part of the name.
        #expect(FieldParser.overseasNamePart("ACME [ASIA] LTD") == "ACME [ASIA] LTD")
        #expect(FieldParser.overseasNamePart("ACME (ASIA) LTD. (AE0123456789)") == "ACME (ASIA) LTD.")
    }

    @Test("confirmations print 是 or 否 after their label")
    func confirmations() throws {
        #expect(try FieldParser.confirmation("特殊关系确认：是", label: "特殊关系确认：").get() == true)
        #expect(try FieldParser.confirmation("否", label: "自报自缴：").get() == false)
        #expect(FieldParser.confirmation("特殊关系确认：", label: "特殊关系确认：").failure?.reason == .blank)
        #expect(FieldParser.confirmation("特殊关系确认：是否", label: "特殊关系确认：").failure?.reason == .malformed)
    }

    @Test("identifier formats of text fields")
    func textFormats() throws {
        #expect(try FieldParser.text("2218 2025 1391 500080", field: "customsNumber").get() == "221820251391500080")
        #expect(FieldParser.text("22182025139150008O", field: "customsNumber").failure?.reason == .malformed)
        #expect(try FieldParser.text("C49925531511", field: "recordNumber").get() == "C49925531511")
        #expect(try FieldParser.text("79-CD-287778", field: "licenseNumber").get() == "79-CD-287778")
        #expect(FieldParser.text("79CD287778", field: "licenseNumber").failure?.reason == .malformed)
        #expect(try FieldParser.text("021-92184011", field: "declarantPhone").get() == "021-92184011")
    }

    @Test("two readings agree despite spacing, stray marks at the ends, and O/0 in digit fields")
    func agreement() {
        #expect(PageReader.agree("20231228", ":20231228"))
        #expect(PageReader.agree("20231228", "2023 1228 下"))
        #expect(PageReader.agree("220120230260354831", "22O12023O26O354831"))
        #expect(!PageReader.agree("109834125162037211", "909834125162037211"))
        #expect(!PageReader.agree("USD/3264/3", "USD/32647/3"))
        #expect(!PageReader.agree("55404247", "55404.247"))
        #expect(PageReader.agree("220120230260354831", "22o12023o26o354831"))
    }

    @Test("a company name ending one letter from a legal form (LID for LTD) is doubted; real forms and other words are not")
    func legalForm() {
        #expect(FieldParser.misreadLegalForm("KOREA PRECISION CO., LID.")?.near == "LTD")
        #expect(FieldParser.misreadLegalForm("GOLDEN GATE IMPORTS LTD.") == nil)
        #expect(FieldParser.misreadLegalForm("PACIFIC RIM SUPPLY PTE. LTD.") == nil)
        #expect(FieldParser.misreadLegalForm("SYDNEY TRADERS PTY") == nil)
        #expect(FieldParser.misreadLegalForm("ACME TRADING") == nil)
        #expect(FieldParser.misreadLegalForm("LID") == nil)
    }

    @Test("letters whose small and capital forms look alike agree in either case; other letters' case is content")
    func letterCase() {
        #expect(PageReader.agree("COSCO SHIPPING", "cOScO SHIPPING"))
        #expect(PageReader.agree("3.7V", "3.7v"))
        #expect(!PageReader.agree("3000mAh", "3000mah"))
        #expect(!PageReader.agree("ACME", "Acme"))
    }

    @Test("a full stop after a name is content; after digits it is a speck")
    func trailingStops() {
        #expect(!PageReader.agree("SAKURA ELECTRONICS CORP", "SAKURA ELECTRONICS CORP."))
        #expect(!PageReader.agree("ACME TRADING CO., LTD", "ACME TRADING CO., LTD."))
        #expect(PageReader.agree("20231026", "20231026."))
        #expect(PageReader.agree("15609514273", "15609514273,"))
    }

    @Test("the two leading declaration elements are one digit each, so 1 or l between them is a separator")
    func leadingDeclarationElements() throws {
        #expect(try #require(PageReader.leadingElements("010|用途:数控机床用")).text == "0|0|用途:数控机床用")
        #expect(try #require(PageReader.leadingElements("0 | 0 | 用 途 :电子")).text == "0|0|用 途 :电子")
        #expect(try #require(PageReader.leadingElements("o|0|外观:颗粒")).text == "0|0|外观:颗粒")
        #expect(try #require(PageReader.leadingElements("3l1|品牌:SKY")).text == "3|1|品牌:SKY")
        // A character too many or too few: the elements cannot be placed.
        #expect(try #require(PageReader.leadingElements("0j0|用途:数控机床用")).text == "0|0|用途:数控机床用")
        #expect(try #require(PageReader.leadingElements("0|0]尺寸:15.6英寸")).text == "0|0|尺寸:15.6英寸")
        #expect(try #require(PageReader.leadingElements("0i0|外观:颗粒")).text == "0|0|外观:颗粒")
        #expect(try #require(PageReader.leadingElements("0|0[外观:颗粒")).text == "0|0|外观:颗粒")
        // Too short to hold two elements and a value: no answer, and no crash.
        for short in ["", "0", "0|0", "0|0|", " 0 | 0 "] { #expect(PageReader.leadingElements(short) == nil) }
        #expect(PageReader.leadingElementProblem("0|0|材质:不锈钢") == nil)
        #expect(PageReader.leadingElementProblem("4|3|品牌:SKY") == nil)
        #expect(PageReader.leadingElementProblem("9|0|材质:不锈钢")?.contains("brand type") == true)
        #expect(PageReader.leadingElementProblem("0|8|材质:不锈钢")?.contains("export preference") == true)
        #expect(PageReader.leadingElements("0|10|电压:3.7V") == nil)
        #expect(PageReader.leadingElements("01|电压") == nil)
        #expect(PageReader.leadingElements("型号:X100") == nil)
    }

    @Test("a letter-or-digit look-alike where a code's letters meet its digits is ambiguous")
    func letterDigitBoundary() {
        #expect(FieldParser.letterDigitBoundaryConfusion("CN0123456") != nil)
        #expect(FieldParser.letterDigitBoundaryConfusion("AB1234") != nil)
        #expect(FieldParser.letterDigitBoundaryConfusion("CN4403961234") == nil)
        #expect(FieldParser.letterDigitBoundaryConfusion("0445404946") == nil)
        #expect(FieldParser.letterDigitBoundaryConfusion("ABCDEF") == nil)
    }
}

extension Result {
    var failure: Failure? { if case .failure(let f) = self { return f }; return nil }
}
