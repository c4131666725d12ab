import Foundation

/// Where a page's resolution came from.
public enum DPISource: String, Sendable, Codable {
    /// Resolution recorded in the file (PNG pHYs, JPEG JFIF, TIFF XResolution).
    case metadata
    /// No (plausible) resolution in the file: estimated from the pixel size assuming an A4 page.
    case estimatedFromA4
    /// A PDF page rendered by us at a known resolution.
    case rasterized
}

/// A decoded page plus what we know about its resolution.
public struct LoadedPage {
    public let image: PageImage
    public let pageIndex: Int
    public let dpi: Int
    public let dpiSource: DPISource
}

/// An input file whose format, page count and page sizes have been checked against limits without
/// decoding pixels. Pages are decoded one at a time by `loadPage(_:)`, so memory stays bounded by one page.
///
/// PDF pages are rasterized by poppler's `pdftoppm` run as a subprocess (and checked with `pdfinfo` first)
/// rather than by linking poppler-glib: a malformed or hostile PDF can crash or hang only the child process,
/// not the whole batch; it adds no GLib/cairo link dependencies to the package; and `pdftoppm -gray` hands
/// back exactly the 8-bit grayscale raster we need at 300 DPI. The cost (a process spawn per page, ~20 ms)
/// is small next to recognition.
public struct ImageDocument: Sendable {
    public let path: String
    public let format: ImageFormat
    public let pageCount: Int
    public let pageHeaders: [PageHeader]
    public let limits: ImageIntakeLimits
    private let data: Data

    /// The resolution PDF pages are rendered at.
    public static let pdfRenderDPI = 300

    public init(path: String, limits: ImageIntakeLimits = .default) throws {
        self.path = path
        self.limits = limits
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw OCRError.fileNotFound(file: path)
        }
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        let size = (attributes?[.size] as? NSNumber)?.intValue ?? 0
        if size == 0 { throw OCRError.emptyFile(file: path) }
        if size > limits.maxFileBytes { throw OCRError.fileTooLarge(file: path, bytes: size, limit: limits.maxFileBytes) }
        let data: Data
        do {
            // Read, never memory-map: a scanner still writing the file could shrink it under us (SIGBUS).
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw OCRError.unreadableFile(file: path, reason: error.localizedDescription)
        }
        if data.isEmpty { throw OCRError.emptyFile(file: path) }
        guard let format = ImageFormat.detect(data) else {
            throw OCRError.unrecognizedFormat(file: path, detail: Self.describeUnknown(data))
        }
        self.format = format
        if format == .pdf {
            self.pageHeaders = try PDFTools.inspect(path: path, limits: limits)
            self.data = Data()  // pdftoppm reads the file itself
        } else {
            self.pageHeaders = try HeaderInspector.inspect(data, format: format, file: path, limits: limits)
            self.data = data
        }
        self.pageCount = pageHeaders.count
    }

    /// Decodes page `index` (0-based).
    public func loadPage(_ index: Int) throws -> LoadedPage {
        guard index >= 0, index < pageCount else {
            throw OCRError.pageOutOfRange(file: path, page: index + 1, pageCount: pageCount)
        }
        let image: PageImage
        do {
            switch format {
            case .pdf:
                image = try PDFTools.rasterize(path: path, pageIndex: index, dpi: Self.pdfRenderDPI)
            case .tiff:
                image = try PageImage(tiffData: data, pageIndex: index)
            default:
                image = try PageImage(data: data)
            }
        } catch let error as OCRError {
            if case .imageOperationFailed = error {
                throw OCRError.decodeFailed(file: path, page: index + 1, format: format.displayName)
            }
            throw error
        }
        // Defence in depth: the decoder must agree with the header we checked.
        guard limits.allows(width: image.width, height: image.height) else {
            throw OCRError.imageTooLarge(file: path, page: index + 1, width: image.width, height: image.height, limit: limits)
        }
        if format == .pdf {
            image.setDPI(Self.pdfRenderDPI)
            return LoadedPage(image: image, pageIndex: index, dpi: Self.pdfRenderDPI, dpiSource: .rasterized)
        }
        let metadataDPI = image.dpi > 0 ? image.dpi : (pageHeaders[index].dpi ?? 0)
        if Self.isPlausible(dpi: metadataDPI, width: image.width, height: image.height) {
            image.setDPI(metadataDPI)
            return LoadedPage(image: image, pageIndex: index, dpi: metadataDPI, dpiSource: .metadata)
        }
        let estimate = Self.estimateA4DPI(width: image.width, height: image.height)
        image.setDPI(estimate)
        return LoadedPage(image: image, pageIndex: index, dpi: estimate, dpiSource: .estimatedFromA4)
    }

    /// DPI assuming the page is A4 (210 × 297 mm) in either orientation, from the long side.
    public static func estimateA4DPI(width: Int, height: Int) -> Int {
        let longSidePixels = Double(max(width, height))
        return max(1, Int((longSidePixels / (297.0 / 25.4)).rounded()))
    }

    /// Metadata DPI is often a meaningless default (72, or 1 "unit"). We trust it only if it makes the page
    /// between A6 and A3 in size; otherwise the A4 estimate is closer to the truth for our scanned forms.
    static func isPlausible(dpi: Int, width: Int, height: Int) -> Bool {
        guard dpi >= 50, dpi <= 2400 else { return false }
        let longSideMm = Double(max(width, height)) / Double(dpi) * 25.4
        return longSideMm >= 140 && longSideMm <= 430
    }

    private static func describeUnknown(_ data: Data) -> String {
        let head = data.prefix(512)
        let printable = head.allSatisfy { $0 == 0x09 || $0 == 0x0A || $0 == 0x0D || ($0 >= 0x20 && $0 < 0x7F) || $0 >= 0x80 }
        if printable, String(data: head, encoding: .utf8) != nil { return "it contains text, not an image" }
        let hex = data.prefix(8).map { String(format: "%02X", $0) }.joined(separator: " ")
        return "unknown leading bytes \(hex)"
    }
}
