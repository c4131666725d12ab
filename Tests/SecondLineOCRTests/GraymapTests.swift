import Foundation
import Testing
@testable import SecondLineOCR

/// PDF pages come from `pdftoppm -gray` as binary PGM, decoded by `PageImage(graymap:)`.
@Suite("Rendered PDF pages (PGM)")
struct GraymapTests {
    /// A binary 8-bit PGM whose pixels differ along rows and columns.
    static func graymap(width: Int, height: Int, header: String? = nil) -> Data {
        var data = Data((header ?? "P5\n\(width) \(height)\n255\n").utf8)
        data.append(contentsOf: (0..<width * height).map { UInt8(truncatingIfNeeded: $0 * 7 + $0 / width) })
        return data
    }

    @Test("a binary PGM decodes to the pixels Leptonica's own reader gives", arguments: [[1, 1], [37, 5], [64, 3], [3, 17]])
    func sameAsLeptonica(size: [Int]) throws {
        let data = Self.graymap(width: size[0], height: size[1])
        let ours = try #require(PageImage(graymap: data))
        let leptonica = try PageImage(data: data)
        #expect(ours.width == size[0] && ours.height == size[1] && ours.depth == 8)
        #expect(try ours.pngData() == leptonica.pngData())
    }

    @Test("a comment in the header is skipped")
    func comment() throws {
        let data = Self.graymap(width: 5, height: 2, header: "P5\n# rendered\n5 2\n255\n")
        let page = try #require(PageImage(graymap: data))
        #expect(try page.pngData() == PageImage(data: data).pngData())
    }

    @Test("data that is not a whole binary 8-bit PGM is left to Leptonica's reader", arguments: [
        "P2\n2 2\n255\n0 0 0 0\n",  // ASCII graymap
        "P5\n2 2\n65535\n",  // 16-bit
        "P6\n2 2\n255\n",  // colour
        "P5\n2 2\n255\n",  // no pixels
        "P5\n2\n",  // no height
        "P5\n2 2\n255\n\u{1}\u{2}\u{3}",  // one pixel short
        "P5\n1234567890 1\n255\n",  // a width of ten digits
        "P5\n2 2\n255x",  // the header not ended by whitespace
    ])
    func refused(text: String) {
        var data = Data(text.utf8)
        if text.hasPrefix("P5\n2 2\n65535") || text.hasPrefix("P6") || text.hasPrefix("P5\n2 2\n255x") || text.hasPrefix("P5\n1234567890") {
            data.append(contentsOf: [UInt8](repeating: 9, count: 24))
        }
        #expect(PageImage(graymap: data) == nil)
    }
}
