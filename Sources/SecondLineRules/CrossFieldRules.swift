import SecondLineModel

/// XF-NET-GROSS: net weight cannot exceed gross weight.
public struct NetGrossRule: Rule {
    public let id = "XF-NET-GROSS"
    public init() {}
    public func check(_ d: Declaration, context: RuleContext) -> [Finding] {
        guard let net = d.netWeightKg, let gross = d.grossWeightKg, net > gross else { return [] }
        return [Finding(rule: id, severity: .error, fields: ["netWeightKg", "grossWeightKg"],
                        message: "net weight \(net) kg exceeds gross weight \(gross) kg")]
    }
}

/// XF-ITEM-TOTAL: total price = declared quantity × unit price.
public struct ItemTotalRule: Rule {
    public let id = "XF-ITEM-TOTAL"
    public init() {}

    static let cent = ExactDecimal("0.01")!
    static let tolerancePercent = ExactDecimal("0.01")!
    static let errorPercent = ExactDecimal("1")!

    public func check(_ d: Declaration, context: RuleContext) -> [Finding] {
        var list = FindingList(id)
        for (i, item) in d.items.enumerated() {
            guard let quantity = item.declaredQuantity?.value, let price = item.unitPrice, let total = item.totalPrice else { continue }
            var fields: [String] { ["items[\(i)].totalPrice", "items[\(i)].unitPrice", "items[\(i)].declaredQuantity.value"] }
            guard let product = quantity.multiplied(by: price)?.rounded(toPlaces: 2),
                  let difference = total.subtracting(product)?.magnitude else {
                list.error(fields, "item \(i + 1): quantity × unit price is too large to check")
                continue
            }
            let tolerance = Self.cent.adding(total.magnitude.percent(Self.tolerancePercent) ?? Self.cent) ?? Self.cent
            guard difference > tolerance else { continue }
            let errorLimit = product.magnitude.percent(Self.errorPercent) ?? Self.cent
            let message = "item \(i + 1): total price \(total) differs from quantity \(quantity) × unit price \(price) = \(product)"
            list.add(difference > errorLimit ? .error : .warning, fields, message)
        }
        return list.findings
    }
}

/// XF-ITEM-COUNT: 1–50 items numbered 1, 2, 3 … without gaps or repeats.
public struct ItemCountRule: Rule {
    public let id = "XF-ITEM-COUNT"
    public init() {}
    public func check(_ d: Declaration, context: RuleContext) -> [Finding] {
        var list = FindingList(id)
        if d.items.isEmpty { list.error(["items"], "the declaration must have between 1 and 50 items; it has none") }
        if d.items.count > 50 { list.error(["items"], "the declaration has \(d.items.count) items; at most 50 are allowed — split it into several declarations") }
        for (i, item) in d.items.enumerated() {
            guard let number = item.itemNumber, number != i + 1 else { continue }
            list.error(["items[\(i)].itemNumber"], "item \(i + 1) is numbered \(number); items must be numbered 1, 2, 3 … without gaps or repeats")
        }
        return list.findings
    }
}

/// XF-LEVY-MODE: the levy nature fits the supervision mode.
public struct LevyModeRule: Rule {
    public let id = "XF-LEVY-MODE"
    public init() {}
    static let expected: [String: Set<String>] = [
        "0110": ["101"], "0214": ["502"], "0615": ["503"], "0320": ["501"], "3339": ["101"],
        "1300": ["299"], "1427": ["299"], "4561": ["299"],
    ]
    public func check(_ d: Declaration, context: RuleContext) -> [Finding] {
        guard let mode = d.supervisionMode, let levy = d.levyNature, var allowed = Self.expected[mode] else { return [] }
        if mode == "0110", d.recordNumber?.first == "Z" { allowed.formUnion(["401", "789", "799"]) }
        guard !allowed.contains(levy) else { return [] }
        return [Finding(rule: id, severity: .error, fields: ["levyNature", "supervisionMode"],
                        message: "levy nature \(levy) does not fit supervision mode \(mode); expected \(allowed.sorted().joined(separator: " or "))")]
    }
}

/// XF-DUTY-MODE: each item's duty mode fits the supervision mode and levy nature (warning).
public struct DutyModeRule: Rule {
    public let id = "XF-DUTY-MODE"
    public init() {}
    static let expected: [String: String] = ["0110+101": "1", "0214+502": "3", "0615+503": "3", "0320+501": "3"]
    public func check(_ d: Declaration, context: RuleContext) -> [Finding] {
        guard let mode = d.supervisionMode, let levy = d.levyNature, let duty = Self.expected[mode + "+" + levy] else { return [] }
        let name = context.tables[.dutyModes].name(forCode: duty) ?? duty
        return d.items.enumerated().compactMap { i, item in
            guard let actual = item.dutyMode, actual != duty else { return nil }
            return Finding(rule: id, severity: .warning, fields: ["items[\(i)].dutyMode"],
                           message: "item \(i + 1): duty mode \(actual) is unusual for supervision mode \(mode) with levy nature \(levy); expected \(duty) (\(name))")
        }
    }
}

