import SecondLineModel
import SecondLineRules
import Testing

let today = CalendarDate(iso: "2026-11-29")!
let engine = RuleEngine()
let generator = DeclarationGenerator(today: today)

func base(_ type: FormType = .importDeclaration, items: Int = 3, seed: UInt64 = 11) -> Declaration {
    generator.declaration(seed: seed, itemCount: items, formType: type)
}

/// A mutation of a valid declaration and the finding it must cause.
struct Violation: Sendable, CustomTestStringConvertible {
    var name: String
    var rule: String
    var field: String
    var severity: Severity = .error
    var type: FormType = .importDeclaration
    var mutate: @Sendable (inout Declaration) -> Void
    var testDescription: String { name }
}

let violations: [Violation] = [
    Violation(name: "missing customs port", rule: "FMT-REQUIRED", field: "customsPort") { $0.customsPort = nil },
    Violation(name: "missing domestic party", rule: "FMT-REQUIRED", field: "domesticParty") { $0.domesticParty = nil },
    Violation(name: "missing end user credit code", rule: "FMT-REQUIRED", field: "endUser.uscc") { $0.endUser?.uscc = nil },
    Violation(name: "missing import date on import", rule: "FMT-REQUIRED", field: "ieDate") { $0.ieDate = nil },
    Violation(name: "missing levy nature on import", rule: "FMT-REQUIRED", field: "levyNature") { $0.levyNature = nil },
    Violation(name: "missing departure country", rule: "FMT-REQUIRED", field: "departureCountry") { $0.departureCountry = nil },
    Violation(name: "missing arrival country on export", rule: "FMT-REQUIRED", field: "arrivalCountry", type: .exportDeclaration) { $0.arrivalCountry = nil },
    Violation(name: "missing gross weight", rule: "FMT-REQUIRED", field: "grossWeightKg") { $0.grossWeightKg = nil },
    Violation(name: "no items", rule: "FMT-REQUIRED", field: "items") { $0.items = [] },
    Violation(name: "missing item HS code", rule: "FMT-REQUIRED", field: "items[1].hsCode") { $0.items[1].hsCode = nil },
    Violation(name: "missing declared quantity unit", rule: "FMT-REQUIRED", field: "items[0].declaredQuantity.unit") { $0.items[0].declaredQuantity?.unit = nil },
    Violation(name: "missing duty mode", rule: "FMT-REQUIRED", field: "items[2].dutyMode") { $0.items[2].dutyMode = nil },
    Violation(name: "customs number too short", rule: "FMT-PATTERN", field: "customsNumber") { $0.customsNumber = "22012025" },
    Violation(name: "pre-entry number lower case", rule: "FMT-PATTERN", field: "preEntryNumber") { $0.preEntryNumber = "abc123456789012345" },
    Violation(name: "customs port letters", rule: "FMT-PATTERN", field: "customsPort") { $0.customsPort = "22O1" },
    Violation(name: "record number 11 chars", rule: "FMT-PATTERN", field: "recordNumber") { $0.recordNumber = "B1234567890" },
    Violation(name: "levy nature 4 digits", rule: "FMT-PATTERN", field: "levyNature") { $0.levyNature = "1010" },
    Violation(name: "loading port 5 chars", rule: "FMT-PATTERN", field: "loadingPort") { $0.loadingPort = "USA00" },
    Violation(name: "entry port letters", rule: "FMT-PATTERN", field: "entryPort") { $0.entryPort = "47020A" },
    Violation(name: "HS code 8 digits", rule: "FMT-PATTERN", field: "items[0].hsCode") { $0.items[0].hsCode = "85423190" },
    Violation(name: "domestic region 4 digits", rule: "FMT-PATTERN", field: "items[1].domesticRegion") { $0.items[1].domesticRegion = "4403" },
    Violation(name: "licence number shape", rule: "FMT-PATTERN", field: "licenseNumber") { $0.licenseNumber = "25AA123456" },
    Violation(name: "package count zero", rule: "FMT-PATTERN", field: "packageCount") { $0.packageCount = 0 },
    Violation(name: "gross weight 6 decimals", rule: "FMT-PATTERN", field: "grossWeightKg") { $0.grossWeightKg = ExactDecimal("99999.123456") },
    Violation(name: "net weight 15 integer digits", rule: "FMT-PATTERN", field: "netWeightKg") { $0.netWeightKg = ExactDecimal("123456789012345") },
    Violation(name: "unit price 5 decimals", rule: "FMT-PATTERN", field: "items[0].unitPrice") {
        $0.items[0].unitPrice = ExactDecimal("1.12345"); $0.items[0].totalPrice = $0.items[0].declaredQuantity!.value!.multiplied(by: ExactDecimal("1.12345")!)!.rounded(toPlaces: 2)
    },
    Violation(name: "total price 3 decimals", rule: "FMT-PATTERN", field: "items[0].totalPrice") {
        $0.items[0].totalPrice = $0.items[0].declaredQuantity!.value!.multiplied(by: $0.items[0].unitPrice!)!.rounded(toPlaces: 3)
    },
    Violation(name: "overseas name too long", rule: "FMT-LENGTH", field: "overseasParty.name") { $0.overseasParty?.name = String(repeating: "A", count: 101) },
    Violation(name: "domestic name too long", rule: "FMT-LENGTH", field: "domesticParty.name") { $0.domesticParty?.name = String(repeating: "公", count: 71) },
    Violation(name: "bill of lading too long", rule: "FMT-LENGTH", field: "billOfLading") { $0.billOfLading = String(repeating: "B", count: 33) },
    Violation(name: "marks too long", rule: "FMT-LENGTH", field: "marksAndRemarks") { $0.marksAndRemarks = String(repeating: "M", count: 401) },
    Violation(name: "item text too long", rule: "FMT-LENGTH", field: "items[0].name") { $0.items[0].specification = String(repeating: "规", count: 256) },
    Violation(name: "unknown transport mode", rule: "CODE-UNKNOWN", field: "transportMode") { $0.transportMode = "Q" },
    Violation(name: "unknown country", rule: "CODE-UNKNOWN", field: "tradeCountry") { $0.tradeCountry = "XXX" },
    Violation(name: "unknown unit", rule: "CODE-UNKNOWN", field: "items[0].legalQuantity.unit") { $0.items[0].legalQuantity?.unit = "999" },
    Violation(name: "unknown currency in partial table is a warning", rule: "CODE-UNKNOWN", field: "items[0].currency", severity: .warning) {
        for i in $0.items.indices { $0.items[i].currency = "ZZZ" }
    },
    Violation(name: "unknown customs office is a warning", rule: "CODE-UNKNOWN", field: "customsPort", severity: .warning) {
        $0.customsPort = "9999"; $0.customsNumber = "9999" + String($0.customsNumber!.dropFirst(4))
    },
    Violation(name: "credit code check character", rule: "ID-USCC", field: "domesticParty.uscc") {
        var code = Array($0.domesticParty!.uscc!); code[17] = code[17] == "0" ? "1" : "0"; $0.domesticParty?.uscc = String(code)
    },
    Violation(name: "credit code with letter O", rule: "ID-USCC", field: "declaringUnit.uscc") { $0.declaringUnit?.uscc = "91310000MA1FL8OX2Q" },
    Violation(name: "credit code 17 chars", rule: "ID-USCC", field: "endUser.uscc") { $0.endUser?.uscc = "91310000MA1FL8X2Q" },
    Violation(name: "customs number office differs", rule: "ID-CUSTOMS-NUMBER", field: "customsNumber") {
        let other = $0.customsPort == "2201" ? "2202" : "2201"; $0.customsNumber = other + String($0.customsNumber!.dropFirst(4))
    },
    Violation(name: "customs number year differs", rule: "ID-CUSTOMS-NUMBER", field: "customsNumber") {
        var c = Array($0.customsNumber!); c.replaceSubrange(4..<8, with: Array("2019")); $0.customsNumber = String(c)
    },
    Violation(name: "customs number import flag on export", rule: "ID-CUSTOMS-NUMBER", field: "customsNumber", type: .exportDeclaration) {
        var c = Array($0.customsNumber!); c[8] = "1"; $0.customsNumber = String(c)
    },
    Violation(name: "processing trade without record number", rule: "ID-RECORD-PREFIX", field: "recordNumber") {
        $0.supervisionMode = "0214"; $0.levyNature = "502"; $0.recordNumber = nil
        for i in $0.items.indices { $0.items[i].dutyMode = "3" }
    },
    Violation(name: "record number prefix", rule: "ID-RECORD-PREFIX", field: "recordNumber") {
        $0.supervisionMode = "0615"; $0.levyNature = "503"; $0.recordNumber = "B12345678901"
        for i in $0.items.indices { $0.items[i].dutyMode = "3" }
    },
    Violation(name: "net above gross", rule: "XF-NET-GROSS", field: "netWeightKg") { $0.netWeightKg = $0.grossWeightKg!.adding(ExactDecimal("1")!) },
    Violation(name: "total off by 5 %", rule: "XF-ITEM-TOTAL", field: "items[1].totalPrice") {
        $0.items[1].totalPrice = $0.items[1].totalPrice!.multiplied(by: ExactDecimal("1.05")!)!.rounded(toPlaces: 2).adding(ExactDecimal("1")!)
    },
    Violation(name: "total off by 0.5 % is a warning", rule: "XF-ITEM-TOTAL", field: "items[0].totalPrice", severity: .warning) {
        $0.items[0].declaredQuantity?.value = ExactDecimal("1000"); $0.items[0].unitPrice = ExactDecimal("10"); $0.items[0].totalPrice = ExactDecimal("10050.00")
    },
    Violation(name: "item numbers with a gap", rule: "XF-ITEM-COUNT", field: "items[2].itemNumber") { $0.items[2].itemNumber = 4 },
    Violation(name: "item number repeated", rule: "XF-ITEM-COUNT", field: "items[1].itemNumber") { $0.items[1].itemNumber = 1 },
    Violation(name: "51 items", rule: "XF-ITEM-COUNT", field: "items") { d in
        while d.items.count < 51 { var item = d.items[0]; item.itemNumber = d.items.count + 1; d.items.append(item) }
    },
    Violation(name: "levy nature does not fit", rule: "XF-LEVY-MODE", field: "levyNature") {
        $0.supervisionMode = "0110"; $0.levyNature = "502"; $0.recordNumber = nil
    },
    Violation(name: "duty mode does not fit", rule: "XF-DUTY-MODE", field: "items[0].dutyMode", severity: .warning) {
        $0.supervisionMode = "0110"; $0.levyNature = "101"; $0.recordNumber = nil
        for i in $0.items.indices { $0.items[i].dutyMode = "1" }
        $0.items[0].dutyMode = "3"
    },
    Violation(name: "FOB import without freight", rule: "XF-CHARGES", field: "freight") {
        $0.transactionMode = "3"; $0.freight = nil; $0.insurance = Charge(mark: 1, amount: ExactDecimal("0.3"))
    },
    Violation(name: "C&F import without insurance", rule: "XF-CHARGES", field: "insurance") {
        $0.transactionMode = "2"; $0.freight = nil; $0.insurance = nil
    },
    Violation(name: "CIF import carrying freight", rule: "XF-CHARGES", field: "freight", severity: .warning) {
        $0.transactionMode = "1"; $0.insurance = nil; $0.freight = Charge(mark: 3, amount: ExactDecimal("100"), currency: "USD")
    },
    Violation(name: "CIF export without insurance", rule: "XF-CHARGES", field: "insurance", type: .exportDeclaration) {
        $0.transactionMode = "1"; $0.freight = Charge(mark: 3, amount: ExactDecimal("100"), currency: "USD"); $0.insurance = nil
    },
    Violation(name: "amount charge without currency", rule: "XF-CHARGES", field: "otherCharges.currency") {
        $0.otherCharges = Charge(mark: 3, amount: ExactDecimal("100"))
    },
    Violation(name: "rate charge with currency", rule: "XF-CHARGES", field: "otherCharges.currency") {
        $0.otherCharges = Charge(mark: 1, amount: ExactDecimal("0.5"), currency: "USD")
    },
    Violation(name: "unusual insurance rate", rule: "XF-CHARGES", field: "insurance.amount", severity: .warning) {
        $0.transactionMode = "2"; $0.freight = nil; $0.insurance = Charge(mark: 1, amount: ExactDecimal("0.5"))
    },
    Violation(name: "bulk with 3 packages", rule: "XF-BULK-COUNT", field: "packageCount") { $0.packageType = "00"; $0.packageCount = 3 },
    Violation(name: "water transport without bill", rule: "XF-WATER", field: "billOfLading") {
        $0.transportMode = "2"; $0.conveyance = "EVER GIVEN/001E"; $0.billOfLading = nil
    },
    Violation(name: "declared before import", rule: "XF-DATES", field: "declarationDate") { $0.declarationDate = $0.ieDate!.adding(days: -1) },
    Violation(name: "declared 20 days after import", rule: "XF-DATES", field: "declarationDate", severity: .warning) {
        $0.ieDate = $0.declarationDate!.adding(days: -20)
    },
    Violation(name: "export date before declaration", rule: "XF-DATES", field: "ieDate", type: .exportDeclaration) {
        $0.ieDate = $0.declarationDate!.adding(days: -2)
    },
    Violation(name: "declaration date in the future", rule: "XF-DATES", field: "declarationDate") {
        $0.declarationDate = today.adding(days: 5); $0.ieDate = today.adding(days: 4)
        var c = Array($0.customsNumber!); c.replaceSubrange(4..<8, with: Array(String(today.adding(days: 5).year))); $0.customsNumber = String(c)
    },
]

