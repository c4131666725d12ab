import Foundation
import SecondLineModel

extension PageReader {
    /// `SECONDLINE_FORM_CALIBRATE=1` (benchmarks only): keep every value two readings agree on, with the
    /// readings' own confidence, to measure what that confidence is worth (`scripts/accuracy-benchmark.sh`).
    static let calibrating = ProcessInfo.processInfo.environment["SECONDLINE_FORM_CALIBRATE"] == "1"

    /// Reads every header and footer field of the page for `formType`.
    func readHeader(formType: FormType, into page: inout PageReading) {
        readTopLine(into: &page)
        for (rowIndex, row) in layout.rows.enumerated() {
            let top = grid.y(row.topMm)
            let nextMm = rowIndex + 1 < layout.rows.count ? layout.rows[rowIndex + 1].topMm : layout.items.headerTopMm
            let bottom = grid.y(nextMm)
            let edges = grid.cellEdges[rowIndex]
            for (cellIndex, cell) in row.cells.enumerated() {
                let spec = cell.spec(for: formType)
                guard let field = spec.field, spec.kind != .empty else { continue }
                let inner = interior(left: edges[cellIndex], right: edges[cellIndex + 1], top: top, bottom: bottom)
                readCellOnce(field: field, spec: spec, inner: inner, into: &page)
            }
        }
        let confirmations = interior(left: grid.gridLeft, right: grid.gridRight, top: grid.y(layout.confirmationsTopMm), bottom: grid.y(layout.declarantTopMm))
        readUnlessRepeated(key: "confirmations", area: confirmations, into: &page) { readConfirmations(inner: confirmations, into: &$0) }
        readDeclarant(into: &page)
    }

    /// Splits a cell into its label line and value lines by the ink bands found in it.
    func cellLines(_ inner: PixelBox) -> (label: PixelBox?, values: [PixelBox]) {
        let bands = textBands(in: inner)
        guard let first = bands.first else { return (nil, []) }
        let rects = lineRects(bands, in: inner)
        // The label is the first line when it starts near the top of the cell.
        let labelLimit = inner.y + Int((layout.firstValueLineTopMm - 1.2) * mm)
        if first.top <= labelLimit {
            return (rects[0], Array(rects.dropFirst()))
        }
        return (nil, rects)
    }

    func readCell(field: String, spec: CellSpec, inner: PixelBox, into page: inout PageReading) {
        let (labelRect, valueRects) = cellLines(inner)
        // Value text that starts right at the cell's left border means the border was found in the wrong
        // place (or the print overflows): part of the value may be outside what is read.
        let edge = Int(0.35 * mm)
        for rect in valueRects {
            if let extent = inkExtent(PixelBox(x: inner.x, y: rect.y, width: inner.width, height: rect.height)), extent.0 <= inner.x + edge {
                page.gaps.append(gap(field, FieldProblem(.unreadable, "the printed value runs into the cell's left border; it may be cut off"), box: rect, text: nil))
                return
            }
        }
        switch spec.kind {
        case .code:
            readCodeCell(field: field, table: spec.table ?? .countries, label: spec.label, labelRect: labelRect,
                         valueRects: valueRects, inner: inner, into: &page)
        case .party:
            readPartyCell(field: field, label: spec.label, labelRect: labelRect, valueRects: valueRects,
                          inner: inner, into: &page)
        default:
            // Long values wrap in narrow cells; read every value line the cell holds.
            let rects = spec.kind == .text || spec.kind == .overseasParty ? valueRects : Array(valueRects.prefix(spec.maxLines))
            readValue(field: field, kind: spec.kind, rects: rects, inner: inner, into: &page)
        }
    }

    func settings(for kind: FieldKind, field: String) -> ReadSettings {
        switch kind {
        case .date, .integer: return .digits
        case .decimal: return .decimal
        case .charge: return .charge
        case .documents, .party: return .chineseLine
        case .overseasParty: return .chineseLine
        case .code: return .chineseLine
        case .text, .empty:
            switch field {
            case "recordNumber", "preEntryNumber": return .codeChars
            case "customsNumber": return .digits
            case "licenseNumber": return ReadSettings(model: .latin, whitelist: "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-", singleLine: true)
            case "billOfLading", "contractNumber", "conveyance": return .latinLine
            default: return .chineseLine
            }
        }
    }

