import Foundation
import SecondLineModel

/// A value read for one field path, before it is put into the declaration.
enum FieldValue: Sendable, Hashable {
    case string(String)
    case date(CalendarDate)
    case decimal(ExactDecimal)
    case integer(Int)
    case boolean(Bool)
    case charge(Charge)
    case documents([AttachedDocument])
}

/// Everything read from one page.
struct PageReading {
    var formType: FormType
    var pageNumber: Int?
    var pageCount: Int?
    var values: [String: FieldValue] = [:]
    var evidence: [String: FieldEvidence] = [:]
    var gaps: [Gap] = []
    var findings: [Finding] = []
    var items: [ItemReading] = []
}

struct ItemReading {
    var values: [String: FieldValue] = [:]
    var evidence: [String: FieldEvidence] = [:]
    var gaps: [Gap] = []
    /// Field paths inside are written `items[?].key` until the item's index is known.
    var findings: [Finding] = []
}

/// Thresholds that turn a low-confidence reading into an `unreadable` gap.
struct ConfidencePolicy: Sendable {
    /// Mean word confidence below this: unreadable.
    var minimumMean: Double = 0.80
    /// Any single word below this: unreadable.
    var minimumWord: Double = 0.55
    /// For values a second check confirms (code = name, USCC check character), the bar is lower.
    var minimumCrossChecked: Double = 0.45
    /// Two readings that agree, where neither was sure of every word above this, need a third.
    var minimumAgreeing: Double = 0.3
    /// Two Chinese readings that agree, where one had less than this in a word, are a gap when the
    /// Traditional model names another character there with `minimumVote` (a common misreading shared
    /// by two networks: 海晨 for 海晟, HanS 0.13 on 晨).
    var minimumEach: Double = 0.2
    /// The Traditional model's vote between two readings counts with at least this confidence in the
    /// character it names (it named a common misreading, 侈 for 鑫, at 0.13).
    var minimumVote: Double = 0.4

    func trusted(_ read: ReadText) -> Bool {
        !read.words.isEmpty && read.confidence >= minimumMean && read.minConfidence >= minimumWord
    }
}

/// Reads one registered page: title, top line, header cells, confirmations, declarant lines, items.
final class PageReader {
    let layout: FormLayout
    let recognizer: CellRecognizer
    let resolver: CodeFieldResolver
    let policy: ConfidencePolicy
    let binary: Raster
    let grid: GridRegistration
    let pageNumber: Int  // 1-based index in the result's page list
    /// Header values two readings agreed on, on pages of the same declaration read before this one.
    var agreedOnEarlierPages: [String: EarlierValue] = [:]
    /// Cells read with confidence earlier in the declaration (header cells of earlier pages, item cells of
    /// earlier rows), by key (`readUnlessRepeated`).
    var earlierCells: [String: [EarlierCell]] = [:]

    /// The confidence of a value two independent readings agree on.
    static let agreedConfidence = 0.98

    struct EarlierValue: Sendable {
        var text: String
        var page: Int
    }

    init(layout: FormLayout, recognizer: CellRecognizer, resolver: CodeFieldResolver, policy: ConfidencePolicy,
         binary: Raster, grid: GridRegistration, pageNumber: Int) {
        self.layout = layout
        self.recognizer = recognizer
        self.resolver = resolver
        self.policy = policy
        self.binary = binary
        self.grid = grid
        self.pageNumber = pageNumber
    }

    var mm: Double { grid.pixelsPerMm }

    // MARK: title

    /// Which of the four forms the title names; nil with the text read when it names none.
    func readFormType() -> (FormType?, String) {
        let top = grid.y(layout.rows[0].topMm)
        // The title sits between the page top and the top line; search a generous band above the grid.
        let y0 = top - (layout.rows[0].topMm - layout.titleTopMm + 4) * mm
        let y1 = top - (layout.rows[0].topMm - layout.topLineTopMm) * mm - 0.3 * mm
        let rect = box(x0: grid.gridLeft + 20 * mm, y0: y0, x1: grid.gridRight - 20 * mm, y1: y1)
        let read = recognizer.read(rect, .chineseBlock)
        let text = FieldParser.compact(read.text)
        if let type = FormClassifier.classify(text, titles: layout.titles) { return (type, text) }
        // Layout analysis can lose a bold title among specks: read the tallest line on its own, as
        // scanned and then from the despeckled copy.
        guard let title = textBands(in: rect).max(by: { $0.bottom - $0.top < $1.bottom - $1.top }) else { return (nil, text) }
        let line = lineRects([title], in: rect)[0]
        var shown = text
        for clean in [false, true] {
            let again = FieldParser.compact(recognizer.read(line, .chineseLine, clean: clean).text)
            if let type = FormClassifier.classify(again, titles: layout.titles) { return (type, again) }
            if shown.isEmpty { shown = again }
        }
        return (nil, shown)
    }

    // MARK: geometry helpers

    func box(x0: Double, y0: Double, x1: Double, y1: Double) -> PixelBox {
        let x = Int(x0.rounded(.down)), y = Int(y0.rounded(.down))
        return PixelBox(x: max(0, x), y: max(0, y), width: max(1, Int(x1.rounded(.up)) - x), height: max(1, Int(y1.rounded(.up)) - y))
    }

