import SecondLineModel

/// FMT-REQUIRED: fields the customs system needs on every declaration.
public struct RequiredFieldsRule: Rule {
    public let id = "FMT-REQUIRED"
    public init() {}

    public func check(_ d: Declaration, context: RuleContext) -> [Finding] {
        var list = FindingList(id)
        // Paths and labels are built only when a field is missing: this runs for every item.
        func need(_ present: Bool, _ path: @autoclosure () -> String, _ label: @autoclosure () -> String) {
            if !present { list.error([path()], "\(label()) is missing; it is required") }
        }
        func needParty(_ party: Party?, _ path: String, _ label: String) {
            guard let party else { return list.error([path], "\(label) is missing; it is required") }
            need(party.name != nil, path + ".name", "the name of \(label)")
            need(party.uscc != nil, path + ".uscc", "the unified social credit code of \(label)")
        }
        need(d.formType != nil, "formType", "the form type")
        needParty(d.domesticParty, "domesticParty", d.isImport == false ? "the domestic consignor (境内发货人)" : "the domestic consignee (境内收货人)")
        need(d.customsPort != nil, "customsPort", "the customs port (关别)")
        need(d.declarationDate != nil, "declarationDate", "the declaration date (申报日期)")
        if let overseas = d.overseasParty {
            need(overseas.name != nil, "overseasParty.name", "the overseas party's name")
        } else {
            need(false, "overseasParty", "the overseas party")
        }
        need(d.transportMode != nil, "transportMode", "the transport mode (运输方式)")
        needParty(d.endUser, "endUser", d.isImport == false ? "the producing/selling unit (生产销售单位)" : "the consuming unit (消费使用单位)")
        need(d.supervisionMode != nil, "supervisionMode", "the supervision mode (监管方式)")
        if d.isImport == true {
            need(d.levyNature != nil, "levyNature", "the levy nature (征免性质)")
            need(d.departureCountry != nil, "departureCountry", "the country of departure (启运国)")
            need(d.ieDate != nil, "ieDate", "the import date (进口日期)")
        } else if d.isImport == false {
            need(d.arrivalCountry != nil, "arrivalCountry", "the country of arrival (运抵国)")
        }
        need(d.tradeCountry != nil, "tradeCountry", "the trading country (贸易国)")
        need(d.packageType != nil, "packageType", "the package type (包装种类)")
        need(d.packageCount != nil, "packageCount", "the number of packages (件数)")
        need(d.grossWeightKg != nil, "grossWeightKg", "the gross weight (毛重)")
        need(d.netWeightKg != nil, "netWeightKg", "the net weight (净重)")
        need(d.transactionMode != nil, "transactionMode", "the transaction mode (成交方式)")
        needParty(d.declaringUnit, "declaringUnit", "the declaring unit (申报单位)")
        if d.items.isEmpty { list.error(["items"], "the declaration has no items; at least one is required") }
        for (i, item) in d.items.enumerated() {
            var p: String { "items[\(i)]." }
            var n: String { "item \(item.itemNumber.map(String.init) ?? String(i + 1))" }
            need(item.itemNumber != nil, p + "itemNumber", "\(n): the item number (项号)")
            need(item.hsCode != nil, p + "hsCode", "\(n): the HS code (商品编号)")
            need(item.name != nil, p + "name", "\(n): the goods name (商品名称)")
            func needQuantity(_ quantity: Quantity?, _ key: String, _ label: String) {
                if let quantity {
                    need(quantity.value != nil, p + key + ".value", "\(n): the \(label)")
                    need(quantity.unit != nil, p + key + ".unit", "\(n): the unit of the \(label)")
                } else {
                    need(false, p + key, "\(n): the \(label)")
                }
            }
            needQuantity(item.legalQuantity, "legalQuantity", "legal quantity")
            needQuantity(item.declaredQuantity, "declaredQuantity", "declared quantity")
            need(item.unitPrice != nil, p + "unitPrice", "\(n): the unit price (单价)")
            need(item.totalPrice != nil, p + "totalPrice", "\(n): the total price (总价)")
            need(item.currency != nil, p + "currency", "\(n): the currency (币制)")
            need(item.originCountry != nil, p + "originCountry", "\(n): the country of origin (原产国)")
            need(item.destinationCountry != nil, p + "destinationCountry", "\(n): the final destination country (最终目的国)")
            need(item.domesticRegion != nil, p + "domesticRegion", "\(n): the domestic region (境内目的地/货源地)")
            need(item.dutyMode != nil, p + "dutyMode", "\(n): the duty mode (征免)")
        }
        return list.findings
    }
}

