import CLeptonica
import SecondLineModel
import SecondLineOCR
import Foundation

/// A Leptonica image owned by the form reader (grayscale page, binarized copies, crops).
/// The `Pix` is destroyed in deinit. Not shared across tasks.
final class Raster {
    let pix: UnsafeMutablePointer<PIX>

    init(owning pix: UnsafeMutablePointer<PIX>) { self.pix = pix }

    deinit {
        var pointer: UnsafeMutablePointer<PIX>? = pix
        pixDestroy(&pointer)
    }

    static let quiet: Void = { _ = setMsgSeverity(Int32(L_SEVERITY_NONE)) }()

    /// The image of a normalized page as 8-bit gray, sharing its pixels (no encoding round trip).
    static func gray(from image: PageImage) -> Raster? {
        image.withUnsafePix { pix in pixClone(pix).flatMap { Raster(owning: $0).gray8() } }
    }

    /// Decodes an encoded image (PNG, JPEG, TIFF first page …) into 8-bit gray.
    static func gray(fromEncoded data: Data) -> Raster? {
        _ = quiet
        let decoded: UnsafeMutablePointer<PIX>? = data.withUnsafeBytes { raw in
            guard let base = raw.baseAddress, raw.count > 0 else { return nil }
            return pixReadMem(base.assumingMemoryBound(to: UInt8.self), raw.count)
        }
        guard let decoded else { return nil }
        let owner = Raster(owning: decoded)
        return owner.gray8()
    }

    var width: Int { Int(pixGetWidth(pix)) }
    var height: Int { Int(pixGetHeight(pix)) }
    var depth: Int { Int(pixGetDepth(pix)) }

    private func wrap(_ p: UnsafeMutablePointer<PIX>?) -> Raster? { p.map(Raster.init(owning:)) }

    func gray8() -> Raster? {
        if depth == 8, pixGetColormap(pix) == nil { return wrap(pixClone(pix)) }
        return wrap(pixConvertTo8(pix, 0))
    }

    /// Global Otsu threshold: robust to faint or heavy toner, unlike a fixed threshold.
    func binarized() -> Raster? {
        if depth == 1 { return wrap(pixClone(pix)) }
        var out: UnsafeMutablePointer<PIX>? = nil
        let w = Int32(max(16, width)), h = Int32(max(16, height))
        guard pixOtsuAdaptiveThreshold(pix, w, h, 0, 0, 0.1, nil, &out) == 0 else { return wrap(pixConvertTo1(pix, 160)) }
        return wrap(out)
    }

    /// Bilevel copy thresholded between the paper and the darkest ink of the page, so that faint,
    /// low-contrast print keeps whole strokes (Otsu cuts them when the page is nearly all paper).
    func binarizedBetweenPaperAndInk() -> Raster? {
        guard depth == 8 else { return binarized() }
        var paper: UInt32 = 255, ink: UInt32 = 0
        guard pixGetRankValue(pix, 2, 0.5, &paper) == 0, pixGetRankValue(pix, 2, 0.005, &ink) == 0, paper > ink + 30 else {
            return binarized()
        }
        let threshold = Int(ink) + Int(Double(Int(paper) - Int(ink)) * 0.6)
        return wrap(pixConvertTo1(pix, Int32(threshold)))
    }

    /// The crop stretched so that its darkest ink (the 1st percentile) is black and its paper (the 99th)
    /// white, and the paper colour of the stretched crop (its 90th percentile: what `bordered` measures),
    /// from one histogram of the crop (a crop is stretched for every read made of it). Tesseract thresholds
    /// each crop itself and loses faint grey-on-grey print (a page mark read as nothing); on the stretched
    /// crop it reads more of every tier. Nil when the crop is not grey or holds no contrast to stretch.
    func contrastStretchedWithPaper() -> (stretched: Raster, paper: UInt32)? {
        guard depth == 8, pixGetColormap(pix) == nil else { return nil }
        var histogram = pixGetGrayHistogram(pix, 1)
        defer { numaDestroy(&histogram) }
        guard let histogram, let ink = Self.rankValue(histogram, 0.01), let paper = Self.rankValue(histogram, 0.99), paper > ink + 20 else { return nil }
        var levels = numaGammaTRC(1.0, Int32(ink), Int32(paper))
        defer { numaDestroy(&levels) }
        // The stretched crop's histogram: each grey level's pixels moved to the level the stretch maps it to.
        var stretchedHistogram = numaMakeConstant(0, 256)
        defer { numaDestroy(&stretchedHistogram) }
        guard let map = levels, let mapped = stretchedHistogram else { return nil }
        for level in Int32(0)..<256 {
            var count: Float = 0, to: Int32 = 0, sum: Float = 0
            numaGetFValue(histogram, level, &count)
            numaGetIValue(map, level, &to)
            numaGetFValue(mapped, to, &sum)
            numaSetValue(mapped, to, sum + count)
        }
        guard let margin = Self.rankValue(mapped, 0.9), let stretched = wrap(pixGammaTRC(nil, pix, 1.0, Int32(ink), Int32(paper))) else { return nil }
        return (stretched, margin)
    }

