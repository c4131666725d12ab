import CLeptonica
import CTesseract
import Foundation

/// Tesseract, in process. Owns one `TessBaseAPI` per language set it has been asked for
/// (created and initialized on first use, ended and deleted in `deinit`).
///
/// Not thread-safe: use one engine per worker (see `OCREnginePool`). The fast path for reading many
/// fields of one page is `setImage(_:)` once, then many `recognize(rect:settings:)` calls: Tesseract keeps
/// the page and only thresholds and recognizes each rectangle.
public final class OCREngine {
    public let tessdata: Tessdata
    public let defaultLanguages: String
    /// Whether Tesseract re-reads low-confidence lines as inverted (light on dark) text (`tessedit_do_invert`).
    public let retriesInvertedText: Bool

    private var handles: [String: OpaquePointer] = [:]
    /// Which image generation each handle currently holds, so switching languages re-sends the page only once.
    private var generationOnHandle: [String: Int] = [:]
    private var image: PageImage?
    private var imageGeneration = 0

    /// - Parameters:
    ///   - tessdata: where the language data lives (see `Tessdata.locate`).
    ///   - languages: the language set initialized now (so a missing language fails here, not mid-batch).
    ///   - retriesInvertedText: false switches off Tesseract's second, inverted read of low-confidence lines:
    ///     it roughly doubles their time and never helps dark print on light paper (forms, letters).
    public init(tessdata: Tessdata, languages: String = "eng", retriesInvertedText: Bool = true) throws {
        _ = Leptonica.quiet
        self.tessdata = tessdata
        self.defaultLanguages = languages
        self.retriesInvertedText = retriesInvertedText
        _ = try handle(for: languages)
    }

    /// Locates tessdata (`tessdataPath`, then `TESSDATA_PREFIX`, then Debian defaults) and initializes `languages`.
    public convenience init(tessdataPath: String? = nil, languages: String = "eng", retriesInvertedText: Bool = true) throws {
        try self.init(tessdata: Tessdata.locate(explicitPath: tessdataPath), languages: languages,
                      retriesInvertedText: retriesInvertedText)
    }

    /// Initializes the Tesseract instance for another language set now, so that a missing language
    /// fails here and not at the first `recognize` that needs it. Does nothing when already loaded.
    public func prepare(languages: String) throws {
        _ = try handle(for: languages)
    }

    deinit {
        for handle in handles.values {
            TessBaseAPIEnd(handle)
            TessBaseAPIDelete(handle)
        }
    }

    /// The language sets this engine has initialized.
    public var loadedLanguageSets: [String] { handles.keys.sorted() }

    private func handle(for languages: String) throws -> OpaquePointer {
        if let handle = handles[languages] { return handle }
        try tessdata.checkInstalled(languages)
        guard let handle = TessBaseAPICreate() else {
            throw OCRError.engineInitFailed(languages: languages, tessdata: tessdata.directory)
        }
        // OSD needs the legacy engine; recognition uses the LSTM engine only (faster, better).
        let mode = languages == "osd" ? OEM_TESSERACT_ONLY : OEM_LSTM_ONLY
        guard TessBaseAPIInit2(handle, tessdata.directory, languages, mode) == 0 else {
            TessBaseAPIDelete(handle)
            throw OCRError.engineInitFailed(languages: languages, tessdata: tessdata.directory)
        }
        // Tesseract's own warnings ("Estimating resolution…", "Empty page!!") would clutter stderr.
        _ = TessBaseAPISetVariable(handle, "debug_file", "/dev/null")
        if !retriesInvertedText {
            _ = TessBaseAPISetVariable(handle, "tessedit_do_invert", "0")
        }
        handles[languages] = handle
        return handle
    }

    /// Makes `page` the image for subsequent `recognize(rect:settings:)` calls. Cheap: the page is handed
    /// to Tesseract lazily, once per language set.
    public func setImage(_ page: PageImage) {
        image = page
        imageGeneration += 1
    }

    /// Drops the current page (and Tesseract's copies and results), releasing its memory.
    public func clearImage() {
        image = nil
        imageGeneration += 1
        for handle in handles.values { TessBaseAPIClear(handle) }
        generationOnHandle.removeAll()
    }

    /// Recognizes `rect` (or the whole page when nil) of the image from `setImage(_:)`.
    /// Word and line boxes are in page coordinates, not relative to `rect`.
    public func recognize(rect: PixelRect? = nil, settings: RecognitionSettings = .default) throws -> OCRResult {
        guard let image else { throw OCRError.noImageSet }
        let handle = try handle(for: settings.languages)
        if generationOnHandle[settings.languages] != imageGeneration {
            TessBaseAPISetImage2(handle, image.pix)
            generationOnHandle[settings.languages] = imageGeneration
        }
        let area = rect ?? PixelRect(x: 0, y: 0, width: image.width, height: image.height)
        guard let clipped = area.intersection(PixelRect(x: 0, y: 0, width: image.width, height: image.height)) else {
            throw OCRError.invalidRectangle(area, imageWidth: image.width, imageHeight: image.height)
        }
        TessBaseAPISetPageSegMode(handle, TessPageSegMode(rawValue: UInt32(settings.pageSegmentation.rawValue)))
        if let whitelist = settings.characterWhitelist {
            _ = TessBaseAPISetVariable(handle, "tessedit_char_whitelist", whitelist)
        }
        defer {
            if settings.characterWhitelist != nil {
                _ = TessBaseAPISetVariable(handle, "tessedit_char_whitelist", "")
            }
        }
        TessBaseAPISetRectangle(handle, Int32(clipped.x), Int32(clipped.y), Int32(clipped.width), Int32(clipped.height))
        TessBaseAPISetSourceResolution(handle, Int32(settings.dpi ?? (image.dpi > 0 ? image.dpi : 300)))
        guard TessBaseAPIRecognize(handle, nil) == 0 else {
            throw OCRError.recognitionFailed(detail: "Tesseract could not recognize region \(clipped)")
        }
        return Self.collectResult(handle)
    }

