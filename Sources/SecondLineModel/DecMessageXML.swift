import Foundation

/// The `DecMessage` XML that declaration clients import and export (single-window-xml.md).
///
/// Reading maps elements onto the same JSON-shaped record that `DeclarationJSON` reads, so both
/// electronic formats share one decoder and report format problems with the same paths.
public enum DecMessageXML {
    /// Head elements we write, in this order; `nil` key = element not modelled by us.
    static let modelledHead: Set<String> = [
        "IEFlag", "BillType", "PreEntryId", "EntryId", "IEPort", "ManualNo", "ContrNo", "IEDate", "DDate",
        "TradeCoScc", "TradeName", "OverseasConsignorEname", "OverseasConsignorCode", "OverseasConsigneeEname",
        "OverseasConsigneeCode", "OwnerCodeScc", "OwnerName", "AgentCodeScc", "AgentName", "TrafMode", "TrafName",
        "BillNo", "TradeMode", "CutMode", "LicenseNo", "TradeAreaCode", "TradeCountry", "DistinatePort",
        "DespPortCode", "EntyPortCode", "GoodsPlace", "TransMode", "FeeMark", "FeeRate", "FeeCurr", "InsurMark",
        "InsurRate", "InsurCurr", "OtherMark", "OtherRate", "OtherCurr", "PackNo", "WrapType", "GrossWet", "NetWt",
        "MarkNo", "NoteS", "PromiseItmes", "SelfAssessment", "DeclarantName", "DeclarantCardNo", "DeclarantTel",
    ]
    static let modelledList: Set<String> = [
        "GNo", "ContrItem", "CodeTS", "GName", "GModel", "FirstQty", "FirstUnit", "SecondQty", "SecondUnit", "GQty",
        "GUnit", "DeclPrice", "DeclTotal", "TradeCurr", "OriginCountry", "DestinationCountry", "DistrictCode", "DutyMode",
    ]

    // MARK: Reading

