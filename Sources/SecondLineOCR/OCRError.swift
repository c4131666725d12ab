import Foundation

/// Everything that can go wrong between a file on disk and recognized words.
/// Messages name the file and (1-based) page and say what to do, for a customs broker, not a programmer.
public enum OCRError: Error, Sendable, Equatable, CustomStringConvertible, LocalizedError {
    case fileNotFound(file: String)
    case unreadableFile(file: String, reason: String)
    case emptyFile(file: String)
    case fileTooLarge(file: String, bytes: Int, limit: Int)
    case unrecognizedFormat(file: String, detail: String)
    case truncated(file: String, page: Int?, format: String)
    case imageTooLarge(file: String, page: Int, width: Int, height: Int, limit: ImageIntakeLimits)
    case tooManyPages(file: String, pages: Int, limit: Int)
    case encryptedPDF(file: String)
    case brokenPDF(file: String, page: Int?, detail: String)
    case toolMissing(tool: String, debianPackage: String)
    case decodeFailed(file: String, page: Int, format: String)
    case pageOutOfRange(file: String, page: Int, pageCount: Int)
    case tessdataNotFound(searched: [String])
    case languageMissing(language: String, tessdata: String, debianPackage: String)
    case engineInitFailed(languages: String, tessdata: String)
    case recognitionFailed(detail: String)
    case noImageSet
    case invalidRectangle(PixelRect, imageWidth: Int, imageHeight: Int)
    case imageOperationFailed(operation: String)

    public var description: String {
        switch self {
        case let .fileNotFound(file):
            return "\(file): file not found."
        case let .unreadableFile(file, reason):
            return "\(file): cannot be read (\(reason))."
        case let .emptyFile(file):
            return "\(file): the file is empty (0 bytes); the scan was probably not saved completely. Scan or copy it again."
        case let .fileTooLarge(file, bytes, limit):
            return "\(file): the file is \(bytes) bytes, more than the allowed \(limit) bytes. Scan at 300 DPI or split the file."
        case let .unrecognizedFormat(file, detail):
            return "\(file): not a supported image or PDF (\(detail)). Supported: PNG, JPEG, TIFF, PDF, BMP, PNM, WebP, GIF."
        case let .truncated(file, page, format):
            return "\(file)\(Self.pageText(page)): the \(format) file is cut off (incomplete or half-written). Copy or scan it again."
        case let .imageTooLarge(file, page, width, height, limit):
            return "\(file), page \(page): the image claims \(width)×\(height) pixels, above the limit of "
                + "\(limit.maxWidth)×\(limit.maxHeight) (\(limit.maxPixels / 1_000_000) megapixels). Scan at 300 DPI."
        case let .tooManyPages(file, pages, limit):
            return "\(file): \(pages) pages, more than the allowed \(limit). Split the document, one declaration per file."
        case let .encryptedPDF(file):
            return "\(file): the PDF is password-protected. Save an unprotected copy and try again."
        case let .brokenPDF(file, page, detail):
            return "\(file)\(Self.pageText(page)): the PDF is damaged and cannot be read (\(detail)). Export or scan it again."
        case let .toolMissing(tool, package):
            return "The program '\(tool)' is needed to read PDFs but is not installed; install the Debian package \(package)."
        case let .decodeFailed(file, page, format):
            return "\(file), page \(page): the \(format) image data is damaged and cannot be decoded. Copy or scan it again."
        case let .pageOutOfRange(file, page, count):
            return "\(file): there is no page \(page); the document has \(count) page(s)."
        case let .tessdataNotFound(searched):
            return "Tesseract language data not found (looked in: \(searched.joined(separator: ", "))). "
                + "Install tesseract-ocr-eng, tesseract-ocr-chi-sim and tesseract-ocr-osd, or pass --tessdata DIR."
        case let .languageMissing(language, tessdata, package):
            return "Tesseract language '\(language)' is not installed in \(tessdata); install the Debian package \(package)."
        case let .engineInitFailed(languages, tessdata):
            return "Tesseract could not load languages '\(languages)' from \(tessdata); the language files may be damaged. Reinstall them."
        case let .recognitionFailed(detail):
            return "Text recognition failed: \(detail)."
        case .noImageSet:
            return "Internal error: recognize(rect:) was called before setImage(_:)."
        case let .invalidRectangle(rect, width, height):
            return "Internal error: rectangle \(rect) lies outside the \(width)×\(height) page."
        case let .imageOperationFailed(operation):
            return "Image processing failed: \(operation)."
        }
    }

    public var errorDescription: String? { description }

    private static func pageText(_ page: Int?) -> String {
        page.map { ", page \($0)" } ?? ""
    }
}