@Suite("Each rule")
struct EachRuleTests {
    @Test("a valid declaration has no finding", arguments: FormType.allCases)
    func validHasNoFinding(type: FormType) {
        let findings = engine.validate(base(type), today: today)
        #expect(findings.isEmpty, "\(findings)")
    }

    @Test("the violation is reported with its rule id, field and severity", arguments: violations)
    func violationIsReported(_ violation: Violation) {
        var declaration = base(violation.type)
        violation.mutate(&declaration)
        let findings = engine.validate(declaration, today: today)
        let match = findings.first { $0.rule == violation.rule && $0.fields.contains(violation.field) }
        #expect(match != nil, "expected \(violation.rule) on \(violation.field); got \(findings)")
        #expect(match?.severity == violation.severity)
        #expect(match.map { !$0.message.isEmpty } == true)
    }

    @Test("a finding's message names the values involved")
    func messageIsSpecific() throws {
        var d = base()
        d.netWeightKg = ExactDecimal("1300")
        d.grossWeightKg = ExactDecimal("1250.5")
        let finding = try #require(engine.validate(d, today: today).first { $0.rule == "XF-NET-GROSS" })
        #expect(finding.message == "net weight 1300 kg exceeds gross weight 1250.5 kg")
    }

    @Test("the customs number of a first-week declaration may carry last year (warning)")
    func firstWeekOfJanuary() {
        var d = base()
        d.declarationDate = CalendarDate(iso: "2026-01-03")
        d.ieDate = CalendarDate(iso: "2026-01-02")
        var c = Array(d.customsNumber!)
        c.replaceSubrange(4..<8, with: Array("2025"))
        d.customsNumber = String(c)
        let findings = engine.validate(d, today: today).filter { $0.rule == "ID-CUSTOMS-NUMBER" }
        #expect(findings.map(\.severity) == [.warning])
    }

