import Testing
import SecondLineModel
@testable import SecondLineForm

@Suite("Code fields: the code in the label against the name on the value line")
struct CodeFieldTests {
    let resolver = CodeFieldResolver(tables: .bundled)

    @Test("code and name that agree give the code")
    func agree() {
        let r = resolver.resolve(field: "supervisionMode", table: .supervisionModes, codeText: "0110", nameText: "一般贸易")
        #expect(r.outcome == .code("0110"))
        #expect(r.support == 2)
    }

    @Test("code and name that disagree are a gap and a CODE-NAME-MISMATCH finding, not a guess")
    func mismatch() {
        let r = resolver.resolve(field: "supervisionMode", table: .supervisionModes, codeText: "0110", nameText: "来料加工")
        guard case .problem(let p) = r.outcome else { Issue.record("a mismatch must not give a value"); return }
        #expect(p.reason == .inconsistent)
        #expect(r.mismatch?.rule == "CODE-NAME-MISMATCH")
        #expect(r.mismatch?.fields == ["supervisionMode"])
    }

    @Test("an unsure code and a name one character from that code's own name confirm each other")
    func unsureCodeNearName() {
        let r = resolver.resolve(field: "originCountry", table: .countries, codeText: "LTU", nameText: "立陶寻", codeTrusted: false, nameTrusted: false)
        #expect(r.outcome == .code("LTU"))
        #expect(r.support == 1)
        // Two characters off is no confirmation.
        let far = resolver.resolve(field: "originCountry", table: .countries, codeText: "LTU", nameText: "立寻寻", codeTrusted: false, nameTrusted: false)
        #expect(far.outcome != .code("LTU"))
    }

    @Test("an exact name and a code read one character off (a letter lost at the bracket) give the name's code")
    func codeOneOffExactName() {
        let r = resolver.resolve(field: "destinationCountry", table: .countries, codeText: "OR", nameText: "约旦", codeTrusted: false)
        #expect(r.outcome == .code("JOR"))
        let header = resolver.resolve(field: "tradeCountry", table: .countries, codeText: "EY", nameText: "泽西岛", codeTrusted: true)
        #expect(header.outcome == .code("JEY"))
        // Two characters off: no.
        let far = resolver.resolve(field: "destinationCountry", table: .countries, codeText: "R", nameText: "约旦", codeTrusted: false)
        #expect(far.outcome != .code("JOR"))
    }

    @Test("an unreadable code is recovered from a long, exactly read name")
    func recoverCode() {
        let r = resolver.resolve(field: "tradeCountry", table: .countries, codeText: nil, nameText: "圣多美和普林西比", codeTrusted: false)
        #expect(r.outcome == .code("STP"))
    }

    @Test("a code read unsure and far from the name's code may be a mismatch: the name does not settle it")
    func farCodeNotReplacedByName() {
        // AUS000 printed with 中国香港, the code read with an O too many.
        let far = resolver.resolve(field: "loadingPort", table: .ports, codeText: "AUSOO00", nameText: "中国香港")
        guard case .problem(let p) = far.outcome else { Issue.record("a far code must not give the name's code"); return }
        #expect(p.reason == .unreadable)
        #expect(p.message.contains("may disagree"))
        // A code one character off its shape, near the name's code, is still recovered from the name.
        let near = resolver.resolve(field: "loadingPort", table: .ports, codeText: "HKGOO00", nameText: "中国香港")
        #expect(near.outcome == .code("HKG000"))
    }

    @Test("a short name alone (CIF, C&F) does not settle a code")
    func shortNameAlone() {
        let r = resolver.resolve(field: "transactionMode", table: .transactionModes, codeText: nil, nameText: "C&F", codeTrusted: false)
        guard case .problem(let p) = r.outcome else { Issue.record("a short name alone must not give a value"); return }
        #expect(p.reason == .unreadable)
    }

