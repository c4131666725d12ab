import Foundation

/// The declaration record as JSON, with exactly the keys of `declaration-form.md`.
public enum DeclarationJSON {
    /// Header keys in the order the form prints them; also the order we write them.
    public static let headerKeys = [
        "formType", "preEntryNumber", "customsNumber", "domesticParty", "customsPort", "ieDate", "declarationDate",
        "recordNumber", "overseasParty", "transportMode", "conveyance", "billOfLading", "goodsLocation", "endUser",
        "supervisionMode", "levyNature", "licenseNumber", "loadingPort", "contractNumber", "tradeCountry",
        "departureCountry", "arrivalCountry", "transitPort", "destinationPort", "entryPort", "exitPort", "packageType",
        "packageCount", "grossWeightKg", "netWeightKg", "transactionMode", "freight", "insurance", "otherCharges",
        "attachedDocuments", "marksAndRemarks", "specialRelationship", "priceInfluence", "royaltyPayment",
        "selfAssessment", "declarantName", "declarantCardNumber", "declarantPhone", "declaringUnit", "items",
    ]

    public static let itemKeys = [
        "itemNumber", "recordItemNumber", "hsCode", "name", "specification", "legalQuantity", "secondQuantity",
        "declaredQuantity", "unitPrice", "totalPrice", "currency", "originCountry", "destinationCountry",
        "domesticRegion", "dutyMode",
    ]

    // MARK: Encoding

    public static func encode(_ declaration: Declaration, pretty: Bool = true) -> Data {
        JSONWriter.data(value(of: declaration), pretty: pretty)
    }

    public static func value(of d: Declaration) -> JSONValue {
        var m: [(String, JSONValue)] = []
        func put(_ key: String, _ value: JSONValue?) { if let value { m.append((key, value)) } }
        put("formType", d.formType.map { .string($0.rawValue) })
        put("preEntryNumber", d.preEntryNumber.map(JSONValue.string))
        put("customsNumber", d.customsNumber.map(JSONValue.string))
        put("domesticParty", d.domesticParty.map(party))
        put("customsPort", d.customsPort.map(JSONValue.string))
        put("ieDate", d.ieDate.map { .string($0.iso) })
        put("declarationDate", d.declarationDate.map { .string($0.iso) })
        put("recordNumber", d.recordNumber.map(JSONValue.string))
        put("overseasParty", d.overseasParty.map(overseasParty))
        put("transportMode", d.transportMode.map(JSONValue.string))
        put("conveyance", d.conveyance.map(JSONValue.string))
        put("billOfLading", d.billOfLading.map(JSONValue.string))
        put("goodsLocation", d.goodsLocation.map(JSONValue.string))
        put("endUser", d.endUser.map(party))
        put("supervisionMode", d.supervisionMode.map(JSONValue.string))
        put("levyNature", d.levyNature.map(JSONValue.string))
        put("licenseNumber", d.licenseNumber.map(JSONValue.string))
        put("loadingPort", d.loadingPort.map(JSONValue.string))
        put("contractNumber", d.contractNumber.map(JSONValue.string))
        put("tradeCountry", d.tradeCountry.map(JSONValue.string))
        put("departureCountry", d.departureCountry.map(JSONValue.string))
        put("arrivalCountry", d.arrivalCountry.map(JSONValue.string))
        put("transitPort", d.transitPort.map(JSONValue.string))
        put("destinationPort", d.destinationPort.map(JSONValue.string))
        put("entryPort", d.entryPort.map(JSONValue.string))
        put("exitPort", d.exitPort.map(JSONValue.string))
        put("packageType", d.packageType.map(JSONValue.string))
        put("packageCount", d.packageCount.map { .number(String($0)) })
        put("grossWeightKg", d.grossWeightKg.map(decimal))
        put("netWeightKg", d.netWeightKg.map(decimal))
        put("transactionMode", d.transactionMode.map(JSONValue.string))
        put("freight", d.freight.map(charge))
        put("insurance", d.insurance.map(charge))
        put("otherCharges", d.otherCharges.map(charge))
        put("attachedDocuments", d.attachedDocuments.map { docs in
            .array(docs.map { .object([("code", .string($0.code)), ("number", .string($0.number))]) })
        })
        put("marksAndRemarks", d.marksAndRemarks.map(JSONValue.string))
        put("specialRelationship", d.specialRelationship.map(JSONValue.bool))
        put("priceInfluence", d.priceInfluence.map(JSONValue.bool))
        put("royaltyPayment", d.royaltyPayment.map(JSONValue.bool))
        put("selfAssessment", d.selfAssessment.map(JSONValue.bool))
        put("declarantName", d.declarantName.map(JSONValue.string))
        put("declarantCardNumber", d.declarantCardNumber.map(JSONValue.string))
        put("declarantPhone", d.declarantPhone.map(JSONValue.string))
        put("declaringUnit", d.declaringUnit.map(party))
        m.append(("items", .array(d.items.map(item))))
        return .object(m)
    }

