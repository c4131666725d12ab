import Foundation
import SecondLineModel

/// Item rows: three short lines per column, six rows per page (`form-layout.json`, `items`).
extension PageReader {
    func readItemRows(formType: FormType, into page: inout PageReading) {
        let items = layout.items
        let edges = grid.itemColumnEdges
        guard edges.count == items.columns.count + 1 else { return }
        let first = grid.y(items.firstRowTopMm), end = grid.y(layout.confirmationsTopMm)
        if CellRecognizer.debug {
            FileHandle.standardError.write(Data("items: edges \(edges.map { Int($0) }) rows \(Int(first))…\(Int(end)) mm \(mm)\n".utf8))
        }
        let rowHeight = (end - first) / Double(items.rowsPerPage)
        var numberTexts: [[String]] = []
        for row in 0..<items.rowsPerPage {
            let top = first + Double(row) * rowHeight
            // Empty rows end the list on this page. Every item prints its number and HS code, so a row
            // without text in those two columns is empty (whatever else is inked there: a rule, a stamp).
            let number = interior(left: edges[0], right: edges[1], top: top, bottom: top + rowHeight)
            let hsCode = interior(left: edges[1], right: edges[2], top: top, bottom: top + rowHeight)
            if textBands(in: number).isEmpty && textBands(in: hsCode).isEmpty { break }
            var slots: [[PixelBox?]] = []
            // Fields whose printed lines cannot be read safely, with the reason and where.
            var unsafe: [(keys: [String], problem: String, box: PixelBox)] = []
            for c in items.columns.indices {
                let inner = interior(left: edges[c], right: edges[c + 1], top: top, bottom: top + rowHeight)
                if let found = lineSlots(inner, rowTop: top) {
                    slots.append(found.slots)
                    for (line, box) in found.crossing.sorted(by: { $0.key < $1.key }) {
                        unsafe.append(([Self.itemKey(column: c, line: line)], "this line's ink runs into the column's left border (a stroke across the rule, or text cut off)", box))
                    }
                } else {
                    slots.append([nil, nil, nil])
                    unsafe.append((Self.itemKeys(column: c), "the lines of this column cannot be told apart or run into its border", inner))
                }
            }
            var (item, texts) = readItem(slots: slots, unsafe: Set(unsafe.flatMap(\.keys)))
            numberTexts.append(texts["itemNumber"] ?? [])
            for (keys, problem, box) in unsafe {
                for key in keys {
                    item.values = item.values.filter { $0.key != key && !$0.key.hasPrefix(key + ".") }
                    item.evidence = item.evidence.filter { $0.key != key && !$0.key.hasPrefix(key + ".") }
                    item.gaps.removeAll { $0.field == key || $0.field.hasPrefix(key + ".") }
                    item.gaps.append(gap(key, FieldProblem(.unreadable, problem), box: box, text: nil))
                }
            }
            applyPriceCheck(&item, texts: texts)
            page.items.append(item)
        }
        // Item numbers follow the rows: the page's printed number, or the one its other item numbers imply,
        // gives each row's number; a reading that says it settles an unreadable one.
        if let k = page.pageNumber ?? FormReader.pageImpliedByItems(page, rowsPerPage: items.rowsPerPage) {
            for row in page.items.indices {
                repairItemNumber(&page.items[row], texts: numberTexts[row],
                                 expected: ItemRepairs.positionalItemNumber(page: k, row: row, rowsPerPage: items.rowsPerPage))
            }
        }
    }

    /// An unreadable item number is recovered from the row's position on a page whose `页码` was read,
    /// when a reading of the number says the same (ItemRepairs.repairItemNumber); a number read that
    /// differs from the position is left as read (XF-ITEM-COUNT and the assembly report it).
    func repairItemNumber(_ item: inout ItemReading, texts: [String], expected: Int) {
        if case .integer(let n)? = item.values["itemNumber"] {
            if n == expected, var ev = item.evidence["itemNumber"] {
                ev.notes.append("fits the row's position on its page")
                ev.confidence = 1 - (1 - ev.confidence) * 0.5
                item.evidence["itemNumber"] = ev
            }
            return
        }
        guard let index = item.gaps.firstIndex(where: { $0.field == "itemNumber" }),
              let note = ItemRepairs.repairItemNumber(texts: texts, expected: expected) else { return }
        let gap = item.gaps.remove(at: index)
        item.values["itemNumber"] = .integer(expected)
        item.evidence["itemNumber"] = FieldEvidence(text: gap.text ?? texts.first ?? "", confidence: 0.95, page: pageNumber, box: gap.box, notes: [note])
    }

