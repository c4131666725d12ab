import CLeptonica
import Foundation
import SecondLineModel
import SecondLineOCR

/// One word read from a cell, in page pixels.
struct ReadWord: Sendable, Hashable {
    var text: String
    var box: PixelBox
    var confidence: Double
    /// The word's characters and where the model placed each, in page pixels.
    var symbols: [ReadSymbol] = []
}

/// One character of a word read, in page pixels.
struct ReadSymbol: Sendable, Hashable {
    var text: String
    var box: PixelBox
}

/// What one read of one rectangle produced.
struct ReadText: Sendable, Hashable {
    var words: [ReadWord]
    var box: PixelBox
    /// A second, independent reading of the same pixels (another model, no whitelist), when one was made.
    var alternative: String? = nil
    /// The lowest word confidence of the alternative reading.
    var alternativeMinConfidence: Double? = nil
    /// The alternative is what two readings agreed on, on this earlier page of the declaration
    /// (`PageReader.checkByEarlierPage`).
    var alternativeFromPage: Int? = nil
    /// The alternative reading's words, where it was made on the same rectangles.
    var alternativeWords: [ReadWord] = []
    /// Where and how a third reading can be made when the first two disagree.
    var tieBreakRects: [PixelBox] = []
    var tieBreakSettings: ReadSettings? = nil
    /// This reading's separators were settled by the ink (`SeparatorBars`); the second and third readings
    /// made for it are settled so too.
    var separatorsByInk = false
    /// The ink holds a separator bar this reading did not read as one (`SeparatorBars.barsUnread`).
    var separatorUnread = false
    var text: String { words.map(\.text).joined(separator: " ") }

    /// Makes `text` (read as `words`; lowest word confidence `lowestConfidence`, else theirs) the alternative
    /// reading, with nothing kept of the one it replaces.
    mutating func replaceAlternative(_ text: String, words: [ReadWord], lowestConfidence: Double? = nil) {
        alternative = text
        alternativeWords = words
        alternativeMinConfidence = lowestConfidence ?? words.map(\.confidence).min()
        alternativeFromPage = nil
    }

    /// Mean word confidence in [0, 1]; 0 when nothing was read.
    var confidence: Double { words.isEmpty ? 0 : words.map(\.confidence).reduce(0, +) / Double(words.count) }
    var minConfidence: Double { words.map(\.confidence).min() ?? 0 }
    static func empty(_ box: PixelBox) -> ReadText { ReadText(words: [], box: box) }
}

/// How a rectangle is read: which model, which characters, one line or a block.
struct ReadSettings: Sendable, Hashable {
    /// `han`: Tesseract's Han (Simplified) script model — another network than `chi_sim`, trained on
    /// more fonts; it reads Latin too. Its mistakes differ from chi_sim's, which makes it the check.
    /// `traditional`: the Traditional Chinese model (`chi_tra`), a third network that votes where the
    /// first two differ on a character (it reads most Simplified characters, some as their Traditional form).
    enum Model: Sendable, Hashable { case chinese, latin, han, traditional }
    var model: Model
    var whitelist: String?
    var singleLine: Bool
    /// Read the crop enlarged by this factor (1 = as scanned): other pixels, same text.
    var scale = 1.0
    /// Tesseract's single-word mode (8), for a crop holding one short word or a lone digit.
    var singleWord = false

    static let digits = ReadSettings(model: .latin, whitelist: "0123456789", singleLine: true)
    static let decimal = ReadSettings(model: .latin, whitelist: "0123456789.", singleLine: true)
    static let codeChars = ReadSettings(model: .latin, whitelist: "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", singleLine: true)
    static let latinLine = ReadSettings(model: .latin, whitelist: nil, singleLine: true)
    static let chineseLine = ReadSettings(model: .chinese, whitelist: nil, singleLine: true)
    static let chineseBlock = ReadSettings(model: .chinese, whitelist: nil, singleLine: false)
    static let hanLine = ReadSettings(model: .han, whitelist: nil, singleLine: true)
    static let traditionalLine = ReadSettings(model: .traditional, whitelist: nil, singleLine: true)
    static let charge = ReadSettings(model: .latin, whitelist: "0123456789./ABCDEFGHIJKLMNOPQRSTUVWXYZ", singleLine: true)
    static let phone = ReadSettings(model: .latin, whitelist: "0123456789-", singleLine: true)
}

/// Reads small padded crops of one page with one `OCREngine` (which owns the Tesseract instances:
/// one per model). A crop with a white margin reads far better than a tight rectangle of the page.
final class CellRecognizer {
    private let engine: OCREngine
    private var page: Raster?
    private var cleanPage: Raster?
    private var dpi = 300

    /// The Tesseract language set behind each model.
    private static func language(_ model: ReadSettings.Model) -> String {
        switch model { case .chinese: "chi_sim"; case .latin: "eng"; case .han: "HanS"; case .traditional: "chi_tra" }
    }

    convenience init(tessdataDirectory: String) throws(FormReadError) {
        try self.init(tessdata: Tessdata(directory: tessdataDirectory))
    }