    static func item(_ i: DeclarationItem) -> JSONValue {
        var m: [(String, JSONValue)] = []
        func put(_ key: String, _ value: JSONValue?) { if let value { m.append((key, value)) } }
        put("itemNumber", i.itemNumber.map { .number(String($0)) })
        put("recordItemNumber", i.recordItemNumber.map { .number(String($0)) })
        put("hsCode", i.hsCode.map(JSONValue.string))
        put("name", i.name.map(JSONValue.string))
        put("specification", i.specification.map(JSONValue.string))
        put("legalQuantity", i.legalQuantity.map(quantity))
        put("secondQuantity", i.secondQuantity.map(quantity))
        put("declaredQuantity", i.declaredQuantity.map(quantity))
        put("unitPrice", i.unitPrice.map(decimal))
        put("totalPrice", i.totalPrice.map(decimal))
        put("currency", i.currency.map(JSONValue.string))
        put("originCountry", i.originCountry.map(JSONValue.string))
        put("destinationCountry", i.destinationCountry.map(JSONValue.string))
        put("domesticRegion", i.domesticRegion.map(JSONValue.string))
        put("dutyMode", i.dutyMode.map(JSONValue.string))
        return .object(m)
    }

    static func decimal(_ d: ExactDecimal) -> JSONValue { .string(d.description) }

    static func party(_ p: Party) -> JSONValue {
        var m: [(String, JSONValue)] = []
        if let name = p.name { m.append(("name", .string(name))) }
        if let uscc = p.uscc { m.append(("uscc", .string(uscc))) }
        return .object(m)
    }

    static func overseasParty(_ p: OverseasParty) -> JSONValue {
        var m: [(String, JSONValue)] = []
        if let name = p.name { m.append(("name", .string(name))) }
        if let aeo = p.aeoCode { m.append(("aeoCode", .string(aeo))) }
        return .object(m)
    }

    static func charge(_ c: Charge) -> JSONValue {
        var m: [(String, JSONValue)] = []
        if let mark = c.mark { m.append(("mark", .number(String(mark)))) }
        if let amount = c.amount { m.append(("amount", decimal(amount))) }
        if let currency = c.currency { m.append(("currency", .string(currency))) }
        return .object(m)
    }

    static func quantity(_ q: Quantity) -> JSONValue {
        var m: [(String, JSONValue)] = []
        if let value = q.value { m.append(("value", decimal(value))) }
        if let unit = q.unit { m.append(("unit", .string(unit))) }
        return .object(m)
    }

    // MARK: Decoding

    /// Reads a declaration record, or a result document's `declaration`. Structural problems (not
    /// JSON, wrong types) throw; a value present but not of its format becomes a finding.
    public static func decode(_ data: Data) throws(InputError) -> DecodedDeclaration {
        let root: JSONValue
        do { root = try JSONReader.parse(data) } catch {
            if error.reason.hasPrefix("text is not valid UTF-8") {
                throw .notUTF8(line: error.line, column: error.column)
            }
            throw .malformedJSON(error)
        }
        return try decode(root)
    }

    public static func decode(_ root: JSONValue) throws(InputError) -> DecodedDeclaration {
        var object = root
        guard case .object = root else {
            throw .wrongType(path: "(top level)", expected: "an object holding one declaration", found: root.typeName)
        }
        // Also accept our own result documents.
        if root["schemaVersion"] != nil, let inner = root["declaration"] {
            guard case .object = inner else {
                throw .notADeclaration("the result document holds no declaration (it was rejected or unreadable)")
            }
            object = inner
        }
        let reader = FieldReader()
        let declaration = try reader.declaration(object)
        return DecodedDeclaration(declaration: declaration, findings: reader.findings)
    }
}

/// Walks a JSON object with field paths, collecting format findings.
final class FieldReader {
    var findings: [Finding] = []