    /// total price = declared quantity × unit price: confirms the three, or recovers a gapped total or
    /// unit price when exactly one of its readings fits (ItemRepairs.checkPrice).
    func applyPriceCheck(_ item: inout ItemReading, texts: [String: [String]]) {
        func reading(_ key: String) -> ItemRepairs.NumberReading {
            var value: ExactDecimal? = nil
            if case .decimal(let v)? = item.values[key] { value = v }
            return ItemRepairs.NumberReading(value: value, texts: texts[key.replacingOccurrences(of: ".value", with: "")] ?? [],
                                             confidence: item.evidence[key]?.confidence ?? 0)
        }
        let keys = ["declaredQuantity.value", "unitPrice", "totalPrice"]
        // A declared quantity is recovered only with its unit: every reading's unit must name the same table unit.
        var quantity = reading(keys[0])
        var quantityUnit: String? = nil
        if quantity.value == nil {
            let chinese = quantity.texts.filter { !$0.hasPrefix(Self.latinMarker) && !$0.isEmpty }
            let latin = quantity.texts.filter { $0.hasPrefix(Self.latinMarker) }.map { String($0.dropFirst(Self.latinMarker.count)) }
            let split = chinese.compactMap { Self.splitQuantity(FieldParser.compact($0)) }
            let units = Set(split.map { part -> String? in
                guard let m = CodeFieldResolver.match(name: part.1, in: resolver.tables[.units]), m.distance == 0 || m.confusionOnly else { return nil }
                return m.code
            })
            // The unit only when every reading of the cell names the same table unit.
            if split.count == chinese.count, units.count == 1, let only = units.first, let code = only { quantityUnit = code }
            quantity.texts = split.map { $0.0.description } + latin
        }
        let outcome = ItemRepairs.checkPrice(quantity: quantity, unitPrice: reading(keys[1]), total: reading(keys[2]))
        func note(_ text: String, boost: Bool) {
            for key in keys {
                guard var ev = item.evidence[key] else { continue }
                ev.notes.append(text)
                if boost { ev.confidence = 1 - (1 - ev.confidence) * 0.5 }
                item.evidence[key] = ev
            }
        }
        switch outcome {
        case .confirmed(let text): note(text, boost: true)
        case .withinTolerance(let text), .disagree(let text): note(text, boost: false)
        case .repaired(let field, let value, let text):
            let key = field.rawValue
            // The quantity's gap names the whole quantity (value and unit).
            let gapField = field.itemField
            guard let index = item.gaps.firstIndex(where: { ($0.field == gapField || $0.field == key) && $0.reason != .blank }) else { return }
            let gap = item.gaps.remove(at: index)
            item.values[key] = .decimal(value)
            let ev = FieldEvidence(text: gap.text ?? "", confidence: 0.95, page: pageNumber, box: gap.box, notes: [text])
            item.evidence[key] = ev
            if field == .declaredQuantity {
                if let quantityUnit {
                    item.values["declaredQuantity.unit"] = .string(quantityUnit)
                    item.evidence["declaredQuantity.unit"] = ev
                } else {
                    // The value is confirmed by the arithmetic; the unit is not, and stays a gap.
                    var unitGap = gap
                    unitGap.field = "declaredQuantity.unit"
                    unitGap.message = "page \(pageNumber), items[?].declaredQuantity.unit: the unit could not be read ('\(gap.text ?? "")'); the value \(value) was recovered from unit price and total"
                    item.gaps.append(unitGap)
                }
            }
            note("\(field.title) recovered from the other two", boost: false)
        case .unresolved(let field, let text):
            let gapField = field.itemField
            if let index = item.gaps.firstIndex(where: { $0.field == gapField || $0.field == field.rawValue }) { item.gaps[index].message += "; \(text)" }
            // A value kept for another of the three, one digit from fitting a reading of the gapped one, is
            // what the arithmetic points at: flagged, not trusted.
            for (suspect, fit) in ItemRepairs.suspects(gapped: field, quantity: quantity, unitPrice: reading(keys[1]), total: reading(keys[2])) {
                guard case .decimal(let kept)? = item.values[suspect.rawValue], var ev = item.evidence[suspect.rawValue] else { continue }
                let message = "the \(suspect.title) reads \(kept), but with \(fit) (one digit changed) a reading of the unreadable \(field.title) would fit quantity × unit price = total: check the \(suspect.title) on paper"
                item.findings.append(Finding(rule: "XF-ITEM-TOTAL", severity: .warning, fields: ["items[?].\(suspect.itemField)"], message: message))
                ev.notes.append(message)
                ev.confidence = min(ev.confidence, 0.5)
                item.evidence[suspect.rawValue] = ev
            }
        case .undetermined: break
        }
    }

    /// The three printed lines of one column cell, by the ink found near each nominal line, and the lines
    /// whose ink runs into the column's left border (left out of `slots`); nil when the cell cannot be
    /// split safely (lines run together and some ink runs into the border, or ink runs into the border
    /// between the lines).
    func lineSlots(_ cell: PixelBox, rowTop: Double) -> (slots: [PixelBox?], crossing: [Int: PixelBox])? {
        let bands = textBands(in: cell)
        let (inner, crossingBands) = interiorClearOfLeftRule(cell, bands: bands)
        let step = layout.items.lineTopsInRowMm.count > 1 ? layout.items.lineTopsInRowMm[1] - layout.items.lineTopsInRowMm[0] : 4.4
        if bands.contains(where: { Double($0.bottom - $0.top) > 1.5 * step * mm }) {
            guard crossingBands.isEmpty else { return nil }
            // Lines printed close together ran into one band: cut at the nominal line positions instead.
            let slots = layout.items.lineTopsInRowMm.map { offset -> PixelBox? in
                let y0 = rowTop + (offset - 0.5) * mm, y1 = rowTop + (offset + step - 0.2) * mm
                let rect = box(x0: Double(inner.x), y0: max(Double(inner.y), y0), x1: Double(inner.x + inner.width), y1: min(Double(inner.y + inner.height), y1))
                return inkExtent(rect) == nil ? nil : rect
            }
            return (slots, [:])
        }
        let rects = lineRects(bands, in: inner)
        let centers = layout.items.lineTopsInRowMm.map { rowTop + ($0 + layout.valueFontMm * 0.45) * mm }
        var slots: [PixelBox?] = Array(repeating: nil, count: centers.count)
        var crossing: [Int: PixelBox] = [:]
        for (i, band) in bands.enumerated() {
            let middle = Double(band.top + band.bottom) / 2
            guard let slot = centers.indices.min(by: { abs(centers[$0] - middle) < abs(centers[$1] - middle) }),
                  abs(centers[slot] - middle) < 2.4 * mm else {
                // Ink across the border between lines still makes its neighbour unsafe to read.
                if crossingBands.contains(i) { return nil }
                continue
            }
            if crossingBands.contains(i) {
                crossing[slot] = rects[i]
                continue
            }
            // Two bands in one slot (a line split by a speck): keep their union.
            if let existing = slots[slot] { slots[slot] = union([existing, rects[i]]) } else { slots[slot] = rects[i] }
        }
        for slot in crossing.keys { slots[slot] = nil }
        return (slots, crossing)
    }

