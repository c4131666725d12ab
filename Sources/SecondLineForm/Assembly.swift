import Foundation
import SecondLineModel

extension FormReader {
    /// Puts the pages of one declaration together: orders them, reconciles header values printed on
    /// every page, joins items, applies the rules, and decides the status.
    func assemble(_ pages: [PageReading], rejections: [String]) -> ResultDocument {
        var gaps: [Gap] = []
        var findings: [Finding] = []
        var evidence: [String: FieldEvidence] = [:]
        var values: [String: FieldValue] = [:]

        // Order by the printed page number when every page has one; otherwise keep file order.
        var ordered = pages
        if pages.allSatisfy({ $0.pageNumber != nil }) { ordered.sort { $0.pageNumber! < $1.pageNumber! } }
        let formTypes = Set(ordered.map(\.formType))
        if formTypes.count > 1 {
            findings.append(Finding(rule: "XF-PAGES", severity: .error, fields: ["formType"],
                                    message: "the pages carry different form titles (\(formTypes.map(\.rawValue).sorted().joined(separator: ", ")))"))
        }
        findings += pageNumberFindings(ordered)
        if !rejections.isEmpty {
            findings.append(Finding(rule: "XF-PAGES", severity: .error, fields: [],
                                    message: "some pages could not be read as part of the form: \(rejections.joined(separator: "; "))"))
        }

        // Header fields: every page repeats them.
        var paths: [String] = []
        for page in ordered {
            for key in page.values.keys where !paths.contains(key) { paths.append(key) }
            for g in page.gaps where !paths.contains(g.field) { paths.append(g.field) }
        }
        for path in paths {
            let read = ordered.compactMap { page in page.values[path].map { (page, $0) } }
            let pageGaps = ordered.flatMap { $0.gaps.filter { $0.field == path } }
            let distinct = Set(read.map(\.1))
            if distinct.count > 1 {
                let shown = read.map { "page \($0.0.pageNumber.map(String.init) ?? "?"): \($0.0.evidence[path]?.text ?? "")" }.joined(separator: "; ")
                gaps.append(Gap(field: path, reason: .inconsistent, page: read.first?.0.evidence[path]?.page,
                                box: read.first?.0.evidence[path]?.box, text: read.first?.0.evidence[path]?.text,
                                message: "\(path) differs between pages (\(shown))"))
                findings.append(Finding(rule: "XF-PAGES", severity: .error, fields: [path], message: "\(path) is printed differently on different pages: \(shown)"))
                continue
            }
            if let (page, value) = read.first {
                // A blank on one page while another prints a value is a disagreement, not a recovery.
                if let blank = pageGaps.first(where: { $0.reason == .blank }) {
                    gaps.append(Gap(field: path, reason: .inconsistent, page: blank.page, box: blank.box, text: page.evidence[path]?.text,
                                    message: "\(path) is blank on page \(blank.page ?? 0) but printed on page \(page.evidence[path]?.page ?? 0)"))
                    findings.append(Finding(rule: "XF-PAGES", severity: .error, fields: [path], message: "\(path) is blank on one page and printed on another"))
                    continue
                }
                values[path] = value
                var ev = page.evidence[path]!
                if read.count > 1 {
                    ev.notes.append("read alike on \(read.count) pages")
                    ev.confidence = 1 - (1 - ev.confidence) * 0.5
                }
                if !pageGaps.isEmpty { ev.notes.append("unreadable on \(pageGaps.count) other page(s)") }
                evidence[path] = ev
            } else if let first = pageGaps.first {
                gaps.append(first)
            }
        }
        for page in ordered { findings += page.findings }

        // Items run across pages in order.
        var items: [DeclarationItem] = []
        for page in ordered {
            for item in page.items {
                let index = items.count
                items.append(Self.item(from: item.values))
                for (key, ev) in item.evidence { evidence[FieldPath.item(index, key)] = ev }
                for f in item.findings {
                    findings.append(Finding(rule: f.rule, severity: f.severity,
                                            fields: f.fields.map { $0.replacingOccurrences(of: "items[?].", with: "items[\(index)].") },
                                            message: f.message.replacingOccurrences(of: "items[?].", with: "items[\(index)].")))
                }
                for g in item.gaps {
                    var moved = g
                    moved.field = FieldPath.item(index, g.field)
                    moved.message = g.message.replacingOccurrences(of: "items[?].", with: "items[\(index)].")
                    gaps.append(moved)
                }
            }
        }

        if options.readItems, let problem = itemListProblem(ordered, items: items, rejected: !rejections.isEmpty) {
            gaps.append(Gap(field: "items", reason: .unreadable, page: nil, box: nil, text: nil, message: "items: \(problem); check the item list against the paper"))
        }
        var declaration = Self.declaration(from: values, formType: ordered.first!.formType)
        declaration.items = items
        let today = options.today ?? CalendarDate.today()
        let gapped = Set(gaps.map(\.field))
        for finding in rules.validate(declaration, today: today) {
            // A required field that is missing because it was gapped is already reported as the gap.
            if finding.rule == "FMT-REQUIRED", finding.fields.allSatisfy({ f in gapped.contains { $0 == f || $0.hasPrefix(f + ".") } }) { continue }
            findings.append(finding)
        }
        return ResultDocument(files: [], status: ResultDocument.status(gaps: gaps, findings: findings), declaration: declaration,
                              fields: evidence, gaps: gaps, findings: findings)
    }

