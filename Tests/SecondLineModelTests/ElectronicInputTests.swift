import Foundation
import SecondLineModel
import SecondLineRules
import Testing

let today = CalendarDate(iso: "2026-11-29")!
let generator = DeclarationGenerator(today: today)

func decode(_ text: String) throws(InputError) -> DecodedDeclaration {
    try ElectronicInput.decode(Data(text.utf8))
}

func expectInputError(_ text: String, _ check: (InputError) -> Bool) {
    do {
        _ = try ElectronicInput.decode(Data(text.utf8))
        Issue.record("expected an input error for \(text.prefix(60))")
    } catch {
        #expect(check(error), "\(error)")
    }
}

@Suite("JSON and XML round trips")
struct RoundTripTests {
    @Test("JSON → declaration → JSON is identical", arguments: UInt64(0)..<40)
    func json(seed: UInt64) throws {
        let d = generator.declaration(seed: seed)
        let decoded = try DeclarationJSON.decode(DeclarationJSON.encode(d))
        #expect(decoded.findings.isEmpty)
        #expect(decoded.declaration == d)
    }

    @Test("JSON → XML → JSON keeps every modelled field", arguments: UInt64(100)..<140)
    func xml(seed: UInt64) throws {
        let d = generator.declaration(seed: seed)
        let xml = DecMessageXML.encode(d)
        let back = try DecMessageXML.decode(xml)
        #expect(back.findings.isEmpty)
        #expect(back.declaration == d)
        #expect(InputFormat.detect(xml) == .xml)
    }

    @Test("unmodelled XML elements are kept on an XML → XML round trip")
    func preservesUnknownElements() throws {
        let d = generator.declaration(seed: 5, itemCount: 2)
        var text = String(decoding: DecMessageXML.encode(d), as: UTF8.self)
        text = text.replacingOccurrences(of: "<IEFlag>", with: "<CustomMaster>2201</CustomMaster>\n<IEFlag>")
        text = text.replacingOccurrences(of: "<GNo>1</GNo>", with: "<GNo>1</GNo><ExgVersion>7</ExgVersion>")
        text = text.replacingOccurrences(of: "</DecMessage>", with: "<DecSign><ClientSeqNo>X1</ClientSeqNo></DecSign></DecMessage>")
        let first = try decode(text)
        let again = String(decoding: DecMessageXML.encode(first.declaration), as: UTF8.self)
        #expect(again.contains("<CustomMaster>2201</CustomMaster>"))
        #expect(again.contains("<ExgVersion>7</ExgVersion>"))
        #expect(again.contains("<ClientSeqNo>X1</ClientSeqNo>"))
        #expect(try decode(again).declaration == first.declaration)
    }

    @Test("decimals stay exact through JSON")
    func decimals() throws {
        let decoded = try decode(#"{"formType":"import-declaration","grossWeightKg":"1250.10","netWeightKg":1250.10,"items":[]}"#)
        #expect(decoded.declaration.grossWeightKg?.description == "1250.10")
        #expect(decoded.declaration.netWeightKg?.description == "1250.10")
    }

    @Test("a result document's declaration is accepted as input")
    func resultDocument() throws {
        let d = generator.declaration(seed: 3)
        let result = ResultDocument(files: ["x.png"], status: .accepted, declaration: d)
        #expect(try DeclarationJSON.decode(result.jsonData()).declaration == d)
    }
}

@Suite("Bad electronic input")
struct BadInputTests {
    @Test("malformed JSON says line and column")
    func malformedJSON() {
        expectInputError("{\n  \"formType\": \"import-declaration\",\n  \"items\": [,]\n}") { error in
            guard case .malformedJSON(let e) = error else { return false }
            return e.line == 3 && e.column == 13
        }
        expectInputError("{\"a\": 1, \"a\": 2}") { "\($0)".contains("duplicate key") }
        expectInputError("{\"items\": [") { "\($0)".contains("ends") }
    }