    /// The field the `line`-th printed line of item column `column` belongs to. A line where nothing is
    /// printed (an HS code's second line) counts as the column's field: ink there makes it unsafe.
    static func itemKey(column: Int, line: Int) -> String {
        let keys = itemKeys(column: column)
        switch column {
        case 0, 3, 4: return keys[min(line, keys.count - 1)]
        case 2: return line == 0 ? keys[0] : keys[1]
        default: return keys[0]
        }
    }

    static func itemKeys(column: Int) -> [String] {
        switch column {
        case 0: return ["itemNumber", "recordItemNumber"]
        case 1: return ["hsCode"]
        case 2: return ["name", "specification"]
        case 3: return ["legalQuantity", "secondQuantity", "declaredQuantity"]
        case 4: return ["unitPrice", "totalPrice", "currency"]
        case 5: return ["originCountry"]
        case 6: return ["destinationCountry"]
        case 7: return ["domesticRegion"]
        default: return ["dutyMode"]
        }
    }

    /// One item row; also every text read for the numeric fields (first reading, second opinion), which
    /// the repairs from the form's redundancy use.
    /// `unsafe`: keys whose lines run into each other or a border: read, never taken from another item's print.
    func readItem(slots: [[PixelBox?]], unsafe: Set<String> = []) -> (ItemReading, [String: [String]]) {
        var scratch = PageReading(formType: .importDeclaration)
        var texts: [String: [String]] = [:]
        func number(_ key: String, _ rect: PixelBox?, required: Bool, firstRead: ReadText? = nil, kind: FieldParser.PrintedKind = .wholeNumber,
                    parse: @escaping (String) -> Result<FieldValue, FieldProblem>) {
            guard let rect else {
                if required { scratch.gaps.append(gap(key, FieldProblem(.blank, "nothing is printed"), box: nil, text: nil)) }
                return
            }
            var read = firstRead ?? recognizer.read(rect, .decimal)
            attachOpinion(&read, rects: [rect], settings: .decimal)
            texts[key] = [read.text, read.alternative ?? ""]
            let trimmed = { (t: String) in FieldParser.trimmingStrayMarks(t, as: kind) }
            let first = trimmed(read.text)
            switch parse(first.text) {
            case .success(let v):
                record(key, v, read: read, text: read.text, notes: FieldParser.strayMarkNotes(read.text, removed: first.removed), canonical: { trimmed($0).text },
                       reparse: { try? parse(trimmed($0).text).get() }, into: &scratch)
            case .failure(let p): scratch.gaps.append(gap(key, p, box: rect, text: read.text))
            }
        }
        let col = slots
        number("itemNumber", col[0][0], required: true) { FieldParser.integer($0).map(FieldValue.integer) }
        number("recordItemNumber", col[0][1], required: false) { FieldParser.integer($0).map(FieldValue.integer) }
        number("hsCode", col[1][0], required: true) { text in
            let t = FieldParser.compact(text)
            return t.count == 10 && t.allSatisfy(\.isASCIIDigit) ? .success(.string(t)) : .failure(FieldProblem(.malformed, "'\(t)' is not a 10-digit HS code"))
        }
        readItemCellOnce("name", [col[2][0]], reuse: !unsafe.contains("name"), into: &scratch) { chineseText("name", [col[2][0]], into: &$0, required: true) }
        readItemCellOnce("specification", [col[2][1], col[2][2]], reuse: !unsafe.contains("specification"), into: &scratch) {
            chineseText("specification", [col[2][1], col[2][2]], into: &$0, required: false)
        }
        quantity("legalQuantity", col[3][0], into: &scratch, required: true)
        quantity("secondQuantity", col[3][1], into: &scratch, required: false)
        texts["declaredQuantity"] = quantity("declaredQuantity", col[3][2], into: &scratch, required: true)
        let unitRead = col[4][0].map { recognizer.read($0, .decimal) }, totalRead = col[4][1].map { recognizer.read($0, .decimal) }
        if let unitRead, let totalRead, pricesConfirmedByQuantity(unitRead, totalRead, into: &scratch) {
            texts["unitPrice"] = [unitRead.text]
            texts["totalPrice"] = [totalRead.text]
        } else {
            number("unitPrice", col[4][0], required: true, firstRead: unitRead, kind: .decimal) { FieldParser.decimal($0).map(FieldValue.decimal) }
            number("totalPrice", col[4][1], required: true, firstRead: totalRead, kind: .decimal) { FieldParser.decimal($0).map(FieldValue.decimal) }
        }
        // A long name wraps onto the next line in a wider font (国(地) / 别不详 over (ZZZ)): a country's code
        // then stands on the third line, a region's name runs onto it. Tried only when the cell as laid
        // out leaves a gap: the third line may hold a stamp or a speck instead.
        let wrappedCountry = { (lines: [PixelBox?]) in lines[2].map { (code: Optional($0), name: [lines[0], lines[1]]) } }
        let cells: [(String, CodeTableName, PixelBox?, [PixelBox?], wrapped: (code: PixelBox?, name: [PixelBox?])?)] = [
            ("currency", .currencies, nil, [col[4][2]], nil),
            ("originCountry", .countries, col[5][1], [col[5][0]], wrappedCountry(col[5])),
            ("destinationCountry", .countries, col[6][1], [col[6][0]], wrappedCountry(col[6])),
            ("domesticRegion", .domesticRegions, col[7][0], [col[7][1]], col[7][2].map { _ in (col[7][0], [col[7][1], col[7][2]]) }),
            ("dutyMode", .dutyModes, nil, [col[8][0]], nil),
        ]
        for (key, table, code, name, wrapped) in cells {
            readItemCellOnce(key, [code] + name + [wrapped?.code ?? nil] + (wrapped?.name ?? []), reuse: !unsafe.contains(key), into: &scratch) { cell in
                var asLaidOut = PageReading(formType: cell.formType)
                namedCode(key, table: table, code: code, name: name.compactMap { $0 }, into: &asLaidOut)
                var taken = asLaidOut
                // Not where the cell as laid out shows a code and a name that disagree: that stays reported.
                if asLaidOut.values[key] == nil, asLaidOut.findings.isEmpty,
                   asLaidOut.gaps.allSatisfy({ $0.reason == .unreadable || $0.reason == .blank }), let wrapped {
                    var asWrapped = PageReading(formType: cell.formType)
                    namedCode(key, table: table, code: wrapped.code, name: wrapped.name.compactMap { $0 }, into: &asWrapped)
                    if asWrapped.values[key] != nil {
                        asWrapped.evidence[key]?.notes.append("the name runs onto the cell's next line")
                        taken = asWrapped
                    }
                }
                cell.values.merge(taken.values) { $1 }
                cell.evidence.merge(taken.evidence) { $1 }
                cell.gaps += taken.gaps
                cell.findings += taken.findings
            }
        }
        let item = ItemReading(values: scratch.values, evidence: scratch.evidence,
                               gaps: scratch.gaps.map { var g = $0; g.message = g.message.replacingOccurrences(of: ", \(g.field):", with: ", items[?].\(g.field):"); return g },
                               findings: scratch.findings)
        return (item, texts)
    }