    /// Reads and parses a single-kind value from its value lines.
    func readValue(field: String, kind: FieldKind, rects: [PixelBox], inner: PixelBox, into page: inout PageReading) {
        guard !rects.isEmpty else {
            page.gaps.append(gap(field, FieldProblem(.blank, "nothing is printed in the cell"), box: inner, text: nil))
            return
        }
        let primary = settings(for: kind, field: field)
        let reads = rects.map { recognizer.read($0, primary) }
        var lineReads = reads
        var text = joinLines(reads.map(\.text))
        var combined = ReadText(words: reads.flatMap(\.words), box: union(rects) ?? inner)
        // Word confidences of whitelisted and of Chinese readings say little: a second reading must agree.
        // Latin text read by the Chinese model (an overseas party's name) is checked by the Latin model.
        let latinText = !text.isEmpty && !text.unicodeScalars.contains { $0.properties.isIdeographic }
        if kind == .documents {
            combined.alternative = joinLines(rects.map { recognizer.read($0, .latinLine).text })
            combined.tieBreakRects = rects
        } else if primary.model == .chinese && latinText {
            // Latin text: the Latin model reads it, the Chinese model's reading checks it.
            let latinReads = rects.map { recognizer.read($0, .latinLine) }
            let latinJoined = joinLines(latinReads.map(\.text))
            if !Self.agree(text, latinJoined) {
                let chineseText = text
                text = latinJoined
                lineReads = latinReads
                combined = ReadText(words: latinReads.flatMap(\.words), box: union(rects) ?? inner)
                // The Han script model, which reads Latin as well, settles it (the Latin model enlarged
                // repeats its own mistakes).
                combined.alternative = chineseText
                combined.tieBreakRects = rects
                combined.tieBreakSettings = .hanLine
            } else {
                combined.alternative = latinJoined
            }
        } else {
            attachOpinion(&combined, rects: rects, settings: primary, unlessEarlierPageAgrees: field, value: text)
        }
        if combined.words.isEmpty {
            page.gaps.append(gap(field, FieldProblem(.unreadable, "ink is present but no text could be read"), box: combined.box, text: nil))
            return
        }
        if let missed = lineReads.lazy.compactMap(missedInk).first {
            page.gaps.append(gap(field, FieldProblem(.unreadable, "read as '\(FieldParser.normalize(text))' but \(missed)"), box: combined.box, text: text))
            return
        }
        let parse: (String) -> Result<FieldValue, FieldProblem>
        // A speck after a number is read as a point or comma (`55173.4.`): no number ends with one.
        let printed: FieldParser.PrintedKind? = kind == .decimal ? .decimal : kind == .date || kind == .integer ? .wholeNumber : nil
        // Marks before or after Chinese text are specks too (`.苏州博源…`).
        let aroundChinese = kind == .text && primary.model == .chinese
        let trimmed = { (t: String) in
            printed.map { FieldParser.trimmingStrayMarks(t, as: $0).text } ?? (aroundChinese ? FieldParser.trimmingMarksAroundChinese(t).text : t)
        }
        switch kind {
        case .date: parse = { FieldParser.date(trimmed($0)).map(FieldValue.date) }
        case .integer: parse = { FieldParser.integer(trimmed($0)).map(FieldValue.integer) }
        case .decimal: parse = { FieldParser.decimal(trimmed($0)).map(FieldValue.decimal) }
        case .charge: parse = { FieldParser.charge($0).map(FieldValue.charge) }
        case .documents: parse = { FieldParser.documents($0).map(FieldValue.documents) }
        case .overseasParty:
            switch FieldParser.overseasParty(text) {
            case .success(let party):
                // Name and AEO code are compared each on its own: a misread letter in one leaves the other.
                let codePart = { (t: String) -> String in
                    let inner = FieldParser.parenthesized(t) ?? ""
                    return inner.hasPrefix("AE0") ? "AEO" + inner.dropFirst(3) : inner
                }
                if let printed = party.name {
                    let name = FieldParser.trimmingTrailingCommas(printed)
                    let removed = String(printed.dropFirst(name.count).filter { !$0.isWhitespace })
                    if let suffix = FieldParser.misreadLegalForm(name) {
                        page.gaps.append(gap(field + ".name", FieldProblem(.unreadable, "'\(FieldParser.normalize(name))': '\(suffix.read)' is one letter from the legal form '\(suffix.near)'; it may be misread"),
                                             box: combined.box, text: name))
                    } else {
                        record(field + ".name", .string(name), read: combined, text: name, notes: FieldParser.strayMarkNotes(printed, removed: removed),
                               canonical: FieldParser.overseasNamePart, into: &page)
                    }
                }
                if var aeo = party.aeoCode {
                    // AEO codes begin with the letters AEO; a 0 or Q read there is the letter.
                    var notes: [String] = []
                    if aeo.count > 3, aeo.hasPrefix("AE"), let third = aeo.dropFirst(2).first, third == "0" || third == "Q" {
                        notes.append("read as '\(aeo)'; an AEO code begins with the letters AEO")
                        aeo = "AEO" + aeo.dropFirst(3)
                    }
                    if let ambiguous = FieldParser.letterDigitBoundaryConfusion(aeo.hasPrefix("AEO") ? String(aeo.dropFirst(3)) : aeo) {
                        page.gaps.append(gap(field + ".aeoCode", FieldProblem(.unreadable, "'\(aeo)': where the letters end and the digits begin, \(ambiguous) cannot be told apart"), box: combined.box, text: aeo))
                    } else {
                        record(field + ".aeoCode", .string(aeo), read: combined, text: aeo, notes: notes, canonical: codePart, into: &page)
                    }
                }
            case .failure(let problem):
                page.gaps.append(gap(field, problem, box: combined.box, text: text))
            }
            return
        default: parse = { FieldParser.text(trimmed($0), field: field).map(FieldValue.string) }
        }
        switch parse(text) {
        case .success(let value):
            let removed = printed.map { FieldParser.trimmingStrayMarks(text, as: $0).removed }
                ?? (aroundChinese ? FieldParser.trimmingMarksAroundChinese(text).removed : "")
            record(field, value, read: combined, text: text, notes: FieldParser.strayMarkNotes(text, removed: removed),
                   canonical: trimmed, reparse: { try? parse($0).get() }, into: &page)
        case .failure(let problem): page.gaps.append(gap(field, problem, box: combined.box, text: text))
        }
    }