/// XF-CHARGES: which charges the transaction mode needs, and how each charge is written.
public struct ChargesRule: Rule {
    public let id = "XF-CHARGES"
    public init() {}
    static let standardInsuranceRate = ExactDecimal("0.3")!

    public func check(_ d: Declaration, context: RuleContext) -> [Finding] {
        var list = FindingList(id)
        let names = ["1": "CIF", "2": "C&F", "3": "FOB", "4": "C&I", "7": "EXW"]
        if let mode = d.transactionMode, let isImport = d.isImport, let name = names[mode] {
            let needs: (freight: Bool, insurance: Bool)
            switch (isImport, mode) {
            case (true, "3"), (true, "7"): needs = (true, true)
            case (true, "2"): needs = (false, true)
            case (true, "4"): needs = (true, false)
            case (false, "1"): needs = (true, true)
            case (false, "2"), (false, "7"): needs = (true, false)
            case (false, "4"): needs = (false, true)
            default: needs = (false, false)
            }
            if needs.freight, d.freight == nil {
                list.error(["freight", "transactionMode"], "transaction mode \(name) on an \(isImport ? "import" : "export") needs the freight (运费)")
            }
            if needs.insurance, d.insurance == nil {
                list.error(["insurance", "transactionMode"], "transaction mode \(name) on an \(isImport ? "import" : "export") needs the insurance (保费)")
            }
            let carriesNone = (isImport && mode == "1") || (!isImport && mode == "3")
            if carriesNone {
                if d.freight != nil { list.warning(["freight", "transactionMode"], "transaction mode \(name) already includes the freight; it should not be declared") }
                if d.insurance != nil { list.warning(["insurance", "transactionMode"], "transaction mode \(name) already includes the insurance; it should not be declared") }
            }
        }
        for (charge, path, label) in [(d.freight, "freight", "freight"), (d.insurance, "insurance", "insurance"), (d.otherCharges, "otherCharges", "other charges")] {
            guard let charge, let mark = charge.mark else { continue }
            if mark == 2 || mark == 3, charge.currency == nil {
                list.error([path + ".currency"], "the \(label) is an amount (mark \(mark)) and needs a currency, e.g. USD/1500/3")
            }
            if mark == 1, let currency = charge.currency {
                list.error([path + ".currency"], "the \(label) is a rate (mark 1) and carries no currency, but \(currency) is given")
            }
            if path == "insurance", mark == 1, let rate = charge.amount, rate != Self.standardInsuranceRate {
                list.warning(["insurance.amount"], "insurance rate \(rate) % differs from the usual 0.3 %")
            }
        }
        return list.findings
    }
}

/// XF-BULK-COUNT: bulk or nude cargo counts as one package.
public struct BulkCountRule: Rule {
    public let id = "XF-BULK-COUNT"
    public init() {}
    public func check(_ d: Declaration, context: RuleContext) -> [Finding] {
        guard let type = d.packageType, type == "00" || type == "01", let count = d.packageCount, count != 1 else { return [] }
        return [Finding(rule: id, severity: .error, fields: ["packageCount", "packageType"],
                        message: "package type \(type) (\(type == "00" ? "bulk" : "nude")) needs a package count of 1, not \(count)")]
    }
}

/// XF-WATER: water transport needs the vessel and the bill of lading.
public struct WaterTransportRule: Rule {
    public let id = "XF-WATER"
    public init() {}
    public func check(_ d: Declaration, context: RuleContext) -> [Finding] {
        guard d.transportMode == "2" else { return [] }
        var list = FindingList(id)
        if d.conveyance == nil { list.error(["conveyance", "transportMode"], "water transport (2) needs the vessel name and voyage (运输工具名称及航次号)") }
        if d.billOfLading == nil { list.error(["billOfLading", "transportMode"], "water transport (2) needs the bill of lading number (提运单号)") }
        return list.findings
    }
}

/// XF-DATES: the order of dates, late declarations and dates in the future.
public struct DatesRule: Rule {
    public let id = "XF-DATES"
    public init() {}
    public func check(_ d: Declaration, context: RuleContext) -> [Finding] {
        var list = FindingList(id)
        if let ie = d.ieDate, let declared = d.declarationDate, let isImport = d.isImport {
            if isImport {
                if declared < ie {
                    list.error(["declarationDate", "ieDate"], "declaration date \(declared) is before the import date \(ie)")
                } else if ie.days(until: declared) > 14 {
                    list.warning(["declarationDate", "ieDate"], "declared \(ie.days(until: declared)) days after import (\(ie)); a late declaration fee is due from day 15")
                }
            } else if ie < declared {
                list.error(["ieDate", "declarationDate"], "export date \(ie) is before the declaration date \(declared)")
            }
        }
        let tomorrow = context.today.adding(days: 1)
        for (date, path) in [(d.ieDate, "ieDate"), (d.declarationDate, "declarationDate")] {
            if let date, date > tomorrow {
                list.error([path], "\(date) is in the future (today is \(context.today))")
            }
        }
        return list.findings
    }
}