    /// Unit price and total price read once each: when the declared quantity (read twice alike) times the
    /// unit price gives the total to the cent, and no unit price one digit away would give it too, the three
    /// printed numbers confirm each other and no second readings are needed.
    func pricesConfirmedByQuantity(_ unitRead: ReadText, _ totalRead: ReadText, into scratch: inout PageReading) -> Bool {
        guard case .decimal(let q)? = scratch.values["declaredQuantity.value"],
              case .success(let u) = FieldParser.decimal(FieldParser.trimmingStrayMarks(unitRead.text, as: .decimal).text),
              case .success(let t) = FieldParser.decimal(FieldParser.trimmingStrayMarks(totalRead.text, as: .decimal).text),
              ItemRepairs.pricesSettled(quantity: q, unitPrice: u, total: t) else { return false }
        let note = "declared quantity \(q) × unit price \(u) = \(t), the total price read: the three readings confirm each other"
        for (key, read, value) in [("unitPrice", unitRead, u), ("totalPrice", totalRead, t)] {
            scratch.values[key] = .decimal(value)
            scratch.evidence[key] = FieldEvidence(text: read.text, confidence: 0.99, page: pageNumber,
                                                  box: union(read.words.map(\.box)) ?? read.box, notes: [note])
        }
        return true
    }