    /// `setImage(image)` then `recognize(rect:settings:)`.
    public func recognize(image page: PageImage, rect: PixelRect? = nil, settings: RecognitionSettings = .default) throws -> OCRResult {
        setImage(page)
        return try recognize(rect: rect, settings: settings)
    }

    /// Walks Tesseract's result iterator at word level, opening a new line at each text-line start.
    /// Every returned string is freed with TessDeleteText; the iterator with TessResultIteratorDelete.
    private static func collectResult(_ handle: OpaquePointer) -> OCRResult {
        guard let iterator = TessBaseAPIGetIterator(handle) else { return .empty }
        defer { TessResultIteratorDelete(iterator) }
        guard let pageIterator = TessResultIteratorGetPageIteratorConst(iterator) else { return .empty }

        func text(_ level: TessPageIteratorLevel) -> String {
            guard let pointer = TessResultIteratorGetUTF8Text(iterator, level) else { return "" }
            defer { TessDeleteText(pointer) }
            return String(cString: pointer)
        }
        func box(_ level: TessPageIteratorLevel) -> PixelRect? {
            var left: Int32 = 0, top: Int32 = 0, right: Int32 = 0, bottom: Int32 = 0
            guard TessPageIteratorBoundingBox(pageIterator, level, &left, &top, &right, &bottom) != 0 else { return nil }
            return PixelRect(x: Int(left), y: Int(top), width: Int(right - left), height: Int(bottom - top))
        }
        func confidence(_ level: TessPageIteratorLevel) -> Double {
            // Tesseract gives 0...100 as a Float; four decimals are all the precision it has.
            (min(1, max(0, Double(TessResultIteratorConfidence(iterator, level)) / 100)) * 10_000).rounded() / 10_000
        }

        var lines: [RecognizedLine] = []
        var current: RecognizedLine?
        repeat {
            guard let wordBox = box(RIL_WORD) else { continue }
            if TessPageIteratorIsAtBeginningOf(pageIterator, RIL_TEXTLINE) != 0 || current == nil {
                if let finished = current { lines.append(finished) }
                let lineText = text(RIL_TEXTLINE).trimmingCharacters(in: .whitespacesAndNewlines)
                current = RecognizedLine(text: lineText, box: box(RIL_TEXTLINE) ?? wordBox,
                                         confidence: confidence(RIL_TEXTLINE), words: [])
            }
            let wordText = text(RIL_WORD).trimmingCharacters(in: .whitespacesAndNewlines)
            let wordConfidence = confidence(RIL_WORD)
            // The word's symbols: the iterator walks them and stays on the word's last one, from which
            // Next(RIL_WORD) goes on to the next word.
            var symbols: [RecognizedSymbol] = []
            repeat {
                if let symbolBox = box(RIL_SYMBOL) { symbols.append(RecognizedSymbol(text: text(RIL_SYMBOL), box: symbolBox)) }
            } while TessPageIteratorIsAtFinalElement(pageIterator, RIL_WORD, RIL_SYMBOL) == 0
                && TessResultIteratorNext(iterator, RIL_SYMBOL) != 0
            if !wordText.isEmpty {
                current?.words.append(RecognizedWord(text: wordText, box: wordBox, confidence: wordConfidence, symbols: symbols))
            }
        } while TessResultIteratorNext(iterator, RIL_WORD) != 0
        if let finished = current { lines.append(finished) }
        return OCRResult(lines: lines.filter { !$0.words.isEmpty })
    }

    /// Tesseract orientation detection (needs `osd.traineddata`, Debian package tesseract-ocr-osd).
    /// Run it on a reduced copy of the page (about 150 DPI is plenty). Returns nil when Tesseract finds
    /// too little text to decide.
    public func detectOrientation(_ page: PageImage) throws -> OrientationEstimate? {
        let handle = try handle(for: "osd")
        defer {
            TessBaseAPIClear(handle)
            generationOnHandle["osd"] = nil
        }
        TessBaseAPISetPageSegMode(handle, PSM_OSD_ONLY)
        TessBaseAPISetImage2(handle, page.pix)
        TessBaseAPISetSourceResolution(handle, Int32(page.dpi > 0 ? page.dpi : 300))
        var degrees: Int32 = 0
        var confidence: Float = 0
        var scriptConfidence: Float = 0
        // The script name points into Tesseract's own tables: it must NOT be freed.
        var script: UnsafePointer<CChar>?
        guard TessBaseAPIDetectOrientationScript(handle, &degrees, &confidence, &script, &scriptConfidence) != 0 else {
            return nil
        }
        // orient_deg is how far the page is turned clockwise from upright (measured: a page turned 90°
        // clockwise reports 90), so turning it back takes (360 - orient_deg) clockwise.
        let turns = (4 - (Int(degrees) / 90) % 4) % 4
        return OrientationEstimate(quarterTurnsToUpright: turns, confidence: Double(confidence),
                                   script: script.map { String(cString: $0) } ?? "",
                                   scriptConfidence: Double(scriptConfidence))
    }
}