    /// Stores a parsed value unless the reading is too unsure, in which case it becomes an `unreadable` gap.
    /// `canonical` puts each reading in the field's canonical form before readings are compared.
    /// `reparse` turns the second reading's text into a value; with it, a third reading that sides with the
    /// second reading settles the field the second reading's way.
    func record(_ field: String, _ value: FieldValue?, read: ReadText, text: String, crossChecked: Bool = false,
                notes: [String] = [], canonical: (String) -> String = { $0 }, reparse: ((String) -> FieldValue?)? = nil,
                into page: inout PageReading) {
        guard var value else { return }
        var text = text
        func agree(_ a: String, _ b: String) -> Bool { Self.agree(canonical(a), canonical(b)) }
        let box = union(read.words.map(\.box)) ?? read.box
        var notes = notes
        var confidence = read.confidence
        if crossChecked {
            guard read.words.isEmpty || read.confidence >= policy.minimumCrossChecked || read.alternative.map({ Self.agree(text, $0) }) == true else {
                page.gaps.append(gap(field, FieldProblem(.unreadable, String(format: "read as '%@' but with low confidence (%.2f)", text, read.confidence)), box: box, text: text))
                return
            }
            confidence = 0.99
        } else if let other = read.alternative, field == "attachedDocuments" {
            // The Latin model garbles the Chinese prefix; the documents themselves must read the same.
            let tokens = { (t: String) in FieldParser.normalize(t).matches(of: /([0-9A-Za-z]{1,4})\s*:\s*([0-9A-Za-z\-\/]{4,})/).map { "\($0.1):\($0.2)" } }
            let documents = tokens(read.text)
            let disagreement = gap(field, FieldProblem(.unreadable, "readings disagree ('\(FieldParser.normalize(read.text))' and '\(FieldParser.normalize(other))')"), box: box, text: text)
            guard !documents.isEmpty else {
                page.gaps.append(disagreement)
                return
            }
            // Every network reads a letter before the digits as the digit it resembles (Q13704293852 as
            // 013704293852, by all three): a number of digits led by such a digit may have begun with a letter.
            if let doubtful = documents.first(where: { token in
                let number = token.split(separator: ":").last.map(String.init) ?? ""
                return number.first.map { "012568".contains($0) } == true && number.allSatisfy(\.isASCIIDigit)
            }) {
                page.gaps.append(gap(field, FieldProblem(.unreadable, "'\(doubtful)': the number's first character may be a letter read as the digit it resembles (O, Q or D as 0, I as 1, Z as 2, S as 5, G as 6, B as 8)"), box: box, text: text))
                return
            }
            if documents == tokens(other) {
                notes.append("two independent readings agree")
                confidence = 0.98
            } else {
                // A third network (HanS) that reads the documents as the first did makes two of three.
                // Only where the Latin model found no other document: one both Chinese models missed would be lost.
                let hanReads = read.tieBreakRects.map { recognizer.read($0, .hanLine) }
                let third = joinLines(hanReads.map(\.text))
                guard !read.tieBreakRects.isEmpty, tokens(third) == documents, tokens(other).count == documents.count,
                      (hanReads.flatMap(\.words).map(\.confidence).min() ?? 0) >= policy.minimumAgreeing else {
                    page.gaps.append(disagreement)
                    return
                }
                notes.append("two of three readings agree (the Latin model read '\(FieldParser.normalize(other))')")
                confidence = 0.93
            }
        } else if let other = read.alternative, Self.calibrating, agree(read.text, other) {
            // Calibration run: every agreeing pair is kept, with the raw confidence of the surer network,
            // so that the benchmark can show how often such agreements are right at each confidence.
            page.values[field] = value
            page.evidence[field] = FieldEvidence(text: text, confidence: max(read.minConfidence, read.alternativeMinConfidence ?? 0),
                                                 page: pageNumber, box: box, notes: ["calibration run: agreeing readings kept"])
            return
        } else if let other = read.alternative {
            // Two networks can agree on a character both were unsure of (a rare character read as a
            // common one): such an agreement needs the third reading as well.
            let unsure = max(read.minConfidence, read.alternativeMinConfidence ?? 1) < policy.minimumAgreeing
            func disagree() {
                var disagreement = gap(field, FieldProblem(.unreadable, "readings disagree ('\(FieldParser.normalize(read.text))' and '\(FieldParser.normalize(other))')"), box: box, text: text)
                disagreement.readings = [value, reparse?(other)].compactMap { if case .string(let s)? = $0 { s } else { nil } }
                page.gaps.append(disagreement)
            }
            if agree(read.text, other) {
                let check = confirmDoubtfulAgreement(read, value: value)
                if case .decimal = value, let third = numberReadOtherwise(read) {
                    page.gaps.append(gap(field, FieldProblem(.unreadable, String(format: "read as '%@' twice, but one reading was unsure of it (%.2f) and a third network (chi_tra) reads '%@'", FieldParser.normalize(read.text), min(read.minConfidence, read.alternativeMinConfidence ?? 1), third)), box: box, text: text))
                    return
                } else if let check, !check.confirmed {
                    page.gaps.append(gap(field, FieldProblem(.unreadable, String(format: "read as '%@' twice, but one reading had no confidence in a character (%.2f) and a third network (chi_tra) reads it otherwise: '%@'", FieldParser.normalize(read.text), min(read.minConfidence, read.alternativeMinConfidence ?? 1), check.third)), box: box, text: text))
                    return
                } else if !unsure {
                    notes.append(Self.agreementNote(read))
                    confidence = Self.agreedConfidence
                } else if check?.namedOtherwise == true {
                    page.gaps.append(gap(field, FieldProblem(.unreadable, String(format: "read as '%@' twice, but both readings were unsure of a character (confidence %.2f) and a third network (chi_tra) names another there: '%@'", FieldParser.normalize(read.text), max(read.minConfidence, read.alternativeMinConfidence ?? 0), FieldParser.normalize(check?.third ?? ""))), box: box, text: text))
                    return
                } else if let third = tieBreak(read, minimumConfidence: 0), agree(read.text, third) {
                    notes.append("three readings agree, each unsure of some character")
                    confidence = 0.9
                } else {
                    page.gaps.append(gap(field, FieldProblem(.unreadable, String(format: "read as '%@' twice, but both readings were unsure of a character (confidence %.2f)", FieldParser.normalize(read.text), max(read.minConfidence, read.alternativeMinConfidence ?? 0))), box: box, text: text))
                    return
                }
            } else {
                // The first network on other pixels is no check of its own reading, a third network is; siding
                // with the second network's reading, it makes two networks agree (voteOrDisagree).
                // The third reading is made once, and only when a rule below needs it.
                var madeThird: ThirdReading?? = nil
                func thirdReading() -> ThirdReading? {
                    if madeThird == nil { madeThird = .some(tieBreakReading(read)) }
                    return madeThird ?? nil
                }
                func voteOrDisagree() {
                    if let voted = vote(read, other: other, text: text, value: value, canonical: canonical) {
                        page.values[field] = voted.value
                        page.evidence[field] = FieldEvidence(text: voted.text, confidence: 0.9, page: pageNumber, box: box, notes: notes + [voted.note])
                        return
                    }
                    // The first network, reading other pixels, changes its mind to the second network's reading:
                    // two networks agree, as surely as two first readings must, and chi_tra names nothing else.
                    if read.tieBreakSettings?.model == .chinese, let reparse, let third = thirdReading(), agree(other, third.text),
                       max(read.alternativeMinConfidence ?? 0, third.lowestConfidence) >= policy.minimumAgreeing,
                       departuresSure(first: FieldParser.compact(canonical(read.text)), agreeing: FieldParser.compact(canonical(other)),
                                      readings: [read.alternativeWords, third.words]),
                       !traditionalNamesOtherwise(FieldParser.compact(canonical(other)), rects: read.tieBreakRects),
                       let otherValue = reparse(other) {
                        page.values[field] = otherValue
                        page.evidence[field] = FieldEvidence(text: other, confidence: 0.9, page: pageNumber, box: box,
                                                             notes: notes + ["readings differ; the first network read again from other pixels agrees with the second ('\(FieldParser.normalize(other))', not '\(FieldParser.normalize(read.text))')"])
                        return
                    }
                    disagree()
                }
                // The Han script model reading Latin text is a third network: siding with one reading, it makes two
                // networks agree, as surely as a first agreement must. The first network again (on other
                // pixels) is no other network: it must be sure.
                let otherNetwork = read.tieBreakSettings?.model == .han
                guard !unsure, let thirdRead = thirdReading(), otherNetwork || thirdRead.lowestConfidence >= 0.85 else { voteOrDisagree(); return }
                let third = thirdRead.text
                let sureWith = { (lowest: Double?) in !otherNetwork || max(lowest ?? 0, thirdRead.lowestConfidence) >= self.policy.minimumAgreeing }
                if agree(read.text, third), sureWith(read.minConfidence) {
                    // The Latin model enlarged can repeat its own misread digit (…333… for …335…): the Han
                    // script model, a third network, must not side with the other reading.
                    // Compared in capitals: a veto must not weaken where the models set a letter's case apart.
                    if read.tieBreakSettings?.model == .latin,
                       agree(other.uppercased(), joinLines(read.tieBreakRects.map { recognizer.read($0, .hanLine).text }).uppercased()) {
                        disagree()
                        return
                    }
                    notes.append("two of three readings agree (the other read '\(FieldParser.normalize(other))')")
                    confidence = 0.93
                } else if let reparse, agree(other, third), sureWith(read.alternativeMinConfidence), let otherValue = reparse(other) {
                    // The third reading is the first network again on other pixels: siding with the second
                    // network, it makes two networks agree against one reading.
                    notes.append("two of three readings agree (the first read '\(FieldParser.normalize(read.text))')")
                    value = otherValue
                    text = other
                    confidence = 0.93
                } else {
                    voteOrDisagree()
                    return
                }
            }
        } else if !policy.trusted(read) {
            page.gaps.append(gap(field, FieldProblem(.unreadable, String(format: "read as '%@' but with low confidence (%.2f)", text, read.minConfidence)), box: box, text: text))
            return
        }
        page.values[field] = value
        page.evidence[field] = FieldEvidence(text: text, confidence: confidence, page: pageNumber, box: box, notes: notes)
    }