/// Character classes used by the format checks.
enum Shape {
    static func digits(_ s: String, _ count: Int) -> Bool { s.utf8.count == count && s.utf8.allSatisfy(isDigit) }
    static func upperAlnum(_ s: String, _ count: Int) -> Bool {
        s.utf8.count == count && s.utf8.allSatisfy { isDigit($0) || ($0 >= 65 && $0 <= 90) }
    }
    static func upperLetters(_ s: String, _ count: Int) -> Bool { s.utf8.count == count && s.utf8.allSatisfy { $0 >= 65 && $0 <= 90 } }
    static func isDigit(_ b: UInt8) -> Bool { b >= 48 && b <= 57 }

    /// `^..-..-.{1,14}$`
    static func licenseNumber(_ s: String) -> Bool {
        let c = Array(s)
        return c.count >= 7 && c.count <= 20 && c[2] == "-" && c[5] == "-"
    }
}

/// FMT-PATTERN: values that do not have their format.
public struct PatternRule: Rule {
    public let id = "FMT-PATTERN"
    public init() {}

    public func check(_ d: Declaration, context: RuleContext) -> [Finding] {
        var list = FindingList(id)
        func check(_ value: String?, _ path: @autoclosure () -> String, _ ok: (String) -> Bool, _ expected: String) {
            guard let value, !ok(value) else { return }
            list.error([path()], "\"\(value)\" is not \(expected)")
        }
        check(d.customsNumber, "customsNumber", { Shape.digits($0, 18) }, "a customs number of 18 digits")
        check(d.preEntryNumber, "preEntryNumber", { Shape.upperAlnum($0, 18) }, "a pre-entry number of 18 digits or capital letters")
        check(d.customsPort, "customsPort", { Shape.digits($0, 4) }, "a customs port code of 4 digits")
        check(d.recordNumber, "recordNumber", { Shape.upperAlnum($0, 12) }, "a record number of 12 digits or capital letters")
        check(d.levyNature, "levyNature", { Shape.digits($0, 3) }, "a levy nature code of 3 digits")
        for (value, path) in [(d.loadingPort, "loadingPort"), (d.transitPort, "transitPort"), (d.destinationPort, "destinationPort")] {
            check(value, path, { Shape.upperAlnum($0, 6) }, "a port code of 6 characters")
        }
        check(d.entryPort, "entryPort", { Shape.digits($0, 6) }, "a port code of 6 digits")
        check(d.exitPort, "exitPort", { Shape.digits($0, 6) }, "a port code of 6 digits")
        check(d.licenseNumber, "licenseNumber", Shape.licenseNumber, "a licence number of the form xx-xx-… (at most 20 characters)")
        check(d.packageType, "packageType", { Shape.digits($0, 2) }, "a package type code of 2 digits")
        if let count = d.packageCount, count < 1 || count > 999_999_999 {
            list.error(["packageCount"], "the number of packages \(count) must be a whole number from 1 to 999999999")
        }
        for (value, path, label) in [(d.grossWeightKg, "grossWeightKg", "gross weight"), (d.netWeightKg, "netWeightKg", "net weight")] {
            guard let value else { continue }
            if value.isNegative || value.integerDigits > 14 || value.fractionDigits > 5 {
                list.error([path], "the \(label) \(value) kg must be a positive number with at most 14 digits before and 5 after the decimal point")
            }
        }
        for (charge, path) in [(d.freight, "freight"), (d.insurance, "insurance"), (d.otherCharges, "otherCharges")] {
            guard let charge else { continue }
            if let mark = charge.mark, !(1...3).contains(mark) {
                list.error([path + ".mark"], "the charge mark \(mark) must be 1 (rate), 2 (per unit) or 3 (total)")
            }
            if let amount = charge.amount, amount.isNegative {
                list.error([path + ".amount"], "the charge \(amount) must not be negative")
            }
            check(charge.currency, path + ".currency", { Shape.upperLetters($0, 3) }, "a currency code of 3 capital letters")
        }
        for (i, item) in d.items.enumerated() {
            var p: String { "items[\(i)]." }
            check(item.hsCode, p + "hsCode", { Shape.digits($0, 10) }, "an HS code of 10 digits")
            check(item.domesticRegion, p + "domesticRegion", { Shape.digits($0, 5) }, "a domestic region code of 5 digits")
            check(item.currency, p + "currency", { Shape.upperLetters($0, 3) }, "a currency code of 3 capital letters")
            if let price = item.unitPrice, price.isNegative || price.fractionDigits > 4 {
                list.error([p + "unitPrice"], "the unit price \(price) must be positive with at most 4 decimal places")
            }
            if let total = item.totalPrice, total.isNegative || total.fractionDigits > 2 {
                list.error([p + "totalPrice"], "the total price \(total) must be positive with at most 2 decimal places")
            }
            if let number = item.recordItemNumber, number < 1 {
                list.error([p + "recordItemNumber"], "the manual item number \(number) must be 1 or more")
            }
            func nonNegative(_ q: Quantity?, _ key: String) {
                if let value = q?.value, value.isNegative {
                    list.error([p + key + ".value"], "the quantity \(value) must not be negative")
                }
            }
            nonNegative(item.legalQuantity, "legalQuantity")
            nonNegative(item.secondQuantity, "secondQuantity")
            nonNegative(item.declaredQuantity, "declaredQuantity")
        }
        return list.findings
    }
}