    func chineseText(_ key: String, _ rects: [PixelBox?], into scratch: inout PageReading, required: Bool) {
        let present = rects.compactMap { $0 }
        guard !present.isEmpty else {
            if required { scratch.gaps.append(gap(key, FieldProblem(.blank, "nothing is printed"), box: nil, text: nil)) }
            return
        }
        // A specification's separators are settled by the ink where the models confuse them with 1, l, I.
        let separatorsByInk = key == "specification"
        let raw = present.map { recognizer.read($0, .chineseLine) }
        let reads = zip(present, raw).map { readSettlingSeparators($0, .chineseLine, reading: $1, if: separatorsByInk) }
        let separatorsLocated = separatorsByInk && reads.allSatisfy(\.separatorsByInk)
        var combined = ReadText(words: reads.flatMap(\.words), box: union(present) ?? present[0])
        combined.separatorsByInk = separatorsLocated
        // Marks read before or after the Chinese text are specks: readings are compared, and the value
        // taken, without them.
        // A specification may end with an empty element (`…|`) or an element name (`品牌:`).
        let kept: Set<Character> = key == "specification" ? ["|", ":", "：", ";", "；"] : []
        let lines = joinLines(reads.map(\.text))
        let (text, removedMarks) = FieldParser.trimmingMarksAroundChinese(lines, keeping: kept)
        let trimmed = { (t: String) in FieldParser.trimmingMarksAroundChinese(t, keeping: kept).text }
        var markNotes = FieldParser.strayMarkNotes(lines, removed: removedMarks)
        let asRead = joinLines(raw.map(\.text))
        if FieldParser.compact(asRead) != FieldParser.compact(lines) {
            markNotes.append("read as '\(FieldParser.normalize(asRead))'; the printed bars (taller than any letter) say which characters are separators: '\(FieldParser.normalize(lines))'")
        }
        attachOpinion(&combined, rects: present, settings: .chineseLine)
        if key == "specification" {
            if reads.contains(where: \.separatorUnread) {
                scratch.gaps.append(gap(key, FieldProblem(.unreadable, "'\(FieldParser.normalize(text))': a separator bar '|' printed here was read as nothing, or as part of a Chinese character"),
                                        box: combined.box, text: text))
                return
            }
            if let problem = Self.specificationProblem(FieldParser.compact(text)) {
                scratch.gaps.append(gap(key, FieldProblem(.unreadable, "'\(FieldParser.normalize(text))': \(problem)"), box: combined.box, text: text))
                return
            }
            // Inside an element a name and its value are joined by a colon, which OCR also reads as ';'.
            let canonical = { (t: String) in
                let text = FieldParser.compact(trimmed(t)).replacingOccurrences(of: ";", with: ":")
                return Self.leadingElements(text)?.text ?? text
            }
            let value = { (t: String) in
                (Self.leadingElements(FieldParser.normalize(t)) ?? Self.leadingElements(FieldParser.compact(t)))
                    .map { String($0.text) }?.replacingOccurrences(of: ";", with: ":") ?? FieldParser.normalize(t)
            }
            // Declaration elements separate values with '|', which the model confuses with the digit 1: unless
            // the ink settled them, a 1 or l touching a separator cannot be told from a separator — except in
            // the two leading elements (brand type, export preference), which are one digit each.
            let unsettled = { (t: String) in Self.leadingElements(FieldParser.compact(t))?.rest.contains(/[1lI]\||\|[1lI]/) ?? true }
            if let leading = Self.leadingElements(FieldParser.compact(text)), separatorsLocated || !unsettled(text) {
                var notes = markNotes
                if !FieldParser.compact(text).hasPrefix(leading.text.prefix(4)) {
                    notes.append("read as '\(FieldParser.compact(text).prefix(4))'; the first two declaration elements are one digit each, so they are '\(leading.text.prefix(4))'")
                }
                // With separators settled by the ink, the second network's reading can be taken when a third
                // reading sides with it; it must pass the same checks, and hold as many separators as the first
                // (which holds every bar of the ink: a bar read as nothing is a gap above).
                let separators = { (t: String) in t.filter { $0 == "|" }.count }
                let reparse = { (other: String) -> FieldValue? in
                    let t = trimmed(other)
                    guard Self.specificationProblem(FieldParser.compact(t)) == nil, !unsettled(t), separators(t) == separators(text) else { return nil }
                    return .string(value(t))
                }
                record(key, .string(value(text)), read: combined, text: text, notes: notes, canonical: canonical,
                       reparse: separatorsLocated ? reparse : nil, into: &scratch)
                return
            }
        }
        if key == "specification", !separatorsLocated, FieldParser.compact(text).contains(/[1lI]\||\|[1lI]|^[0-9][1lI]/) {
            scratch.gaps.append(gap(key, FieldProblem(.unreadable, "'\(FieldParser.normalize(text))': a separator '|' and the digit 1 cannot be told apart here"),
                                    box: combined.box, text: text))
            return
        }
        // The specification's separators are checked on the first reading only: only a name may be taken
        // from the second.
        record(key, .string(text), read: combined, text: text, notes: markNotes, canonical: trimmed,
               reparse: key == "name" ? { .string(trimmed($0)) } : nil, into: &scratch)
        if key == "specification", case .string(let value)? = scratch.values[key], let fixed = Self.digitElements(value), fixed != value {
            // The first two declaration elements (brand type, export preference) are single digits: a letter
            // O read there is the digit 0.
            scratch.values[key] = .string(fixed)
            scratch.evidence[key]?.notes.append("read as '\(value.prefix(5))'; the first two declaration elements are digits, so a letter o there is 0: '\(fixed.prefix(5))'")
        }
    }

    /// Why a specification read (compact) cannot be taken, or nil: a leading element that is no code, or a
    /// small letter among capitals that looks like its capital (the models read AuTO for AUTO; which of the
    /// two is printed cannot be told from the shape).
    static func specificationProblem(_ text: String) -> String? {
        if let leading = leadingElements(text), let problem = leadingElementProblem(leading.text) { return problem }
        if let mixed = text.firstMatch(of: /[A-Z]([cosuvwxz])[A-Z]/) {
            return "the small '\(mixed.output.1)' in '\(mixed.output.0)' looks like its capital; which one is printed cannot be told"
        }
        return nil
    }