    /// The grey level at `rank` of a histogram, rounded as `pixGetRankValue` rounds it.
    private static func rankValue(_ histogram: UnsafeMutablePointer<NUMA>, _ rank: Float) -> UInt32? {
        var value: Float = 0
        guard numaHistogramGetValFromRank(histogram, rank, &value) == 0 else { return nil }
        return UInt32(max(0, lept_roundftoi(value)))
    }

    func scaled(_ factor: Double) -> Raster? { wrap(pixScale(pix, Float(factor), Float(factor))) }

    /// 2× reduction of a bilevel image keeping every black pixel (thin ruled lines survive).
    func reducedBinary2x() -> Raster? { wrap(pixReduceRankBinaryCascade(pix, 1, 0, 0, 0)) }

    func opened(horizontal h: Int, vertical v: Int) -> Raster? { wrap(pixOpenBrick(nil, pix, Int32(max(1, h)), Int32(max(1, v)))) }
    func closed(horizontal h: Int, vertical v: Int) -> Raster? { wrap(pixCloseBrick(nil, pix, Int32(max(1, h)), Int32(max(1, v)))) }

    func rotatedOrth(quarterTurns: Int) -> Raster? {
        let q = ((quarterTurns % 4) + 4) % 4
        if q == 0 { return wrap(pixClone(pix)) }
        return wrap(pixRotateOrth(pix, Int32(q)))
    }

    /// Rotated clockwise by `degrees` about the centre, white brought in.
    func rotated(degrees: Double) -> Raster? {
        wrap(pixRotate(pix, Float(degrees * .pi / 180), Int32(L_ROTATE_AREA_MAP), Int32(L_BRING_IN_WHITE), 0, 0))
    }

    /// Skew in degrees (rotate by this to straighten), nil when not measurable.
    func skewDegrees() -> Double? {
        var angle: Float = 0, confidence: Float = 0
        guard pixFindSkewSweepAndSearch(pix, &angle, &confidence, 4, 2, 4, 0.5, 0.01) == 0, confidence > 2.5 else { return nil }
        return Double(angle)
    }

    /// The part inside the rectangle, clipped to the image; nil if nothing is left.
    func cropped(x: Int, y: Int, width w: Int, height h: Int) -> Raster? {
        let x0 = max(0, x), y0 = max(0, y)
        let x1 = min(width, x + w), y1 = min(height, y + h)
        guard x1 - x0 >= 2, y1 - y0 >= 2, let box = boxCreate(Int32(x0), Int32(y0), Int32(x1 - x0), Int32(y1 - y0)) else { return nil }
        var owned: UnsafeMutablePointer<BOX>? = box
        defer { boxDestroy(&owned) }
        return wrap(pixClipRectangle(pix, box, nil))
    }

    /// A copy with a margin of the crop's own paper colour (Tesseract reads a tight crop poorly, and a
    /// pure-white margin around grey paper would make it threshold the paper as ink).
    func bordered(_ n: Int, paper known: UInt32? = nil) -> Raster? {
        if depth == 1 { return wrap(pixAddBorder(pix, Int32(n), 0)) }
        var paper: UInt32 = 255
        if let known { paper = known } else if pixGetRankValue(pix, 1, 0.9, &paper) != 0 { paper = 255 }
        return wrap(pixAddBorder(pix, Int32(n), paper))
    }

    /// Bilevel copy without specks: connected components smaller than `size` pixels both ways are dropped
    /// (scanner noise), while every stroke, dot and decimal point of printed text is larger.
    func despeckled(size: Int) -> Raster? {
        guard depth == 1 else { return nil }
        var changed: Int32 = 0
        return wrap(pixSelectBySize(pix, Int32(size), Int32(size), 8, Int32(L_SELECT_IF_EITHER), Int32(L_SELECT_IF_GTE), &changed))
    }