    /// Ink bands (text lines) inside a rectangle of the page, top to bottom, in page y.
    func textBands(in rect: PixelBox) -> [(top: Int, bottom: Int)] {
        guard let crop = binary.cropped(x: rect.x, y: rect.y, width: rect.width, height: rect.height) else { return [] }
        let rows = crop.rowCounts()
        let minInkPerRow = 2
        let mergeGap = Int(0.45 * mm)
        var bands: [(Int, Int)] = []
        var y = 0
        while y < rows.count {
            guard rows[y] >= minInkPerRow else { y += 1; continue }
            var end = y
            var gap = 0
            var probe = y + 1
            while probe < rows.count {
                if rows[probe] >= minInkPerRow { end = probe; gap = 0 } else { gap += 1; if gap > mergeGap { break } }
                probe += 1
            }
            for (top, bottom) in Self.separateLines(rows, y, end, mm: mm) {
                let ink = rows[top...bottom].reduce(0, +)
                // Specks and stray marks are neither labels nor values; a lone thin `1` of a light font is,
                // and is taller than any speck.
                let height = Double(bottom - top + 1)
                if height >= 0.8 * mm, Double(ink) >= 0.5 * mm * mm || (height >= 1.5 * mm && Double(ink) >= 0.25 * mm * mm) {
                    bands.append((rect.y + top, rect.y + bottom + 1))
                }
            }
            y = end + 1
        }
        return bands
    }

    /// Rows `top...bottom` of one ink band, split where a stamp's or a pen's thin strokes join two text
    /// lines: a band taller than any printed line is cut at its longest run of near-empty rows.
    static func separateLines(_ rows: [Int], _ top: Int, _ bottom: Int, mm: Double) -> [(Int, Int)] {
        let height = bottom - top + 1
        // The tallest printed line (the 5.5 mm title, scaled up 5 %, with its accents) stays whole.
        guard Double(height) > 6.5 * mm else { return [(top, bottom)] }
        let sorted = rows[top...bottom].sorted()
        let busy = sorted[sorted.count * 3 / 4]
        let low = max(2, busy / 10)
        // Each side keeps most of a line's height (a 2.6 mm label, a 3.2 mm value): no cut through a
        // character's own blank rows (三, 二).
        let margin = Int(2.0 * mm)
        var best: (start: Int, length: Int)? = nil
        var y = top + margin
        while y <= bottom - margin {
            guard rows[y] <= low else { y += 1; continue }
            var end = y
            while end + 1 <= bottom - margin, rows[end + 1] <= low { end += 1 }
            if end - y + 1 > (best?.length ?? 0) { best = (y, end - y + 1) }
            y = end + 1
        }
        guard let best, Double(best.length) >= 0.25 * mm else { return [(top, bottom)] }
        // Each piece without the stroke's rows at its cut end.
        func trimmed(_ a: Int, _ b: Int) -> (Int, Int)? {
            guard a <= b else { return nil }
            var a = a, b = b
            while a < b, rows[a] <= low { a += 1 }
            while b > a, rows[b] <= low { b -= 1 }
            return rows[a] > low ? (a, b) : nil
        }
        return [trimmed(top, best.start - 1), trimmed(best.start + best.length, bottom)].compactMap { $0 }
            .flatMap { separateLines(rows, $0.0, $0.1, mm: mm) }
    }

    /// The inside of a cell, away from its ruled borders.
    func interior(left: Double, right: Double, top: Double, bottom: Double) -> PixelBox {
        let inset = 0.7 * mm
        return box(x0: left + inset, y0: top + inset, x1: right - inset, y1: bottom - inset)
    }

    /// For text that starts at the left edge of a cell's interior (printed close to the cell's ruled
    /// border): the page x of the first blank column right of that rule, when a rule spans the line and
    /// a blank column separates the text from it. Nil when the text runs into the rule, or when no rule is
    /// there (the border was placed wrong, and the text may go on left of it).
    func clearOfLeftRule(_ inner: PixelBox, band: (top: Int, bottom: Int)) -> Int? {
        let from = inner.x - Int(1.0 * mm), to = inner.x + Int(0.2 * mm)
        let height = band.bottom - band.top
        guard height > 0, let crop = binary.cropped(x: from, y: band.top, width: to - from, height: height) else { return nil }
        let cols = crop.columnCounts()
        guard var x = cols.firstIndex(where: { Double($0) >= 0.9 * Double(height) }) else { return nil }
        while x < cols.count, cols[x] > 0 { x += 1 }
        return x < cols.count ? from + x : nil
    }

    /// `inner` moved to start right of its left rule when its text starts at its left edge (see
    /// `clearOfLeftRule`), and the indices of the bands whose ink runs into the rule or past it (a stroke
    /// across the rule, or a border found in the wrong place): what they hold may be cut off.
    func interiorClearOfLeftRule(_ inner: PixelBox, bands: [(top: Int, bottom: Int)]) -> (inner: PixelBox, crossing: Set<Int>) {
        var start: Int? = nil
        var crossing = Set<Int>()
        for (index, band) in bands.enumerated() {
            guard let extent = inkExtent(PixelBox(x: inner.x, y: band.top, width: inner.width, height: band.bottom - band.top)),
                  extent.0 <= inner.x + Int(0.1 * mm) else { continue }
            guard let clear = clearOfLeftRule(inner, band: band) else { crossing.insert(index); continue }
            start = max(start ?? clear, clear)
        }
        guard let start else { return (inner, crossing) }
        return (PixelBox(x: start, y: inner.y, width: inner.x + inner.width - start, height: inner.height), crossing)
    }