/// FMT-LENGTH: text longer than the customs system accepts.
public struct LengthRule: Rule {
    public let id = "FMT-LENGTH"
    public init() {}

    public func check(_ d: Declaration, context: RuleContext) -> [Finding] {
        var list = FindingList(id)
        func limit(_ value: String?, _ path: String, _ maximum: Int, _ label: String) {
            // Characters never outnumber UTF-8 bytes; counting graphemes is only needed near the limit.
            guard let value, value.utf8.count > maximum else { return }
            let count = value.count
            if count > maximum { list.error([path], "\(label) has \(count) characters; at most \(maximum) are allowed") }
        }
        limit(d.domesticParty?.name, "domesticParty.name", 70, "the domestic party's name")
        limit(d.endUser?.name, "endUser.name", 70, "the end user's name")
        limit(d.declaringUnit?.name, "declaringUnit.name", 70, "the declaring unit's name")
        limit(d.overseasParty?.name, "overseasParty.name", 100, "the overseas party's name")
        limit(d.conveyance, "conveyance", 50, "the conveyance")
        limit(d.billOfLading, "billOfLading", 32, "the bill of lading number")
        limit(d.contractNumber, "contractNumber", 32, "the contract number")
        limit(d.goodsLocation, "goodsLocation", 100, "the goods location")
        limit(d.marksAndRemarks, "marksAndRemarks", 400, "the marks and remarks")
        for (i, item) in d.items.enumerated() {
            guard (item.name?.utf8.count ?? 0) + (item.specification?.utf8.count ?? 0) > 256 else { continue }
            let count = (item.name?.count ?? 0) + (item.specification?.count ?? 0)
            if count > 256 {
                let fields = ["items[\(i)].name"] + (item.specification == nil ? [] : ["items[\(i)].specification"])
                list.error(fields, "item \(i + 1): name and specification have \(count) characters together; at most 256 are allowed")
            }
        }
        return list.findings
    }
}