    /// `010|…`, `o|0|…` → `0|0|…`: the two leading declaration elements are one digit each, so the
    /// second and fourth characters are separators (read as 1, l, I) and the first and third digits (a
    /// letter o is 0). Nil when the text does not start that way.
    static func leadingElements(_ text: String) -> (text: String, rest: Substring)? {
        // Spaces inside the first elements are OCR's, not the printer's.
        var chars = Array(text.drop { $0 == " " })
        var taken = 0
        var head: [Character] = []
        while head.count < 5, taken < chars.count {
            if chars[taken] != " " { head.append(chars[taken]) }
            taken += 1
        }
        // Four characters and the fifth (the first of the rest) are needed.
        guard head.count == 5 else { return nil }
        chars = Array(head.dropLast()) + Array(chars[(taken - 1)...])
        func digit(_ c: Character) -> Character? { c.isASCIIDigit ? c : (c == "o" || c == "O") ? "0" : nil }
        func separator(_ c: Character) -> Bool { "|1lIi!j[]".contains(c) }
        guard let first = digit(chars[0]), separator(chars[1]), let second = digit(chars[2]), separator(chars[3]),
              !separator(chars[4]) else { return nil }
        let rest = String(chars[4...])
        return ("\(first)|\(second)|" + rest, Substring(rest))
    }

    /// The first two declaration elements are codes: brand type 0–4 (无品牌 … 境外品牌(其他)) and export
    /// preference 0–3 (不享惠, 享惠, 不能确定, 不适用). A digit outside them is misread (9 for 0). Nil when
    /// both are codes; `text` is `leadingElements`' form (`d|d|…`).
    static func leadingElementProblem(_ text: String) -> String? {
        let chars = Array(text.prefix(3))
        guard chars.count == 3, let brand = chars[0].wholeNumberValue, let preference = chars[2].wholeNumberValue else { return nil }
        if brand > 4 { return "the first declaration element (brand type) is a code 0–4, so '\(brand)' is misread" }
        if preference > 3 { return "the second declaration element (export preference) is a code 0–3, so '\(preference)' is misread" }
        return nil
    }

    /// `0|o|…` → `0|0|…`: letters confused with 0 in the two leading one-digit elements; nil when the text
    /// does not start with two one-character elements.
    static func digitElements(_ text: String) -> String? {
        var chars = Array(text)
        guard chars.count >= 4, chars[1] == "|", chars[3] == "|" else { return nil }
        for i in [0, 2] {
            if chars[i].isASCIIDigit { continue }
            // Only the lower-case o the Chinese model gives for a 0: an upper-case O could be a code letter.
            guard chars[i] == "o" else { return nil }
            chars[i] = "0"
        }
        return String(chars)
    }