    // MARK: code cells

    func readCodeCell(field: String, table: CodeTableName, label: String, labelRect: PixelBox?, valueRects: [PixelBox],
                      inner: PixelBox, into page: inout PageReading) {
        // A long name (木制或竹藤等植物性材料制盒/箱) wraps onto a second line: the value is every line.
        let valueRect = union(valueRects)
        var codeRead: ReadText? = nil
        var codeText: String? = nil
        if let labelRect, let (read, text) = readAfterLabel(labelRect, ReadSettings(model: .latin, whitelist: "()0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", singleLine: true), label: label) {
            codeRead = read
            codeText = FieldParser.codeInBrackets(text)
        }
        var nameRead: ReadText? = nil
        if !valueRects.isEmpty {
            let lines = valueRects.map { recognizer.read($0, .chineseLine) }
            nameRead = ReadText(words: lines.flatMap(\.words), box: valueRect ?? inner)
        }
        var nameText = nameRead.map { FieldParser.compact($0.text) } ?? ""
        // Tables whose names are Latin (CIF, FOB, EXW) are read better by the Latin model.
        if let valueRect = valueRects.first, valueRects.count == 1, !nameText.isEmpty, CodeFieldResolver.match(name: nameText, in: resolver.tables[table]) == nil {
            let latin = recognizer.read(valueRect, .latinLine)
            let latinText = FieldParser.compact(latin.text)
            if CodeFieldResolver.match(name: latinText, in: resolver.tables[table]) != nil {
                nameRead = latin
                nameText = latinText
            }
        }
        if valueRect != nil, nameText.isEmpty {
            // Ink on the value line that reads as nothing: the name that would confirm the code is unknown.
            page.gaps.append(gap(field, FieldProblem(.unreadable, "a name is printed under the code '\(codeText ?? "")' but could not be read, so the code cannot be confirmed"),
                                 box: valueRect ?? inner, text: codeText.map { "(\($0))" }))
            return
        }
        let codeTrusted = codeRead.map { read in read.alternative.map { Self.agree(codeText ?? "", FieldParser.parenthesized($0) ?? $0) } ?? policy.trusted(read) } ?? false
        // A trusted code whose own table name is one character from the name read, with no other entry as
        // close: the name confirms the code despite its misread character.
        if codeTrusted, let code = codeText.map({ CodeFieldResolver.conformToShape($0, of: resolver.tables[table]) }),
           let own = CodeFieldResolver.nearOwnName(nameText, code: code, in: resolver.tables[table]) {
            let boxes = [codeRead, nameRead].compactMap { $0 }.flatMap { $0.words.map(\.box) }
            page.values[field] = .string(code)
            page.evidence[field] = FieldEvidence(text: "(\(code)) \(nameText)", confidence: 0.95, page: pageNumber, box: union(boxes) ?? inner,
                                                 notes: ["code \(code) read twice alike; its table name '\(own)' is one character from the name read ('\(nameText)')"])
            return
        }
        // A name that is printed but unreadable leaves the code unconfirmed: the two halves are the check.
        if valueRect != nil, !(nameRead?.words.isEmpty ?? true), CodeFieldResolver.match(name: nameText, in: resolver.tables[table]) == nil {
            let boxes = [codeRead, nameRead].compactMap { $0 }.flatMap { $0.words.map(\.box) }
            page.gaps.append(gap(field, FieldProblem(.unreadable, "the name on the value line ('\(nameText)') matches no \(table.rawValue) entry, so the code '\(codeText ?? "")' cannot be confirmed"),
                                 box: union(boxes) ?? inner, text: [codeText.map { "(\($0))" }, nameText].compactMap { $0 }.joined(separator: " ")))
            return
        }
        let nameTrusted = nameRead.map(policy.trusted) ?? false
        let resolution = resolver.resolve(field: field, table: table, codeText: codeText, nameText: nameText,
                                          codeTrusted: codeTrusted, nameTrusted: nameTrusted)
        let boxes = [codeRead, nameRead].compactMap { $0 }.flatMap { $0.words.map(\.box) }
        let shown = [codeText.map { "(\($0))" }, nameText.isEmpty ? nil : nameText].compactMap { $0 }.joined(separator: " ")
        switch resolution.outcome {
        case .code(let code):
            let words = (codeRead?.words ?? []) + (nameRead?.words ?? [])
            let conf = resolution.support >= 2 ? 0.99 : min(0.95, max(0.9, ReadText(words: words, box: inner).confidence))
            page.values[field] = .string(code)
            page.evidence[field] = FieldEvidence(text: shown, confidence: conf, page: pageNumber, box: union(boxes) ?? inner, notes: resolution.notes)
        case .problem(let problem):
            page.gaps.append(gap(field, problem, box: union(boxes) ?? inner, text: shown))
            if let finding = resolution.mismatch { page.findings.append(finding) }
        }
    }