    @Test("0110 with levy 401 needs a Z record number, and accepts one")
    func scienceEducationImports() {
        var d = base()
        d.supervisionMode = "0110"
        d.levyNature = "401"
        d.recordNumber = "Z12345678901"
        for i in d.items.indices { d.items[i].dutyMode = "3" }
        #expect(engine.validate(d, today: today).filter { $0.severity == .error }.isEmpty)
        d.recordNumber = "B12345678901"
        #expect(engine.validate(d, today: today).contains { $0.rule == "ID-RECORD-PREFIX" })
    }

    @Test("results do not depend on the machine's clock")
    func deterministic() {
        let d = base(seed: 99)
        #expect(engine.validate(d, today: today) == engine.validate(d, today: today))
    }
}

@Suite("Generator")
struct GeneratorTests {
    @Test("thousands of random declarations have no error finding")
    func manySeedsAreValid() {
        var failures: [String] = []
        for seed in UInt64(0)..<3000 {
            let d = generator.declaration(seed: seed)
            let errors = engine.validate(d, today: today).filter { $0.severity == .error }
            if !errors.isEmpty { failures.append("seed \(seed): \(errors)") }
        }
        #expect(failures.isEmpty, "\(failures.prefix(5))")
    }

    @Test("a seed always gives the same declaration")
    func seedIsReproducible() {
        #expect(generator.declaration(seed: 42) == generator.declaration(seed: 42))
        #expect(generator.declaration(seed: 42) != generator.declaration(seed: 43))
    }

    @Test("item counts span 1 to 50")
    func itemCounts() {
        let counts = (UInt64(0)..<500).map { generator.declaration(seed: $0).items.count }
        #expect(counts.min() == 1)
        #expect(counts.max()! > 40 && counts.max()! <= 50)
    }
}

@Suite("USCC")
struct USCCTests {
    @Test("known valid codes pass", arguments: ["91350100M000100Y43", "91110000600037341L", "91110108551385082Q", "91440300708461136T"])
    func knownCodes(code: String) {
        #expect(USCC.isValid(code), "\(String(describing: USCC.problem(in: code)))")
    }

    @Test("check character 0 when the remainder is 0")
    func wrapAround() {
        for _ in 0..<1 {
            // Find a 17-char body whose check value is 31 → mapped to 0.
            let body = "9131000000000000"
            for c in USCC.alphabet {
                let candidate = body + String(c)
                if let check = USCC.checkCharacter(for: candidate), check == "0" {
                    #expect(USCC.isValid(candidate + "0"))
                    return
                }
            }
        }
    }
}
