import SecondLineModel

/// A small, fast, seedable random number generator (SplitMix64), so a seed always gives the
/// same declaration on every machine.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Random declarations that pass every rule with no error finding: test data for the rule engine,
/// the form renderer and the benchmarks.
public struct DeclarationGenerator: Sendable {
    public var tables: CodeTables
    /// Dates are chosen in the year before this day.
    public var today: CalendarDate

    public init(tables: CodeTables = .bundled, today: CalendarDate) {
        self.tables = tables
        self.today = today
    }

    static let companyPrefixes = ["上海", "深圳", "苏州", "宁波", "广州", "东莞", "厦门", "青岛", "天津", "海口"]
    static let companyCores = ["华信", "远航", "恒通", "鑫达", "嘉禾", "东方", "海晟", "博源", "瑞丰", "中科", "联创", "金桥", "新世纪", "宏图"]
    static let companySuffixes = ["贸易有限公司", "电子科技有限公司", "进出口有限公司", "物流有限公司", "精密机械有限公司", "供应链管理有限公司"]
    static let foreignNames = ["ACME TRADING CO., LTD.", "PACIFIC RIM SUPPLY PTE. LTD.", "NORDIC MACHINERY AB", "SAKURA ELECTRONICS CORP.",
                               "HANSEATIC PARTS GMBH", "BLUE OCEAN LOGISTICS INC.", "KOREA PRECISION CO., LTD.", "ALPINE INSTRUMENTS AG",
                               "SUNRISE COMMODITIES LLC", "GOLDEN GATE IMPORTS LTD."]
    static let goods: [(name: String, hs: String, unit: String, spec: String)] = [
        ("集成电路", "8542319000", "007", "0|0|用途:电子产品用|品牌:ACME|型号:X100"),
        ("液晶显示模组", "9013803100", "007", "0|0|尺寸:15.6英寸|品牌:SKY|型号:LM156"),
        ("不锈钢螺钉", "7318159001", "035", "0|0|材质:不锈钢|规格:M4*10"),
        ("聚乙烯颗粒", "3901100090", "035", "0|0|外观:颗粒|品牌:无"),
        ("棉制针织T恤", "6109100022", "011", "0|0|成分:100%棉|款式:男式"),
        ("数控机床零件", "8466939000", "035", "0|0|用途:数控机床用|品牌:NM"),
        ("锂离子电池", "8507600090", "007", "0|0|电压:3.7V|容量:3000mAh"),
        ("咖啡豆", "0901120000", "035", "0|0|未焙炒|产地:哥伦比亚"),
        ("汽车座椅", "9401200000", "007", "0|0|用途:乘用车|品牌:AUTO"),
        ("铝合金型材", "7604291000", "035", "0|0|材质:6063铝合金"),
    ]
    static let surnames = Array("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林")
    static let givenNames = ["伟", "芳", "娜", "敏", "静", "强", "磊", "洋", "艳", "杰", "涛", "明", "超", "霞"]

    /// Supervision mode, levy nature, duty mode and the record number's first letter ("" = none).
    static let regimes: [(mode: String, levy: String, duty: String, recordPrefix: String)] = [
        ("0110", "101", "1", ""), ("0110", "101", "1", ""), ("0110", "101", "1", ""),
        ("0214", "502", "3", "B"), ("0615", "503", "3", "C"), ("0320", "501", "3", ""),
        ("3339", "101", "1", ""), ("4561", "299", "1", ""),
    ]

