import Foundation

/// What normalization did to one page (shown by `secondline ocr` and kept with results for debugging).
public struct NormalizationReport: Sendable, Hashable, Codable {
    /// 1-based page number in the source file.
    public var page: Int
    public var sourceWidth: Int
    public var sourceHeight: Int
    public var sourceBitsPerPixel: Int
    public var sourceDPI: Int
    public var dpiSource: DPISource
    /// Factor applied to reach the target DPI (1 when already close enough).
    public var scaleFactor: Double
    /// Tesseract's orientation estimate, when it could make one.
    public var orientation: OrientationEstimate?
    /// Clockwise rotation applied to make the text upright: 0, 90, 180 or 270.
    public var rotationAppliedDegrees: Int
    /// Human-readable note on the orientation decision.
    public var orientationNote: String
    /// Skew measured after orientation correction (degrees; rotating by this straightens the text).
    public var skewMeasuredDegrees: Double?
    public var skewConfidence: Double?
    /// Rotation actually applied to correct skew (0 when none was needed or the measurement was unreliable).
    public var skewCorrectedDegrees: Double
    public var outputWidth: Int
    public var outputHeight: Int
    public var outputDPI: Int
    public var milliseconds: Int
}

/// A page ready for recognition: 8-bit gray, upright, straight, ~300 DPI.
public struct NormalizedPage {
    public let image: PageImage
    public let report: NormalizationReport
}

public struct NormalizationOptions: Sendable, Hashable {
    public var targetDPI = 300
    /// No rescaling when the source is within this fraction of the target (saves time, avoids blur).
    public var scaleTolerance = 0.1
    public var correctOrientation = true
    /// Below this Tesseract OSD confidence the page is left as it is.
    public var minimumOrientationConfidence = 1.5
    /// OSD runs on a copy reduced to this resolution, for speed.
    public var orientationDPI = 150
    /// When OSD is unsure (Chinese-only pages often are: Han characters look alike in every direction),
    /// recognize the reduced copy both as-is and turned as OSD suggests, and keep the reading with clearly
    /// higher word confidence. Costs two quick recognitions, only on unsure pages.
    public var verifyUnsureOrientation = true
    /// Languages for that check; nil means the engine's default language set.
    public var orientationCheckLanguages: String?
    public var correctSkew = true
    public var maximumSkewDegrees = 5.0
    /// Smaller angles are not worth a resampling pass.
    public var minimumSkewDegrees = 0.1
    /// Leptonica's skew confidence below which the measurement is ignored (Leptonica's own default is 3).
    public var minimumSkewConfidence = 3.0

    public init() {}

    public static let `default` = NormalizationOptions()
}

/// Grayscale → scale to ~300 DPI → orientation (Tesseract OSD on a reduced copy) → skew (Leptonica).
public struct PageNormalizer: Sendable {
    public var options: NormalizationOptions

    public init(options: NormalizationOptions = .default) {
        self.options = options
    }

    /// `engine` is used for orientation detection (its `osd` instance); it must have osd.traineddata.
    /// Without an engine the orientation is not checked.
    public func normalize(_ loaded: LoadedPage, using engine: OCREngine?) throws -> NormalizedPage {
        let started = DispatchTime.now().uptimeNanoseconds
        let source = loaded.image
        var page = try source.grayscale()
        page.setDPI(loaded.dpi)

        var scale = Double(options.targetDPI) / Double(max(1, loaded.dpi))
        if abs(scale - 1) > options.scaleTolerance {
            page = try page.scaled(by: scale)
        } else {
            scale = 1
        }
        let dpi = Int((Double(loaded.dpi) * scale).rounded())
        page.setDPI(dpi)

        var estimate: OrientationEstimate?
        var turns = 0
        var note = "not checked"
        if options.correctOrientation, let engine {
            let reduction = min(1, Double(options.orientationDPI) / Double(dpi))
            let small = reduction < 0.95 ? try page.scaled(by: reduction) : page
            estimate = try engine.detectOrientation(small)
            if let estimate {
                if estimate.quarterTurnsToUpright == 0 {
                    note = "upright"
                } else if estimate.confidence >= options.minimumOrientationConfidence {
                    turns = estimate.quarterTurnsToUpright
                    note = "turned \(turns * 90)° clockwise"
                } else if options.verifyUnsureOrientation {
                    // One horizontal block: automatic layout would find "vertical text" on a turned page and read it well.
                    let check = RecognitionSettings(languages: options.orientationCheckLanguages ?? engine.defaultLanguages,
                                                    pageSegmentation: .singleBlock)
                    let asIs = try engine.recognize(image: small, settings: check).meanConfidence
                    let turned = try small.rotated(quarterTurnsClockwise: estimate.quarterTurnsToUpright)
                    let suggested = try engine.recognize(image: turned, settings: check).meanConfidence
                    engine.clearImage()
                    if suggested > asIs + 0.1 {
                        turns = estimate.quarterTurnsToUpright
                        note = String(format: "turned %d° clockwise (OSD unsure, confidence %.2f; word confidence %.2f turned vs %.2f as is)",
                                      turns * 90, estimate.confidence, suggested, asIs)
                    } else {
                        note = String(format: "left as is (OSD suggested %d° with confidence %.2f; word confidence %.2f turned vs %.2f as is)",
                                      estimate.quarterTurnsToUpright * 90, estimate.confidence, suggested, asIs)
                    }
                } else {
                    note = String(format: "OSD suggests %d° but is unsure (confidence %.2f); left as is",
                                  estimate.quarterTurnsToUpright * 90, estimate.confidence)
                }
            } else {
                note = "too little text to detect orientation; left as is"
            }
        }
        if turns != 0 {
            page = try page.rotated(quarterTurnsClockwise: turns)
            page.setDPI(dpi)
        }

        var skew: (degrees: Double, confidence: Double)?
        var corrected = 0.0
        if options.correctSkew {
            skew = try page.measureSkew(maxDegrees: options.maximumSkewDegrees)
            if let skew, abs(skew.degrees) >= options.minimumSkewDegrees, skew.confidence >= options.minimumSkewConfidence {
                page = try page.rotated(byDegrees: skew.degrees)
                page.setDPI(dpi)
                corrected = skew.degrees
            }
        }

        let report = NormalizationReport(
            page: loaded.pageIndex + 1, sourceWidth: source.width, sourceHeight: source.height,
            sourceBitsPerPixel: source.depth, sourceDPI: loaded.dpi, dpiSource: loaded.dpiSource,
            scaleFactor: scale, orientation: estimate, rotationAppliedDegrees: turns * 90, orientationNote: note,
            skewMeasuredDegrees: skew?.degrees, skewConfidence: skew?.confidence, skewCorrectedDegrees: corrected,
            outputWidth: page.width, outputHeight: page.height, outputDPI: dpi,
            milliseconds: Int((DispatchTime.now().uptimeNanoseconds - started) / 1_000_000))
        return NormalizedPage(image: page, report: report)
    }
}