    // MARK: party cells

    func readPartyCell(field: String, label: String, labelRect: PixelBox?, valueRects: [PixelBox], inner: PixelBox,
                       into page: inout PageReading) {
        readUSCC(field: field + ".uscc", label: label, rect: labelRect, inner: inner, into: &page)
        if valueRects.isEmpty {
            page.gaps.append(gap(field + ".name", FieldProblem(.blank, "no name is printed"), box: inner, text: nil))
            return
        }
        let reads = valueRects.map { recognizer.read($0, .chineseLine) }
        let text = joinLines(reads.map(\.text))
        var combined = ReadText(words: reads.flatMap(\.words), box: union(valueRects) ?? inner)
        if let missed = reads.lazy.compactMap(missedInk).first {
            page.gaps.append(gap(field + ".name", FieldProblem(.unreadable, "read as '\(FieldParser.normalize(text))' but \(missed)"), box: combined.box, text: text))
            return
        }
        attachOpinion(&combined, rects: valueRects, settings: .chineseLine, unlessEarlierPageAgrees: field + ".name", value: text)
        recordName(field + ".name", read: combined, text: text, into: &page)
    }

    /// Records a party's name; marks read before or after its Chinese characters are specks.
    func recordName(_ field: String, read: ReadText, text: String, into page: inout PageReading) {
        let (name, removed) = FieldParser.trimmingMarksAroundChinese(text)
        switch FieldParser.name(name) {
        case .success(let value):
            record(field, .string(value), read: read, text: text, notes: FieldParser.strayMarkNotes(text, removed: removed),
                   canonical: { FieldParser.trimmingMarksAroundChinese($0).text }, reparse: Self.parsedName, into: &page)
        case .failure(let problem): page.gaps.append(gap(field, problem, box: read.box, text: text))
        }
    }

    static func parsedName(_ text: String) -> FieldValue? {
        (try? FieldParser.name(FieldParser.trimmingMarksAroundChinese(text).text).get()).map(FieldValue.string)
    }

    static let usccWhitelist = "()0123456789ABCDEFGHJKLMNPQRTUWXY"

    /// A code that passes the check character is accepted when the independent reading is close to it
    /// (a misread that still passes the check happens once in 31 misreads; two readings rarely share it).
    func recordUSCC(_ field: String, _ code: String, read: ReadText, into page: inout PageReading) {
        let other = read.alternative.map { FieldParser.parenthesized($0) ?? FieldParser.compact($0) } ?? ""
        let distance = CodeFieldResolver.distance(code, FieldParser.compact(other).uppercased())
        guard distance <= 3 else {
            page.gaps.append(gap(field, FieldProblem(.unreadable, "read as '\(code)' (check character valid) but a second reading gives '\(other)'"),
                                 box: union(read.words.map(\.box)) ?? read.box, text: code))
            return
        }
        page.values[field] = .string(code)
        // Below `agreedConfidence` when the readings differ: a later page is not checked by it (`checkByEarlierPage`).
        page.evidence[field] = FieldEvidence(text: code, confidence: distance == 0 ? 0.995 : 0.97, page: pageNumber,
                                             box: union(read.words.map(\.box)) ?? read.box,
                                             notes: ["check character verified", distance == 0 ? Self.agreementNote(read) : "second reading within \(distance) characters"])
    }

    func readUSCC(field: String, label: String, rect: PixelBox?, inner: PixelBox, into page: inout PageReading) {
        guard let rect, let (read, text) = readAfterLabel(rect, ReadSettings(model: .latin, whitelist: Self.usccWhitelist, singleLine: true), label: label, field: field) else {
            page.gaps.append(gap(field, FieldProblem(.blank, "no unified social credit code is printed"), box: rect ?? inner, text: nil))
            return
        }
        let code = FieldParser.codeInBrackets(text)
        switch FieldParser.uscc(code) {
        case .success(let valid):
            // The check character confirms all 18 characters together; the second reading must roughly agree.
            recordUSCC(field, valid, read: read, into: &page)
        case .failure(let problem):
            if let settled = usccReadAgain(read) {
                page.values[field] = .string(settled.code)
                page.evidence[field] = FieldEvidence(text: code, confidence: 0.95, page: pageNumber, box: union(read.words.map(\.box)) ?? rect,
                                                     notes: ["read as '\(code)': \(problem.message); read again, \(settled.networks.joined(separator: " and ")) give '\(settled.code)', whose check character holds"])
                return
            }
            page.gaps.append(gap(field, problem, box: union(read.words.map(\.box)) ?? rect, text: code))
        }
    }