    /// `150.5千克`: a decimal and a unit name from the units table. A unit read with one character OCR
    /// confuses (干克 for 千克) is the table's unit when no other unit is as close, and only when the
    /// second reading says the same unit. Returns the texts read (first reading, second opinion).
    @discardableResult
    func quantity(_ key: String, _ rect: PixelBox?, into scratch: inout PageReading, required: Bool) -> [String] {
        guard let rect else {
            if required { scratch.gaps.append(gap(key, FieldProblem(.blank, "nothing is printed"), box: nil, text: nil)) }
            return []
        }
        var read = recognizer.read(rect, .chineseLine)
        attachOpinion(&read, rects: [rect], settings: .chineseLine)
        var texts = [read.text, read.alternative ?? ""]
        // When the quantity cannot be taken as read, the digits are read once more by the Latin model (digits
        // only): a value that quantity × unit price = total then confirms can still be recovered.
        func digitsReading() {
            guard key == "declaredQuantity" else { return }
            texts.append(Self.latinMarker + recognizer.read(rect, .decimal).text)
        }
        let units = resolver.tables[.units]
        var text = FieldParser.compact(read.text)
        var primary = read
        var notes: [String] = []
        var parsed = Self.quantity(text, units: units)
        if parsed == nil, let other = read.alternative, let second = Self.quantity(FieldParser.compact(other), units: units) {
            // The first network garbled the unit or the number, the second read a quantity: the second reading
            // leads, and the first must still agree with it as a quantity (record compares them).
            notes.append("read as '\(text)' by the first network and '\(FieldParser.compact(other))' by the second")
            parsed = second
            text = FieldParser.compact(other)
            primary = ReadText(words: [ReadWord(text: other, box: union(read.words.map(\.box)) ?? read.box, confidence: read.alternativeMinConfidence ?? 0)], box: read.box)
            primary.replaceAlternative(read.text, words: read.words, lowestConfidence: read.minConfidence)
            primary.tieBreakRects = read.tieBreakRects
            primary.tieBreakSettings = read.tieBreakSettings
        }
        guard let (value, unitName, unit) = parsed else {
            if let (_, unitName) = Self.splitQuantity(text) {
                scratch.gaps.append(gap(key, FieldProblem(.unreadable, "the unit '\(unitName)' is not a unit name of the table"), box: rect, text: text))
            } else {
                scratch.gaps.append(gap(key, FieldProblem(.malformed, "'\(text)' is not a quantity with a unit"), box: rect, text: text))
            }
            digitsReading()
            return texts
        }
        notes += FieldParser.strayMarkNotes(text, removed: FieldParser.trimmingStrayMarks(text, as: .quantity).removed)
        var checked = primary
        // Set where chi_tra, not the second network, confirmed the reading: two of three networks (0.93).
        var confirmedByThird = false
        if unit.distance > 0 || unitName != unit.name {
            // The repair must not rest on one reading: the other must name the same unit (exactly or by the same repair).
            let otherText = primary.alternative ?? ""
            let confirms = { (reading: String) -> String? in
                guard let other = Self.quantity(FieldParser.compact(reading), units: units), other.0 == value, other.2.code == unit.code else { return nil }
                return other.1
            }
            // When the second network garbles the unit, the Traditional model (a third network) may confirm it:
            // it names the unit exactly, with the same number.
            var confirmation = confirms(otherText).map { $0 == unitName ? "" : " and '\($0)'" }
            // Only where the second reading names no other number: chi_tra must not outvote its digits.
            if confirmation == nil, Self.splitQuantity(FieldParser.compact(otherText)).map({ $0.0 == value }) ?? true,
               let thirdText = confidentTraditionalReading([rect])?.text, let name = confirms(thirdText), name == unit.name {
                confirmation = "; the second network read '\(FieldParser.normalize(otherText))', a third (chi_tra) '\(FieldParser.compact(thirdText))'"
                confirmedByThird = true
            }
            guard let confirmation else {
                scratch.gaps.append(gap(key, FieldProblem(.unreadable, "the unit '\(unitName)' is not a unit name of the table, and the second reading ('\(FieldParser.normalize(otherText))') does not confirm '\(unit.name)'"), box: rect, text: text))
                digitsReading()
                return texts
            }
            notes.append("unit read as '\(unitName)'\(confirmation): \(CodeFieldResolver.describeSubstitutions(read: unitName, as: unit.name)), a known OCR confusion; the only unit that close is '\(unit.name)' (\(unit.code))")
            // The value halves agree; compare the texts with the unit repaired so that record() sees two agreeing readings.
            let repaired = "\(value)\(unit.name)"
            // The number and the unit as two words: the number's confidence is its digits' own.
            let box = union(primary.words.map(\.box)) ?? primary.box
            checked = ReadText(words: [ReadWord(text: "\(value)", box: box, confidence: Self.digitConfidence(primary.words) ?? primary.minConfidence),
                                       ReadWord(text: unit.name, box: box, confidence: primary.minConfidence)], box: primary.box)
            // The second reading, repaired alike; its words are the second network's (its digits' confidence).
            checked.alternative = repaired
            checked.alternativeWords = primary.alternativeWords
            checked.tieBreakRects = primary.tieBreakRects
            checked.tieBreakSettings = primary.tieBreakSettings
        }
        // Readings are compared as quantities: the same number and the same unit (干克 from one network
        // and 千克 from the other name one unit only).
        let asQuantity = { (t: String) -> String in
            guard let (v, _, m) = Self.quantity(FieldParser.compact(t), units: units) else { return FieldParser.compact(t) }
            return "\(v)|\(m.code)"
        }
        if let other = checked.alternative, asQuantity(other) != asQuantity(checked.text),
           Self.splitQuantity(FieldParser.compact(other)).map({ $0.0 == value }) ?? true {
            // The second network garbled the unit (千克 read 手克) but names no other number: the Traditional
            // model, a third network, that reads the quantity exactly as the first did, with confidence, makes
            // two networks agree.
            if let third = confidentTraditionalReading([rect]), asQuantity(third.text) == asQuantity(checked.text) {
                notes.append("the second network read '\(FieldParser.normalize(other))'; a third (chi_tra) reads '\(FieldParser.compact(third.text))', as the first")
                checked.replaceAlternative(third.text, words: [], lowestConfidence: third.lowestConfidence)
                confirmedByThird = true
            }
        }
        record(key + ".value", .decimal(value), read: checked, text: text, notes: notes, canonical: asQuantity, into: &scratch)
        if confirmedByThird, let confidence = scratch.evidence[key + ".value"]?.confidence {
            scratch.evidence[key + ".value"]?.confidence = min(confidence, 0.93)
        }
        if scratch.values[key + ".value"] != nil {
            scratch.values[key + ".unit"] = .string(unit.code)
            scratch.evidence[key + ".unit"] = scratch.evidence[key + ".value"]
        } else if let index = scratch.gaps.lastIndex(where: { $0.field == key + ".value" }) {
            // Value and unit are one printed quantity: an unsure reading leaves both out, so the gap names both.
            scratch.gaps[index].field = key
            scratch.gaps[index].message = scratch.gaps[index].message.replacingOccurrences(of: ", \(key).value:", with: ", \(key):")
            digitsReading()
        }
        return texts
    }

    /// A number and a unit of the table, read exactly or with OCR-confused characters. The Han model
    /// sometimes inserts a character between the number and the unit (和千克): a unit name of two or more
    /// characters after one stray character is that unit. Returns the number, the unit as read, and the match.
    static func quantity(_ text: String, units: CodeTable) -> (ExactDecimal, String, CodeFieldResolver.NameMatch)? {
        guard let (value, read) = splitQuantity(text) else { return nil }
        for name in [read] + (read.count >= 3 ? [String(read.dropFirst())] : []) {
            if let m = CodeFieldResolver.match(name: name, in: units), m.distance == 0 || m.confusionOnly { return (value, name, m) }
        }
        return nil
    }

    /// Marks the Latin digits-only reading among a quantity's texts.
    static let latinMarker = "latin:"

    /// `150.5千克` → (150.5, 千克); nil when the text is not a number followed by a unit name.
    static func splitQuantity(_ text: String) -> (ExactDecimal, String)? {
        let text = FieldParser.trimmingStrayMarks(text, as: .quantity).text
        guard let match = text.wholeMatch(of: /([0-9]+(?:\.[0-9]+)?)([^0-9.]+)/), let value = ExactDecimal(String(match.1)) else { return nil }
        // Punctuation is never part of a unit name: a comma or quote after it is a speck read as one.
        var unit = String(match.2)
        while let last = unit.last, last.isPunctuation || last.isSymbol { unit.removeLast() }
        return unit.isEmpty ? nil : (value, unit)
    }

