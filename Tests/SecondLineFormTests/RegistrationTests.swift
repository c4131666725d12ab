import Foundation
import Testing
import SecondLineModel
@testable import SecondLineForm

@Suite("Finding the printed grid on the page", .serialized)
struct RegistrationTests {
    /// One reader (one set of OCR engines) per test: suites run tests in parallel.
    let engine: FormReader

    init() throws { engine = try FormReader(options: FormReaderOptions()) }

    func reader() throws -> FormReader { engine }

    func nominalPage() throws -> Raster {
        let data = try Data(contentsOf: FormFixtures.url("clean-import-nominal-101.png"))
        return try #require(Raster.gray(fromEncoded: data))
    }

    @Test("the nominal page registers onto the layout's millimetres")
    func nominal() throws {
        let reader = try reader()
        let (_, _, grid, turns) = try #require(reader.register(try nominalPage(), dpi: 300))
        let pxPerMm = 300 / 25.4
        #expect(turns == 0)
        #expect(abs(grid.pixelsPerMm / pxPerMm - 1) < 0.01)
        #expect(abs(grid.gridLeft - 10 * pxPerMm) < 4)
        #expect(abs(grid.gridRight - 200 * pxPerMm) < 4)
        #expect(abs(grid.y(28) - 28 * pxPerMm) < 4)
        #expect(grid.matchedHorizontal >= 10)
    }

    @Test("shifted and scaled pages register where the grid moved to",
          arguments: [(0.95, 40, 70), (1.05, -30, -50), (1.0, 71, -71), (0.97, 0, 60)])
    func shiftedAndScaled(scale: Double, dx: Int, dy: Int) throws {
        let reader = try reader()
        let base = try nominalPage()
        let (_, _, reference, _) = try #require(reader.register(base, dpi: 300))
        let scaled = try #require(base.scaled(scale))
        // Shift by padding on one side and cropping the other, keeping the page size.
        let padded = try #require(scaled.bordered(120))
        let moved = try #require(padded.cropped(x: 120 - dx, y: 120 - dy, width: scaled.width, height: scaled.height))
        let (_, _, grid, _) = try #require(reader.register(moved, dpi: 300))
        #expect(abs(grid.gridLeft - (reference.gridLeft * scale + Double(dx))) < 5)
        #expect(abs(grid.gridRight - (reference.gridRight * scale + Double(dx))) < 5)
        #expect(abs(grid.y(28) - (reference.y(28) * scale + Double(dy))) < 5)
        #expect(abs(grid.y(252) - (reference.y(252) * scale + Double(dy))) < 5)
        #expect(abs(grid.pixelsPerMm / (reference.pixelsPerMm * scale) - 1) < 0.015)
        // Every cell boundary moved with the page.
        for (row, edges) in grid.cellEdges.enumerated() {
            for (i, x) in edges.enumerated() {
                #expect(abs(x - (reference.cellEdges[row][i] * scale + Double(dx))) < 6, "row \(row) edge \(i)")
            }
        }
    }

    @Test("a skewed page is straightened and registered")
    func skewed() throws {
        let reader = try reader()
        let rotated = try #require(try nominalPage().rotated(degrees: 2.0))
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("secondline-form-skew-\(UUID().uuidString).png")
        defer { try? FileManager.default.removeItem(at: url) }
        try #require(rotated.pngData()).write(to: url)
        let result = try #require(try reader.registerFile(url.path))
        #expect(abs(result.grid.pixelsPerMm / (300 / 25.4) - 1) < 0.02)
        #expect(result.grid.matchedHorizontal >= 10)
        #expect(result.grid.meanResidualMm < 1.5)
    }

    @Test("rendered pages with moved boundaries, scale, skew and other DPI register to the truth's grid",
          arguments: ["clean-export-102.png", "light-import-record-112.jpg", "light-export-record-113.png", "hard-import-stamp-121.jpg"])
    func renderedPages(file: String) throws {
        let reader = try reader()
        let stem = String(file.prefix { $0 != "." })
        let truth = try FormFixtures.truth(stem)
        let render = try #require(truth["render"] as? [String: Any])
        let page = try #require((render["perPage"] as? [[String: Any]])?.first)
        let corners = try #require(page["gridCorners"] as? [[Double]])
        let dpi = try #require(render["dpi"] as? Int)
        let result = try #require(try reader.registerFile(FormFixtures.url(file).path), "no grid found on \(file)")
        let factor = Double(result.width) / Double(try #require((page["size"] as? [Int])?.first))
        let truthWidth = hypot(corners[1][0] - corners[0][0], corners[1][1] - corners[0][1]) * factor
        let truthHeight = hypot(corners[3][0] - corners[0][0], corners[3][1] - corners[0][1]) * factor
        #expect(abs((result.grid.gridRight - result.grid.gridLeft) / truthWidth - 1) < 0.01, "\(file) at \(dpi) DPI")
        #expect(abs((result.grid.y(252) - result.grid.y(28)) / truthHeight - 1) < 0.01, "\(file) at \(dpi) DPI")
    }

    @Test("a page scanned sideways is turned upright")
    func sideways() throws {
        let reader = try reader()
        let result = try #require(try reader.registerFile(FormFixtures.url("hard-export-rot90-122.jpg").path))
        #expect(result.height > result.width)
        #expect(abs(result.grid.pixelsPerMm * 190 / (result.grid.gridRight - result.grid.gridLeft) - 1) < 0.06)
    }
}