    public static func decode(_ data: Data) throws(InputError) -> DecodedDeclaration {
        let root = try XMLReader.parse(data)
        guard root.localName == "DecMessage" else {
            throw .notADeclaration("the XML root element is <\(root.name)>, expected <DecMessage>")
        }
        guard let head = root.child("DecHead") else {
            throw .notADeclaration("the DecMessage has no <DecHead>")
        }
        var preserved = PreservedXML()
        var h: [String: String] = [:]
        for element in head.children {
            if modelledHead.contains(element.localName), element.children.isEmpty {
                h[element.localName] = element.text
            } else {
                preserved.headElements.append(element)
            }
        }
        func text(_ key: String) -> JSONValue? { nonBlank(h[key]) }
        var m: [(String, JSONValue)] = []
        func put(_ key: String, _ value: JSONValue?) { if let value { m.append((key, value)) } }
        func object(_ pairs: [(String, JSONValue?)]) -> JSONValue? {
            let present = pairs.compactMap { pair in pair.1.map { (pair.0, $0) } }
            return present.isEmpty ? nil : .object(present)
        }
        func date(_ key: String) -> JSONValue? {
            guard case .string(let s)? = text(key) else { return nil }
            // Some clients append a time (YYYYMMDDhhmmss); the day is what we model.
            let day = s.count == 14 && s.allSatisfy(\.isNumber) ? String(s.prefix(8)) : s
            return .string(day)
        }

        let ieFlag = h["IEFlag"]?.trimmedWhitespace.uppercased()
        let billType = h["BillType"]?.trimmedWhitespace
        let isRecordList = billType == "3" || billType == "4"
        let isImport: Bool? = ieFlag == "I" ? true : ieFlag == "E" ? false : nil
        if let isImport {
            let type: FormType = isImport ? (isRecordList ? .importRecordList : .importDeclaration)
                                          : (isRecordList ? .exportRecordList : .exportDeclaration)
            put("formType", .string(type.rawValue))
        } else if let ieFlag, !ieFlag.isEmpty {
            put("formType", .string("IEFlag=\(ieFlag)"))
        }
        put("preEntryNumber", text("PreEntryId"))
        put("customsNumber", text("EntryId"))
        put("domesticParty", object([("name", text("TradeName")), ("uscc", text("TradeCoScc"))]))
        put("customsPort", text("IEPort"))
        put("ieDate", date("IEDate"))
        put("declarationDate", date("DDate"))
        put("recordNumber", text("ManualNo"))
        let overseasPrefix = isImport == false ? "OverseasConsignee" : "OverseasConsignor"
        put("overseasParty", object([("name", text(overseasPrefix + "Ename")), ("aeoCode", text(overseasPrefix + "Code"))]))
        put("transportMode", text("TrafMode"))
        put("conveyance", text("TrafName"))
        put("billOfLading", text("BillNo"))
        put("goodsLocation", text("GoodsPlace"))
        put("endUser", object([("name", text("OwnerName")), ("uscc", text("OwnerCodeScc"))]))
        put("supervisionMode", text("TradeMode"))
        put("levyNature", text("CutMode"))
        put("licenseNumber", text("LicenseNo"))
        put("loadingPort", text("DespPortCode"))
        put("contractNumber", text("ContrNo"))
        put("tradeCountry", text("TradeAreaCode"))
        put(isImport == false ? "arrivalCountry" : "departureCountry", text("TradeCountry"))
        put(isImport == false ? "destinationPort" : "transitPort", text("DistinatePort"))
        put(isImport == false ? "exitPort" : "entryPort", text("EntyPortCode"))
        put("packageType", text("WrapType"))
        put("packageCount", text("PackNo"))
        put("grossWeightKg", text("GrossWet"))
        put("netWeightKg", text("NetWt"))
        put("transactionMode", text("TransMode"))
        put("freight", object([("mark", text("FeeMark")), ("amount", text("FeeRate")), ("currency", text("FeeCurr"))]))
        put("insurance", object([("mark", text("InsurMark")), ("amount", text("InsurRate")), ("currency", text("InsurCurr"))]))
        put("otherCharges", object([("mark", text("OtherMark")), ("amount", text("OtherRate")), ("currency", text("OtherCurr"))]))
        if let docs = root.child("DecLicenseDocus") {
            let list: [JSONValue] = docs.children.filter { $0.localName == "LicenseDocu" }.map { docu in
                .object([("code", .string(docu.child("DocuCode")?.text ?? "")), ("number", .string(docu.child("CertCode")?.text ?? ""))])
            }
            if !list.isEmpty { put("attachedDocuments", .array(list)) }
        }
        let marks = [h["MarkNo"], h["NoteS"]].compactMap { $0?.trimmedWhitespace }.filter { !$0.isEmpty }
        if !marks.isEmpty { put("marksAndRemarks", .string(marks.joined(separator: " "))) }
        if let promises = h["PromiseItmes"]?.trimmedWhitespace {
            let flags = Array(promises)
            for (index, key) in ["specialRelationship", "priceInfluence", "royaltyPayment"].enumerated() where index < flags.count {
                if flags[index] == "1" { put(key, .bool(true)) } else if flags[index] == "0" { put(key, .bool(false)) }
            }
        }
        if let flag = h["SelfAssessment"]?.trimmedWhitespace {
            if flag == "1" { put("selfAssessment", .bool(true)) } else if flag == "0" { put("selfAssessment", .bool(false)) }
        }
        put("declarantName", text("DeclarantName"))
        put("declarantCardNumber", text("DeclarantCardNo"))
        put("declarantPhone", text("DeclarantTel"))
        put("declaringUnit", object([("name", text("AgentName")), ("uscc", text("AgentCodeScc"))]))

        var items: [JSONValue] = []
        for list in root.child("DecLists")?.children.filter({ $0.localName == "DecList" }) ?? [] {
            var l: [String: String] = [:]
            var extras: [XMLTree] = []
            for element in list.children {
                if modelledList.contains(element.localName), element.children.isEmpty { l[element.localName] = element.text } else { extras.append(element) }
            }
            preserved.itemElements.append(extras)
            func t(_ key: String) -> JSONValue? { nonBlank(l[key]) }
            var item: [(String, JSONValue)] = []
            func add(_ key: String, _ value: JSONValue?) { if let value { item.append((key, value)) } }
            add("itemNumber", t("GNo"))
            add("recordItemNumber", t("ContrItem"))
            add("hsCode", t("CodeTS"))
            add("name", t("GName"))
            add("specification", t("GModel"))
            add("legalQuantity", object([("value", t("FirstQty")), ("unit", t("FirstUnit"))]))
            add("secondQuantity", object([("value", t("SecondQty")), ("unit", t("SecondUnit"))]))
            add("declaredQuantity", object([("value", t("GQty")), ("unit", t("GUnit"))]))
            add("unitPrice", t("DeclPrice"))
            add("totalPrice", t("DeclTotal"))
            add("currency", t("TradeCurr"))
            add("originCountry", t("OriginCountry"))
            add("destinationCountry", t("DestinationCountry"))
            add("domesticRegion", t("DistrictCode"))
            add("dutyMode", t("DutyMode"))
            items.append(.object(item))
        }
        m.append(("items", .array(items)))
        preserved.messageElements = root.children.filter { !["DecHead", "DecLists", "DecLicenseDocus"].contains($0.localName) }

        var decoded = try DeclarationJSON.decode(.object(m))
        decoded.findings = decoded.findings.map { finding in
            var f = finding
            if f.fields == ["formType"] { f.message = "IEFlag must be I (import) or E (export)" }
            return f
        }
        let isEmpty = preserved.headElements.isEmpty && preserved.messageElements.isEmpty && preserved.itemElements.allSatisfy(\.isEmpty)
        decoded.declaration.preservedXML = isEmpty ? nil : preserved
        return decoded
    }