    /// A code printed as a name (and sometimes also as `(code)`), resolved through its table.
    /// `name`: the lines the name is printed on (none, one, or two when it wraps).
    func namedCode(_ key: String, table: CodeTableName, code: PixelBox?, name nameLines: [PixelBox], into scratch: inout PageReading) {
        let name = union(nameLines)
        guard code != nil || name != nil else {
            scratch.gaps.append(gap(key, FieldProblem(.blank, "nothing is printed"), box: nil, text: nil))
            return
        }
        var codeRead = code.map { recognizer.read($0, ReadSettings(model: .latin, whitelist: "()0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", singleLine: true)) }
        let codeText = codeRead.map { FieldParser.codeInBrackets($0.text) }
        var nameRead = name.map { box in
            let lines = nameLines.map { recognizer.read($0, .chineseLine) }
            return ReadText(words: lines.flatMap(\.words), box: box)
        }
        // A speck after a name is read as a comma or point: no table name begins or ends with one.
        let trimmedName = nameRead.map { FieldParser.trimmingStrayMarks($0.text, as: .word) }
        let nameText = trimmedName?.text ?? ""
        // A name printed alone that no misreading of another entry could give is read once (dutyMode 照章征税).
        let unmistakable = code == nil && nameRead.map(policy.trusted) == true
            && CodeFieldResolver.unmistakable(name: nameText, in: resolver.tables[table])
        var nameTrusted = unmistakable
        var resolution = resolver.resolve(field: key, table: table, codeText: codeText, nameText: nameText,
                                          codeTrusted: false, nameTrusted: nameTrusted, nameOnly: code == nil)
        if unmistakable { resolution.notes.append("read once: every other name of the table is two or more characters from '\(nameText)'") }
        let strayNotes = nameRead.map { FieldParser.strayMarkNotes($0.text, removed: trimmedName?.removed ?? "") } ?? []
        // A code and a name printed apart that name the same table entry exactly confirm each other; any
        // other outcome needs a second reading of each half.
        if resolution.support < 2 && !unmistakable {
            var codeTrusted = false
            if let code, var read = codeRead {
                attachOpinion(&read, rects: [code], settings: .codeChars)
                codeTrusted = read.alternative.map { Self.agree(codeText ?? "", FieldParser.parenthesized($0) ?? $0) } ?? false
                codeRead = read
            }
            if var read = nameRead {
                attachOpinion(&read, rects: nameLines, settings: .chineseLine)
                nameTrusted = read.alternative.map { Self.agree(nameText, FieldParser.trimmingStrayMarks($0, as: .word).text) } ?? false
                nameRead = read
            }
            resolution = resolver.resolve(field: key, table: table, codeText: codeText, nameText: nameText,
                                          codeTrusted: codeTrusted, nameTrusted: nameTrusted, nameOnly: code == nil)
        }
        resolution.notes += strayNotes
        let box = union([code, name].compactMap { $0 })
        let shown = [codeText.map { "(\($0))" }, nameText.isEmpty ? nil : nameText].compactMap { $0 }.joined(separator: " ")
        // A name printed alone that the two networks read apart is settled when chi_tra reads a table name
        // exactly, with confidence, as one of the two does: two networks alike on a name of the table.
        func settledByThird() -> Bool {
            guard code == nil, !nameTrusted, let read = nameRead, let other = read.alternative,
                  let settled = tableNameByThirdNetwork(nameLines, readings: [nameText, other], table: table) else { return false }
            scratch.values[key] = .string(settled.code)
            scratch.evidence[key] = FieldEvidence(text: settled.name, confidence: 0.93, page: pageNumber, box: box,
                                                  notes: ["read as '\(nameText)' and '\(FieldParser.normalize(other))'; a third network (chi_tra) reads '\(settled.name)', as one of them does"])
            return true
        }
        switch resolution.outcome {
        case .code(let value):
            // A name alone must have been read the same twice; a code alone is not enough.
            if code == nil, !nameTrusted {
                if settledByThird() { return }
                scratch.gaps.append(gap(key, FieldProblem(.unreadable, "the name '\(nameText)' was not read the same twice"), box: box, text: shown))
                return
            }
            scratch.values[key] = .string(value)
            scratch.evidence[key] = FieldEvidence(text: shown, confidence: resolution.support >= 2 ? 0.99 : 0.93, page: pageNumber, box: box, notes: resolution.notes)
        case .problem(let problem):
            if resolution.mismatch == nil, settledByThird() { return }
            scratch.gaps.append(gap(key, problem, box: box, text: shown))
            if let finding = resolution.mismatch {
                scratch.findings.append(Finding(rule: finding.rule, severity: finding.severity, fields: ["items[?].\(key)"], message: finding.message))
            }
        }
    }

    /// The table entry chi_tra reads on `lines` exactly (in Simplified characters, marks around it trimmed),
    /// with confidence, when one of `readings` reads that same name exactly; nil otherwise.
    func tableNameByThirdNetwork(_ lines: [PixelBox], readings: [String], table: CodeTableName) -> (code: String, name: String)? {
        guard let third = confidentTraditionalReading(lines) else { return nil }
        let name = FieldParser.compact(FieldParser.trimmingStrayMarks(third.text, as: .word).text)
        let entries = resolver.tables[table]
        guard let code = entries.code(forName: name),
              readings.contains(where: { FieldParser.compact(FieldParser.trimmingStrayMarks($0, as: .word).text) == name }) else { return nil }
        return (code, name)
    }
}