    func lineRect(_ band: (top: Int, bottom: Int), in cell: PixelBox) -> PixelBox {
        let pad = Int(1.0 * mm)
        let y0 = max(cell.y, band.top - pad), y1 = min(cell.y + cell.height, band.bottom + pad)
        return PixelBox(x: cell.x, y: y0, width: cell.width, height: max(1, y1 - y0))
    }

    /// Line rectangles for consecutive bands: padded generously, but never past the middle of the gap
    /// to the neighbouring line (Tesseract reads a line with margin far better than a tight crop), and
    /// trimmed sideways to the ink of the line so that marks far from the text are not read.
    func lineRects(_ bands: [(top: Int, bottom: Int)], in cell: PixelBox) -> [PixelBox] {
        let pad = Int(1.2 * mm)
        var out: [PixelBox] = []
        for (i, band) in bands.enumerated() {
            var y0 = max(cell.y, band.top - pad), y1 = min(cell.y + cell.height, band.bottom + pad)
            if i > 0 { y0 = max(y0, (bands[i - 1].bottom + band.top) / 2) }
            if i + 1 < bands.count { y1 = min(y1, (band.bottom + bands[i + 1].top) / 2) }
            var x0 = cell.x, x1 = cell.x + cell.width
            if let extent = inkExtent(PixelBox(x: cell.x, y: band.top, width: cell.width, height: band.bottom - band.top)) {
                x0 = max(cell.x, extent.0 - Int(1.5 * mm))
                x1 = min(cell.x + cell.width, extent.1 + Int(1.5 * mm))
            }
            out.append(PixelBox(x: x0, y: y0, width: max(1, x1 - x0), height: max(1, y1 - y0)))
        }
        return out
    }

    /// The page x where the first run of ink in `rect` ends at a blank gap of at least `gapMm`.
    func firstWideGap(in rect: PixelBox, gapMm: Double) -> Int? {
        guard let crop = binary.cropped(x: rect.x, y: rect.y, width: rect.width, height: rect.height) else { return nil }
        let cols = crop.columnCounts()
        guard let first = cols.firstIndex(where: { $0 > 0 }) else { return nil }
        let need = Int(gapMm * mm)
        var blank = 0
        var lastInk = first
        for x in first..<cols.count {
            if cols[x] > 0 { lastInk = x; blank = 0 } else { blank += 1; if blank >= need { return rect.x + lastInk } }
        }
        return nil
    }

    /// First and last ink column of a rectangle (page x). Isolated marks more than a few character
    /// widths away from the rest are left out.
    func inkExtent(_ rect: PixelBox) -> (Int, Int)? {
        guard let crop = binary.cropped(x: rect.x, y: rect.y, width: rect.width, height: rect.height) else { return nil }
        let cols = crop.columnCounts()
        let inked = cols.indices.filter { cols[$0] > 0 }
        guard !inked.isEmpty else { return nil }
        // Split into runs separated by wide blank gaps; keep the runs around the largest mass.
        let gapLimit = Int(6 * mm)
        var runs: [(Int, Int, Int)] = []  // start, end, ink
        var start = inked[0], last = inked[0], ink = cols[inked[0]]
        for x in inked.dropFirst() {
            if x - last > gapLimit { runs.append((start, last, ink)); start = x; ink = 0 }
            last = x
            ink += cols[x]
        }
        runs.append((start, last, ink))
        let total = runs.map(\.2).reduce(0, +)
        let kept = runs.filter { Double($0.2) >= 0.05 * Double(total) }
        guard let first = kept.first, let final = kept.last else { return nil }
        return (rect.x + first.0, rect.x + final.1)
    }

    func union(_ boxes: [PixelBox]) -> PixelBox? {
        guard let first = boxes.first else { return nil }
        var x0 = first.x, y0 = first.y, x1 = first.x + first.width, y1 = first.y + first.height
        for b in boxes.dropFirst() {
            x0 = min(x0, b.x); y0 = min(y0, b.y); x1 = max(x1, b.x + b.width); y1 = max(y1, b.y + b.height)
        }
        return PixelBox(x: x0, y: y0, width: x1 - x0, height: y1 - y0)
    }

    // MARK: label + value readers