    /// An element's text as a JSON string; empty elements stand for blank fields.
    static func nonBlank(_ text: String?) -> JSONValue? {
        guard let value = text?.trimmedWhitespace, !value.isEmpty else { return nil }
        return .string(value)
    }

    // MARK: Writing

    public static func encode(_ d: Declaration) -> Data {
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        tree(of: d).serialized(into: &out)
        return Data(out.utf8)
    }

    public static func tree(of d: Declaration) -> XMLTree {
        let isImport = d.formType?.isImport ?? true
        var head: [XMLTree] = []
        func put(_ name: String, _ value: String?) { head.append(XMLTree(name: name, text: value ?? "")) }
        func flag(_ value: Bool?) -> String { value.map { $0 ? "1" : "0" } ?? "9" }
        put("IEFlag", d.formType.map { $0.isImport ? "I" : "E" })
        put("BillType", d.formType.map { $0.isRecordList ? "3" : "1" })
        put("PreEntryId", d.preEntryNumber)
        put("EntryId", d.customsNumber)
        put("IEPort", d.customsPort)
        put("ManualNo", d.recordNumber)
        put("ContrNo", d.contractNumber)
        put("IEDate", d.ieDate?.compact)
        put("DDate", d.declarationDate?.compact)
        put("TradeCoScc", d.domesticParty?.uscc)
        put("TradeName", d.domesticParty?.name)
        let overseasPrefix = isImport ? "OverseasConsignor" : "OverseasConsignee"
        put(overseasPrefix + "Ename", d.overseasParty?.name)
        put(overseasPrefix + "Code", d.overseasParty?.aeoCode)
        put("OwnerCodeScc", d.endUser?.uscc)
        put("OwnerName", d.endUser?.name)
        put("AgentCodeScc", d.declaringUnit?.uscc)
        put("AgentName", d.declaringUnit?.name)
        put("TrafMode", d.transportMode)
        put("TrafName", d.conveyance)
        put("BillNo", d.billOfLading)
        put("TradeMode", d.supervisionMode)
        put("CutMode", d.levyNature)
        put("LicenseNo", d.licenseNumber)
        put("TradeAreaCode", d.tradeCountry)
        put("TradeCountry", isImport ? d.departureCountry : d.arrivalCountry)
        put("DistinatePort", isImport ? d.transitPort : d.destinationPort)
        put("DespPortCode", d.loadingPort)
        put("EntyPortCode", isImport ? d.entryPort : d.exitPort)
        put("GoodsPlace", d.goodsLocation)
        put("TransMode", d.transactionMode)
        for (prefix, charge) in [("Fee", d.freight), ("Insur", d.insurance), ("Other", d.otherCharges)] {
            put(prefix + "Mark", charge?.mark.map(String.init))
            put(prefix + "Rate", charge?.amount?.description)
            put(prefix + "Curr", charge?.currency)
        }
        put("PackNo", d.packageCount.map(String.init))
        put("WrapType", d.packageType)
        put("GrossWet", d.grossWeightKg?.description)
        put("NetWt", d.netWeightKg?.description)
        put("MarkNo", d.marksAndRemarks)
        put("NoteS", nil)
        let promises = [d.specialRelationship, d.priceInfluence, d.royaltyPayment]
        put("PromiseItmes", promises.allSatisfy { $0 == nil } ? nil : promises.map(flag).joined())
        put("SelfAssessment", d.selfAssessment.map { $0 ? "1" : "0" })
        put("DeclarantName", d.declarantName)
        put("DeclarantCardNo", d.declarantCardNumber)
        put("DeclarantTel", d.declarantPhone)
        head.append(contentsOf: d.preservedXML?.headElements ?? [])

        var lists: [XMLTree] = []
        for (index, item) in d.items.enumerated() {
            var e: [XMLTree] = []
            func add(_ name: String, _ value: String?) { e.append(XMLTree(name: name, text: value ?? "")) }
            add("GNo", item.itemNumber.map(String.init))
            add("ContrItem", item.recordItemNumber.map(String.init))
            add("CodeTS", item.hsCode)
            add("GName", item.name)
            add("GModel", item.specification)
            add("FirstQty", item.legalQuantity?.value?.description)
            add("FirstUnit", item.legalQuantity?.unit)
            add("SecondQty", item.secondQuantity?.value?.description)
            add("SecondUnit", item.secondQuantity?.unit)
            add("GQty", item.declaredQuantity?.value?.description)
            add("GUnit", item.declaredQuantity?.unit)
            add("DeclPrice", item.unitPrice?.description)
            add("DeclTotal", item.totalPrice?.description)
            add("TradeCurr", item.currency)
            add("OriginCountry", item.originCountry)
            add("DestinationCountry", item.destinationCountry)
            add("DistrictCode", item.domesticRegion)
            add("DutyMode", item.dutyMode)
            if let extras = d.preservedXML?.itemElements, index < extras.count { e.append(contentsOf: extras[index]) }
            lists.append(XMLTree(name: "DecList", children: e))
        }
        var message: [XMLTree] = [XMLTree(name: "DecHead", children: head), XMLTree(name: "DecLists", children: lists)]
        if let docs = d.attachedDocuments, !docs.isEmpty {
            message.append(XMLTree(name: "DecLicenseDocus", children: docs.map { doc in
                XMLTree(name: "LicenseDocu", children: [XMLTree(name: "DocuCode", text: doc.code), XMLTree(name: "CertCode", text: doc.number)])
            }))
        }
        message.append(contentsOf: d.preservedXML?.messageElements ?? [])
        return XMLTree(name: "DecMessage", children: message)
    }
}

