import Foundation

/// The per-page outcome of reading a file: what normalization did and what was recognized.
public struct PageRecognition: Sendable, Codable {
    public var normalization: NormalizationReport
    public var result: OCRResult
    public var recognitionMilliseconds: Int
}

/// One file's pages, or the error that stopped it. Pages are processed one at a time, so memory holds
/// at most one decoded page regardless of page count.
public struct DocumentRecognizer: Sendable {
    public var limits: ImageIntakeLimits
    public var normalizer: PageNormalizer
    public var settings: RecognitionSettings

    public init(limits: ImageIntakeLimits = .default, normalizer: PageNormalizer = PageNormalizer(),
                settings: RecognitionSettings = .default) {
        self.limits = limits
        self.normalizer = normalizer
        self.settings = settings
    }

    /// Opens `path`, then for each page: decode → normalize → recognize → `handle(page)`.
    /// Throws the first error (naming file and page).
    public func recognize(path: String, engine: OCREngine, handle: (PageRecognition) throws -> Void) throws {
        let document = try ImageDocument(path: path, limits: limits)
        for index in 0..<document.pageCount {
            let page = try recognize(document: document, pageIndex: index, engine: engine)
            try handle(page)
        }
    }

    public func recognize(document: ImageDocument, pageIndex: Int, engine: OCREngine) throws -> PageRecognition {
        let normalized = try normalizer.normalize(try document.loadPage(pageIndex), using: engine)
        let started = DispatchTime.now().uptimeNanoseconds
        let result = try engine.recognize(image: normalized.image, settings: settings)
        engine.clearImage()
        return PageRecognition(normalization: normalized.report, result: result,
                               recognitionMilliseconds: Int((DispatchTime.now().uptimeNanoseconds - started) / 1_000_000))
    }
}

extension PageRecognition {
    /// The debugging view printed by `secondline ocr` without `--json`.
    public func humanReadable(file: String) -> String {
        let n = normalization
        var out = "== \(file), page \(n.page) ==\n"
        out += "source: \(n.sourceWidth)×\(n.sourceHeight) px, \(n.sourceBitsPerPixel) bpp, \(n.sourceDPI) DPI (\(n.dpiSource.rawValue))\n"
        out += String(format: "scale: ×%.3f → %d DPI, %d×%d px\n", n.scaleFactor, n.outputDPI, n.outputWidth, n.outputHeight)
        if let o = n.orientation {
            out += String(format: "orientation: %@ (OSD %d°, confidence %.2f, script %@)\n",
                          n.orientationNote, o.quarterTurnsToUpright * 90, o.confidence, o.script)
        } else {
            out += "orientation: \(n.orientationNote)\n"
        }
        if let skew = n.skewMeasuredDegrees {
            out += String(format: "skew: measured %.2f° (confidence %.1f), corrected %.2f°\n", skew, n.skewConfidence ?? 0, n.skewCorrectedDegrees)
        } else {
            out += "skew: not measurable\n"
        }
        out += "normalization \(n.normalizationTime) ms, recognition \(recognitionMilliseconds) ms, "
        out += String(format: "mean confidence %.2f, %d lines, %d words\n", result.meanConfidence, result.lines.count, result.words.count)
        for (index, line) in result.lines.enumerated() {
            out += String(format: "line %d  [%d,%d %d×%d] %.2f  %@\n", index + 1, line.box.x, line.box.y, line.box.width,
                          line.box.height, line.confidence, line.text)
            for word in line.words {
                out += String(format: "    [%5d,%5d %4d×%3d] %.2f  %@\n", word.box.x, word.box.y, word.box.width, word.box.height,
                              word.confidence, word.text)
            }
        }
        return out
    }
}

extension NormalizationReport {
    fileprivate var normalizationTime: Int { milliseconds }
}