/// CODE-UNKNOWN: a code not in its table (error for complete tables, warning for partial ones).
public struct CodeUnknownRule: Rule {
    public let id = "CODE-UNKNOWN"
    public init() {}

    /// Well-formedness for partial tables: a malformed code is FMT-PATTERN's business, not ours.
    static func wellFormed(_ table: CodeTableName, _ code: String) -> Bool {
        switch table {
        case .customsOffices: return Shape.digits(code, 4)
        case .ports: return Shape.upperAlnum(code, 6)
        case .domesticPorts: return Shape.digits(code, 6)
        case .domesticRegions: return Shape.digits(code, 5)
        case .packageTypes: return Shape.digits(code, 2)
        case .currencies: return Shape.upperLetters(code, 3)
        default: return true
        }
    }

    public func check(_ d: Declaration, context: RuleContext) -> [Finding] {
        var list = FindingList(id)
        func lookup(_ code: String?, _ table: CodeTableName, _ pathText: @autoclosure () -> String, _ label: String) {
            guard let code else { return }
            let t = context.tables[table]
            guard !t.contains(code: code) else { return }
            let path = pathText()
            if t.isComplete {
                list.error([path], "\(label) code \"\(code)\" does not exist in the \(table.rawValue) table")
            } else if Self.wellFormed(table, code) {
                list.warning([path], "\(label) code \"\(code)\" is not in our \(table.rawValue) list (a partial list); check it")
            }
        }
        lookup(d.customsPort, .customsOffices, "customsPort", "customs port")
        lookup(d.transportMode, .transportModes, "transportMode", "transport mode")
        lookup(d.supervisionMode, .supervisionModes, "supervisionMode", "supervision mode")
        lookup(d.levyNature, .levyNatures, "levyNature", "levy nature")
        lookup(d.loadingPort, .ports, "loadingPort", "loading port")
        lookup(d.transitPort, .ports, "transitPort", "transit port")
        lookup(d.destinationPort, .ports, "destinationPort", "destination port")
        lookup(d.tradeCountry, .countries, "tradeCountry", "trading country")
        lookup(d.departureCountry, .countries, "departureCountry", "country of departure")
        lookup(d.arrivalCountry, .countries, "arrivalCountry", "country of arrival")
        lookup(d.entryPort, .domesticPorts, "entryPort", "entry port")
        lookup(d.exitPort, .domesticPorts, "exitPort", "exit port")
        lookup(d.packageType, .packageTypes, "packageType", "package type")
        lookup(d.transactionMode, .transactionModes, "transactionMode", "transaction mode")
        for (charge, path) in [(d.freight, "freight"), (d.insurance, "insurance"), (d.otherCharges, "otherCharges")] {
            lookup(charge?.currency, .currencies, path + ".currency", "currency")
        }
        for (i, item) in d.items.enumerated() {
            var p: String { "items[\(i)]." }
            lookup(item.legalQuantity?.unit, .units, p + "legalQuantity.unit", "unit")
            lookup(item.secondQuantity?.unit, .units, p + "secondQuantity.unit", "unit")
            lookup(item.declaredQuantity?.unit, .units, p + "declaredQuantity.unit", "unit")
            lookup(item.currency, .currencies, p + "currency", "currency")
            lookup(item.originCountry, .countries, p + "originCountry", "country of origin")
            lookup(item.destinationCountry, .countries, p + "destinationCountry", "destination country")
            lookup(item.domesticRegion, .domesticRegions, p + "domesticRegion", "domestic region")
            lookup(item.dutyMode, .dutyModes, p + "dutyMode", "duty mode")
        }
        return list.findings
    }
}
