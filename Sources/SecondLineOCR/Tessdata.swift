import Foundation

/// Finds Tesseract's language data: an explicit directory (`--tessdata`), then `TESSDATA_PREFIX`,
/// then the Debian defaults.
public struct Tessdata: Sendable, Hashable {
    /// The directory holding `*.traineddata` files.
    public let directory: String

    public static let debianDefaults = [
        "/usr/share/tesseract-ocr/5/tessdata",
        "/usr/share/tesseract-ocr/4.00/tessdata",
    ]

    public init(directory: String) {
        self.directory = directory
    }

    /// - Parameters:
    ///   - explicitPath: a directory given by the user; when set it must be valid (no silent fallback).
    ///   - environment: used for `TESSDATA_PREFIX` (the tessdata directory itself or its parent).
    public static func locate(explicitPath: String? = nil,
                              environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Tessdata {
        if let explicitPath {
            if let directory = resolve(explicitPath) { return Tessdata(directory: directory) }
            throw OCRError.tessdataNotFound(searched: [explicitPath])
        }
        var searched: [String] = []
        if let prefix = environment["TESSDATA_PREFIX"], !prefix.isEmpty {
            if let directory = resolve(prefix) { return Tessdata(directory: directory) }
            searched.append("TESSDATA_PREFIX=\(prefix)")
        }
        for candidate in debianDefaults {
            if let directory = resolve(candidate) { return Tessdata(directory: directory) }
            searched.append(candidate)
        }
        throw OCRError.tessdataNotFound(searched: searched)
    }

    /// Accepts the tessdata directory or its parent.
    private static func resolve(_ path: String) -> String? {
        let trimmed = path.hasSuffix("/") && path.count > 1 ? String(path.dropLast()) : path
        for candidate in [trimmed, trimmed + "/tessdata"] where containsTrainedData(candidate) {
            return candidate
        }
        return nil
    }

    private static func containsTrainedData(_ directory: String) -> Bool {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return files.contains { $0.hasSuffix(".traineddata") }
    }

    /// Throws `languageMissing` (naming the Debian package) for the first language in `languages`
    /// ("chi_sim+eng") without a traineddata file.
    public func checkInstalled(_ languages: String) throws {
        for language in Self.components(languages) {
            let file = "\(directory)/\(language).traineddata"
            if !FileManager.default.fileExists(atPath: file) {
                throw OCRError.languageMissing(language: language, tessdata: directory, debianPackage: Self.debianPackage(for: language))
            }
        }
    }

    static func components(_ languages: String) -> [String] {
        languages.split(separator: "+").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// `chi_sim` → `tesseract-ocr-chi-sim`, `eng` → `tesseract-ocr-eng`, `osd` → `tesseract-ocr-osd`;
    /// script models (capitalized, `HanS`) → `tesseract-ocr-script-hans`.
    public static func debianPackage(for language: String) -> String {
        let name = language.lowercased().replacingOccurrences(of: "_", with: "-")
        let isScript = language.first?.isUppercase == true
        return (isScript ? "tesseract-ocr-script-" : "tesseract-ocr-") + name
    }
}
