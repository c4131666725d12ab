import SecondLineModel
import Testing

@Suite("Exact decimals")
struct ExactDecimalTests {
    @Test("text survives as written", arguments: ["1250.10", "0.5", "-3", "1234567890123.12345", "0", "007.50"])
    func keepsText(text: String) throws {
        let value = try #require(ExactDecimal(text))
        #expect(value.description == (text == "007.50" ? "7.50" : text))
    }

    @Test("non-decimals are refused", arguments: ["", "1.", ".5", "1,000", "1e5", "12a", "1.2.3", "--1", " 1"])
    func refuses(text: String) {
        #expect(ExactDecimal(text) == nil)
    }

    @Test("arithmetic is exact")
    func arithmetic() throws {
        let a = try #require(ExactDecimal("0.1"))
        let b = try #require(ExactDecimal("0.2"))
        #expect(a.adding(b) == ExactDecimal("0.3"))
        #expect(ExactDecimal("1250.10")!.multiplied(by: ExactDecimal("3")!) == ExactDecimal("3750.30"))
        #expect(ExactDecimal("2.345")!.rounded(toPlaces: 2).description == "2.35")
        #expect(ExactDecimal("-2.345")!.rounded(toPlaces: 2).description == "-2.35")
        #expect(ExactDecimal("2.344")!.rounded(toPlaces: 2).description == "2.34")
        #expect(ExactDecimal("1.50") == ExactDecimal("1.5"))
        #expect(ExactDecimal("1.50")!.hashValue == ExactDecimal("1.5")!.hashValue)
        #expect(ExactDecimal("9.99")! < ExactDecimal("10")!)
        #expect(ExactDecimal("12345.678")!.integerDigits == 5)
        #expect(ExactDecimal("0.678")!.integerDigits == 1)
        #expect(ExactDecimal("12345.678")!.fractionDigits == 3)
    }
}

@Suite("Calendar dates")
struct CalendarDateTests {
    @Test("real dates parse in both forms")
    func parse() {
        #expect(CalendarDate(iso: "2024-02-29")?.compact == "20240229")
        #expect(CalendarDate(compact: "20251231")?.iso == "2025-12-31")
    }

    @Test("impossible dates are refused", arguments: ["2025-02-29", "2025-13-01", "2025-04-31", "2025-00-10", "1900-02-29", "2025-1-01", "20250230"])
    func refuse(text: String) {
        #expect(CalendarDate(text: text) == nil)
    }

    @Test("day arithmetic crosses months and years")
    func arithmetic() {
        let d = CalendarDate(iso: "2024-12-25")!
        #expect(d.adding(days: 10).iso == "2025-01-04")
        #expect(d.days(until: CalendarDate(iso: "2025-03-01")!) == 66)
        #expect(CalendarDate(iso: "2000-02-28")!.adding(days: 1).iso == "2000-02-29")
        for offset in stride(from: -40000, through: 40000, by: 997) {
            #expect(CalendarDate(daysSinceEpoch: offset).daysSinceEpoch == offset)
        }
    }
}

@Suite("Code tables")
struct CodeTableTests {
    @Test("every table is bundled with entries", arguments: CodeTableName.allCases)
    func bundled(name: CodeTableName) {
        #expect(!CodeTables.bundled[name].entries.isEmpty)
    }

    @Test("counts and completeness match the reference")
    func counts() {
        let t = CodeTables.bundled
        #expect(t[.transportModes].entries.count == 18)
        #expect(t[.supervisionModes].entries.count == 98)
        #expect(t[.levyNatures].entries.count == 45)
        #expect(t[.units].entries.count == 123)
        #expect(t[.countries].entries.count == 264)
        #expect(t[.transportModes].isComplete)
        #expect(!t[.currencies].isComplete)
        #expect(!t[.ports].isComplete)
    }

    @Test("code to name and back")
    func lookups() {
        let t = CodeTables.bundled
        #expect(t[.supervisionModes].name(forCode: "0110") == "一般贸易")
        #expect(t[.supervisionModes].code(forName: "来料加工") == "0214")
        #expect(t[.currencies].code(forName: "美元") == "USD")
        #expect(t[.units].code(forName: "千克") == "035")
        #expect(t[.countries].name(forCode: "USA") == "美国")
        #expect(t[.transactionModes].code(forName: "C&F") == "2")
    }
}
