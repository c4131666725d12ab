import ArgumentParser
import Foundation
import SecondLineOCR

/// `secondline ocr FILE`: the debugging view of the OCR layer — per page, the normalization applied
/// (DPI, scale, rotation, skew) and every word with its box and confidence.
struct OCRCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ocr",
        abstract: "Recognize the text of a scanned page, image or PDF and show every word with its box and confidence.",
        discussion: """
            Input: PNG, JPEG, TIFF (multi-page, CCITT G4), PDF (pages rendered at 300 DPI by pdftoppm), BMP, PNM, \
            WebP, GIF. The format is told from the content, not the name.
            Exit status: 0 success, 2 the file could not be read, 64 usage.
            """
    )

    @Argument(help: "The file to read.")
    var file: String

    @Flag(help: "Print machine-readable JSON on stdout.")
    var json = false

    @Option(help: "Tesseract language data directory (default: TESSDATA_PREFIX, then /usr/share/tesseract-ocr/5/tessdata).")
    var tessdata: String?

    @Option(help: "Tesseract languages, joined with '+'.")
    var lang = "chi_sim+eng"

    @Option(help: "Tesseract page segmentation mode 0-13 (3 = automatic, 6 = one block, 7 = one line).")
    var psm: Int32 = 3

    @Option(help: "Refuse documents with more pages than this.")
    var maxPages = ImageIntakeLimits.default.maxPages

    @Flag(help: "Skip orientation and skew correction (grayscale and 300 DPI scaling still apply).")
    var noCorrection = false

    mutating func validate() throws {
        guard PageSegmentationMode(rawValue: psm) != nil else {
            throw ValidationError("--psm must be between 0 and 13.")
        }
    }

    mutating func run() throws {
        var limits = ImageIntakeLimits.default
        limits.maxPages = maxPages
        var options = NormalizationOptions.default
        if noCorrection {
            options.correctOrientation = false
            options.correctSkew = false
        }
        let settings = RecognitionSettings(languages: lang, pageSegmentation: PageSegmentationMode(rawValue: psm) ?? .auto)
        let recognizer = DocumentRecognizer(limits: limits, normalizer: PageNormalizer(options: options), settings: settings)

        let engine: OCREngine
        do {
            engine = try OCREngine(tessdataPath: tessdata, languages: lang)
        } catch {
            Self.printError("\(error)")
            throw ExitCode(2)
        }

        var pages: [PageRecognition] = []
        do {
            try recognizer.recognize(path: file, engine: engine) { page in
                if json {
                    pages.append(page)
                } else {
                    FileHandle.standardOutput.write(Data((page.humanReadable(file: file) + "\n").utf8))
                }
            }
        } catch {
            Self.printError("\(error)")
            throw ExitCode(2)
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            let output = OCRCommandOutput(file: file, languages: lang, pages: pages)
            FileHandle.standardOutput.write(try encoder.encode(output))
            FileHandle.standardOutput.write(Data("\n".utf8))
        }
    }

    private static func printError(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }
}

/// The JSON shape of `secondline ocr --json`.
private struct OCRCommandOutput: Encodable {
    var file: String
    var languages: String
    var pages: [PageRecognition]
}