    public func declaration(seed: UInt64, itemCount: Int? = nil, formType: FormType? = nil) -> Declaration {
        var rng = SeededRandom(seed: seed)
        var d = Declaration()
        let type = formType ?? FormType.allCases.randomElement(using: &rng)!
        let isImport = type.isImport
        d.formType = type

        let declared = today.adding(days: -Int.random(in: 5...360, using: &rng))
        d.declarationDate = declared
        if isImport {
            d.ieDate = declared.adding(days: -Int.random(in: 0...14, using: &rng))
        } else if Bool.random(using: &rng) {
            d.ieDate = declared.adding(days: Int.random(in: 0...3, using: &rng))
        }
        let office = pick(.customsOffices, &rng)
        d.customsPort = office
        d.customsNumber = office + String(declared.year) + (isImport ? "1" : "0") + digits(9, &rng)
        d.preEntryNumber = digits(18, &rng)
        d.domesticParty = Party(name: companyName(&rng), uscc: uscc(&rng))
        d.endUser = Bool.random(using: &rng) ? d.domesticParty : Party(name: companyName(&rng), uscc: uscc(&rng))
        d.declaringUnit = Party(name: companyName(&rng, suffix: "报关有限公司"), uscc: uscc(&rng))
        d.overseasParty = OverseasParty(name: Self.foreignNames.randomElement(using: &rng)!,
                                        aeoCode: Int.random(in: 0..<4, using: &rng) == 0 ? "AEO" + digits(10, &rng) : nil)

        let regime = Self.regimes.randomElement(using: &rng)!
        d.supervisionMode = regime.mode
        d.levyNature = regime.levy
        if !regime.recordPrefix.isEmpty { d.recordNumber = regime.recordPrefix + digits(11, &rng) }
        if Int.random(in: 0..<3, using: &rng) == 0 {
            d.licenseNumber = digits(2, &rng) + "-" + letters(2, &rng) + "-" + digits(6, &rng)
        }

        d.transportMode = ["2", "2", "3", "4", "5"].randomElement(using: &rng)!
        if d.transportMode == "2" || Bool.random(using: &rng) {
            d.conveyance = ["COSCO SHIPPING ARIES", "EVER GIVEN", "MSC OSCAR", "CMA CGM MARCO POLO"].randomElement(using: &rng)! + "/" + digits(3, &rng) + "E"
            d.billOfLading = letters(4, &rng) + digits(8, &rng)
        }
        d.contractNumber = letters(2, &rng) + String(declared.year) + "-" + digits(4, &rng)
        let partner = tables[.countries].entries.filter { $0.code != "CHN" }.randomElement(using: &rng)!.code
        d.tradeCountry = partner
        if isImport {
            d.departureCountry = partner
            d.loadingPort = pick(.ports, &rng)
            if Bool.random(using: &rng) { d.transitPort = pick(.ports, &rng) }
            d.entryPort = pick(.domesticPorts, &rng)
            d.goodsLocation = ["洋山港区四期码头", "外高桥保税物流园区", "皇岗口岸监管仓"].randomElement(using: &rng)!
        } else {
            d.arrivalCountry = partner
            d.destinationPort = pick(.ports, &rng)
            d.exitPort = pick(.domesticPorts, &rng)
        }

        d.packageType = pick(.packageTypes, &rng)
        d.packageCount = d.packageType == "00" || d.packageType == "01" ? 1 : Int.random(in: 1...500, using: &rng)
        let net = decimal(1...90000, places: Int.random(in: 0...3, using: &rng), &rng)
        d.netWeightKg = net
        d.grossWeightKg = net.adding(decimal(0...900, places: Int.random(in: 0...2, using: &rng), &rng))

        let currency = ["USD", "USD", "USD", "EUR", "JPY", "HKD"].randomElement(using: &rng)!
        d.transactionMode = ["1", "2", "3", "4", "7"].randomElement(using: &rng)!
        let freight = Charge(mark: 3, amount: decimal(100...9000, places: 0, &rng), currency: currency)
        let insurance = Charge(mark: 1, amount: ExactDecimal("0.3")!, currency: nil)
        switch (isImport, d.transactionMode!) {
        case (true, "3"), (true, "7"), (false, "1"): d.freight = freight; d.insurance = insurance
        case (true, "2"), (false, "4"): d.insurance = insurance
        case (true, "4"), (false, "2"), (false, "7"): d.freight = freight
        default: break
        }
        if Int.random(in: 0..<4, using: &rng) == 0 {
            d.otherCharges = Charge(mark: 3, amount: decimal(50...900, places: 0, &rng), currency: currency)
        }
        let documentCount = Int.random(in: 0...2, using: &rng)
        if documentCount > 0 {
            d.attachedDocuments = (0..<documentCount).map { _ in
                AttachedDocument(code: ["A", "B", "Y", "E", "a"].randomElement(using: &rng)!, number: letters(1, &rng) + digits(11, &rng))
            }
        }
        d.marksAndRemarks = ["N/M", "N/M 备注:无", "MADE IN \(tables[.countries].entries.first { $0.code == partner }?.english?.uppercased() ?? partner)"].randomElement(using: &rng)!
        d.specialRelationship = Bool.random(using: &rng)
        d.priceInfluence = Bool.random(using: &rng)
        d.royaltyPayment = Bool.random(using: &rng)
        d.selfAssessment = Bool.random(using: &rng)
        d.declarantName = String(Self.surnames.randomElement(using: &rng)!) + Self.givenNames.randomElement(using: &rng)!
        d.declarantCardNumber = digits(8, &rng)
        d.declarantPhone = "1" + ["3", "5", "8"].randomElement(using: &rng)! + digits(9, &rng)

        let count = itemCount ?? Self.itemCount(&rng)
        for index in 0..<count {
            let goods = Self.goods.randomElement(using: &rng)!
            var item = DeclarationItem(itemNumber: index + 1, hsCode: goods.hs, name: goods.name, specification: goods.spec)
            if Int.random(in: 0..<4, using: &rng) == 0 { item.recordItemNumber = Int.random(in: 1...200, using: &rng) }
            let quantity = decimal(1...5000, places: goods.unit == "035" ? Int.random(in: 0...2, using: &rng) : 0, &rng)
            item.declaredQuantity = Quantity(value: quantity, unit: goods.unit)
            item.legalQuantity = Quantity(value: quantity, unit: goods.unit)
            if goods.unit != "035", Bool.random(using: &rng) {
                item.secondQuantity = Quantity(value: decimal(1...900, places: 1, &rng), unit: "035")
            }
            let price = decimal(1...900, places: Int.random(in: 0...4, using: &rng), &rng)
            item.unitPrice = price
            item.totalPrice = quantity.multiplied(by: price)!.rounded(toPlaces: 2)
            item.currency = currency
            item.originCountry = isImport ? partner : "CHN"
            item.destinationCountry = isImport ? "CHN" : partner
            item.domesticRegion = pick(.domesticRegions, &rng)
            item.dutyMode = regime.duty
            d.items.append(item)
        }
        return d
    }