    func declaration(_ o: JSONValue) throws(InputError) -> Declaration {
        var d = Declaration()
        if let text = try string(o, "formType", "") {
            if let type = FormType(rawValue: text) { d.formType = type } else {
                pattern("formType", "form type \"\(text)\" is not one of \(FormType.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }
        d.preEntryNumber = try string(o, "preEntryNumber", "")
        d.customsNumber = try string(o, "customsNumber", "")
        d.domesticParty = try party(o, "domesticParty", "")
        d.customsPort = try string(o, "customsPort", "")
        d.ieDate = try date(o, "ieDate", "")
        d.declarationDate = try date(o, "declarationDate", "")
        d.recordNumber = try string(o, "recordNumber", "")
        if let p = try object(o, "overseasParty", "") {
            d.overseasParty = OverseasParty(name: try string(p, "name", "overseasParty."), aeoCode: try string(p, "aeoCode", "overseasParty."))
        }
        d.transportMode = try string(o, "transportMode", "")
        d.conveyance = try string(o, "conveyance", "")
        d.billOfLading = try string(o, "billOfLading", "")
        d.goodsLocation = try string(o, "goodsLocation", "")
        d.endUser = try party(o, "endUser", "")
        d.supervisionMode = try string(o, "supervisionMode", "")
        d.levyNature = try string(o, "levyNature", "")
        d.licenseNumber = try string(o, "licenseNumber", "")
        d.loadingPort = try string(o, "loadingPort", "")
        d.contractNumber = try string(o, "contractNumber", "")
        d.tradeCountry = try string(o, "tradeCountry", "")
        d.departureCountry = try string(o, "departureCountry", "")
        d.arrivalCountry = try string(o, "arrivalCountry", "")
        d.transitPort = try string(o, "transitPort", "")
        d.destinationPort = try string(o, "destinationPort", "")
        d.entryPort = try string(o, "entryPort", "")
        d.exitPort = try string(o, "exitPort", "")
        d.packageType = try string(o, "packageType", "")
        d.packageCount = try integer(o, "packageCount", "")
        d.grossWeightKg = try decimal(o, "grossWeightKg", "")
        d.netWeightKg = try decimal(o, "netWeightKg", "")
        d.transactionMode = try string(o, "transactionMode", "")
        d.freight = try charge(o, "freight")
        d.insurance = try charge(o, "insurance")
        d.otherCharges = try charge(o, "otherCharges")
        if let docs = try array(o, "attachedDocuments", "") {
            var list: [AttachedDocument] = []
            for (i, doc) in docs.enumerated() {
                let path = "attachedDocuments[\(i)]."
                guard case .object = doc else { throw .wrongType(path: "attachedDocuments[\(i)]", expected: "an object {code, number}", found: doc.typeName) }
                list.append(AttachedDocument(code: try string(doc, "code", path) ?? "", number: try string(doc, "number", path) ?? ""))
            }
            d.attachedDocuments = list
        }
        d.marksAndRemarks = try string(o, "marksAndRemarks", "")
        d.specialRelationship = try bool(o, "specialRelationship", "")
        d.priceInfluence = try bool(o, "priceInfluence", "")
        d.royaltyPayment = try bool(o, "royaltyPayment", "")
        d.selfAssessment = try bool(o, "selfAssessment", "")
        d.declarantName = try string(o, "declarantName", "")
        d.declarantCardNumber = try string(o, "declarantCardNumber", "")
        d.declarantPhone = try string(o, "declarantPhone", "")
        d.declaringUnit = try party(o, "declaringUnit", "")
        if let items = try array(o, "items", "") {
            d.items.reserveCapacity(items.count)
            for (index, element) in items.enumerated() {
                let path = "items[\(index)]."
                guard case .object = element else {
                    throw .wrongType(path: "items[\(index)]", expected: "an object", found: element.typeName)
                }
                d.items.append(try item(element, path))
            }
        }
        return d
    }

    func item(_ o: JSONValue, _ p: String) throws(InputError) -> DeclarationItem {
        var i = DeclarationItem()
        i.itemNumber = try integer(o, "itemNumber", p)
        i.recordItemNumber = try integer(o, "recordItemNumber", p)
        i.hsCode = try string(o, "hsCode", p)
        i.name = try string(o, "name", p)
        i.specification = try string(o, "specification", p)
        i.legalQuantity = try quantity(o, "legalQuantity", p)
        i.secondQuantity = try quantity(o, "secondQuantity", p)
        i.declaredQuantity = try quantity(o, "declaredQuantity", p)
        i.unitPrice = try decimal(o, "unitPrice", p)
        i.totalPrice = try decimal(o, "totalPrice", p)
        i.currency = try string(o, "currency", p)
        i.originCountry = try string(o, "originCountry", p)
        i.destinationCountry = try string(o, "destinationCountry", p)
        i.domesticRegion = try string(o, "domesticRegion", p)
        i.dutyMode = try string(o, "dutyMode", p)
        return i
    }

    func pattern(_ path: String, _ message: String) {
        findings.append(Finding(rule: "FMT-PATTERN", severity: .error, fields: [path], message: message))
    }

    func present(_ o: JSONValue, _ key: String) -> JSONValue? {
        guard case .object(let members) = o else { return nil }
        for (k, v) in members where k == key {
            if case .null = v { return nil }
            return v
        }
        return nil
    }

    /// Text fields; numbers are taken as their text (a code written as 2201), blank text is absent.
    func string(_ o: JSONValue, _ key: String, _ prefix: String) throws(InputError) -> String? {
        guard let v = present(o, key) else { return nil }
        switch v {
        case .string(let s):
            let trimmed = s.trimmedWhitespace
            return trimmed.isEmpty ? nil : trimmed
        case .number(let n): return n
        default: throw .wrongType(path: prefix + key, expected: "text", found: v.typeName)
        }
    }

    func object(_ o: JSONValue, _ key: String, _ prefix: String) throws(InputError) -> JSONValue? {
        guard let v = present(o, key) else { return nil }
        guard case .object = v else { throw .wrongType(path: prefix + key, expected: "an object", found: v.typeName) }
        return v
    }

    func array(_ o: JSONValue, _ key: String, _ prefix: String) throws(InputError) -> [JSONValue]? {
        guard let v = present(o, key) else { return nil }
        guard case .array(let elements) = v else { throw .wrongType(path: prefix + key, expected: "an array", found: v.typeName) }
        return elements
    }

    func party(_ o: JSONValue, _ key: String, _ prefix: String) throws(InputError) -> Party? {
        guard let p = try object(o, key, prefix) else { return nil }
        let path = prefix + key + "."
        return Party(name: try string(p, "name", path), uscc: try string(p, "uscc", path))
    }

    func decimal(_ o: JSONValue, _ key: String, _ prefix: String) throws(InputError) -> ExactDecimal? {
        guard let text = try string(o, key, prefix) else { return nil }
        if let value = ExactDecimal(text) { return value }
        pattern(prefix + key, "\"\(text)\" is not a plain decimal number (digits, one '.', no grouping)")
        return nil
    }

    func integer(_ o: JSONValue, _ key: String, _ prefix: String) throws(InputError) -> Int? {
        guard let text = try string(o, key, prefix) else { return nil }
        if text.utf8.count <= 18, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let value = Int(text) { return value }
        if text.hasPrefix("-"), let value = Int(text) { return value }
        pattern(prefix + key, "\"\(text)\" is not a whole number")
        return nil
    }

    func date(_ o: JSONValue, _ key: String, _ prefix: String) throws(InputError) -> CalendarDate? {
        guard let text = try string(o, key, prefix) else { return nil }
        if let date = CalendarDate(text: text) { return date }
        findings.append(Finding(rule: "FMT-DATE", severity: .error, fields: [prefix + key],
                                message: "\"\(text)\" is not a real calendar date (expected YYYY-MM-DD)"))
        return nil
    }

    func bool(_ o: JSONValue, _ key: String, _ prefix: String) throws(InputError) -> Bool? {
        guard let v = present(o, key) else { return nil }
        switch v {
        case .bool(let b): return b
        case .string(let s):
            switch s.trimmedWhitespace {
            case "是", "true", "1", "Y", "y": return true
            case "否", "false", "0", "N", "n": return false
            case "": return nil
            default:
                pattern(prefix + key, "\"\(s)\" is not yes or no (是/否)")
                return nil
            }
        default: throw .wrongType(path: prefix + key, expected: "true or false", found: v.typeName)
        }
    }

    func charge(_ o: JSONValue, _ key: String) throws(InputError) -> Charge? {
        guard let c = try object(o, key, "") else { return nil }
        let path = key + "."
        var charge = Charge()
        charge.mark = try integer(c, "mark", path)
        charge.amount = try decimal(c, "amount", path)
        charge.currency = try string(c, "currency", path)
        return charge
    }

    func quantity(_ o: JSONValue, _ key: String, _ prefix: String) throws(InputError) -> Quantity? {
        guard let q = try object(o, key, prefix) else { return nil }
        let path = prefix + key + "."
        return Quantity(value: try decimal(q, "value", path), unit: try string(q, "unit", path))
    }
}