    @Test("wrong types name the key path")
    func wrongTypes() {
        expectInputError(#"{"items": [{"itemNumber": 1}, {"legalQuantity": "3"}]}"#) { error in
            error == .wrongType(path: "items[1].legalQuantity", expected: "an object", found: "a string")
        }
        expectInputError(#"{"domesticParty": 5}"#) { $0 == .wrongType(path: "domesticParty", expected: "an object", found: "a number") }
        expectInputError(#"{"items": {}}"#) { $0 == .wrongType(path: "items", expected: "an array", found: "an object") }
        expectInputError("[1, 2]") { if case .wrongType = $0 { return true } else { return false } }
    }

    @Test("values of the wrong format become findings, not crashes")
    func formatFindings() throws {
        let decoded = try decode(#"{"formType":"import-declaration","ieDate":"2025-02-30","grossWeightKg":"12,5","packageCount":"ten","items":[{"itemNumber":1,"unitPrice":"abc"}]}"#)
        let pairs = Set(decoded.findings.map { "\($0.rule) \($0.fields[0])" })
        #expect(pairs == ["FMT-DATE ieDate", "FMT-PATTERN grossWeightKg", "FMT-PATTERN packageCount", "FMT-PATTERN items[0].unitPrice"])
        let all = RuleEngine().validate(decoded, today: today)
        #expect(!all.contains { $0.rule == "FMT-REQUIRED" && $0.fields == ["ieDate"] }, "a bad date is not also reported missing")
    }

    @Test("non-UTF-8 text is refused with its position")
    func notUTF8() {
        var bytes = Array("{\"declarantName\": \"".utf8)
        bytes += [0xD5, 0xC5, 0xC8, 0xFD]  // GBK for 张三
        bytes += Array("\"}".utf8)
        #expect(throws: InputError.notUTF8(line: 1, column: 20)) { try ElectronicInput.decode(Data(bytes)) }
        var xml = Array("<DecMessage><DecHead><TradeName>".utf8)
        xml += [0xD5, 0xC5]
        xml += Array("</TradeName></DecHead></DecMessage>".utf8)
        #expect(throws: InputError.notUTF8(line: 1, column: 33)) { try ElectronicInput.decode(Data(xml)) }
    }

    @Test("empty, blank and unknown content")
    func emptyAndUnknown() {
        #expect(throws: InputError.empty) { try ElectronicInput.decode(Data()) }
        #expect(throws: InputError.empty) { try ElectronicInput.decode(Data("  \n".utf8)) }
        #expect(throws: InputError.unknownFormat) { try ElectronicInput.decode(Data("hello".utf8)) }
        #expect(throws: InputError.unknownFormat) { try ElectronicInput.decode(Data([0x89, 0x50, 0x4E, 0x47])) }
    }

    @Test("XML with a DTD or entities is refused")
    func entityExpansion() {
        let laughs = """
        <?xml version="1.0"?>
        <!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>
        <DecMessage><DecHead><TradeName>&lol2;</TradeName></DecHead></DecMessage>
        """
        expectInputError(laughs) { if case .forbiddenXML = $0 { return true } else { return false } }
        let external = """
        <?xml version="1.0"?>
        <!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
        <DecMessage><DecHead><TradeName>&xxe;</TradeName></DecHead></DecMessage>
        """
        expectInputError(external) { if case .forbiddenXML = $0 { return true } else { return false } }
        expectInputError("<DecMessage><DecHead><TradeName>&xxe;</TradeName></DecHead></DecMessage>") {
            if case .forbiddenXML = $0 { return true } else { return false }
        }
    }

    @Test("malformed XML says line and column")
    func malformedXML() {
        expectInputError("<DecMessage>\n<DecHead>\n<TradeName>x</TradeNam>\n</DecHead></DecMessage>") { error in
            guard case let .malformedXML(line, _, reason) = error else { return false }
            return line == 3 && reason.contains("TradeNam")
        }
        expectInputError("<Other/>") { if case .notADeclaration = $0 { return true } else { return false } }
    }

    @Test("files: directories, missing files and the size cap")
    func files() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("secondline-model-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(throws: InputError.isDirectory) { try ElectronicInput.read(path: dir.path) }
        #expect(throws: InputError.unreadable("no such file")) { try ElectronicInput.read(path: dir.appendingPathComponent("none.json").path) }
        let big = dir.appendingPathComponent("big.json")
        try Data(count: 2048).write(to: big)
        #expect(throws: InputError.tooLarge(bytes: 2048, limit: 1024)) { try ElectronicInput.read(path: big.path, maximumBytes: 1024) }
    }

    @Test("error messages tell the broker what to do")
    func messages() {
        #expect(InputError.empty.description.contains("empty"))
        #expect(InputError.tooLarge(bytes: 10, limit: 5).description.contains("--max-bytes"))
        #expect(InputError.notUTF8(line: 2, column: 3).description.contains("save the file as UTF-8"))
    }
}

@Suite("JSON Schema")
struct SchemaTests {
    @Test("the schema is JSON and lists every record key")
    func keys() throws {
        let schema = try JSONReader.parse(DeclarationSchema.data())
        guard case .object(let properties)? = schema["properties"] else {
            Issue.record("no properties")
            return
        }
        #expect(Set(properties.map(\.0)) == Set(DeclarationJSON.headerKeys))
        guard case .object(let items)? = schema["properties"]?["items"]?["items"]?["properties"] else {
            Issue.record("no item properties")
            return
        }
        #expect(Set(items.map(\.0)) == Set(DeclarationJSON.itemKeys))
    }
}