    /// Mostly short declarations, sometimes long ones, up to the maximum of 50.
    static func itemCount(_ rng: inout SeededRandom) -> Int {
        switch Int.random(in: 0..<10, using: &rng) {
        case 0..<6: return Int.random(in: 1...6, using: &rng)
        case 6..<9: return Int.random(in: 7...24, using: &rng)
        default: return Int.random(in: 25...50, using: &rng)
        }
    }

    func pick(_ table: CodeTableName, _ rng: inout SeededRandom) -> String {
        tables[table].entries.randomElement(using: &rng)!.code
    }

    func companyName(_ rng: inout SeededRandom, suffix: String? = nil) -> String {
        Self.companyPrefixes.randomElement(using: &rng)! + Self.companyCores.randomElement(using: &rng)! +
            (suffix ?? Self.companySuffixes.randomElement(using: &rng)!)
    }

    /// A valid unified social credit code: registration authority 9, type 1, a region, then the body.
    func uscc(_ rng: inout SeededRandom) -> String {
        let body = "91" + ["310000", "440300", "320500", "330200", "460100"].randomElement(using: &rng)! +
            String((0..<9).map { _ in USCC.alphabet.randomElement(using: &rng)! })
        return body + String(USCC.checkCharacter(for: body)!)
    }

    func digits(_ count: Int, _ rng: inout SeededRandom) -> String {
        String((0..<count).map { _ in Character(String(Int.random(in: 0...9, using: &rng))) })
    }

    func letters(_ count: Int, _ rng: inout SeededRandom) -> String {
        String((0..<count).map { _ in "ABCDEFGHJKLMNPQRSTUVWXYZ".randomElement(using: &rng)! })
    }

    func decimal(_ range: ClosedRange<Int>, places: Int, _ rng: inout SeededRandom) -> ExactDecimal {
        let whole = Int.random(in: range, using: &rng)
        var scale = 1
        for _ in 0..<places { scale *= 10 }
        let fraction = places == 0 ? 0 : Int.random(in: 0..<scale, using: &rng)
        return ExactDecimal(significand: Int128(whole) * Int128(scale) + Int128(fraction), scale: places)
    }
}
