import Foundation

/// Limits checked against file headers *before* any pixel memory is allocated.
public struct ImageIntakeLimits: Sendable, Hashable {
    public var maxWidth: Int
    public var maxHeight: Int
    public var maxPixels: Int
    public var maxPages: Int
    public var maxFileBytes: Int

    public init(maxWidth: Int = 12_000, maxHeight: Int = 12_000, maxPixels: Int = 150_000_000,
                maxPages: Int = 50, maxFileBytes: Int = 512 * 1024 * 1024) {
        self.maxWidth = maxWidth
        self.maxHeight = maxHeight
        self.maxPixels = maxPixels
        self.maxPages = maxPages
        self.maxFileBytes = maxFileBytes
    }

    public static let `default` = ImageIntakeLimits()

    func allows(width: Int, height: Int) -> Bool {
        width > 0 && height > 0 && width <= maxWidth && height <= maxHeight && width * height <= maxPixels
    }
}

/// File formats recognized from their leading bytes (never from the file name).
public enum ImageFormat: String, Sendable, Codable, CaseIterable {
    case png, jpeg, tiff, pdf, bmp, pnm, webp, gif, jpeg2000

    public var displayName: String {
        switch self {
        case .png: "PNG"
        case .jpeg: "JPEG"
        case .tiff: "TIFF"
        case .pdf: "PDF"
        case .bmp: "BMP"
        case .pnm: "PNM"
        case .webp: "WebP"
        case .gif: "GIF"
        case .jpeg2000: "JPEG 2000"
        }
    }

    /// Detects the format from magic bytes; nil when the data is none of the supported formats.
    public static func detect(_ data: Data) -> ImageFormat? {
        let bytes = [UInt8](data.prefix(16))
        func starts(_ prefix: [UInt8]) -> Bool { bytes.count >= prefix.count && Array(bytes[0..<prefix.count]) == prefix }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if starts([0xFF, 0xD8, 0xFF]) { return .jpeg }
        if starts([0x49, 0x49, 0x2A, 0x00]) || starts([0x4D, 0x4D, 0x00, 0x2A]) { return .tiff }
        if starts(Array("GIF87a".utf8)) || starts(Array("GIF89a".utf8)) { return .gif }
        if starts(Array("BM".utf8)) && bytes.count >= 14 { return .bmp }
        if starts(Array("RIFF".utf8)) && bytes.count >= 12 && Array(bytes[8..<12]) == Array("WEBP".utf8) { return .webp }
        if starts([0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50, 0x20, 0x20]) || starts([0xFF, 0x4F, 0xFF, 0x51]) { return .jpeg2000 }
        if bytes.count >= 3, bytes[0] == UInt8(ascii: "P"), (UInt8(ascii: "1")...UInt8(ascii: "6")).contains(bytes[1]),
           [0x20, 0x09, 0x0A, 0x0D].contains(bytes[2]) { return .pnm }
        // PDF allows junk before the header; readers search the first kilobyte.
        if data.prefix(1024).range(of: Data("%PDF-".utf8)) != nil { return .pdf }
        return nil
    }
}

/// What the header says about one page, read without decoding pixels.
public struct PageHeader: Sendable, Hashable {
    public var width: Int
    public var height: Int
    /// Horizontal resolution from metadata, when present.
    public var dpi: Int?
}

/// Header parsing for PNG, JPEG and TIFF (our own, so a hostile header is refused before Leptonica
/// allocates anything); other raster formats fall back to Leptonica's header-only reader.
enum HeaderInspector {
    static func inspect(_ data: Data, format: ImageFormat, file: String, limits: ImageIntakeLimits) throws -> [PageHeader] {
        let bytes = [UInt8](data)
        let headers: [PageHeader]
        switch format {
        case .png: headers = [try png(bytes, file: file)]
        case .jpeg: headers = [try jpeg(bytes, file: file)]
        case .tiff: headers = try tiff(bytes, file: file, limits: limits)
        case .pdf: preconditionFailure("PDF headers come from pdfinfo")
        default: headers = [try leptonicaHeader(data, format: format, file: file)]
        }
        if headers.count > limits.maxPages {
            throw OCRError.tooManyPages(file: file, pages: headers.count, limit: limits.maxPages)
        }
        for (index, header) in headers.enumerated() where header.width <= 0 || header.height <= 0 {
            throw OCRError.decodeFailed(file: file, page: index + 1, format: format.displayName)
        }
        for (index, header) in headers.enumerated() where !limits.allows(width: header.width, height: header.height) {
            throw OCRError.imageTooLarge(file: file, page: index + 1, width: header.width, height: header.height, limit: limits)
        }
        return headers
    }