    /// Reads what follows the label on a label line (the code in parentheses, or the value after a colon).
    /// A Latin value that is one whole bracketed code, or has `valueShape`, is read on a crop of its own
    /// (`readTail`); otherwise the line is read with the Chinese model to find where the label ends, then
    /// the rest with `settings`.
    /// `valueShape`: the whole of a value printed after a colon (`页码/页数：2/6`), which lets it be read
    /// on its own like a bracketed code.
    /// `field`: the field the value fills, checked by an earlier page's agreement where there is one
    /// (`checkByEarlierPage`).
    func readAfterLabel(_ rect: PixelBox, _ settings: ReadSettings, label: String, valueShape: Regex<Substring>? = nil,
                        field: String? = nil) -> (ReadText, String)? {
        if settings.model == .latin {
            if label.last.map(Self.isColon) != true, let tail = readTail(rect, settings, field: field, value: Self.bracketed) { return tail }
            if let valueShape, let tail = readTail(rect, settings, field: field, value: { $0.wholeMatch(of: valueShape).map { String($0.output) } }) { return tail }
        }
        let first = recognizer.read(rect, .chineseLine)
        guard let start = valueStart(first.words, label: label) else { return nil }
        let x0 = max(rect.x, start - Int(0.6 * mm))
        var rest = PixelBox(x: x0, y: rect.y, width: rect.x + rect.width - x0, height: rect.height)
        if settings.model == .latin, let end = firstWideGap(in: rest, gapMm: 2.5) {
            // A value of codes or digits has no wide gap; what follows one belongs to the next label.
            rest.width = max(1, end + Int(0.8 * mm) - rest.x)
        }
        if settings.model == .chinese && settings.whitelist == nil {
            let words = first.words.filter { $0.box.x + $0.box.width / 2 >= start }
            let value = words.map(\.text).joined()
            var read = ReadText(words: words, box: rest)
            attachOpinion(&read, rects: [rest], settings: settings, unlessEarlierPageAgrees: field, value: value)
            return (read, value)
        }
        var second = recognizer.read(rest, settings)
        let firstWords = words(after: start, in: first.words)
        let firstPass = firstWords.map(\.text).joined()
        let firstValue = FieldParser.parenthesized(firstPass) ?? firstPass
        let secondValue = FieldParser.parenthesized(second.text) ?? second.text
        if settings.model == .latin, !firstPass.isEmpty, Self.agree(secondValue, firstValue) {
            // The Chinese model's reading of the whole line is another network's reading of the value:
            // when it agrees it is the second opinion, at no extra read. When it does not, the value is read
            // on its own (the label beside it can disturb the line's reading).
            second.alternative = firstPass
            second.alternativeMinConfidence = firstWords.map(\.confidence).min()
            second.tieBreakRects = [rest]
            second.tieBreakSettings = thirdSettings(settings)
        } else {
            // The whole line's reading, where it reads the value otherwise, is this page's own doubt: the
            // value gets its second reading here, whatever an earlier page agreed on.
            attachOpinion(&second, rects: [rest], settings: settings, unlessEarlierPageAgrees: firstPass.isEmpty ? field : nil, value: secondValue)
        }
        // The first reading saw the whole line: if it read the value differently, the crop may have cut
        // a character off; no reading of the same crop can settle that.
        if !firstValue.isEmpty, !Self.agree(secondValue, firstValue),
           CodeFieldResolver.distance(FieldParser.compact(secondValue), FieldParser.compact(firstValue)) <= 2,
           FieldParser.compact(firstValue).count > FieldParser.compact(secondValue).count {
            second.replaceAlternative(firstPass, words: firstWords)
            second.tieBreakSettings = nil
        }
        return (second, second.text)
    }

    /// `(4561)` → `4561`: a reading that is one whole bracketed code.
    static func bracketed(_ text: String) -> String? {
        text.wholeMatch(of: /[(（]([0-9A-Z]+)[)）]/).map { String($0.1) }
    }

    /// The value at the end of a label line (`监管方式 (4561)`, `海关编号：2212…`), read on a crop of its
    /// own: the ink after the line's widest blank gap, read with `settings` and checked by the other
    /// network on the same crop. `value` takes the value out of a compact reading, nil when the reading
    /// is not one whole value. Nil unless both readings give one value alike; the caller then reads the
    /// whole line to find where the label ends. Reading the label too costs more than both readings.
    func readTail(_ rect: PixelBox, _ settings: ReadSettings, field: String? = nil, value: (String) -> String?) -> (ReadText, String)? {
        guard let crop = binary.cropped(x: rect.x, y: rect.y, width: rect.width, height: rect.height),
              let (start, right) = Self.tailAfterWidestGap(crop.columnCounts(), space: Int(0.45 * mm), narrowest: Int(1.2 * mm)) else { return nil }
        let x0 = rect.x + max(0, start - Int(0.6 * mm)), x1 = min(rect.x + rect.width, rect.x + right + Int(0.6 * mm))
        let tail = PixelBox(x: x0, y: rect.y, width: max(1, x1 - x0), height: rect.height)
        var read = recognizer.read(tail, settings)
        guard let code = value(FieldParser.compact(read.text).uppercased()) else { return nil }
        if checkByEarlierPage(&read, field: field, value: code) { return (read, read.text) }
        attachOpinion(&read, rects: [tail], settings: settings)
        guard let otherCode = read.alternative.flatMap({ value(FieldParser.compact($0).uppercased()) }), Self.agree(code, otherCode) else { return nil }
        return (read, read.text)
    }

    /// The first and last ink column of the ink after the widest blank gap (at least `space` wide) of a
    /// line, given its ink per column; the ink after it must be at least `narrowest` wide. The space
    /// before a bracket is the widest gap of a label line's end: wider than the gaps between the label's
    /// characters or inside the code. Nil when no such gap is found.
    static func tailAfterWidestGap(_ cols: [Int], space: Int, narrowest: Int) -> (start: Int, end: Int)? {
        guard let right = cols.lastIndex(where: { $0 > 0 }) else { return nil }
        var groupStart = right, blank = 0
        var widest: (start: Int, gap: Int)? = nil
        for x in stride(from: right, through: 0, by: -1) {
            if cols[x] > 0 {
                if blank >= space, right - groupStart >= narrowest, blank > (widest?.gap ?? 0) { widest = (groupStart, blank) }
                groupStart = x
                blank = 0
            } else {
                blank += 1
            }
        }
        return widest.map { ($0.start, right) }
    }

    /// The words of a line reading that lie after `x`; of a word that straddles it, what follows its colon.
    func words(after x: Int, in words: [ReadWord]) -> [ReadWord] {
        words.compactMap { w in
            if w.box.x + w.box.width / 2 >= x { return w }
            guard w.box.x + w.box.width > x, let colon = w.text.lastIndex(where: Self.isColon) else { return nil }
            let tail = String(w.text[w.text.index(after: colon)...])
            return tail.isEmpty ? nil : ReadWord(text: tail, box: w.box, confidence: w.confidence)
        }
    }

