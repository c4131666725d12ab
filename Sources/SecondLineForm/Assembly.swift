import Foundation
import SecondLineModel

extension FormReader {
    /// Where one page read belongs in the declaration: its printed `页码/页数`, or, when that could not be
    /// read, the page its item numbers put it on.
    struct PagePlace {
        var reading: PageReading
        /// 1-based order in which the page was read (files in the order given, pages in file order).
        var readIndex: Int
        /// The printed page number, or the one its item numbers imply; nil when neither is known.
        var place: Int?
        var inferredFromItems = false
    }

    /// Puts the pages of one declaration together: orders them, reconciles header values printed on
    /// every page, joins items, applies the rules, and decides the status.
    func assemble(_ pages: [PageReading], rejections: [String]) -> ResultDocument {
        var gaps: [Gap] = []
        var findings: [Finding] = []
        var evidence: [String: FieldEvidence] = [:]
        var values: [String: FieldValue] = [:]
        let rowsPerPage = layout.items.rowsPerPage

        // Order by the printed page number; a page whose mark could not be read takes the place its
        // item numbers give it. Pages whose place is unknown keep the order they were read in, last.
        var placed: [PagePlace] = pages.enumerated().map { i, page in
            var p = PagePlace(reading: page, readIndex: i + 1, place: page.pageNumber)
            if page.pageNumber == nil, let k = Self.pageImpliedByItems(page, rowsPerPage: rowsPerPage) {
                p.place = k
                p.inferredFromItems = true
            }
            return p
        }
        // An inferred place that another page also holds proves nothing: such a page stays unplaced (and its
        // rows listed), rather than being taken for a repeated page whose rows would be dropped.
        let taken = Dictionary(grouping: placed.compactMap(\.place), by: { $0 }).filter { $0.value.count > 1 }.keys
        for i in placed.indices where placed[i].inferredFromItems && taken.contains(placed[i].place ?? 0) {
            placed[i].place = nil
            placed[i].inferredFromItems = false
        }
        placed.sort { a, b in
            switch (a.place, b.place) {
            case let (x?, y?): return x != y ? x < y : a.readIndex < b.readIndex
            case (_?, nil): return true
            case (nil, _?): return false
            default: return a.readIndex < b.readIndex
            }
        }
        let ordered = placed.map(\.reading)
        let formTypes = Set(ordered.map(\.formType))
        if formTypes.count > 1 {
            findings.append(Finding(rule: "XF-PAGES", severity: .error, fields: ["formType"],
                                    message: "the pages carry different form titles (\(formTypes.map(\.rawValue).sorted().joined(separator: ", ")))"))
        }
        findings += pageNumberFindings(ordered, places: placed.compactMap(\.place))
        findings += pagePlaceFindings(placed, rowsPerPage: rowsPerPage)
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
        // In the order the form prints them (a party's parts by name): the same input lists its gaps and
        // findings alike on every run.
        if let formType = ordered.first?.formType {
            let keys = layout.fieldKeys(for: formType)
            let rank = Dictionary(keys.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
            func place(_ path: String) -> (Int, String) { (rank[path] ?? rank[String(path.prefix { $0 != "." })] ?? keys.count, path) }
            paths.sort { place($0) < place($1) }
        }
        func pageName(_ page: PageReading) -> String { page.pageNumber.map { "page \($0)" } ?? "a page without a readable page number" }
        for path in paths {
            let read = ordered.compactMap { page in page.values[path].map { (page, $0) } }
            let pageGaps = ordered.flatMap { $0.gaps.filter { $0.field == path } }
            // Readings that differ only in the spacing OCR put between Chinese characters say the same.
            let distinct = Set(read.map { Self.comparable($0.1) })
            if distinct.count > 1 {
                let shown = read.map { "\(pageName($0.0)): \($0.0.evidence[path]?.text ?? "")" }.joined(separator: "; ")
                gaps.append(Gap(field: path, reason: .inconsistent, page: read.first?.0.evidence[path]?.page,
                                box: read.first?.0.evidence[path]?.box, text: read.first?.0.evidence[path]?.text,
                                message: "\(path) differs between pages (\(shown)); check which one is meant"))
                findings.append(Finding(rule: "XF-PAGES", severity: .error, fields: [path], message: "\(path) is printed differently on different pages: \(shown)"))
                continue
            }
            // A value taken from another page's identical print is no independent reading of it.
            let readHere = read.filter { $0.0.evidence[path]?.copiedFrom == nil }.count
            if let (page, value) = read.first {
                // A blank on one page while another prints a value is a disagreement, not a recovery;
                // so is a page where the field's own halves disagree (code vs name). Only when the value was
                // read alike on two or more pages and a single page shows nothing is that page's cell taken
                // for missed ink (a page read badly), reported as a warning that names the field.
                let blanks = pageGaps.filter { $0.reason == .blank }
                var blankWarning: Finding? = nil
                if readHere >= 2, blanks.count == 1, !pageGaps.contains(where: { $0.reason == .inconsistent }) {
                    let other = ordered.first { $0.gaps.contains(blanks[0]) }
                    blankWarning = Finding(rule: "XF-PAGES", severity: .warning, fields: [path],
                                           message: "\(path) reads alike on \(readHere) pages but shows nothing on \(other.map(pageName) ?? "one page"); check that page")
                } else if let blank = pageGaps.first(where: { $0.reason == .blank || $0.reason == .inconsistent }) {
                    let other = ordered.first { $0.gaps.contains(blank) }
                    let what = blank.reason == .blank ? "blank" : "inconsistent (\(blank.message))"
                    gaps.append(Gap(field: path, reason: .inconsistent, page: blank.page, box: blank.box, text: page.evidence[path]?.text,
                                    message: "\(path) is \(what) on \(other.map(pageName) ?? "one page") but reads '\(page.evidence[path]?.text ?? "")' on \(pageName(page))"))
                    findings.append(Finding(rule: "XF-PAGES", severity: .error, fields: [path],
                                            message: "\(path) is \(blank.reason == .blank ? "blank" : "inconsistent") on \(other.map(pageName) ?? "one page") and printed on \(pageName(page))"))
                    continue
                }
                // Chinese free text (names) that one page could not read with certainty: the same print gives the
                // same OCR mistake on every page (a rare character read alike as another), so the pages that did
                // read it do not vouch for it.
                if case .string(let text) = value, text.contains(where: \.isHan),
                   let unsure = pageGaps.first(where: { $0.reason == .unreadable && $0.text != nil }) {
                    let other = ordered.first { $0.gaps.contains(unsure) }
                    gaps.append(Gap(field: path, reason: .unreadable, page: unsure.page, box: unsure.box, text: page.evidence[path]?.text,
                                    message: "\(path) reads '\(page.evidence[path]?.text ?? "")' on \(pageName(page)) but could not be read with certainty on \(other.map(pageName) ?? "another page") (\(unsure.message)); check the characters on paper"))
                    continue
                }
                values[path] = value
                var ev = page.evidence[path]!
                if readHere > 1 {
                    ev.notes.append("read alike on \(readHere) pages")
                    // Independent scans of the same value agree: the chance that all are wrong the same way shrinks.
                    ev.confidence = min(0.999, 1 - (1 - ev.confidence) * pow(0.5, Double(readHere - 1)))
                }
                if read.count > readHere { ev.notes.append("the same print on \(read.count - readHere) other page(s), not read again") }
                if let blankWarning {
                    findings.append(blankWarning)
                    ev.notes.append("blank on one other page (taken for ink the reading missed)")
                }
                let unreadable = pageGaps.filter { $0.reason != .blank }.count
                if unreadable > 0 { ev.notes.append("unreadable on \(unreadable) other page(s)") }
                evidence[path] = ev
            } else if let first = pageGaps.first {
                gaps.append(first)
            }
        }
        // Findings every page repeats (a code-name mismatch printed on each) are reported once.
        var seenFindings = Set<String>()
        for page in ordered {
            for f in page.findings where seenFindings.insert(f.rule + "|" + f.fields.joined(separator: ",")).inserted { findings.append(f) }
        }

        // Items run across pages in order. A repeated page contributes its rows once; its copy checks them.
        var items: [DeclarationItem] = []
        var itemPositions: [Int?] = []
        var usedPlaces = Set<Int>()
        var primaryRows: [Int: (start: Int, rows: [ItemReading])] = [:]
        for p in placed {
            if let k = p.place, usedPlaces.contains(k) {
                if let (start, rows) = primaryRows[k] { findings += compareRepeatedRows(rows, p.reading.items, page: k, firstIndex: start) }
                continue
            }
            if let k = p.place { usedPlaces.insert(k); primaryRows[k] = (items.count, p.reading.items) }
            for (row, item) in p.reading.items.enumerated() {
                let index = items.count
                items.append(Self.item(from: item.values))
                itemPositions.append(p.place.map { ItemRepairs.positionalItemNumber(page: $0, row: row, rowsPerPage: rowsPerPage) })
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

        settleFromSameCodeItems(&items, gaps: &gaps, evidence: &evidence)
        crossCheckItemTexts(&items, gaps: &gaps, evidence: &evidence)
        if options.readItems, let problem = itemListProblem(ordered, places: placed.compactMap(\.place), items: items, positions: itemPositions, rejected: !rejections.isEmpty) {
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

    /// Items with the same HS code are usually the same goods with the same name and declaration elements.
    /// Where two readings of an item's name disagree and one of them is what two networks agreed on for
    /// every other item with that code, that settles it. Every other item's name must be the same and
    /// agreed (confidence ≥ 0.95), and at least one of them read on its own print (not copied from
    /// another's); a reading that is only close to it settles nothing. Declaration elements are not
    /// settled so: one code covers several models and sizes (型号:X100, X108).
    func settleFromSameCodeItems(_ items: inout [DeclarationItem], gaps: inout [Gap], evidence: inout [String: FieldEvidence]) {
        let compact = { (t: String) in t.filter { !$0.isWhitespace } }
        for i in items.indices {
            let path = FieldPath.item(i, "name")
            guard let code = items[i].hsCode, let g = gaps.firstIndex(where: { $0.field == path }), !gaps[g].readings.isEmpty,
                  let page = gaps[g].page else { continue }
            let same = items.indices.filter { $0 != i && items[$0].hsCode == code }
            let agreed = same.compactMap { j -> (Int, String)? in
                guard let name = items[j].name, (evidence[FieldPath.item(j, "name")]?.confidence ?? 0) >= 0.95 else { return nil }
                return (j, name)
            }
            let readOnTheirOwn = same.filter { evidence[FieldPath.item($0, "name")]?.copiedFrom == nil }
            guard let (j, settled) = agreed.first, agreed.count == same.count, !readOnTheirOwn.isEmpty,
                  Set(agreed.map { compact($0.1) }).count == 1,
                  gaps[g].readings.contains(where: { compact($0) == compact(settled) }) else { continue }
            let gap = gaps.remove(at: g)
            items[i].name = settled
            evidence[path] = FieldEvidence(text: gap.text ?? settled, confidence: 0.9, page: page, box: gap.box,
                                           notes: ["readings disagree (\(gap.readings.map { "'\($0)'" }.joined(separator: " / "))); item \(j + 1)\(same.count > 1 ? " and \(same.count - 1) more" : "") with the same HS code \(code) read '\(settled)' in two agreeing readings, as one reading here does"])
        }
    }

    /// A name read on one item only, which another reading of a same-code item's name (a value, or the text of
    /// a gap) renders one or two characters differently, may be misread: it becomes a gap, never a repair.
    func crossCheckItemTexts(_ items: inout [DeclarationItem], gaps: inout [Gap], evidence: inout [String: FieldEvidence]) {
        for key in ["name", "specification"] {
            func value(_ i: Int) -> String? { (key == "name" ? items[i].name : items[i].specification).map { $0.filter { !$0.isWhitespace } } }
            func gapText(_ i: Int) -> String? {
                gaps.first { $0.field == FieldPath.item(i, key) }?.text.map { FieldParser.normalize($0).filter { !$0.isWhitespace } }
            }
            let snapshot = items.indices.map { (value($0), gapText($0)) }
            for i in items.indices {
                guard let v = snapshot[i].0, let code = items[i].hsCode, v.count >= 3 else { continue }
                let same = items.indices.filter { $0 != i && items[$0].hsCode == code }
                // Another item whose value reads the same supports this reading.
                if same.contains(where: { snapshot[$0].0 == v }) { continue }
                let rivals = same.compactMap { j -> (Int, String)? in
                    guard let other = snapshot[j].0 ?? snapshot[j].1 else { return nil }
                    let d = CodeFieldResolver.distance(v, other)
                    return d >= 1 && d <= 2 ? (j, other) : nil
                }
                guard let (j, other) = rivals.first else { continue }
                let path = FieldPath.item(i, key)
                let ev = evidence.removeValue(forKey: path)
                if key == "name" { items[i].name = nil } else { items[i].specification = nil }
                gaps.append(Gap(field: path, reason: .unreadable, page: ev?.page, box: ev?.box, text: ev?.text,
                                message: "\(path): read as '\(v)', but item \(j + 1) with the same HS code \(code) reads '\(other)'; one of them is misread"))
            }
        }
    }

    /// A value as compared between pages: text without the spaces OCR puts next to Chinese characters.
    static func comparable(_ value: FieldValue) -> FieldValue {
        guard case .string(let s) = value else { return value }
        let chars = Array(s)
        var out = ""
        for (i, c) in chars.enumerated() {
            if c.isWhitespace {
                let before = i > 0 ? chars[i - 1] : " ", after = i + 1 < chars.count ? chars[i + 1] : " "
                if before.isHan || after.isHan || before.isWhitespace { continue }
            }
            out.append(c)
        }
        return .string(out.trimmingCharacters(in: .whitespaces))
    }

    /// The page that the item numbers read on a page put it on: the page most of them put it on, when that
    /// is more than half of the numbers read, and at least two when any other says otherwise (one number
    /// misread, 2 for 27, does not lose the page its five neighbours place).
    static func pageImpliedByItems(_ page: PageReading, rowsPerPage: Int) -> Int? {
        var votes: [Int: Int] = [:]
        var numbered = 0
        for (row, item) in page.items.enumerated() {
            guard case .integer(let n)? = item.values["itemNumber"] else { continue }
            numbered += 1
            let offset = n - 1 - row
            guard offset >= 0, offset % rowsPerPage == 0 else { continue }
            votes[offset / rowsPerPage + 1, default: 0] += 1
        }
        guard let (implied, count) = votes.max(by: { $0.value < $1.value }), count * 2 > numbered,
              count == numbered || count >= 2 else { return nil }
        return implied
    }

    /// Pages whose place had to be inferred or could not be found, and page marks their items contradict.
    func pagePlaceFindings(_ placed: [PagePlace], rowsPerPage: Int) -> [Finding] {
        var out: [Finding] = []
        guard placed.count > 1 else { return [] }
        for p in placed {
            if p.place == nil, placed.count > 1 {
                out.append(Finding(rule: "XF-PAGES", severity: .error, fields: [],
                                   message: "the page read \(p.readIndex) has no readable page number (页码) and no item numbers that agree on its place, so its place among the pages is unknown; it was put last"))
            } else if p.inferredFromItems, let k = p.place {
                out.append(Finding(rule: "XF-PAGES", severity: .warning, fields: [],
                                   message: "the page number (页码) of the page read \(p.readIndex) could not be read; its item numbers place it as page \(k)"))
            } else if let k = p.reading.pageNumber, let implied = Self.pageImpliedByItems(p.reading, rowsPerPage: rowsPerPage), implied != k,
                      p.reading.items.filter({ $0.values["itemNumber"] != nil }).count >= 2 {
                out.append(Finding(rule: "XF-PAGES", severity: .error, fields: [],
                                   message: "page \(k) carries the item numbers of page \(implied): the page mark (页码) or the item numbers are misprinted or misread"))
            }
        }
        return out
    }

    /// Rows of a repeated page are compared with the first copy's: a value read differently is reported.
    func compareRepeatedRows(_ first: [ItemReading], _ copy: [ItemReading], page: Int, firstIndex: Int) -> [Finding] {
        var out: [Finding] = []
        if first.count != copy.count {
            out.append(Finding(rule: "XF-PAGES", severity: .error, fields: [],
                               message: "the copies of page \(page) show \(first.count) and \(copy.count) item rows; the first copy's rows are used"))
        }
        for (row, (a, b)) in zip(first, copy).enumerated() {
            // Values the copy took from the same print elsewhere compare nothing.
            for (key, value) in a.values where b.evidence[key]?.copiedFrom == nil {
                if let other = b.values[key], Self.comparable(other) != Self.comparable(value) {
                    out.append(Finding(rule: "XF-PAGES", severity: .error, fields: [FieldPath.item(firstIndex + row, key)],
                                       message: "row \(row + 1) of page \(page): \(key) reads '\(a.evidence[key]?.text ?? "")' on one copy and '\(b.evidence[key]?.text ?? "")' on the other"))
                }
            }
        }
        return out
    }

    /// Rows can be lost (a row not found, a page not read); the list must show that it is whole.
    /// `positions`: the item number each row's place implies (page and row), nil where the page's place is unknown.
    func itemListProblem(_ pages: [PageReading], places: [Int], items: [DeclarationItem], positions: [Int?], rejected: Bool) -> String? {
        if rejected { return "a page could not be read, so item rows may be missing" }
        var seen = Set<Int>()
        for page in pages {
            if let k = page.pageNumber, let n = page.pageCount, k < n, page.items.count < layout.items.rowsPerPage, seen.insert(k).inserted {
                return "page \(k) of \(n) shows \(page.items.count) item rows although only the last page may have fewer than \(layout.items.rowsPerPage)"
            }
        }
        if items.isEmpty { return "no item rows were found" }
        if let missing = missingPages(pages, places: places), !missing.isEmpty {
            let rows = layout.items.rowsPerPage
            let ranges = missing.map { "items \(($0 - 1) * rows + 1)–\($0 * rows) (page \($0))" }.joined(separator: ", ")
            return "\(ranges) are missing with the missing page; the items of the other pages are listed"
        }
        // Each item's number is the one read, or, where it could not be read, the one its place implies.
        var numbers: [Int] = []
        for (item, position) in zip(items, positions) {
            if let n = item.itemNumber {
                if let position, position != n {
                    return "item \(numbers.count + 1) is numbered \(n) although its row is the place of item \(position)"
                }
                numbers.append(n)
            } else if let position {
                numbers.append(position)
            } else {
                return "some item numbers could not be read and their page's place is unknown, so the order and completeness of the list is unconfirmed"
            }
        }
        if numbers != Array(1...items.count) { return "the item numbers (\(numbers.map(String.init).joined(separator: ", "))) do not run 1, 2, 3 …" }
        return nil
    }

    /// Printed page numbers that no page read carries, when the page count was read.
    func missingPages(_ pages: [PageReading], places: [Int]) -> [Int]? {
        guard let total = Set(pages.compactMap(\.pageCount)).max() else { return nil }
        let numbers = Set(places)
        return (1...max(1, total)).filter { !numbers.contains($0) }
    }

    /// `places`: the page number of every page whose place is known (printed, or implied by its items).
    func pageNumberFindings(_ pages: [PageReading], places: [Int]) -> [Finding] {
        let numbers = places
        let counts = Set(pages.compactMap(\.pageCount))
        var out: [Finding] = []
        if counts.count > 1 {
            out.append(Finding(rule: "XF-PAGES", severity: .error, fields: [], message: "the pages disagree on the page count (\(counts.sorted().map(String.init).joined(separator: ", ")))"))
        }
        let repeated = Dictionary(grouping: numbers, by: { $0 }).filter { $0.value.count > 1 }.keys.sorted()
        if !repeated.isEmpty {
            out.append(Finding(rule: "XF-PAGES", severity: .error, fields: [],
                               message: "page \(repeated.map(String.init).joined(separator: ", ")) appears more than once; its item rows are listed once and the copies checked against each other"))
        }
        if let total = counts.max() {
            let missing = (1...max(1, total)).filter { !numbers.contains($0) }
            if !missing.isEmpty {
                let rows = layout.items.rowsPerPage
                let lost = missing.map { "items \(($0 - 1) * rows + 1)–\($0 * rows)" }.joined(separator: ", ")
                out.append(Finding(rule: "XF-PAGES", severity: .error, fields: [],
                                   message: "page \(missing.map(String.init).joined(separator: ", ")) of \(total) is missing (its item rows, \(lost) if that page was full, are not in the list); the other pages were read"))
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