    @Test("a letter O read where a port code has digits is settled by the code's format and the name")
    func shape() {
        let r = resolver.resolve(field: "destinationPort", table: .ports, codeText: "TWNOO0", nameText: "中国台湾")
        #expect(r.outcome == .code("TWN000"))
    }

    @Test("blank code and name are a blank gap")
    func blank() {
        let r = resolver.resolve(field: "transitPort", table: .ports, codeText: nil, nameText: "")
        guard case .problem(let p) = r.outcome else { Issue.record("blank must be a gap"); return }
        #expect(p.reason == .blank)
    }

    @Test("a name printed alone is read once only when no other name of its table is within two characters",
          arguments: [("照章征税", CodeTableName.dutyModes, true), ("全额退税", .dutyModes, true), ("折半征税", .dutyModes, false),
                      ("全免", .dutyModes, false), ("美元", .currencies, false), ("照章征说", .dutyModes, false),
                      // Two characters apart is enough: a misreading would have to give both of 丹麦 for 挪威.
                      ("挪威克朗", .currencies, true), ("新加坡元", .currencies, true)])
    func unmistakableNames(name: String, table: CodeTableName, once: Bool) {
        #expect(CodeFieldResolver.unmistakable(name: name, in: resolver.tables[table]) == once)
    }

    @Test("a name one character off still confirms the code it is close to")
    func nearName() {
        let r = resolver.resolve(field: "tradeCountry", table: .countries, codeText: "STP", nameText: "圣多美和普杯西比")
        #expect(r.outcome == .code("STP"))
    }
}

@Suite("Which form is this")
struct FormClassifierTests {
    let titles: [FormType: String] = [
        .importDeclaration: "中华人民共和国海关进口货物报关单", .exportDeclaration: "中华人民共和国海关出口货物报关单",
        .importRecordList: "中华人民共和国海关进境货物备案清单", .exportRecordList: "中华人民共和国海关出境货物备案清单",
    ]

    @Test("each title names its variant, also with one misread character", arguments: FormType.allCases)
    func titlesClassify(type: FormType) {
        let title = titles[type]!
        #expect(FormClassifier.classify(title, titles: titles) == type)
        var misread = Array(title)
        misread[2] = "氏"
        #expect(FormClassifier.classify(String(misread), titles: titles) == type)
    }

    @Test("quotes, stops and specks read around a title do not hide it")
    func noisyTitle() {
        #expect(FormClassifier.classify("“中华人民共和国海关进失物备案清闽。。", titles: titles) == .importRecordList)
        #expect(FormClassifier.classify("-- 中华人民共和国海关出口货物报关单 |", titles: titles) == .exportDeclaration)
    }

    @Test("other text is no form")
    func notATitle() {
        #expect(FormClassifier.classify("COMMERCIAL INVOICE", titles: titles) == nil)
        #expect(FormClassifier.classify("", titles: titles) == nil)
        #expect(FormClassifier.classify("中华人民共和国增值税专用发票", titles: titles) == nil)
    }
}

@Suite("The bundled layout")
struct FormLayoutTests {
    @Test("decodes with every row, cell and variant")
    func decodes() throws {
        let layout = try FormLayout.bundled()
        #expect(layout.rows.count == 7)
        #expect(layout.titles.count == 4)
        let importKeys = layout.fieldKeys(for: .importDeclaration)
        let exportKeys = layout.fieldKeys(for: .exportDeclaration)
        #expect(importKeys.contains("goodsLocation") && !exportKeys.contains("goodsLocation"))
        #expect(exportKeys.contains("arrivalCountry") && !importKeys.contains("arrivalCountry"))
        #expect(importKeys.contains("declaringUnit") && importKeys.contains("selfAssessment"))
        #expect(layout.expectedHorizontalLinesMm == layout.expectedHorizontalLinesMm.sorted())
        let customs = layout.rows[0].cells[1].spec(for: .importDeclaration)
        #expect(customs.kind == .code && customs.table == .customsOffices && customs.field == "customsPort")
    }
}