    /// Grey page with an even white background (removes uneven toner and scanner shading).
    func backgroundNormalized() -> Raster? {
        guard depth == 8 else { return nil }
        return wrap(pixBackgroundNormSimple(pix, nil, nil))
    }

    /// The bounding boxes of the 8-connected components of a bilevel image, in its pixels.
    func componentBoxes() -> [PixelBox] {
        guard depth == 1, let found = pixConnCompBB(pix, 8) else { return [] }
        var boxes: UnsafeMutablePointer<BOXA>? = found
        defer { boxaDestroy(&boxes) }
        return (0..<boxaGetCount(found)).compactMap { i in
            var x: Int32 = 0, y: Int32 = 0, w: Int32 = 0, h: Int32 = 0
            guard boxaGetBoxGeometry(found, i, &x, &y, &w, &h) == 0 else { return nil }
            return PixelBox(x: Int(x), y: Int(y), width: Int(w), height: Int(h))
        }
    }

    /// A bilevel image cut to the bounding box of its ink, with that box's origin; nil when it has none.
    func clippedToInk() -> (raster: Raster, x: Int, y: Int)? {
        guard depth == 1 else { return nil }
        var out: UnsafeMutablePointer<PIX>? = nil
        var box: UnsafeMutablePointer<BOX>? = nil
        defer { boxDestroy(&box) }
        guard pixClipToForeground(pix, &out, &box) == 0, let out, let box else { return nil }
        var x: Int32 = 0, y: Int32 = 0, w: Int32 = 0, h: Int32 = 0
        boxGetGeometry(box, &x, &y, &w, &h)
        return (Raster(owning: out), Int(x), Int(y))
    }

    /// A bilevel image grown to `width` × `height` with paper on the right and below; nil for a smaller size.
    func padded(toWidth newWidth: Int, height newHeight: Int) -> Raster? {
        guard depth == 1, newWidth >= width, newHeight >= height else { return nil }
        if newWidth == width && newHeight == height { return wrap(pixClone(pix)) }
        return wrap(pixAddBorderGeneral(pix, 0, Int32(newWidth - width), 0, Int32(newHeight - height), 0))
    }

    /// How much ink of two bilevel images of the same size neither explains: the pixels of each more than
    /// a pixel away from any ink of the other, left after an opening that removes slivers one pixel thick
    /// (the edges of the same print thresholded a little differently). A stroke one has and the other not
    /// remains.
    func unexplainedInk(_ other: Raster) -> Int {
        guard depth == 1, other.depth == 1, width == other.width, height == other.height else { return Int.max }
        var total = 0
        for (a, b) in [(self, other), (other, self)] {
            guard let grown = b.wrap(pixDilateBrick(nil, b.pix, 3, 3)), let left = a.wrap(pixSubtract(nil, a.pix, grown.pix)),
                  let solid = left.opened(horizontal: 2, vertical: 2) else { return Int.max }
            var count: Int32 = 0
            guard pixCountPixels(solid.pix, &count, nil) == 0 else { return Int.max }
            total += Int(count)
        }
        return total
    }

    /// Black pixel count per row of a bilevel image.
    func rowCounts() -> [Int] { numbers(pixCountPixelsByRow(pix, nil)) }
    /// Black pixel count per column of a bilevel image.
    func columnCounts() -> [Int] { numbers(pixCountPixelsByColumn(pix)) }

    /// Fraction of dark pixels (bilevel) — used to tell an empty area from a printed one.
    func blackFraction() -> Double {
        var count: Int32 = 0
        guard pixCountPixels(pix, &count, nil) == 0, width * height > 0 else { return 0 }
        return Double(count) / Double(width * height)
    }

    private func numbers(_ na: UnsafeMutablePointer<NUMA>?) -> [Int] {
        guard let na else { return [] }
        var pointer: UnsafeMutablePointer<NUMA>? = na
        defer { numaDestroy(&pointer) }
        let n = Int(numaGetCount(na))
        var out = [Int](repeating: 0, count: n)
        for i in 0..<n {
            var v: Int32 = 0
            numaGetIValue(na, Int32(i), &v)
            out[i] = Int(v)
        }
        return out
    }

    func pngData() -> Data? {
        var buffer: UnsafeMutablePointer<UInt8>? = nil
        var size = 0
        guard pixWriteMem(&buffer, &size, pix, Int32(IFF_PNG)) == 0, let buffer else { return nil }
        defer { lept_free(buffer) }
        return Data(bytes: buffer, count: size)
    }
}
