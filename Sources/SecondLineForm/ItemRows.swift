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
        for row in 0..<items.rowsPerPage {
            let top = first + Double(row) * rowHeight
            // Empty rows end the list on this page. Every item prints its number and HS code, so a row
            // without text in those two columns is empty (whatever else is inked there: a rule, a stamp).
            let number = interior(left: edges[0], right: edges[1], top: top, bottom: top + rowHeight)
            let hsCode = interior(left: edges[1], right: edges[2], top: top, bottom: top + rowHeight)
            if textBands(in: number).isEmpty && textBands(in: hsCode).isEmpty { break }
            var slots: [[PixelBox?]] = []
            var unsafe: [Int: PixelBox] = [:]
            for c in items.columns.indices {
                let inner = interior(left: edges[c], right: edges[c + 1], top: top, bottom: top + rowHeight)
                if let found = lineSlots(inner, rowTop: top) { slots.append(found) } else {
                    slots.append([nil, nil, nil])
                    unsafe[c] = inner
                }
            }
            var item = readItem(slots: slots)
            for (c, box) in unsafe {
                for key in Self.itemKeys(column: c) {
                    item.values[key] = nil
                    item.evidence[key] = nil
                    item.gaps.removeAll { $0.field == key || $0.field.hasPrefix(key + ".") }
                    item.gaps.append(gap(key, FieldProblem(.unreadable, "the lines of this column cannot be told apart or run into its border"), box: box, text: nil))
                }
            }
            page.items.append(item)
        }
    }

    /// The three printed lines of one column cell, by the ink found near each nominal line; nil when the
    /// cell cannot be split safely (lines run together, or ink runs into the column's left border).
    func lineSlots(_ inner: PixelBox, rowTop: Double) -> [PixelBox?]? {
        let bands = textBands(in: inner)
        for band in bands {
            if let extent = inkExtent(PixelBox(x: inner.x, y: band.top, width: inner.width, height: band.bottom - band.top)),
               extent.0 <= inner.x + Int(0.1 * mm) { return nil }
        }
        let step = layout.items.lineTopsInRowMm.count > 1 ? layout.items.lineTopsInRowMm[1] - layout.items.lineTopsInRowMm[0] : 4.4
        if bands.contains(where: { Double($0.bottom - $0.top) > 1.5 * step * mm }) {
            // Lines printed close together ran into one band: cut at the nominal line positions instead.
            return layout.items.lineTopsInRowMm.map { offset -> PixelBox? in
                let y0 = rowTop + (offset - 0.5) * mm, y1 = rowTop + (offset + step - 0.2) * mm
                let rect = box(x0: Double(inner.x), y0: max(Double(inner.y), y0), x1: Double(inner.x + inner.width), y1: min(Double(inner.y + inner.height), y1))
                return inkExtent(rect) == nil ? nil : rect
            }
        }
        let rects = lineRects(bands, in: inner)
        let centers = layout.items.lineTopsInRowMm.map { rowTop + ($0 + layout.valueFontMm * 0.45) * mm }
        var slots: [PixelBox?] = Array(repeating: nil, count: centers.count)
        for (i, band) in bands.enumerated() {
            let middle = Double(band.top + band.bottom) / 2
            guard let slot = centers.indices.min(by: { abs(centers[$0] - middle) < abs(centers[$1] - middle) }),
                  abs(centers[slot] - middle) < 2.4 * mm else { continue }
            // Two bands in one slot (a line split by a speck): keep their union.
            if let existing = slots[slot] { slots[slot] = union([existing, rects[i]]) } else { slots[slot] = rects[i] }
        }
        return slots
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

    func readItem(slots: [[PixelBox?]]) -> ItemReading {
        var scratch = PageReading(formType: .importDeclaration)
        func number(_ key: String, _ rect: PixelBox?, required: Bool, parse: (String) -> Result<FieldValue, FieldProblem>) {
            guard let rect else {
                if required { scratch.gaps.append(gap(key, FieldProblem(.blank, "nothing is printed"), box: nil, text: nil)) }
                return
            }
            var read = recognizer.read(rect, .decimal)
            attachOpinion(&read, rects: [rect], settings: .decimal)
            switch parse(read.text) {
            case .success(let v): record(key, v, read: read, text: read.text, into: &scratch)
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
        chineseText("name", [col[2][0]], into: &scratch, required: true)
        chineseText("specification", [col[2][1], col[2][2]], into: &scratch, required: false)
        quantity("legalQuantity", col[3][0], into: &scratch, required: true)
        quantity("secondQuantity", col[3][1], into: &scratch, required: false)
        quantity("declaredQuantity", col[3][2], into: &scratch, required: true)
        number("unitPrice", col[4][0], required: true) { FieldParser.decimal($0).map(FieldValue.decimal) }
        number("totalPrice", col[4][1], required: true) { FieldParser.decimal($0).map(FieldValue.decimal) }
        namedCode("currency", table: .currencies, code: nil, name: col[4][2], into: &scratch)
        namedCode("originCountry", table: .countries, code: col[5][1], name: col[5][0], into: &scratch)
        namedCode("destinationCountry", table: .countries, code: col[6][1], name: col[6][0], into: &scratch)
        namedCode("domesticRegion", table: .domesticRegions, code: col[7][0], name: col[7][1], into: &scratch)
        namedCode("dutyMode", table: .dutyModes, code: nil, name: col[8][0], into: &scratch)
        return ItemReading(values: scratch.values, evidence: scratch.evidence,
                           gaps: scratch.gaps.map { var g = $0; g.message = g.message.replacingOccurrences(of: ", \(g.field):", with: ", items[?].\(g.field):"); return g },
                           findings: scratch.findings)
    }

    func chineseText(_ key: String, _ rects: [PixelBox?], into scratch: inout PageReading, required: Bool) {
        let present = rects.compactMap { $0 }
        guard !present.isEmpty else {
            if required { scratch.gaps.append(gap(key, FieldProblem(.blank, "nothing is printed"), box: nil, text: nil)) }
            return
        }
        let reads = present.map { recognizer.read($0, .chineseLine) }
        var combined = ReadText(words: reads.flatMap(\.words), box: union(present) ?? present[0])
        let text = joinLines(reads.map(\.text))
        attachOpinion(&combined, rects: present, settings: .chineseLine)
        // Declaration elements separate values with '|', which the model confuses with the digit 1:
        // a 1 or l touching a separator cannot be told from a separator.
        if key == "specification", FieldParser.compact(text).contains(/[1lI]\||\|[1lI]|^[0-9][1lI]/) {
            scratch.gaps.append(gap(key, FieldProblem(.unreadable, "'\(FieldParser.normalize(text))': a separator '|' and the digit 1 cannot be told apart here"),
                                    box: combined.box, text: text))
            return
        }
        record(key, .string(FieldParser.normalize(text)), read: combined, text: text, into: &scratch)
    }

    /// `150.5千克`: a decimal and a unit name from the units table.
    func quantity(_ key: String, _ rect: PixelBox?, into scratch: inout PageReading, required: Bool) {
        guard let rect else {
            if required { scratch.gaps.append(gap(key, FieldProblem(.blank, "nothing is printed"), box: nil, text: nil)) }
            return
        }
        var read = recognizer.read(rect, .chineseLine)
        attachOpinion(&read, rects: [rect], settings: .chineseLine)
        let text = FieldParser.compact(read.text)
        guard let match = text.wholeMatch(of: /([0-9]+(?:\.[0-9]+)?)([^0-9.]+)/), let value = ExactDecimal(String(match.1)) else {
            scratch.gaps.append(gap(key, FieldProblem(.malformed, "'\(text)' is not a quantity with a unit"), box: rect, text: text))
            return
        }
        let unitName = String(match.2)
        guard let unit = CodeFieldResolver.match(name: unitName, in: resolver.tables[.units]), unit.distance == 0 else {
            scratch.gaps.append(gap(key, FieldProblem(.unreadable, "the unit '\(unitName)' is not a unit name of the table"), box: rect, text: text))
            return
        }
        record(key + ".value", .decimal(value), read: read, text: text, into: &scratch)
        if scratch.values[key + ".value"] != nil {
            scratch.values[key + ".unit"] = .string(unit.code)
            scratch.evidence[key + ".unit"] = scratch.evidence[key + ".value"]
        }
    }

    /// A code printed as a name (and sometimes also as `(code)`), resolved through its table.
    func namedCode(_ key: String, table: CodeTableName, code: PixelBox?, name: PixelBox?, into scratch: inout PageReading) {
        guard code != nil || name != nil else {
            scratch.gaps.append(gap(key, FieldProblem(.blank, "nothing is printed"), box: nil, text: nil))
            return
        }
        var codeText: String? = nil
        var codeTrusted = false
        if let code {
            var read = recognizer.read(code, ReadSettings(model: .latin, whitelist: "()0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", singleLine: true))
            attachOpinion(&read, rects: [code], settings: .codeChars)
            codeText = FieldParser.parenthesized(read.text) ?? FieldParser.compact(read.text)
            codeTrusted = read.alternative.map { Self.agree(codeText ?? "", FieldParser.parenthesized($0) ?? $0) } ?? false
        }
        var nameText = ""
        var nameTrusted = false
        if let name {
            var read = recognizer.read(name, .chineseLine)
            attachOpinion(&read, rects: [name], settings: .chineseLine)
            nameText = FieldParser.compact(read.text)
            nameTrusted = read.alternative.map { Self.agree(read.text, $0) } ?? false
        }
        let resolution = resolver.resolve(field: key, table: table, codeText: codeText, nameText: nameText,
                                          codeTrusted: codeTrusted, nameTrusted: nameTrusted, nameOnly: code == nil)
        let box = union([code, name].compactMap { $0 })
        let shown = [codeText.map { "(\($0))" }, nameText.isEmpty ? nil : nameText].compactMap { $0 }.joined(separator: " ")
        switch resolution.outcome {
        case .code(let value):
            // A name alone must have been read the same twice; a code alone is not enough.
            if code == nil, !nameTrusted {
                scratch.gaps.append(gap(key, FieldProblem(.unreadable, "the name '\(nameText)' was not read the same twice"), box: box, text: shown))
                return
            }
            scratch.values[key] = .string(value)
            scratch.evidence[key] = FieldEvidence(text: shown, confidence: resolution.support >= 2 ? 0.99 : 0.93, page: pageNumber, box: box, notes: resolution.notes)
        case .problem(let problem):
            scratch.gaps.append(gap(key, problem, box: box, text: shown))
            if let finding = resolution.mismatch {
                scratch.findings.append(Finding(rule: finding.rule, severity: finding.severity, fields: ["items[?].\(key)"], message: finding.message))
            }
        }
    }
}
