import CLeptonica
import CTesseract
import Foundation
import SecondLineModel

/// One word read from a cell, in page pixels.
struct ReadWord: Sendable, Hashable {
    var text: String
    var box: PixelBox
    var confidence: Double
}

/// What one read of one rectangle produced.
struct ReadText: Sendable, Hashable {
    var words: [ReadWord]
    var box: PixelBox
    /// A second, independent reading of the same pixels (another model, no whitelist), when one was made.
    var alternative: String? = nil
    /// The lowest word confidence of the alternative reading.
    var alternativeMinConfidence: Double? = nil
    /// Where and how a third reading can be made when the first two disagree.
    var tieBreakRects: [PixelBox] = []
    var tieBreakSettings: ReadSettings? = nil
    var text: String { words.map(\.text).joined(separator: " ") }
    /// Mean word confidence in [0, 1]; 0 when nothing was read.
    var confidence: Double { words.isEmpty ? 0 : words.map(\.confidence).reduce(0, +) / Double(words.count) }
    var minConfidence: Double { words.map(\.confidence).min() ?? 0 }
    static func empty(_ box: PixelBox) -> ReadText { ReadText(words: [], box: box) }
}

/// How a rectangle is read: which model, which characters, one line or a block.
struct ReadSettings: Sendable, Hashable {
    /// `han`: Tesseract's Han (Simplified) script model — another network than `chi_sim`, trained on
    /// more fonts; it reads Latin too. Its mistakes differ from chi_sim's, which makes it the check.
    enum Model: Sendable, Hashable { case chinese, latin, han }
    var model: Model
    var whitelist: String?
    var singleLine: Bool
    /// Tesseract's raw-line mode (13): no layout analysis at all; a different path to the same text.
    var rawLine = false
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
    static let charge = ReadSettings(model: .latin, whitelist: "0123456789./ABCDEFGHIJKLMNOPQRSTUVWXYZ", singleLine: true)
    static let phone = ReadSettings(model: .latin, whitelist: "0123456789-", singleLine: true)
}

/// Owns one Tesseract instance per model and reads small padded crops of one page.
/// A crop with a white margin reads far better than a tight rectangle of the page.
final class CellRecognizer {
    private var chinese: OpaquePointer
    private var latin: OpaquePointer
    private var han: OpaquePointer
    private var page: Raster?
    private var cleanPage: Raster?
    private var dpi = 300

    init(tessdataDirectory: String) throws(FormReadError) {
        // Tesseract's OpenMP threads spin on a shared 2-core machine; workers run in parallel instead.
        setenv("OMP_THREAD_LIMIT", "1", 0)
        guard let c = TessBaseAPICreate(), let l = TessBaseAPICreate(), let h = TessBaseAPICreate() else { throw .engine("Tesseract could not be created") }
        chinese = c
        latin = l
        han = h
        let packages = ["chi_sim": "tesseract-ocr-chi-sim", "eng": "tesseract-ocr-eng", "HanS": "tesseract-ocr-script-hans"]
        for (handle, language) in [(c, "chi_sim"), (l, "eng"), (h, "HanS")] {
            // LSTM only (OEM 1): the legacy engine is not shipped in Debian's tessdata_fast/best files.
            if TessBaseAPIInit2(handle, tessdataDirectory, language, OEM_LSTM_ONLY) != 0 {
                for handle in [c, l, h] { TessBaseAPIDelete(handle) }
                throw .engine("the language data '\(language)' is missing in \(tessdataDirectory); install the Debian package \(packages[language] ?? language) (scripts/setup.sh does)")
            }
            _ = TessBaseAPISetVariable(handle, "debug_file", "/dev/null")
            // Inverted-text retries double the time of low-confidence lines and never apply to a printed form.
            _ = TessBaseAPISetVariable(handle, "tessedit_do_invert", "0")
        }
    }

    deinit {
        TessBaseAPIEnd(chinese)
        TessBaseAPIDelete(chinese)
        TessBaseAPIEnd(latin)
        TessBaseAPIDelete(latin)
        TessBaseAPIEnd(han)
        TessBaseAPIDelete(han)
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
        let source2 = settings.scale == 1 ? crop : (crop.scaled(settings.scale) ?? crop)
        guard let padded = source2.bordered(margin) else { return .empty(rect) }
        let started = Self.debug ? DispatchTime.now().uptimeNanoseconds : 0
        let handle = switch settings.model { case .chinese: chinese; case .latin: latin; case .han: han }
        TessBaseAPISetPageSegMode(handle, settings.singleWord ? PSM_SINGLE_WORD : settings.rawLine ? PSM_RAW_LINE : settings.singleLine ? PSM_SINGLE_LINE : PSM_SINGLE_BLOCK)
        _ = TessBaseAPISetVariable(handle, "tessedit_char_whitelist", settings.whitelist ?? "")
        TessBaseAPISetImage2(handle, padded.pix)
        TessBaseAPISetSourceResolution(handle, Int32(Double(dpi) * settings.scale))
        defer { TessBaseAPIClear(handle) }
        guard TessBaseAPIRecognize(handle, nil) == 0, let iterator = TessBaseAPIGetIterator(handle) else { return .empty(rect) }
        defer { TessResultIteratorDelete(iterator) }
        var words: [ReadWord] = []
        let pageIterator = TessResultIteratorGetPageIterator(iterator)
        repeat {
            guard let cText = TessResultIteratorGetUTF8Text(iterator, RIL_WORD) else { continue }
            let text = String(cString: cText)
            TessDeleteText(cText)
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty { continue }
            var l: Int32 = 0, t: Int32 = 0, r: Int32 = 0, b: Int32 = 0
            _ = TessPageIteratorBoundingBox(pageIterator, RIL_WORD, &l, &t, &r, &b)
            let confidence = Double(TessResultIteratorConfidence(iterator, RIL_WORD)) / 100
            let f = settings.scale
            let box = PixelBox(x: rect.x + Int(Double(Int(l) - margin) / f), y: rect.y + Int(Double(Int(t) - margin) / f),
                               width: Int(Double(r - l) / f), height: Int(Double(b - t) / f))
            words.append(ReadWord(text: trimmed, box: box, confidence: max(0, min(1, confidence))))
        } while TessResultIteratorNext(iterator, RIL_WORD) != 0
        if Self.debug {
            let shown = words.map { String(format: "%@(%.2f)", $0.text, $0.confidence) }.joined(separator: " ")
            let ms = (DispatchTime.now().uptimeNanoseconds - started) / 1_000_000
            FileHandle.standardError.write(Data("read \(ms)ms \(rect.x),\(rect.y) \(rect.width)x\(rect.height) \(settings.model) \(settings.whitelist ?? "-"): \(shown)\n".utf8))
        }
        return ReadText(words: words, box: rect)
    }

    /// `SECONDLINE_FORM_DEBUG=1` logs every read to stderr (for tuning, never in normal runs).
    static let debug = ProcessInfo.processInfo.environment["SECONDLINE_FORM_DEBUG"] == "1"
}
