import SecondLineModel

/// What a rule may look at besides the declaration. "Today" is a parameter so that results are
/// reproducible: the same declaration and day always give the same findings.
public struct RuleContext: Sendable {
    public var tables: CodeTables
    public var today: CalendarDate
    public init(tables: CodeTables, today: CalendarDate) {
        self.tables = tables
        self.today = today
    }
}

/// One validation rule. Adding a rule means adding one type conforming to this and listing it in
/// `RuleEngine.standardRules`.
public protocol Rule: Sendable {
    /// The rule id findings carry, e.g. `XF-NET-GROSS`.
    var id: String { get }
    func check(_ declaration: Declaration, context: RuleContext) -> [Finding]
}

/// The one engine that paper and electronic declarations both go through.
public struct RuleEngine: Sendable {
    public let tables: CodeTables
    public let rules: [any Rule]

    public static let standardRules: [any Rule] = [
        RequiredFieldsRule(), PatternRule(), LengthRule(), CodeUnknownRule(), USCCRule(), CustomsNumberRule(),
        RecordPrefixRule(), NetGrossRule(), ItemTotalRule(), ItemCountRule(), LevyModeRule(), DutyModeRule(),
        ChargesRule(), BulkCountRule(), WaterTransportRule(), DatesRule(),
    ]

    public init(tables: CodeTables = .bundled, rules: [any Rule] = RuleEngine.standardRules) {
        self.tables = tables
        self.rules = rules
    }

    public func validate(_ declaration: Declaration, today: CalendarDate) -> [Finding] {
        let context = RuleContext(tables: tables, today: today)
        return rules.flatMap { $0.check(declaration, context: context) }
    }

    /// Findings for a decoded electronic input: its format findings, then the rules. A field that
    /// was present but unreadable is not reported a second time as missing.
    public func validate(_ decoded: DecodedDeclaration, today: CalendarDate) -> [Finding] {
        let reported = Set(decoded.findings.flatMap(\.fields))
        let ruleFindings = validate(decoded.declaration, today: today).filter { finding in
            !(finding.rule == "FMT-REQUIRED" && finding.fields.contains { path in
                reported.contains(path) || reported.contains { $0.hasPrefix(path + ".") }
            })
        }
        return decoded.findings + ruleFindings
    }
}

/// Collects findings for one rule id with little ceremony.
struct FindingList {
    let rule: String
    var findings: [Finding] = []

    init(_ rule: String) { self.rule = rule }

    mutating func error(_ fields: [String], _ message: String) {
        findings.append(Finding(rule: rule, severity: .error, fields: fields, message: message))
    }

    mutating func warning(_ fields: [String], _ message: String) {
        findings.append(Finding(rule: rule, severity: .warning, fields: fields, message: message))
    }

    mutating func add(_ severity: Severity, _ fields: [String], _ message: String) {
        findings.append(Finding(rule: rule, severity: severity, fields: fields, message: message))
    }
}

extension Declaration {
    /// Whether import or export rules apply; nil when the form type is unknown.
    var isImport: Bool? { formType?.isImport }
}

func describe(_ d: ExactDecimal) -> String { d.description }