/// Reads an electronic input of either format, told apart by content.
public enum ElectronicInput {
    public static let defaultMaximumBytes = 20 * 1024 * 1024

    public static func decode(_ data: Data) throws(InputError) -> DecodedDeclaration {
        guard !data.isEmpty else { throw .empty }
        switch InputFormat.detect(data) {
        case .json: return try DeclarationJSON.decode(data)
        case .xml: return try DecMessageXML.decode(data)
        case nil:
            if data.allSatisfy({ [0x20, 0x09, 0x0A, 0x0D].contains($0) }) { throw .empty }
            throw .unknownFormat
        }
    }

    /// Reads a file with a size cap checked before loading it.
    public static func read(path: String, maximumBytes: Int = defaultMaximumBytes) throws(InputError) -> DecodedDeclaration {
        try decode(readData(path: path, maximumBytes: maximumBytes))
    }

    /// The bytes of a file, refusing folders and files above the cap before loading them.
    public static func readData(path: String, maximumBytes: Int = defaultMaximumBytes) throws(InputError) -> Data {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .unreadable("no such file")
        }
        if isDirectory.boolValue { throw .isDirectory }
        let size: Int
        do {
            size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
        } catch { throw .unreadable(error.localizedDescription) }
        if size > maximumBytes { throw .tooLarge(bytes: size, limit: maximumBytes) }
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch { throw .unreadable(error.localizedDescription) }
        if data.count > maximumBytes { throw .tooLarge(bytes: data.count, limit: maximumBytes) }
        return data
    }
}