    /// A USCC whose first reading fails its check character or length, read again by other networks on the
    /// same crop: the code two networks (chi_sim, eng, HanS) give alike, when its check character holds and
    /// no other such code is given. The check character alone lets one misreading in 31 through; two
    /// networks misreading alike as well, next to none.
    func usccReadAgain(_ read: ReadText) -> (code: String, networks: [String])? {
        // No third reading was to be made where the crop may have cut a character off (readAfterLabel).
        guard read.tieBreakSettings != nil, read.tieBreakRects.count == 1, let rect = read.tieBreakRects.first else { return nil }
        var enlargedLatin = ReadSettings(model: .latin, whitelist: Self.usccWhitelist, singleLine: true)
        enlargedLatin.scale = 1.5
        var enlargedChinese = ReadSettings.chineseLine
        enlargedChinese.scale = 1.5
        let readings: [(network: String, text: String?)] = [
            ("chi_sim", read.alternative),
            ("chi_sim", recognizer.read(rect, enlargedChinese).text),
            ("eng", recognizer.read(rect, enlargedLatin).text),
            ("HanS", recognizer.read(rect, .hanLine).text),
        ]
        var networks: [String: Set<String>] = [:]
        for (network, text) in readings {
            guard let text else { continue }
            let code = FieldParser.codeInBrackets(text)
            if case .success(let valid) = FieldParser.uscc(code) { networks[valid, default: []].insert(network) }
        }
        guard networks.count == 1, let (code, by) = networks.first, by.count >= 2 else { return nil }
        return (code, by.sorted())
    }

    // MARK: top line

    func readTopLine(into page: inout PageReading) {
        let gridTop = grid.y(layout.rows[0].topMm)
        var y0 = gridTop - (layout.rows[0].topMm - layout.topLineTopMm + 2.0) * mm
        var y1 = gridTop - 0.6 * mm
        let area = box(x0: grid.gridLeft, y0: y0, x1: grid.gridRight, y1: y1)
        // The top line is the last ink band above the grid.
        if let band = textBands(in: area).last {
            let rect = lineRects([band], in: area)[0]
            y0 = Double(rect.y)
            y1 = Double(rect.y + rect.height)
        }
        let items = layout.topLine.sorted { $0.xMm < $1.xMm }
        for (i, item) in items.enumerated() {
            let x0 = grid.x(item.xMm) - 1.5 * mm
            let x1 = i + 1 < items.count ? grid.x(items[i + 1].xMm) - 1.5 * mm : grid.gridRight
            let rect = box(x0: x0, y0: y0, x1: x1, y1: y1)
            let settings: ReadSettings = item.field == "page"
                ? ReadSettings(model: .latin, whitelist: "0123456789/", singleLine: true)
                : self.settings(for: .text, field: item.field)
            // An identifier has 18 characters: a tail read with fewer was cut. `页码/页数` has no such length
            // (`2/16` of `12/16`), so its label line is read to find where the value starts.
            if item.field == "page" {
                guard let (read, text) = readAfterLabel(rect, settings, label: item.label), !read.words.isEmpty else { continue }
                let parts = FieldParser.compact(text).split(separator: "/")
                if parts.count == 2, let k = Int(parts[0]), let n = Int(parts[1]), k >= 1, n >= k,
                   read.alternative.map({ Self.agree(text, $0) }) ?? policy.trusted(read) {
                    page.pageNumber = k
                    page.pageCount = n
                }
                continue
            }
            readUnlessRepeated(key: "top." + item.field, area: rect, into: &page) { page in
                guard let (read, text) = readAfterLabel(rect, settings, label: item.label, valueShape: /[0-9A-Z]{18}/, field: item.field), !read.words.isEmpty else {
                    page.gaps.append(gap(item.field, FieldProblem(.blank, "nothing is printed after the label"), box: rect, text: nil))
                    return
                }
                switch FieldParser.text(text, field: item.field) {
                case .success(let value): record(item.field, .string(value), read: read, text: text, reparse: { try? FieldParser.text($0, field: item.field).map(FieldValue.string).get() }, into: &page)
                case .failure(let problem): page.gaps.append(gap(item.field, problem, box: union(read.words.map(\.box)) ?? rect, text: text))
                }
            }
        }
    }

    // MARK: confirmations