    // MARK: PNG

    static func png(_ b: [UInt8], file: String) throws -> PageHeader {
        guard b.count >= 33, Array(b[12..<16]) == Array("IHDR".utf8) else {
            throw OCRError.truncated(file: file, page: 1, format: "PNG")
        }
        let width = Int(be32(b, 16)), height = Int(be32(b, 20))
        var dpi: Int?
        // Walk chunks: find pHYs, and require IEND so half-written files are caught before decoding.
        var offset = 8
        var sawEnd = false
        while offset + 8 <= b.count {
            let length = Int(be32(b, offset))
            let type = String(decoding: b[(offset + 4)..<(offset + 8)], as: UTF8.self)
            let dataStart = offset + 8
            guard length >= 0, dataStart + length + 4 <= b.count else { break }
            if type == "pHYs", length == 9, b[dataStart + 8] == 1 {
                let perMetre = Double(be32(b, dataStart))
                dpi = Int((perMetre * 0.0254).rounded())
            }
            if type == "IEND" { sawEnd = true; break }
            offset = dataStart + length + 4
        }
        guard sawEnd else { throw OCRError.truncated(file: file, page: 1, format: "PNG") }
        return PageHeader(width: width, height: height, dpi: dpi)
    }

    // MARK: JPEG

    static func jpeg(_ b: [UInt8], file: String) throws -> PageHeader {
        var offset = 2
        var dpi: Int?
        var size: (Int, Int)?
        while offset + 4 <= b.count {
            guard b[offset] == 0xFF else { break }
            let marker = b[offset + 1]
            if marker == 0xFF { offset += 1; continue }
            if marker == 0xD8 || (0xD0...0xD7).contains(marker) || marker == 0x01 { offset += 2; continue }
            if marker == 0xD9 || marker == 0xDA { break }  // end of image / start of scan data
            let length = Int(be16(b, offset + 2))
            let body = offset + 4
            guard length >= 2, offset + 2 + length <= b.count else { break }
            if marker == 0xE0, length >= 14, Array(b[body..<(body + 5)]) == [0x4A, 0x46, 0x49, 0x46, 0x00] {
                let unit = b[body + 7]
                let xDensity = Int(be16(b, body + 8))
                if unit == 1 { dpi = xDensity } else if unit == 2 { dpi = Int((Double(xDensity) * 2.54).rounded()) }
            }
            let startOfFrame: Set<UInt8> = [0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF]
            if startOfFrame.contains(marker), length >= 7 {
                size = (Int(be16(b, body + 3)), Int(be16(b, body + 1)))
            }
            offset += 2 + length
        }
        guard let (width, height) = size else { throw OCRError.truncated(file: file, page: 1, format: "JPEG") }
        // A complete JPEG ends with the EOI marker (some writers pad a few bytes after it).
        let tail = b.suffix(64)
        let hasEnd = zip(tail, tail.dropFirst()).contains { $0 == 0xFF && $1 == 0xD9 }
        guard hasEnd else { throw OCRError.truncated(file: file, page: 1, format: "JPEG") }
        return PageHeader(width: width, height: height, dpi: (dpi ?? 0) > 1 ? dpi : nil)
    }

    // MARK: TIFF

