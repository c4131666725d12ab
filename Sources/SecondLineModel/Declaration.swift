/// The four printed variants of the declaration form.
public enum FormType: String, Sendable, CaseIterable, Hashable {
    case importDeclaration = "import-declaration"
    case exportDeclaration = "export-declaration"
    case importRecordList = "import-record-list"
    case exportRecordList = "export-record-list"

    /// Import declarations and record lists "in" share the import labels and fields.
    public var isImport: Bool { self == .importDeclaration || self == .importRecordList }
    public var isRecordList: Bool { self == .importRecordList || self == .exportRecordList }
}

/// A company identified by its unified social credit code.
public struct Party: Sendable, Hashable {
    public var name: String?
    public var uscc: String?
    public init(name: String? = nil, uscc: String? = nil) {
        self.name = name
        self.uscc = uscc
    }
}

/// The foreign party: a name, and an AEO code when it has one.
public struct OverseasParty: Sendable, Hashable {
    public var name: String?
    public var aeoCode: String?
    public init(name: String? = nil, aeoCode: String? = nil) {
        self.name = name
        self.aeoCode = aeoCode
    }
}

/// Freight, insurance or other charges: `CUR/amount/mark`, or `rate/1` for a percentage.
public struct Charge: Sendable, Hashable {
    /// 1 = rate (percent), 2 = per unit, 3 = total.
    public var mark: Int?
    public var amount: ExactDecimal?
    public var currency: String?
    public init(mark: Int? = nil, amount: ExactDecimal? = nil, currency: String? = nil) {
        self.mark = mark
        self.amount = amount
        self.currency = currency
    }
}

public struct AttachedDocument: Sendable, Hashable {
    public var code: String
    public var number: String
    public init(code: String, number: String) {
        self.code = code
        self.number = number
    }
}

/// A quantity with its unit code (units.csv), e.g. 150.5 × `035` (千克).
public struct Quantity: Sendable, Hashable {
    public var value: ExactDecimal?
    public var unit: String?
    public init(value: ExactDecimal? = nil, unit: String? = nil) {
        self.value = value
        self.unit = unit
    }
}

public struct DeclarationItem: Sendable, Hashable {
    public var itemNumber: Int?
    public var recordItemNumber: Int?
    public var hsCode: String?
    public var name: String?
    public var specification: String?
    public var legalQuantity: Quantity?
    public var secondQuantity: Quantity?
    public var declaredQuantity: Quantity?
    public var unitPrice: ExactDecimal?
    public var totalPrice: ExactDecimal?
    public var currency: String?
    public var originCountry: String?
    public var destinationCountry: String?
    public var domesticRegion: String?
    public var dutyMode: String?

    public init(
        itemNumber: Int? = nil, recordItemNumber: Int? = nil, hsCode: String? = nil, name: String? = nil,
        specification: String? = nil, legalQuantity: Quantity? = nil, secondQuantity: Quantity? = nil,
        declaredQuantity: Quantity? = nil, unitPrice: ExactDecimal? = nil, totalPrice: ExactDecimal? = nil,
        currency: String? = nil, originCountry: String? = nil, destinationCountry: String? = nil,
        domesticRegion: String? = nil, dutyMode: String? = nil
    ) {
        self.itemNumber = itemNumber
        self.recordItemNumber = recordItemNumber
        self.hsCode = hsCode
        self.name = name
        self.specification = specification
        self.legalQuantity = legalQuantity
        self.secondQuantity = secondQuantity
        self.declaredQuantity = declaredQuantity
        self.unitPrice = unitPrice
        self.totalPrice = totalPrice
        self.currency = currency
        self.originCountry = originCountry
        self.destinationCountry = destinationCountry
        self.domesticRegion = domesticRegion
        self.dutyMode = dutyMode
    }
}

/// One customs declaration (or record list), from paper or from an electronic filing.
/// Keys and meanings follow `declaration-form.md`; a nil field was blank or not read.
public struct Declaration: Sendable, Hashable {
    public var formType: FormType?
    public var preEntryNumber: String?
    public var customsNumber: String?
    public var domesticParty: Party?
    public var customsPort: String?
    public var ieDate: CalendarDate?
    public var declarationDate: CalendarDate?
    public var recordNumber: String?
    public var overseasParty: OverseasParty?
    public var transportMode: String?
    public var conveyance: String?
    public var billOfLading: String?
    public var goodsLocation: String?
    public var endUser: Party?
    public var supervisionMode: String?
    public var levyNature: String?
    public var licenseNumber: String?
    public var loadingPort: String?
    public var contractNumber: String?
    public var tradeCountry: String?
    public var departureCountry: String?
    public var arrivalCountry: String?
    public var transitPort: String?
    public var destinationPort: String?
    public var entryPort: String?
    public var exitPort: String?
    public var packageType: String?
    public var packageCount: Int?
    public var grossWeightKg: ExactDecimal?
    public var netWeightKg: ExactDecimal?
    public var transactionMode: String?
    public var freight: Charge?
    public var insurance: Charge?
    public var otherCharges: Charge?
    public var attachedDocuments: [AttachedDocument]?
    public var marksAndRemarks: String?
    public var specialRelationship: Bool?
    public var priceInfluence: Bool?
    public var royaltyPayment: Bool?
    public var selfAssessment: Bool?
    public var declarantName: String?
    public var declarantCardNumber: String?
    public var declarantPhone: String?
    public var declaringUnit: Party?
    public var items: [DeclarationItem] = []

    /// XML elements read from a DecMessage that the record does not model; written back unchanged.
    public var preservedXML: PreservedXML?

    public init() {}
}

/// Unmodelled parts of a DecMessage, kept so an XML → XML round trip loses nothing.
public struct PreservedXML: Sendable, Hashable {
    public var headElements: [XMLTree] = []
    public var itemElements: [[XMLTree]] = []
    public var messageElements: [XMLTree] = []
    public init() {}
}