    /// Rows can be lost (a row not found, a page not read); the list must show that it is whole.
    func itemListProblem(_ pages: [PageReading], items: [DeclarationItem], rejected: Bool) -> String? {
        if rejected { return "a page could not be read, so item rows may be missing" }
        for page in pages {
            if let k = page.pageNumber, let n = page.pageCount, k < n, page.items.count < layout.items.rowsPerPage {
                return "page \(k) of \(n) shows \(page.items.count) item rows although only the last page may have fewer than \(layout.items.rowsPerPage)"
            }
        }
        let numbers = items.map(\.itemNumber)
        if items.isEmpty { return "no item rows were found" }
        if numbers.contains(where: { $0 == nil }) { return "some item numbers could not be read, so the order and completeness of the list is unconfirmed" }
        if numbers.map({ $0! }) != Array(1...items.count) { return "the item numbers read (\(numbers.map { String($0!) }.joined(separator: ", "))) do not run 1, 2, 3 …" }
        return nil
    }

    func pageNumberFindings(_ pages: [PageReading]) -> [Finding] {
        let numbers = pages.compactMap(\.pageNumber)
        let counts = Set(pages.compactMap(\.pageCount))
        var out: [Finding] = []
        if counts.count > 1 {
            out.append(Finding(rule: "XF-PAGES", severity: .error, fields: [], message: "the pages disagree on the page count (\(counts.sorted().map(String.init).joined(separator: ", ")))"))
        }
        let repeated = Dictionary(grouping: numbers, by: { $0 }).filter { $0.value.count > 1 }.keys.sorted()
        if !repeated.isEmpty {
            out.append(Finding(rule: "XF-PAGES", severity: .error, fields: [], message: "page \(repeated.map(String.init).joined(separator: ", ")) appears more than once"))
        }
        if let total = counts.max() {
            let missing = (1...max(1, total)).filter { !numbers.contains($0) }
            if !missing.isEmpty {
                out.append(Finding(rule: "XF-PAGES", severity: .error, fields: [], message: "page \(missing.map(String.init).joined(separator: ", ")) of \(total) is missing"))
            }
        }
        return out
    }