    /// Initializes all four models now, so a missing language fails here and not mid-batch.
    init(tessdata: Tessdata) throws(FormReadError) {
        // Tesseract's OpenMP threads spin on a shared 2-core machine; workers run in parallel instead.
        setenv("OMP_THREAD_LIMIT", "1", 0)
        func missing(_ language: String) -> FormReadError {
            .engine("the language data '\(language)' is missing in \(tessdata.directory); install the Debian package \(Tessdata.debianPackage(for: language)) (scripts/setup.sh does)")
        }
        let first = Self.language(.chinese)
        // Inverted-text retries double the time of low-confidence lines and never apply to a printed form.
        do { engine = try OCREngine(tessdata: tessdata, languages: first, retriesInvertedText: false) } catch { throw missing(first) }
        for language in [Self.language(.latin), Self.language(.han), Self.language(.traditional)] {
            do { try engine.prepare(languages: language) } catch { throw missing(language) }
        }
    }

    /// `raster`: the grey page; `clean`: a bilevel copy without specks, read for a second opinion.
    func setPage(_ raster: Raster, clean: Raster?, dpi: Int) {
        page = raster
        cleanPage = clean
        self.dpi = dpi
    }

    /// Reads `rect` (page pixels) of the current page, or of its clean bilevel copy.
    func read(_ rect: PixelBox, _ settings: ReadSettings, clean: Bool = false) -> ReadText {
        let first = readOnce(rect, settings, clean: clean)
        // Tesseract now and then returns nothing for a line it reads well from slightly other pixels,
        // and often for a lone character (an item number 1) read as a line.
        guard first.words.isEmpty, settings.scale == 1, !settings.singleWord else { return first }
        var enlarged = settings
        enlarged.scale = 2
        let second = readOnce(rect, enlarged, clean: clean)
        guard second.words.isEmpty, rect.width < 2 * rect.height else { return second }
        var single = settings
        single.singleWord = true
        return readOnce(rect, single, clean: clean)
    }

    private func readOnce(_ rect: PixelBox, _ settings: ReadSettings, clean: Bool) -> ReadText {
        let source = clean ? (cleanPage ?? page) : page
        guard let source, let crop = source.cropped(x: rect.x, y: rect.y, width: rect.width, height: rect.height) else {
            return .empty(rect)
        }
        let margin = max(8, dpi / 25)
        let stretch = crop.contrastStretchedWithPaper()
        let stretched = stretch?.stretched ?? crop
        let padded: Raster?
        if settings.scale == 1 {
            padded = stretched.bordered(margin, paper: stretch?.paper)
        } else {
            padded = (stretched.scaled(settings.scale) ?? stretched).bordered(margin)
        }
        guard let padded, let pix = pixClone(padded.pix) else { return .empty(rect) }
        let started = Self.debug ? DispatchTime.now().uptimeNanoseconds : 0
        let mode: PageSegmentationMode = settings.singleWord ? .singleWord : settings.singleLine ? .singleLine : .singleBlock
        let recognition = RecognitionSettings(languages: Self.language(settings.model), pageSegmentation: mode, characterWhitelist: settings.whitelist,
                                              dpi: Int(Double(dpi) * settings.scale))
        // Drop the crop and its results from Tesseract right after the read (as before: one read at a time).
        defer { engine.clearImage() }
        guard let result = try? engine.recognize(image: PageImage(takingOwnershipOf: pix), settings: recognition) else { return .empty(rect) }
        let f = settings.scale
        func onPage(_ box: PixelRect) -> PixelBox {
            PixelBox(x: rect.x + Int(Double(box.x - margin) / f), y: rect.y + Int(Double(box.y - margin) / f),
                     width: Int(Double(box.width) / f), height: Int(Double(box.height) / f))
        }
        let words = result.words.map { word in
            ReadWord(text: word.text, box: onPage(word.box), confidence: max(0, min(1, word.confidence)),
                     symbols: word.symbols.map { ReadSymbol(text: $0.text, box: onPage($0.box)) })
        }
        if Self.debug {
            let shown = words.map { String(format: "%@(%.2f)", $0.text, $0.confidence) }.joined(separator: " ")
            let ms = (DispatchTime.now().uptimeNanoseconds - started) / 1_000_000
            FileHandle.standardError.write(Data("read \(ms)ms \(rect.x),\(rect.y) \(rect.width)x\(rect.height) \(settings.model)\(settings.scale == 1 ? "" : "×\(settings.scale)")\(settings.singleWord ? "/word" : "") \(settings.whitelist ?? "-"): \(shown)\n".utf8))
        }
        return ReadText(words: words, box: rect)
    }

    /// `rect` of the clean bilevel page (specks dropped), or of the grey page binarized.
    func cleanCrop(_ rect: PixelBox) -> Raster? {
        if let cleanPage { return cleanPage.cropped(x: rect.x, y: rect.y, width: rect.width, height: rect.height) }
        return page?.cropped(x: rect.x, y: rect.y, width: rect.width, height: rect.height)?.binarized()
    }

    /// The boxes of the connected ink components inside `rect` of the clean bilevel page, in page
    /// pixels; specks of a few pixels are left out.
    func inkComponents(in rect: PixelBox) -> [PixelBox] {
        guard let crop = cleanCrop(rect) else { return [] }
        let minimumSide = max(2, dpi / 150)
        return crop.componentBoxes().compactMap { box in
            guard box.width >= minimumSide || box.height >= minimumSide else { return nil }
            return PixelBox(x: rect.x + box.x, y: rect.y + box.y, width: box.width, height: box.height)
        }
    }

    /// `SECONDLINE_FORM_DEBUG=1` logs every read to stderr (for tuning, never in normal runs).
    static let debug = ProcessInfo.processInfo.environment["SECONDLINE_FORM_DEBUG"] == "1"
}