    /// `inner`: the confirmations row's interior.
    func readConfirmations(inner: PixelBox, into page: inout PageReading) {
        let bands = textBands(in: inner)
        let rect = bands.isEmpty ? inner : lineRect((bands.first!.top, bands.last!.bottom), in: inner)
        let items = layout.confirmations.sorted { $0.xMm < $1.xMm }
        let starts = items.map { grid.x($0.xMm) - 2 * mm }
        func assign(_ read: ReadText) -> [[ReadWord]] {
            var found: [[ReadWord]] = Array(repeating: [], count: items.count)
            for word in read.words {
                for (offset, ch) in word.text.enumerated() where ch == Character(layout.trueText) || ch == Character(layout.falseText) {
                    // Position of this character inside the word's box.
                    let cx = Double(word.box.x) + Double(word.box.width) * (Double(offset) + 0.5) / Double(max(1, word.text.count))
                    guard let index = starts.lastIndex(where: { $0 <= cx }) else { continue }
                    let width = word.box.width / max(1, word.text.count)
                    let charBox = PixelBox(x: Int(cx) - width / 2, y: word.box.y, width: width, height: word.box.height)
                    found[index].append(ReadWord(text: String(ch), box: charBox, confidence: word.confidence))
                }
            }
            return found
        }
        let marks = { (read: ReadText) in read.text.filter { $0 == Character(self.layout.trueText) || $0 == Character(self.layout.falseText) } }
        let segments = items.indices.map { i in
            box(x0: starts[i], y0: Double(rect.y), x1: i + 1 < items.count ? starts[i + 1] : Double(inner.x + inner.width), y1: Double(rect.y + rect.height))
        }
        // The mark is the last character of its segment: read about three characters around it with both
        // networks. Only when they do not read one mark alike is the whole line read (76 ms against 2 × 4).
        var pending: [Int] = []
        for (i, item) in items.enumerated() {
            let segment = segments[i]
            guard let first = bands.first, let last = bands.last, let extent = inkExtent(segment) else { pending.append(i); continue }
            // A character's height: the line's, unless a stamp made the strip taller. The crop stays inside
            // the segment, so a neighbour's mark is never read for a blank one.
            let h = min(Double(last.bottom - first.top), 1.3 * layout.valueFontMm * mm)
            let crop = box(x0: max(Double(segment.x), Double(extent.1) - 3 * h), y0: Double(rect.y),
                           x1: min(Double(segment.x + segment.width), Double(extent.1) + h), y1: Double(rect.y + rect.height))
            let own = recognizer.read(crop, .chineseLine)
            let ownMarks = marks(own)
            guard ownMarks.count == 1, let word = own.words.last(where: { $0.text.contains(ownMarks) }) else { pending.append(i); continue }
            var single = ReadText(words: [ReadWord(text: String(ownMarks), box: word.box, confidence: word.confidence)], box: segment)
            if !checkByEarlierPage(&single, field: item.field, value: String(ownMarks)) {
                let han = recognizer.read(crop, .hanLine)
                let hanWord = han.words.last { $0.text.contains(ownMarks) }
                // With little context both networks can read a clear 否 as 是, each unsure (0.12 and 0.09): an
                // unsure agreement is settled by the whole line's reading instead.
                guard marks(han) == ownMarks, max(word.confidence, hanWord?.confidence ?? 0) >= policy.minimumAgreeing else { pending.append(i); continue }
                single.alternative = String(ownMarks)
                single.alternativeMinConfidence = hanWord?.confidence
                single.tieBreakRects = [crop]
                single.tieBreakSettings = thirdSettings(.chineseLine)
            }
            record(item.field, .boolean(String(ownMarks) == layout.trueText), read: single, text: String(ownMarks), into: &page)
        }
        guard !pending.isEmpty else { return }
        let read = recognizer.read(rect, .chineseLine)
        let found = assign(read)
        // The second opinion: the Han network on the mark alone, a crop of about three characters around it.
        let second: [String] = found.indices.map { i in
            let words = found[i]
            guard pending.contains(i), words.count == 1 else { return "" }
            let w = words[0].box
            let mark = box(x0: Double(w.x) - 1.5 * Double(w.height), y0: Double(rect.y), x1: Double(w.x + w.width) + 1.5 * Double(w.height), y1: Double(rect.y + rect.height))
            return String(marks(recognizer.read(mark, .hanLine)))
        }
        for i in pending {
            let item = items[i], segment = segments[i]
            let words = found[i]
            if words.count != 1 || second[i] != words[0].text {
                // The line read as a whole lost or garbled this one: read its own segment with both networks.
                let own = recognizer.read(segment, .chineseLine), other = recognizer.read(segment, .hanLine)
                if marks(own).count == 1, marks(own) == marks(other) {
                    let mark = String(marks(own))
                    page.values[item.field] = .boolean(mark == layout.trueText)
                    page.evidence[item.field] = FieldEvidence(text: mark, confidence: 0.95, page: pageNumber, box: union(own.words.map(\.box)) ?? segment,
                                                              notes: ["read alike by two networks on the segment alone"])
                    continue
                }
            }
            if words.count == 1 {
                let value = words[0].text == layout.trueText
                var single = ReadText(words: words, box: segment)
                single.alternative = second[i]
                record(item.field, .boolean(value), read: single, text: words[0].text, into: &page)
            } else if words.isEmpty {
                // Either blank or unreadable: blank only when nothing but the label is inked.
                page.gaps.append(gap(item.field, FieldProblem(read.words.isEmpty ? .blank : .unreadable, "no \(layout.trueText)/\(layout.falseText) could be read after the label"), box: segment, text: nil))
            } else {
                page.gaps.append(gap(item.field, FieldProblem(.malformed, "both or several of \(layout.trueText)/\(layout.falseText) were read"), box: segment, text: words.map(\.text).joined()))
            }
        }
    }

    // MARK: declarant block

    func readDeclarant(into page: inout PageReading) {
        let top = grid.y(layout.declarantTopMm), bottom = grid.y(layout.bottomMm)
        let right = grid.declarantDivider ?? grid.x(layout.gridLeftMm + layout.declarantLeftWidthMm)
        let inner = interior(left: grid.gridLeft, right: right, top: top, bottom: bottom)
        let bands = textBands(in: inner)
        // Assign each declarant field's line to the ink band nearest its nominal position.
        let byLine = Dictionary(grouping: layout.declarantFields, by: \.topMm)
        for (lineTopMm, fields) in byLine.sorted(by: { $0.key < $1.key }) {
            let nominal = top + (lineTopMm - layout.declarantTopMm + layout.topLineFontMm / 2) * mm
            let rects = lineRects(bands, in: inner)
            let nearest = bands.indices.min { abs(Double(bands[$0].top + bands[$0].bottom) / 2 - nominal) < abs(Double(bands[$1].top + bands[$1].bottom) / 2 - nominal) }
            let lineBox: PixelBox
            // A band taller than a line holds more than this line (a stamp joined two): not a blank either.
            let tall = { (i: Int) in Double(bands[i].bottom - bands[i].top) > 1.8 * self.layout.valueFontMm * self.mm }
            if let nearest, abs(Double(bands[nearest].top + bands[nearest].bottom) / 2 - nominal) < 3 * mm, !tall(nearest) {
                lineBox = rects[nearest]
            } else if let covering = nearest.flatMap({ tall($0) ? $0 : nil }) ?? bands.firstIndex(where: { Double($0.top) < nominal && Double($0.bottom) > nominal }) {
                // Ink where the line belongs, in a band that holds more than this line: not a blank.
                for key in fields.flatMap(declarantKeys) {
                    page.gaps.append(gap(key, FieldProblem(.unreadable, "the line cannot be told apart from the lines around it (a stamp or mark may join them)"), box: rects[covering], text: nil))
                }
                continue
            } else {
                for key in fields.flatMap(declarantKeys) { page.gaps.append(gap(key, FieldProblem(.blank, "nothing is printed"), box: nil, text: nil)) }
                continue
            }
            let sorted = fields.sorted { $0.xMm < $1.xMm }
            for (i, f) in sorted.enumerated() {
                let x0 = grid.x(f.xMm) - 1.5 * mm
                var x1 = i + 1 < sorted.count ? grid.x(sorted[i + 1].xMm) - 1.5 * mm : Double(inner.x + inner.width)
                if f.field == "declaringUnit" { x1 = min(x1, grid.x(layout.gridLeftMm + layout.declarantLeftWidthMm - 32)) }
                let rect = box(x0: x0, y0: Double(lineBox.y), x1: x1, y1: Double(lineBox.y + lineBox.height))
                // Read on every page: where a value begins on its label's line is judged anew from other
                // pixels, and a page that judged it wrong (天津 dropped) disagrees with the others.
                readDeclarantField(f, rect: rect, into: &page)
            }
        }
    }