    static func tiff(_ b: [UInt8], file: String, limits: ImageIntakeLimits) throws -> [PageHeader] {
        guard b.count >= 8 else { throw OCRError.truncated(file: file, page: 1, format: "TIFF") }
        let little = b[0] == 0x49
        func u16(_ o: Int) -> UInt32 { little ? UInt32(b[o]) | UInt32(b[o + 1]) << 8 : UInt32(be16(b, o)) }
        func u32(_ o: Int) -> UInt32 {
            little ? UInt32(b[o]) | UInt32(b[o + 1]) << 8 | UInt32(b[o + 2]) << 16 | UInt32(b[o + 3]) << 24 : be32(b, o)
        }
        var pages: [PageHeader] = []
        var visited = Set<Int>()
        var ifd = Int(u32(4))
        while ifd != 0 {
            let page = pages.count + 1
            // Count pages past the cap (cheaply) so the message can say how many there are, but stop at 10,000.
            guard pages.count < 10_000 else { break }
            guard !visited.contains(ifd), ifd + 2 <= b.count else {
                throw OCRError.truncated(file: file, page: page, format: "TIFF")
            }
            visited.insert(ifd)
            let count = Int(u16(ifd))
            guard ifd + 2 + count * 12 + 4 <= b.count else { throw OCRError.truncated(file: file, page: page, format: "TIFF") }
            var width = 0, height = 0
            var xRes: Double?, unit: UInt32 = 2
            var offsets: [Int] = [], byteCounts: [Int] = []
            for entry in 0..<count {
                let e = ifd + 2 + entry * 12
                let tag = u16(e), type = u16(e + 2), n = Int(u32(e + 4))
                let typeSize: Int = switch type { case 3: 2; case 4: 4; case 5: 8; default: 1 }
                let inline = n * typeSize <= 4
                let valueOffset = inline ? e + 8 : Int(u32(e + 8))
                func values() throws -> [Int] {
                    guard n > 0, n < 10_000_000, valueOffset + n * typeSize <= b.count else {
                        throw OCRError.truncated(file: file, page: page, format: "TIFF")
                    }
                    return (0..<n).map { i in type == 3 ? Int(u16(valueOffset + i * 2)) : Int(u32(valueOffset + i * 4)) }
                }
                switch tag {
                case 256: width = try values().first ?? 0
                case 257: height = try values().first ?? 0
                case 273, 324: offsets = try values()
                case 279, 325: byteCounts = try values()
                case 296: unit = UInt32(try values().first ?? 2)
                case 282 where type == 5:
                    guard valueOffset + 8 <= b.count else { throw OCRError.truncated(file: file, page: page, format: "TIFF") }
                    let denominator = u32(valueOffset + 4)
                    if denominator != 0 { xRes = Double(u32(valueOffset)) / Double(denominator) }
                default: break
                }
            }
            // Only the first `maxPages` pages are checked for truncation; beyond that we only count.
            if pages.count < limits.maxPages {
                for (start, length) in zip(offsets, byteCounts) where start + length > b.count {
                    throw OCRError.truncated(file: file, page: page, format: "TIFF")
                }
                if offsets.isEmpty { throw OCRError.truncated(file: file, page: page, format: "TIFF") }
            }
            var dpi: Int?
            if let xRes, xRes > 1 { dpi = Int((unit == 3 ? xRes * 2.54 : xRes).rounded()) }
            pages.append(PageHeader(width: width, height: height, dpi: dpi))
            ifd = Int(u32(ifd + 2 + count * 12))
        }
        if pages.isEmpty { throw OCRError.truncated(file: file, page: 1, format: "TIFF") }
        return pages
    }

    // MARK: Others

    static func leptonicaHeader(_ data: Data, format: ImageFormat, file: String) throws -> PageHeader {
        var leptFormat: Int32 = 0, width: Int32 = 0, height: Int32 = 0, bps: Int32 = 0, spp: Int32 = 0, cmap: Int32 = 0
        let status = data.withUnsafeBytes { raw in
            Leptonica.readHeader(raw, &leptFormat, &width, &height, &bps, &spp, &cmap)
        }
        guard status == 0, width > 0, height > 0 else {
            throw OCRError.truncated(file: file, page: 1, format: format.displayName)
        }
        return PageHeader(width: Int(width), height: Int(height), dpi: nil)
    }

    private static func be16(_ b: [UInt8], _ o: Int) -> UInt16 { UInt16(b[o]) << 8 | UInt16(b[o + 1]) }
    private static func be32(_ b: [UInt8], _ o: Int) -> UInt32 {
        UInt32(b[o]) << 24 | UInt32(b[o + 1]) << 16 | UInt32(b[o + 2]) << 8 | UInt32(b[o + 3])
    }
}
