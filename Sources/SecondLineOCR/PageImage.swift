import CLeptonica
import Foundation

/// Thin namespace around Leptonica process-wide setup.
enum Leptonica {
    /// Leptonica prints its own diagnostics to stderr; we report typed errors instead, so silence it once.
    static let quiet: Void = {
        _ = setMsgSeverity(Int32(L_SEVERITY_NONE))
    }()

    static func readHeader(_ raw: UnsafeRawBufferPointer, _ format: inout Int32, _ width: inout Int32, _ height: inout Int32,
                           _ bps: inout Int32, _ spp: inout Int32, _ cmap: inout Int32) -> Int32 {
        _ = quiet
        guard let base = raw.baseAddress, raw.count > 0 else { return 1 }
        return pixReadHeaderMem(base.assumingMemoryBound(to: UInt8.self), raw.count, &format, &width, &height, &bps, &spp, &cmap)
    }
}

/// One raster page, owning a Leptonica `Pix` that is destroyed when this object goes away.
/// Every transformation returns a new `PageImage`; the receiver is never modified.
/// Not thread-safe to share; hand a page to one worker at a time.
public final class PageImage {
    let pix: UnsafeMutablePointer<PIX>

    /// Takes ownership of `pix` (it is destroyed in deinit).
    init(owning pix: UnsafeMutablePointer<PIX>) {
        self.pix = pix
    }

    deinit {
        var pointer: UnsafeMutablePointer<PIX>? = pix
        pixDestroy(&pointer)
    }

    /// Wraps a Leptonica image you created; the `PageImage` now owns it and destroys it in deinit.
    /// For code that calls Leptonica directly (e.g. line detection in the form reader).
    public convenience init(takingOwnershipOf pix: UnsafeMutablePointer<PIX>) {
        self.init(owning: pix)
    }

    /// Lends the underlying `Pix` to Leptonica calls. Valid only inside `body`; do not destroy it
    /// (take `pixClone` if you need your own reference).
    public func withUnsafePix<Result>(_ body: (UnsafeMutablePointer<PIX>) throws -> Result) rethrows -> Result {
        try body(pix)
    }

    /// Decodes an encoded image (PNG, JPEG, TIFF first page, BMP, PNM, WebP, GIF, JPEG 2000).
    /// Prefer `ImageDocument`, which checks headers and limits before calling this.
    public convenience init(data: Data) throws {
        _ = Leptonica.quiet
        let pix: UnsafeMutablePointer<PIX>? = data.withUnsafeBytes { raw in
            guard let base = raw.baseAddress, raw.count > 0 else { return nil }
            return pixReadMem(base.assumingMemoryBound(to: UInt8.self), raw.count)
        }
        guard let pix else { throw OCRError.imageOperationFailed(operation: "decoding image data") }
        self.init(owning: pix)
    }

