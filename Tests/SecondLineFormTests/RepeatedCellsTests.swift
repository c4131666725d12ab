import Foundation
import Testing
import SecondLineModel
@testable import SecondLineForm

@Suite("A cell printed alike to one read earlier is not read again", .serialized)
struct RepeatedCellsTests {
    let reader: FormReader
    init() throws { reader = try FormReader(options: FormReaderOptions()) }

    /// The ink of every header cell of an import form's fixture page, by field, cut to its bounding box.
    /// `shift` moves every cell's rectangle by that many pixels.
    func cellInk(_ name: String, shift: Int = 0) throws -> [String: Raster] {
        let gray = try #require(Raster.gray(fromEncoded: try Data(contentsOf: FormFixtures.url(name))))
        let (_, binary, grid, _) = try #require(reader.register(gray, dpi: 300))
        let layout = reader.layout
        let inset = 0.7 * grid.pixelsPerMm
        var ink: [String: Raster] = [:]
        for (rowIndex, row) in layout.rows.enumerated() {
            let top = grid.y(row.topMm) + inset
            let bottom = grid.y(rowIndex + 1 < layout.rows.count ? layout.rows[rowIndex + 1].topMm : layout.items.headerTopMm) - inset
            let edges = grid.cellEdges[rowIndex]
            for (cellIndex, cell) in row.cells.enumerated() {
                guard let field = cell.spec(for: .importDeclaration).field else { continue }
                let left = edges[cellIndex] + inset, right = edges[cellIndex + 1] - inset
                let crop = binary.cropped(x: Int(left) + shift, y: Int(top) + shift, width: Int(right - left), height: Int(bottom - top))
                if let cut = crop?.clippedToInk() { ink[field] = cut.raster }
            }
        }
        return ink
    }

    func earlier(_ ink: Raster) -> EarlierCell { EarlierCell(ink: ink, inkOrigin: (0, 0), values: [:], evidence: [:], page: 1) }

    @Test("the same print matches itself, wherever the cell's rectangle lies around it")
    func samePrint() throws {
        let cells = try cellInk("clean-import-nominal-101.png")
        let shifted = try cellInk("clean-import-nominal-101.png", shift: 2)
        #expect(cells.count >= 20)
        for (field, ink) in cells {
            #expect(earlier(ink).sameInk(as: ink), "\(field)")
            #expect(earlier(ink).nearlySameInk(as: ink), "\(field)")
            if let moved = shifted[field] { #expect(earlier(ink).sameInk(as: moved), "\(field) shifted") }
        }
    }

    @Test("another value never matches, not even within scan noise: two dates two digits apart, and every cell of another declaration that prints something else")
    func otherValues() throws {
        let cells = try cellInk("clean-import-nominal-101.png")
        // 2024-05-17 and 2024-05-21: the same size of ink.
        let ieDate = try #require(cells["ieDate"]), declarationDate = try #require(cells["declarationDate"])
        #expect(!earlier(ieDate).sameInk(as: declarationDate))
        #expect(!earlier(ieDate).nearlySameInk(as: declarationDate))
        let other = try cellInk("clean-import-record-103.png")
        let truth = [try FormFixtures.truth("clean-import-nominal-101"), try FormFixtures.truth("clean-import-record-103")]
            .map { $0["declaration"] as? [String: Any] ?? [:] }
        var compared = 0
        for (field, ink) in cells {
            guard let theirs = other[field], let a = truth[0][field], let b = truth[1][field], "\(a)" != "\(b)" else { continue }
            compared += 1
            #expect(!earlier(ink).sameInk(as: theirs), "\(field): \(a) and \(b)")
            #expect(!earlier(ink).nearlySameInk(as: theirs), "\(field): \(a) and \(b), within scan noise")
        }
        #expect(compared >= 15)
    }
}