    static func declaration(from values: [String: FieldValue], formType: FormType) -> Declaration {
        var d = Declaration()
        d.formType = formType
        func string(_ k: String) -> String? { if case .string(let s)? = values[k] { return s }; return nil }
        func date(_ k: String) -> CalendarDate? { if case .date(let v)? = values[k] { return v }; return nil }
        func decimal(_ k: String) -> ExactDecimal? { if case .decimal(let v)? = values[k] { return v }; return nil }
        func integer(_ k: String) -> Int? { if case .integer(let v)? = values[k] { return v }; return nil }
        func boolean(_ k: String) -> Bool? { if case .boolean(let v)? = values[k] { return v }; return nil }
        func charge(_ k: String) -> Charge? { if case .charge(let v)? = values[k] { return v }; return nil }
        func party(_ k: String) -> Party? {
            let name = string(k + ".name"), uscc = string(k + ".uscc")
            return name == nil && uscc == nil ? nil : Party(name: name, uscc: uscc)
        }
        d.preEntryNumber = string("preEntryNumber")
        d.customsNumber = string("customsNumber")
        d.domesticParty = party("domesticParty")
        d.customsPort = string("customsPort")
        d.ieDate = date("ieDate")
        d.declarationDate = date("declarationDate")
        d.recordNumber = string("recordNumber")
        let overseasName = string("overseasParty.name"), aeo = string("overseasParty.aeoCode")
        if overseasName != nil || aeo != nil { d.overseasParty = OverseasParty(name: overseasName, aeoCode: aeo) }
        d.transportMode = string("transportMode")
        d.conveyance = string("conveyance")
        d.billOfLading = string("billOfLading")
        d.goodsLocation = string("goodsLocation")
        d.endUser = party("endUser")
        d.supervisionMode = string("supervisionMode")
        d.levyNature = string("levyNature")
        d.licenseNumber = string("licenseNumber")
        d.loadingPort = string("loadingPort")
        d.contractNumber = string("contractNumber")
        d.tradeCountry = string("tradeCountry")
        d.departureCountry = string("departureCountry")
        d.arrivalCountry = string("arrivalCountry")
        d.transitPort = string("transitPort")
        d.destinationPort = string("destinationPort")
        d.entryPort = string("entryPort")
        d.exitPort = string("exitPort")
        d.packageType = string("packageType")
        d.packageCount = integer("packageCount")
        d.grossWeightKg = decimal("grossWeightKg")
        d.netWeightKg = decimal("netWeightKg")
        d.transactionMode = string("transactionMode")
        d.freight = charge("freight")
        d.insurance = charge("insurance")
        d.otherCharges = charge("otherCharges")
        if case .documents(let docs)? = values["attachedDocuments"] { d.attachedDocuments = docs }
        d.marksAndRemarks = string("marksAndRemarks")
        d.specialRelationship = boolean("specialRelationship")
        d.priceInfluence = boolean("priceInfluence")
        d.royaltyPayment = boolean("royaltyPayment")
        d.selfAssessment = boolean("selfAssessment")
        d.declarantName = string("declarantName")
        d.declarantCardNumber = string("declarantCardNumber")
        d.declarantPhone = string("declarantPhone")
        d.declaringUnit = party("declaringUnit")
        return d
    }

    static func item(from values: [String: FieldValue]) -> DeclarationItem {
        var item = DeclarationItem()
        func string(_ k: String) -> String? { if case .string(let s)? = values[k] { return s }; return nil }
        func decimal(_ k: String) -> ExactDecimal? { if case .decimal(let v)? = values[k] { return v }; return nil }
        func integer(_ k: String) -> Int? { if case .integer(let v)? = values[k] { return v }; return nil }
        func quantity(_ k: String) -> Quantity? {
            let v = decimal(k + ".value"), u = string(k + ".unit")
            return v == nil && u == nil ? nil : Quantity(value: v, unit: u)
        }
        item.itemNumber = integer("itemNumber")
        item.recordItemNumber = integer("recordItemNumber")
        item.hsCode = string("hsCode")
        item.name = string("name")
        item.specification = string("specification")
        item.legalQuantity = quantity("legalQuantity")
        item.secondQuantity = quantity("secondQuantity")
        item.declaredQuantity = quantity("declaredQuantity")
        item.unitPrice = decimal("unitPrice")
        item.totalPrice = decimal("totalPrice")
        item.currency = string("currency")
        item.originCountry = string("originCountry")
        item.destinationCountry = string("destinationCountry")
        item.domesticRegion = string("domesticRegion")
        item.dutyMode = string("dutyMode")
        return item
    }
}

extension PageReader {
    /// Item rows (issue 5). Filled in by ItemRows.swift.
    func readItems(formType: FormType, into page: inout PageReading) {
        readItemRows(formType: formType, into: &page)
    }
}