    /// Decodes an 8-bit binary PGM (`P5`, maxval 255), as `pdftoppm -gray` writes it, copying rows
    /// instead of Leptonica's pixel-by-pixel PNM reader (a rendered A4 page: 75 ms there). Nil when the data
    /// is not such a PGM.
    public convenience init?(graymap data: Data) {
        _ = Leptonica.quiet
        let parsed: UnsafeMutablePointer<PIX>? = data.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            // Header: P5, width, height, maxval, separated by whitespace; comments run from # to the line's end.
            var position = 2
            func number() -> Int? {
                while position < bytes.count {
                    if bytes[position] == UInt8(ascii: "#") {
                        while position < bytes.count, bytes[position] != UInt8(ascii: "\n") { position += 1 }
                    } else if [9, 10, 13, 32].contains(bytes[position]) {
                        position += 1
                    } else { break }
                }
                var value = 0, digits = 0
                while position < bytes.count, (48...57).contains(bytes[position]) {
                    // Nine digits at most: a larger number is no page size this reader takes.
                    guard digits < 9 else { return nil }
                    value = value * 10 + Int(bytes[position] - 48)
                    position += 1
                    digits += 1
                }
                return digits > 0 ? value : nil
            }
            guard bytes.count > 2, bytes[0] == UInt8(ascii: "P"), bytes[1] == UInt8(ascii: "5"),
                  let width = number(), let height = number(), let maxval = number(), maxval == 255,
                  width > 0, height > 0, position < bytes.count, [9, 10, 13, 32].contains(bytes[position]) else { return nil }
            let start = position + 1  // one whitespace character ends the header
            guard bytes.count - start >= width * height, let source = raw.baseAddress,
                  let pix = pixCreate(Int32(width), Int32(height), 8) else { return nil }
            guard let words = pixGetData(pix) else {
                var owned: UnsafeMutablePointer<PIX>? = pix
                pixDestroy(&owned)
                return nil
            }
            let rowBytes = Int(pixGetWpl(pix)) * 4
            for row in 0..<height {
                (UnsafeMutableRawPointer(words) + row * rowBytes).copyMemory(from: source + start + row * width, byteCount: width)
            }
            // Leptonica keeps each 32-bit word's bytes in the machine's order: rows copied as bytes are swapped.
            pixEndianByteSwap(pix)
            return pix
        }
        guard let parsed else { return nil }
        self.init(owning: parsed)
    }

    /// Decodes page `pageIndex` (0-based) of a TIFF held in memory.
    public convenience init(tiffData data: Data, pageIndex: Int) throws {
        _ = Leptonica.quiet
        let pix: UnsafeMutablePointer<PIX>? = data.withUnsafeBytes { raw in
            guard let base = raw.baseAddress, raw.count > 0 else { return nil }
            return pixReadMemTiff(base.assumingMemoryBound(to: UInt8.self), raw.count, Int32(pageIndex))
        }
        guard let pix else { throw OCRError.imageOperationFailed(operation: "decoding TIFF page \(pageIndex + 1)") }
        self.init(owning: pix)
    }

    /// Reads the first page of an image file. For checked, multi-page and PDF input use `ImageDocument`.
    public convenience init(contentsOfFile path: String) throws {
        let document = try ImageDocument(path: path)
        let page = try document.loadPage(0)
        self.init(owning: pixClone(page.image.pix))
    }

    /// A blank white 8-bit page (used by tests and tools).
    public convenience init(blankWidth width: Int, height: Int, dpi: Int = 300) throws {
        guard let pix = pixCreate(Int32(width), Int32(height), 8) else {
            throw OCRError.imageOperationFailed(operation: "creating a \(width)×\(height) page")
        }
        pixSetAllArbitrary(pix, 255)
        pixSetResolution(pix, Int32(dpi), Int32(dpi))
        self.init(owning: pix)
    }

    public var width: Int { Int(pixGetWidth(pix)) }
    public var height: Int { Int(pixGetHeight(pix)) }
    /// Bits per pixel: 1 (bilevel), 8 (gray), 32 (colour), …
    public var depth: Int { Int(pixGetDepth(pix)) }
    /// Horizontal resolution from metadata; 0 when unknown.
    public var dpi: Int { Int(pixGetXRes(pix)) }

    public func setDPI(_ dpi: Int) {
        pixSetResolution(pix, Int32(dpi), Int32(dpi))
    }

    private func wrap(_ result: UnsafeMutablePointer<PIX>?, _ operation: String) throws -> PageImage {
        guard let result else { throw OCRError.imageOperationFailed(operation: operation) }
        return PageImage(owning: result)
    }

    /// The part of the page inside `rect` (clipped to the page).
    public func cropped(to rect: PixelRect) throws -> PageImage {
        guard let box = boxCreate(Int32(rect.x), Int32(rect.y), Int32(rect.width), Int32(rect.height)) else {
            throw OCRError.imageOperationFailed(operation: "cropping \(rect)")
        }
        var boxPointer: UnsafeMutablePointer<BOX>? = box
        defer { boxDestroy(&boxPointer) }
        return try wrap(pixClipRectangle(pix, box, nil), "cropping \(rect)")
    }

    /// Rotated by a multiple of 90° clockwise (exact, lossless).
    public func rotated(quarterTurnsClockwise turns: Int) throws -> PageImage {
        let quads = ((turns % 4) + 4) % 4
        if quads == 0 { return PageImage(owning: pixClone(pix)) }
        return try wrap(pixRotateOrth(pix, Int32(quads)), "rotating by \(quads * 90)°")
    }

    /// Rotated by a small angle (clockwise positive, degrees) about the centre, keeping the page size,
    /// bringing in white at the corners.
    public func rotated(byDegrees degrees: Double) throws -> PageImage {
        let radians = Float(degrees * .pi / 180)
        return try wrap(pixRotate(pix, radians, Int32(L_ROTATE_AREA_MAP), Int32(L_BRING_IN_WHITE), 0, 0),
                        "rotating by \(degrees)°")
    }

    /// 8-bit grayscale copy (colour maps removed, colour converted by luminance, bilevel to 0/255).
    public func grayscale() throws -> PageImage {
        if depth == 8, pixGetColormap(pix) == nil { return PageImage(owning: pixClone(pix)) }
        return try wrap(pixConvertTo8(pix, 0), "converting to grayscale")
    }

    /// Bilevel copy (threshold on gray; 128 unless given).
    public func binarized(threshold: Int = 128) throws -> PageImage {
        if depth == 1 { return PageImage(owning: pixClone(pix)) }
        return try wrap(pixConvertTo1(pix, Int32(threshold)), "binarizing")
    }

    /// Scaled by `factor` (resolution metadata scaled with it).
    public func scaled(by factor: Double) throws -> PageImage {
        let result = try wrap(pixScale(pix, Float(factor), Float(factor)), "scaling by \(factor)")
        if dpi > 0 { result.setDPI(Int((Double(dpi) * factor).rounded())) }
        return result
    }

    /// Measures text skew in degrees (clockwise positive: rotating the page by this angle straightens it)
    /// with Leptonica's sweep-and-search on a bilevel copy. Returns nil when no reliable angle was found.
    public func measureSkew(maxDegrees: Double = 5) throws -> (degrees: Double, confidence: Double)? {
        let bilevel = try binarized()
        var angle: Float = 0, confidence: Float = 0
        // Sweep at 4× reduction, search at 2× reduction, ±maxDegrees in 0.5° steps, refined to 0.01°.
        let status = pixFindSkewSweepAndSearch(bilevel.pix, &angle, &confidence, 4, 2, Float(maxDegrees), 0.5, 0.01)
        guard status == 0, confidence > 0 else { return nil }
        return (Double(angle), Double(confidence))
    }

    /// Encodes as PNG (for debugging output and tests).
    public func pngData() throws -> Data {
        var buffer: UnsafeMutablePointer<UInt8>?
        var size = 0
        guard pixWriteMem(&buffer, &size, pix, Int32(IFF_PNG)) == 0, let buffer else {
            throw OCRError.imageOperationFailed(operation: "encoding PNG")
        }
        defer { lept_free(buffer) }
        return Data(bytes: buffer, count: size)
    }

    /// Gray value (0 black … 255 white) averaged over `rect` on an 8-bit copy; used by tests and checks.
    public func meanGray(in rect: PixelRect) throws -> Double {
        let gray = try grayscale().cropped(to: rect)
        var total = 0, count = 0
        for y in 0..<gray.height {
            for x in 0..<gray.width {
                var value: UInt32 = 0
                pixGetPixel(gray.pix, Int32(x), Int32(y), &value)
                total += Int(value)
                count += 1
            }
        }
        return count > 0 ? Double(total) / Double(count) : 255
    }
}
