/// One character (or ligature) of a word, where the model placed it.
public struct RecognizedSymbol: Sendable, Hashable {
    public var text: String
    /// In page pixels (of the image given to the engine), origin top-left.
    public var box: PixelRect

    public init(text: String, box: PixelRect) {
        self.text = text
        self.box = box
    }
}

/// One recognized word.
public struct RecognizedWord: Sendable, Hashable, Codable {
    public var text: String
    /// In page pixels (of the image given to the engine), origin top-left.
    public var box: PixelRect
    /// 0...1 (Tesseract's 0...100 divided by 100).
    public var confidence: Double
    /// The word's characters with their boxes (not part of the JSON: the text says what was read).
    public var symbols: [RecognizedSymbol]

    public init(text: String, box: PixelRect, confidence: Double, symbols: [RecognizedSymbol] = []) {
        self.text = text
        self.box = box
        self.confidence = confidence
        self.symbols = symbols
    }

    private enum CodingKeys: String, CodingKey { case text, box, confidence }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(text: try container.decode(String.self, forKey: .text), box: try container.decode(PixelRect.self, forKey: .box),
                  confidence: try container.decode(Double.self, forKey: .confidence))
    }
}

/// One text line and its words, in reading order.
public struct RecognizedLine: Sendable, Hashable, Codable {
    public var text: String
    public var box: PixelRect
    public var confidence: Double
    public var words: [RecognizedWord]

    public init(text: String, box: PixelRect, confidence: Double, words: [RecognizedWord]) {
        self.text = text
        self.box = box
        self.confidence = confidence
        self.words = words
    }
}

/// What recognition of a page or a rectangle produced.
public struct OCRResult: Sendable, Hashable, Codable {
    /// Lines joined with "\n" (line text as Tesseract spaces it).
    public var text: String
    public var lines: [RecognizedLine]
    /// Mean of the word confidences, 0...1; 0 when nothing was recognized.
    public var meanConfidence: Double

    public var words: [RecognizedWord] { lines.flatMap(\.words) }

    public init(lines: [RecognizedLine]) {
        self.lines = lines
        self.text = lines.map(\.text).joined(separator: "\n")
        let words = lines.flatMap(\.words)
        self.meanConfidence = words.isEmpty ? 0 : words.map(\.confidence).reduce(0, +) / Double(words.count)
    }

    public static let empty = OCRResult(lines: [])
}

/// Tesseract page segmentation modes (`--psm`).
public enum PageSegmentationMode: Int32, Sendable, Hashable, Codable, CaseIterable {
    case osdOnly = 0
    case autoWithOSD = 1
    case autoOnly = 2
    case auto = 3
    case singleColumn = 4
    case singleBlockVertical = 5
    case singleBlock = 6
    case singleLine = 7
    case singleWord = 8
    case circleWord = 9
    case singleChar = 10
    case sparseText = 11
    case sparseTextWithOSD = 12
    case rawLine = 13
}

/// Per-call recognition settings.
public struct RecognitionSettings: Sendable, Hashable {
    /// Tesseract language set, e.g. "eng" or "chi_sim+eng". The engine keeps one initialized
    /// Tesseract instance per language set it has seen, so switching is cheap after the first use.
    public var languages: String
    public var pageSegmentation: PageSegmentationMode
    /// When set, only these characters can be recognized (`tessedit_char_whitelist`); reset after the call.
    public var characterWhitelist: String?
    /// Overrides the image's resolution for this call (Tesseract uses it to judge text size).
    public var dpi: Int?

    public init(languages: String = "eng", pageSegmentation: PageSegmentationMode = .auto,
                characterWhitelist: String? = nil, dpi: Int? = nil) {
        self.languages = languages
        self.pageSegmentation = pageSegmentation
        self.characterWhitelist = characterWhitelist
        self.dpi = dpi
    }

    public static let `default` = RecognitionSettings()
}

/// Tesseract's orientation estimate for a page.
public struct OrientationEstimate: Sendable, Hashable, Codable {
    /// Clockwise quarter turns that make the text upright (0...3).
    public var quarterTurnsToUpright: Int
    /// Tesseract's orientation confidence (unbounded; above ~2 is usually reliable).
    public var confidence: Double
    public var script: String
    public var scriptConfidence: Double
}