    /// Chinese models often read a full-width colon as a semicolon.
    static func isColon(_ c: Character) -> Bool { "：:；;".contains(c) }

    /// The x where a value begins after the colon at `position` of `word`. Glyph widths differ (a
    /// full-width colon, narrow digits): an estimate from the character count starts inside the colon
    /// rather than risk cutting the first character of the value. A colon is narrower than a Chinese
    /// character, though (';天津' in one word): where the model placed it, when further left, keeps the
    /// value's first character whole.
    static func start(after position: Int, in word: ReadWord, mm: Double) -> Int {
        let fraction = (Double(position) + 0.6) / Double(word.text.count)
        let estimate = word.box.x + Int(Double(word.box.width) * fraction) + Int(0.6 * mm)
        guard word.symbols.count == word.text.count, word.symbols.map(\.text).joined() == word.text else { return estimate }
        let placed = word.symbols[position].box
        return min(estimate, placed.x + placed.width + 1)
    }

    /// The x where the value begins: after a colon, or at the first bracket / Latin / digit word that
    /// follows the label's Chinese characters.
    func valueStart(_ words: [ReadWord], label: String) -> Int? {
        // Only a label that ends with a colon is followed by one (a semicolon is its misreading).
        let colonLabel = label.last.map(Self.isColon) ?? false
        for (i, w) in words.enumerated() {
            if let colon = w.text.lastIndex(where: { $0 == "：" || $0 == ":" || (colonLabel && Self.isColon($0)) }) {
                let after = w.text[w.text.index(after: colon)...]
                if !after.isEmpty {
                    return Self.start(after: w.text.distance(from: w.text.startIndex, to: colon), in: w, mm: mm)
                }
                if i + 1 < words.count { return words[i + 1].box.x }
                return nil
            }
        }
        // Labels such as 贸易国（地区） carry brackets of their own; the value's bracket comes after them.
        var skip = label.filter { "(（".contains($0) }.count
        for (i, w) in words.enumerated() where i > 0 {
            for (offset, ch) in w.text.enumerated() where "(（[{〈《<".contains(ch) {
                if skip > 0 { skip -= 1; continue }
                let fraction = Double(offset) / Double(max(1, w.text.count))
                return w.box.x + Int(Double(w.box.width) * fraction)
            }
            if skip == 0, w.text.unicodeScalars.contains(where: { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)) }) {
                return w.box.x
            }
        }
        // The label's own bracket was not read as one: the value's bracket is the last one.
        for w in words.dropFirst().reversed() {
            if let offset = Array(w.text).lastIndex(where: { "(（[{〈《<".contains($0) }) {
                return w.box.x + Int(Double(w.box.width) * Double(offset) / Double(max(1, w.text.count)))
            }
        }
        return nil
    }

    // MARK: recording

    /// An independent reading of the same rectangle: for whitelisted Latin, the general Latin model
    /// without a whitelist; otherwise the same model on the crop enlarged 1.5× (other pixels). Two
    /// readings that agree rarely share a mistake; where the model is unsure they tend to differ.
    func secondOpinion(_ rect: PixelBox, _ settings: ReadSettings) -> String {
        recognizer.read(rect, secondSettings(settings)).text
    }

    /// Latin and digit fields are checked by the Chinese model (another network, other mistakes);
    /// Chinese text by the Han script model (another network again).
    func secondSettings(_ settings: ReadSettings) -> ReadSettings {
        settings.model == .latin ? .chineseLine : .hanLine
    }

    /// Attaches a second reading of `rects` to `read`, and what a third reading would need: the first
    /// model on the crop enlarged (other pixels, so other mistakes than its first reading).
    func attachOpinion(_ read: inout ReadText, rects: [PixelBox], settings: ReadSettings) {
        let others = rects.map { readSettlingSeparators($0, secondSettings(settings), if: read.separatorsByInk) }
        read.alternative = joinLines(others.map(\.text))
        read.alternativeMinConfidence = others.flatMap(\.words).map(\.confidence).min()
        read.alternativeWords = others.flatMap(\.words)
        read.tieBreakRects = rects
        read.tieBreakSettings = thirdSettings(settings)
    }

    /// On a later page of a declaration: `read` is checked by what two readings agreed on for `field` on an
    /// earlier page, when `value` (this page's reading of it) says the same, sure of every word. The header
    /// is one print repeated on every page, so that agreement is the second opinion and no second reading
    /// is made here; a reading that says anything else, or is unsure of a word (海晨 with 晨 at 0.00, where
    /// 晟 is printed), gets its own: each page's own doubt is what catches a misreading two networks shared
    /// on an earlier page. False when there is no such agreement.
    func checkByEarlierPage(_ read: inout ReadText, field: String?, value: String) -> Bool {
        guard let field, let earlier = agreedOnEarlierPages[field], Self.saysSurely(read, value: value, as: earlier, policy: policy) else { return false }
        read.replaceAlternative(earlier.text, words: [], lowestConfidence: 1)
        read.alternativeFromPage = earlier.page
        return true
    }

    /// `attachOpinion`, unless `read` (its value `value`) is checked by an earlier page's agreement on `field`.
    func attachOpinion(_ read: inout ReadText, rects: [PixelBox], settings: ReadSettings, unlessEarlierPageAgrees field: String?, value: String) {
        if !checkByEarlierPage(&read, field: field, value: value) { attachOpinion(&read, rects: rects, settings: settings) }
    }

    /// Whether `read` (its value `value`) says what was agreed on an earlier page, sure of every word.
    static func saysSurely(_ read: ReadText, value: String, as earlier: EarlierValue, policy: ConfidencePolicy) -> Bool {
        read.minConfidence >= policy.minimumWord && agree(value, earlier.text)
    }

    /// What an agreement of `read` with its alternative rests on, for the evidence.
    static func agreementNote(_ read: ReadText) -> String {
        read.alternativeFromPage.map { "read once on this page: it reads as on page \($0), where two readings agreed" } ?? "two independent readings agree"
    }

    /// The third reading's settings: the first model on the crop enlarged 1.5× (Latin without its whitelist).
    func thirdSettings(_ settings: ReadSettings) -> ReadSettings {
        var third = settings.model == .latin ? ReadSettings.latinLine : settings
        third.scale = 1.5
        return third
    }

    /// Reads `rect` (or takes `reading`, made there); with `settle`, its separators are settled by the ink
    /// where they can be (`SeparatorBars`), and `separatorsByInk` says whether they were.
    func readSettlingSeparators(_ rect: PixelBox, _ settings: ReadSettings, reading: ReadText? = nil, if settle: Bool) -> ReadText {
        var read = reading ?? recognizer.read(rect, settings)
        guard settle else { return read }
        // The ink is measured on a taller strip, so that a bar the line's rectangle cuts short is seen whole;
        // ink reaching the strip's top or bottom (a stamp, lines run together) cannot be measured.
        let pad = rect.height * 2 / 5
        // Kept on the page: the components' coordinates are the crop's plus its corner.
        let top = max(0, rect.y - pad)
        let strip = PixelBox(x: rect.x, y: top, width: rect.width, height: rect.y + rect.height + pad - top)
        let ink = recognizer.inkComponents(in: strip).filter { $0.y < rect.y + rect.height && $0.y + $0.height > rect.y }
        guard !ink.contains(where: { $0.y <= strip.y || $0.y + $0.height >= strip.y + strip.height }) else { return read }
        guard let words = SeparatorBars.resolve(read.words, ink: ink) else { return read }
        read.separatorUnread = SeparatorBars.barsUnread(words, ink: ink)
        read.words = words
        read.separatorsByInk = true
        return read
    }

    /// A third reading when the first two disagree; the value stands only if the third agrees with
    /// it confidently.
    func tieBreak(_ read: ReadText, minimumConfidence: Double = 0.85) -> String? {
        guard let third = tieBreakReading(read), third.lowestConfidence >= minimumConfidence else { return nil }
        return third.text
    }

    /// A third reading: its lines joined, its lowest word confidence and its words.
    struct ThirdReading { var text: String; var lowestConfidence: Double; var words: [ReadWord] }

    /// The third reading (the first model on the crop enlarged); nil when none can be made or it read nothing.
    func tieBreakReading(_ read: ReadText) -> ThirdReading? {
        guard let settings = read.tieBreakSettings, !read.tieBreakRects.isEmpty else { return nil }
        let reads = read.tieBreakRects.map { readSettlingSeparators($0, settings, if: read.separatorsByInk) }
        let words = reads.flatMap(\.words)
        guard let lowest = words.map(\.confidence).min() else { return nil }
        return ThirdReading(text: joinLines(reads.map(\.text)), lowestConfidence: lowest, words: words)
    }

    /// Whether two readings that agree (`agreeing`, compact, in the field's canonical form) against a first
    /// (`first`) each read the characters where they depart from it with at least `policy.minimumVote`
    /// (the confidence of the word each was read in): 铝 at 0.57 and 0.58 against 钻, not 钻 at 0.26 and
    /// 0.43 against 铅. Readings of other lengths are compared by their lowest word instead.
    func departuresSure(first: String, agreeing: String, readings: [[ReadWord]]) -> Bool {
        let a = Array(first), b = Array(agreeing)
        return readings.allSatisfy { words in
            guard a.count == b.count else { return (words.map(\.confidence).min() ?? 0) >= policy.minimumVote }
            let confidence = CharacterVote.confidences(of: agreeing, from: CharacterVote.characterConfidences(words))
            return b.indices.allSatisfy { a[$0] == b[$0] || confidence[$0] >= policy.minimumVote }
        }
    }

    /// Whether the Traditional model, reading `rects` as scanned, names with confidence another character
    /// than `text`'s (a compact reading) at one of its Chinese characters.
    func traditionalNamesOtherwise(_ text: String, rects: [PixelBox]) -> Bool {
        let (_, (third, confidence)) = readTraditional(rects, enlarged: false)
        let chars = Array(text)
        let chinese = Set(chars.indices.filter { chars[$0].isHan })
        return CharacterVote.confirms(text, at: chinese, third: third, thirdConfidence: confidence, minimumConfidence: policy.minimumVote) == .contradicted
    }

    /// Two networks that agree on a Chinese line where one had next to no confidence in a character
    /// (嘉不 for 嘉禾: chi_sim 0.00, HanS 0.88) may share a common misreading: the Traditional model must
    /// not name another character there with confidence (it reads 嘉禾 at 0.89). Nil when the agreement
    /// is not doubtful (or not Chinese); otherwise whether it stands, the third reading, and whether every
    /// reading of the third network named another character at a doubtful place or none, if only unsure
    /// (钻 read by both for 铝, chi_tra 鉑 and 招 at 0.00; 信和 for 信, chi_tra 信電): not enough to overrule
    /// the two, but a sign against agreements the networks were all unsure of.
    /// Only the Chinese characters of the doubtful words are checked, and only in text values.
    func confirmDoubtfulAgreement(_ read: ReadText, value: FieldValue) -> (confirmed: Bool, third: String, namedOtherwise: Bool)? {
        guard case .string = value, read.tieBreakSettings?.model == .chinese, !read.tieBreakRects.isEmpty else { return nil }
        let doubts = [read.words, read.alternativeWords].map { CharacterVote.doubtful($0, below: policy.minimumEach) }.filter { !$0.positions.isEmpty }
        guard !doubts.isEmpty else { return nil }
        var third = ""
        var namedOtherwise = true
        for enlarged in [false, true] {
            let (text, (compactThird, confidence)) = readTraditional(read.tieBreakRects, enlarged: enlarged)
            third = text
            let verdicts = doubts.map { CharacterVote.confirms($0.text, at: $0.positions, third: compactThird, thirdConfidence: confidence, minimumConfidence: policy.minimumVote) }
            if verdicts.allSatisfy({ $0 == .confirmed }) { return (true, third, false) }
            // Another character named with confidence where a network had none: no later reading may confirm.
            if verdicts.contains(.contradicted) { return (false, FieldParser.normalize(third), true) }
            namedOtherwise = namedOtherwise && doubts.contains { CharacterVote.namesOtherwise($0.text, at: $0.positions, third: compactThird) }
        }
        // The third network is unsure too, or does not line up: it has nothing against the agreement.
        return (true, third, namedOtherwise)
    }

    /// A number two networks read alike where one was unsure of it (lowest word below `policy.minimumWord`:
    /// 486.4 for 489.4, chi_sim 0.29, HanS 0.82) is read by the Traditional model as well: its reading when it
    /// names other digits; nil when it names the same digits (points and commas aside), or none.
    /// Only the words that hold digits count: a quantity's unit read unsure (干 at 0.47) says nothing of them.
    func numberReadOtherwise(_ read: ReadText) -> String? {
        let unsure = min(Self.digitConfidence(read.words) ?? read.minConfidence,
                         Self.digitConfidence(read.alternativeWords) ?? read.alternativeMinConfidence ?? 1)
        guard !read.tieBreakRects.isEmpty, unsure < policy.minimumWord else { return nil }
        let third = FieldParser.normalize(joinLines(read.tieBreakRects.map { recognizer.read($0, .traditionalLine).text }))
        // Digits only: the models set stray points and commas beside a number differently.
        let digits = { (t: String) in String(t.filter(\.isASCIIDigit)) }
        let named = digits(third)
        guard !named.isEmpty, named != digits(FieldParser.normalize(read.text)) else { return nil }
        return third
    }

    /// The lowest confidence of the words that hold digits; nil when none does.
    static func digitConfidence(_ words: [ReadWord]) -> Double? {
        words.filter { $0.text.contains(where: \.isASCIIDigit) }.map(\.confidence).min()
    }

    /// The Traditional model's reading of `rects`, as scanned or enlarged 1.5× (other pixels: it often
    /// reads a character it missed), with its compact characters and their words' confidences.
    func readTraditional(_ rects: [PixelBox], enlarged: Bool) -> (text: String, characters: (text: String, confidence: [Double])) {
        var settings = ReadSettings.traditionalLine
        if enlarged { settings.scale = 1.5 }
        let reads = rects.map { recognizer.read($0, settings) }
        return (joinLines(reads.map(\.text)), CharacterVote.characterConfidences(reads.flatMap(\.words)))
    }

    /// The Traditional model's reading of `rects` (lines joined, in Simplified characters) and its lowest word
    /// confidence, when it read something and every word with at least `policy.minimumVote`; nil otherwise.
    func confidentTraditionalReading(_ rects: [PixelBox]) -> (text: String, lowestConfidence: Double)? {
        let reads = rects.map { recognizer.read($0, .traditionalLine) }
        guard let lowest = reads.flatMap(\.words).map(\.confidence).min(), lowest >= policy.minimumVote else { return nil }
        return (CharacterVote.simplifiedText(joinLines(reads.map(\.text))), lowest)
    }

    /// Where the Chinese and Han script models read a Chinese line differently in a character or two,
    /// the Traditional model votes on each (`CharacterVote`). Returns the value and text with the
    /// winners, and a note for the evidence; nil when the vote settles nothing. Only text values vote.
    /// `canonical`: the field's form for comparing readings (the vote is on it).
    func vote(_ read: ReadText, other: String, text: String, value: FieldValue,
              canonical: (String) -> String) -> (value: FieldValue, text: String, note: String)? {
        guard read.tieBreakSettings?.model == .chinese, !read.tieBreakRects.isEmpty, case .string(let stored) = value else { return nil }
        let first = FieldParser.compact(canonical(read.text)), second = FieldParser.compact(canonical(other))
        // Cheap checks first: a third read is made only for readings a vote could settle.
        guard CharacterVote.differences(first, second) != nil else { return nil }
        // The crop as scanned, then enlarged when the first does not line up or is unsure.
        var third = "", verdict = CharacterVote.Verdict.undecided
        for enlarged in [false, true] where verdict == .undecided {
            let (text, perCharacter) = readTraditional(read.tieBreakRects, enlarged: enlarged)
            third = text
            let canonicalThird = FieldParser.compact(canonical(third))
            verdict = CharacterVote.settle(first, second, third: canonicalThird,
                                           thirdConfidence: CharacterVote.confidences(of: canonicalThird, from: perCharacter),
                                           minimumConfidence: policy.minimumVote)
        }
        guard let outcome = verdict.outcome,
              let votedText = CharacterVote.apply(outcome, to: FieldParser.normalize(canonical(text)), compactFirst: first),
              let votedValue = CharacterVote.apply(outcome, to: stored, compactFirst: first) else { return nil }
        let changes = outcome.choices.keys.sorted().map { i in "'\(Array(first)[i])'/'\(Array(second)[i])' → '\(outcome.choices[i]!)'" }
        return (.string(votedValue), votedText,
                "readings differ ('\(first)' and '\(second)'); a third network (chi_tra) read '\(FieldParser.compact(third))', which settles \(changes.joined(separator: ", "))")
    }

    /// Whether a reading of one line left ink unread at either end: Tesseract sometimes drops the first
    /// or last character of a line, and a second model can drop the same one. Returns what was missed.
    func missedInk(_ read: ReadText) -> String? {
        guard let first = read.words.first, let last = read.words.last,
              let ink = inkExtent(PixelBox(x: read.box.x, y: first.box.y, width: read.box.width, height: max(1, first.box.height))) else { return nil }
        let limit = Int(1.6 * mm)
        if first.box.x - ink.0 > limit { return "ink before '\(first.text)' was not read (a character may be missing at the start)" }
        if ink.1 - (last.box.x + last.box.width) > limit { return "ink after '\(last.text)' was not read (a character may be missing at the end)" }
        return nil
    }

    func joinLines(_ lines: [String]) -> String {
        var out = ""
        for line in lines.map(FieldParser.normalize) where !line.isEmpty {
            if let last = out.last, let first = line.first, !(last.isHan || first.isHan) { out += " " }
            out += line
        }
        return out
    }

    /// Whether two readings of the same pixels say the same thing. Spacing and character width never
    /// matter; in a field of digits the letters O and l that a general model reads for 0 and 1 do not either.
    static func agree(_ primary: String, _ other: String) -> Bool {
        let a = foldingLookalikeCase(FieldParser.compact(primary))
        var b = foldingLookalikeCase(FieldParser.compact(other.replacingOccurrences(of: "。", with: ".")))
        if a.isEmpty || b.isEmpty { return false }
        if a == b { return true }
        // Stray marks at either end of the other reading (a border, a speck, a colon of the label) are
        // not part of the value: punctuation, and Chinese characters next to a value that has none.
        let latinValue = !a.unicodeScalars.contains { $0.properties.isIdeographic }
        func stray(_ c: Character) -> Bool {
            !(c.isLetter || c.isNumber) || (latinValue && c.isHan)
        }
        while let c = b.first, c != a.first, stray(c) { b.removeFirst() }
        // After letters, a full stop or comma at the end is content ("CORP.", "CO.,"), not a stray mark.
        let words = a.contains { $0.isLetter && $0.isASCII }
        while let c = b.last, c != a.last, stray(c), !(words && (c == "." || c == ",")) { b.removeLast() }
        if a == b { return true }
        if a.allSatisfy({ $0.isASCIIDigit || ".-/".contains($0) }) {
            b = String(b.map { c -> Character in
                switch c { case "O", "D", "Q", "d", "q": return "0"; case "I", "L", "|", "!", "i", "l": return "1"; default: return c }
            })
        }
        return a == b
    }

    /// Small letters shaped like their capitals (c o s u v w x z) in capitals: two readings that differ only
    /// there agree. Other letters' case is content (mAh, not mah).
    static func foldingLookalikeCase(_ text: String) -> String {
        String(text.map { "cosuvwxz".contains($0) ? Character($0.uppercased()) : $0 })
    }

    func evidence(_ read: ReadText, text: String? = nil, confidence: Double? = nil, notes: [String] = []) -> FieldEvidence {
        FieldEvidence(text: text ?? read.text, confidence: confidence ?? read.confidence, page: pageNumber,
                      box: union(read.words.map(\.box)) ?? read.box, notes: notes)
    }

    func gap(_ field: String, _ problem: FieldProblem, box: PixelBox?, text: String?) -> Gap {
        Gap(field: field, reason: problem.reason, page: pageNumber, box: box, text: (text?.isEmpty ?? true) ? nil : text,
            message: "page \(pageNumber), \(field): \(problem.message)")
    }
}

/// Tells the four variants apart by their printed title.
public enum FormClassifier {
    /// The variant whose title the text matches, nil when it matches none clearly.
    public static func classify(_ text: String, titles: [FormType: String]) -> FormType? {
        // Only the title's characters count: quotes, stops and specks read around it are noise.
        let read = String(FieldParser.compact(text).filter(\.isHan))
        guard read.count >= 6 else { return nil }
        var scored: [(FormType, Int)] = []
        for (type, title) in titles {
            // The title may be read with neighbours on the same line: score the best-matching window.
            let t = Array(title), r = Array(read)
            var best = Int.max
            best = CodeFieldResolver.distance(read, title)
            if r.count > t.count {
                for start in 0...(r.count - t.count) {
                    for len in [t.count - 1, t.count, t.count + 1] where start + len <= r.count && len > 0 {
                        best = min(best, CodeFieldResolver.distance(String(r[start..<(start + len)]), title))
                    }
                }
            }
            scored.append((type, best))
        }
        scored.sort { $0.1 < $1.1 }
        guard let first = scored.first, first.1 <= 4, scored.count < 2 || scored[1].1 > first.1 else { return nil }
        return first.0
    }
}