    /// The declaration's keys a declarant line field fills.
    func declarantKeys(_ f: LineField) -> [String] {
        f.field == "declaringUnit" ? ["declaringUnit.name", "declaringUnit.uscc"] : [f.field]
    }

    func readDeclarantField(_ f: LineField, rect: PixelBox, into page: inout PageReading) {
        switch f.field {
        case "declaringUnit":
            // Where the value begins, from a reading of the label and a little more (a third of the line's
            // reading time; the value is read on its own below); from the whole line where that crop does
            // not show the label's colon clear of its right edge.
            let character = layout.valueFontMm * mm
            let labelRect = PixelBox(x: rect.x, y: rect.y, width: min(rect.width, Int(Double(f.label.count + 3) * 1.2 * character)), height: rect.height)
            let label = recognizer.read(labelRect, .chineseLine).words
            // Only the label's colon places the value in this crop (a bracket or a Latin letter may be a cut character).
            var start = label.contains { $0.text.contains(where: Self.isColon) } ? valueStart(label, label: f.label) : nil
            if let x = start, Double(x) > Double(labelRect.x + labelRect.width) - 1.5 * character { start = nil }
            if start == nil { start = valueStart(recognizer.read(rect, .chineseLine).words, label: f.label) }
            guard let start else {
                page.gaps.append(gap("declaringUnit.name", FieldProblem(.blank, "no declaring unit is printed"), box: rect, text: nil))
                page.gaps.append(gap("declaringUnit.uscc", FieldProblem(.blank, "no unified social credit code is printed"), box: rect, text: nil))
                return
            }
            // Read the value again on its own: the label's words and the value's may have run together.
            let valueX = max(rect.x, start - Int(0.6 * mm))
            let valueRect = PixelBox(x: valueX, y: rect.y, width: rect.x + rect.width - valueX, height: rect.height)
            let valueWords = recognizer.read(valueRect, .chineseLine).words
            // Name up to the bracket; the code inside it is re-read with its alphabet.
            var nameWords: [ReadWord] = []
            var bracketX: Int? = nil
            for w in valueWords {
                if let b = w.text.firstIndex(where: { "(（〈《<[".contains($0) }) {
                    let head = String(w.text[..<b])
                    if !head.isEmpty { nameWords.append(ReadWord(text: head, box: w.box, confidence: w.confidence)) }
                    let fraction = Double(w.text.distance(from: w.text.startIndex, to: b)) / Double(max(1, w.text.count))
                    bracketX = w.box.x + Int(Double(w.box.width) * fraction)
                    break
                }
                // A bracket read as a letter or digit: a long Latin run after the name is the code.
                if !nameWords.isEmpty, w.text.filter({ $0.isASCII && ($0.isLetter || $0.isNumber) }).count >= 8 {
                    bracketX = w.box.x
                    break
                }
                nameWords.append(w)
            }
            let nameText = joinLines([nameWords.map(\.text).joined(separator: " ")])
            var nameRead = ReadText(words: nameWords, box: rect)
            if let x0 = nameWords.first?.box.x {
                let x1 = bracketX ?? (rect.x + rect.width)
                let nameRect = PixelBox(x: max(rect.x, x0 - Int(0.6 * mm)), y: rect.y, width: max(1, x1 - x0 + Int(0.6 * mm)), height: rect.height)
                attachOpinion(&nameRead, rects: [nameRect], settings: .chineseLine, unlessEarlierPageAgrees: "declaringUnit.name", value: nameText)
            }
            recordName("declaringUnit.name", read: nameRead, text: nameText, into: &page)
            guard let bx = bracketX else {
                page.gaps.append(gap("declaringUnit.uscc", FieldProblem(.blank, "no unified social credit code is printed after the name"), box: rect, text: nil))
                return
            }
            let x0 = max(rect.x, bx - Int(0.5 * mm))
            let codeRect = PixelBox(x: x0, y: rect.y, width: rect.x + rect.width - x0, height: rect.height)
            let read = recognizer.read(codeRect, ReadSettings(model: .latin, whitelist: Self.usccWhitelist, singleLine: true))
            let code = FieldParser.codeInBrackets(read.text)
            switch FieldParser.uscc(code) {
            case .success(let v):
                var checked = read
                if !checkByEarlierPage(&checked, field: "declaringUnit.uscc", value: v) {
                    checked.alternative = secondOpinion(codeRect, .latinLine)
                }
                recordUSCC("declaringUnit.uscc", v, read: checked, into: &page)
            case .failure(let p): page.gaps.append(gap("declaringUnit.uscc", p, box: codeRect, text: code))
            }
        default:
            let settings: ReadSettings
            switch f.field {
            case "declarantCardNumber": settings = .codeChars
            case "declarantPhone": settings = .phone
            default: settings = .chineseLine
            }
            guard let (read, text) = readAfterLabel(rect, settings, label: f.label, field: f.field), !read.words.isEmpty else {
                page.gaps.append(gap(f.field, FieldProblem(.blank, "nothing is printed after the label"), box: rect, text: nil))
                return
            }
            switch FieldParser.text(text, field: f.field) {
            case .success(let value): record(f.field, .string(value), read: read, text: text, reparse: { try? FieldParser.text($0, field: f.field).map(FieldValue.string).get() }, into: &page)
            case .failure(let p): page.gaps.append(gap(f.field, p, box: rect, text: text))
            }
        }
    }
}
