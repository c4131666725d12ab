import Foundation
import SecondLineModel

/// Where the printed grid of the form lies on one upright, deskewed page.
///
/// The layout's millimetres are only a starting point: real printouts move cell boundaries by
/// several millimetres and scale the page, so every boundary that can be seen as a ruled line is
/// taken from the line found on the page, and only the rest from the fitted mm → pixel mapping.
public struct GridRegistration: Sendable, Hashable {
    /// Page pixels per layout millimetre (after fitting).
    public var pixelsPerMm: Double
    /// Page x of layout x = 0 mm and page y of layout y = 0 mm.
    public var originX: Double
    public var originY: Double
    /// For each of the layout's expected horizontal lines (mm, ascending): its page y.
    public var horizontal: [Double: Double]
    /// How many expected horizontal lines were actually found on the page.
    public var matchedHorizontal: Int
    /// Left and right edge of the grid (page x).
    public var gridLeft: Double
    public var gridRight: Double
    /// Per grid row (layout order): the page x of each cell's left boundary, plus the grid's right edge.
    public var cellEdges: [[Double]]
    /// The vertical divider of the declarant block, when found.
    public var declarantDivider: Double?
    /// Mean distance between found lines and their fitted positions, in mm (how far the print departs from the layout).
    public var meanResidualMm: Double
    /// Left edge of each item column, plus the grid's right edge (page x).
    public var itemColumnEdges: [Double] = []

    public func x(_ mm: Double) -> Double { originX + mm * pixelsPerMm }
    public func y(_ mm: Double) -> Double { horizontal[mm] ?? (originY + mm * pixelsPerMm) }
    /// The fitted position, ignoring what was found (for free-standing text between lines).
    public func fittedY(_ mm: Double) -> Double { originY + mm * pixelsPerMm }
}

/// A ruled line found on the page (working-image pixels).
struct FoundLine: Hashable {
    var position: Double
    var start: Int
    var end: Int
    var length: Int { end - start }
}

enum RegistrationFailure: Error, Hashable {
    case noGrid(String)
}

/// Finds the ruled lines of the form (morphological opening with long thin bricks) and matches them
/// to the layout's expected lines by an order-preserving alignment.
struct GridLocator {
    let layout: FormLayout

    /// - Parameters:
    ///   - page: 8-bit gray, upright, deskewed.
    ///   - dpi: the page's resolution (a first guess of the scale; the grid's width decides).
    func locate(page: Raster, dpi: Int) throws(RegistrationFailure) -> GridRegistration {
        guard let binary = page.binarized() else { throw .noGrid("the page could not be binarized") }
        // Work at about 150 DPI: ruled lines survive a 2× OR-reduction, and morphology is 4× cheaper.
        let reduce = dpi >= 250
        guard let work = reduce ? binary.reducedBinary2x() : binary else { throw .noGrid("reduction failed") }
        let factor = reduce ? 2.0 : 1.0
        let workPxPerMm = Double(dpi) / 25.4 / factor

        let hLines = horizontalLines(work, pxPerMm: workPxPerMm)
        guard hLines.count >= 4 else { throw .noGrid("found \(hLines.count) long horizontal ruled lines; a declaration form has at least 10") }
        // Grid extent: the long lines span the whole grid width.
        let longest = hLines.map(\.length).max() ?? 0
        let full = hLines.filter { Double($0.length) >= 0.85 * Double(longest) }
        let left = median(full.map { Double($0.start) })
        let right = median(full.map { Double($0.end) })
        let scale = (right - left) / layout.gridWidthMm  // work px per mm
        guard right - left > 0.3 * Double(work.width) else {
            throw .noGrid(String(format: "the longest ruled lines span only %.0f mm; the form's grid is %.0f mm wide", (right - left) / workPxPerMm, layout.gridWidthMm))
        }
        let originX = left - layout.gridLeftMm * scale

        // Align found lines (full-width ones only) with the expected lines.
        let expected = layout.expectedHorizontalLinesMm
        let candidates = hLines.filter { Double($0.length) >= 0.6 * Double(longest) }.map(\.position)
        let alignment = align(found: candidates, expectedMm: expected, scale: scale)
        guard alignment.matched.count >= max(4, expected.count / 2) else {
            throw .noGrid("only \(alignment.matched.count) of the form's \(expected.count) ruled lines could be matched")
        }
        var horizontal: [Double: Double] = [:]
        for (mm, y) in alignment.matched { horizontal[mm] = y }
        for mm in expected where horizontal[mm] == nil { horizontal[mm] = alignment.originY + mm * alignment.scale }

        // Vertical dividers, row by row.
        let vOpen = work.opened(horizontal: 1, vertical: Int(5 * workPxPerMm))
        var cellEdges: [[Double]] = []
        for (index, row) in layout.rows.enumerated() {
            let top = horizontal[row.topMm] ?? (alignment.originY + row.topMm * alignment.scale)
            let nextMm = index + 1 < layout.rows.count ? layout.rows[index + 1].topMm : layout.items.headerTopMm
            let bottom = horizontal[nextMm] ?? (alignment.originY + nextMm * alignment.scale)
            let found = vOpen.map { verticalLines($0, top: top, bottom: bottom) } ?? []
            let expectedLefts = row.cells.dropFirst().map(\.leftMm)
            var edges = [left]
            let matched = alignLinear(found: found, expectedMm: Array(expectedLefts), scale: scale, origin: originX)
            for mm in expectedLefts { edges.append(matched[mm] ?? (originX + mm * scale)) }
            edges.append(right)
            // Keep edges ordered even if a stray line was matched.
            for i in 1..<edges.count where edges[i] <= edges[i - 1] { edges[i] = edges[i - 1] + 1 }
            cellEdges.append(edges)
        }
        var divider: Double? = nil
        if let vOpen {
            let top = horizontal[layout.declarantTopMm] ?? 0, bottom = horizontal[layout.bottomMm] ?? 0
            let found = verticalLines(vOpen, top: top, bottom: bottom)
            let want = originX + (layout.gridLeftMm + layout.declarantLeftWidthMm) * scale
            divider = found.min { abs($0 - want) < abs($1 - want) }.flatMap { abs($0 - want) < 10 * scale ? $0 : nil }
        }

        // The item table's rules (outer ones included) are matched on their own: printouts move them
        // independently of the header grid.
        var itemEdges: [Double] = []
        let boundaries = layout.items.columns.map(\.leftMm) + [layout.gridRightMm]
        let itemTop = horizontal[layout.items.headerTopMm] ?? 0, itemBottom = horizontal[layout.confirmationsTopMm] ?? 0
        // Some printouts rule only the column titles, not the rows below them: the title band's rules
        // (which full-height rules also cross) place the columns.
        let headerBottom = horizontal[layout.items.firstRowTopMm] ?? (alignment.originY + layout.items.firstRowTopMm * alignment.scale)
        let bodyRules = vOpen.map { verticalLines($0, top: itemTop, bottom: itemBottom) } ?? []
        let titleRules = vOpen.map { verticalLines($0, top: itemTop, bottom: headerBottom) } ?? []
        let foundItems = titleRules.count > bodyRules.count ? titleRules : bodyRules
        let matchedItems = alignLinear(found: foundItems, expectedMm: boundaries, scale: scale, origin: originX)
        for mm in boundaries { itemEdges.append(matchedItems[mm] ?? (originX + mm * scale)) }
        for i in 1..<itemEdges.count where itemEdges[i] <= itemEdges[i - 1] { itemEdges[i] = itemEdges[i - 1] + 1 }

        let f = factor
        return GridRegistration(
            pixelsPerMm: alignment.scale * f, originX: originX * f, originY: alignment.originY * f,
            horizontal: horizontal.mapValues { $0 * f }, matchedHorizontal: alignment.matched.count,
            gridLeft: left * f, gridRight: right * f, cellEdges: cellEdges.map { $0.map { $0 * f } },
            declarantDivider: divider.map { $0 * f }, meanResidualMm: alignment.meanResidualMm,
            itemColumnEdges: itemEdges.map { $0 * f })
    }

    /// Long horizontal runs: a 15 mm brick removes text and keeps ruled lines.
    func horizontalLines(_ work: Raster, pxPerMm: Double) -> [FoundLine] {
        guard let closed = work.closed(horizontal: max(2, Int(0.6 * pxPerMm)), vertical: 1),
              let open = closed.opened(horizontal: Int(15 * pxPerMm), vertical: 1) else { return [] }
        let rows = open.rowCounts()
        let minRow = Int(10 * pxPerMm)
        var lines: [FoundLine] = []
        var y = 0
        while y < rows.count {
            guard rows[y] >= minRow else { y += 1; continue }
            var end = y
            while end + 1 < rows.count, rows[end + 1] >= minRow / 2 { end += 1 }
            var weight = 0.0, total = 0.0
            for r in y...end { weight += Double(r) * Double(rows[r]); total += Double(rows[r]) }
            if let band = open.cropped(x: 0, y: y, width: open.width, height: end - y + 1) {
                let cols = band.columnCounts()
                if let first = cols.firstIndex(where: { $0 > 0 }), let last = cols.lastIndex(where: { $0 > 0 }),
                   Double(last - first) >= 40 * pxPerMm {
                    lines.append(FoundLine(position: weight / max(1, total), start: first, end: last))
                }
            }
            y = end + 1
        }
        return lines
    }

    /// Vertical ruled lines crossing most of the band between `top` and `bottom` (work pixels).
    func verticalLines(_ vOpen: Raster, top: Double, bottom: Double) -> [Double] {
        let height = bottom - top
        guard height > 4 else { return [] }
        let inset = height * 0.15
        guard let band = vOpen.cropped(x: 0, y: Int(top + inset), width: vOpen.width, height: Int(height - 2 * inset)) else { return [] }
        let cols = band.columnCounts()
        let need = Int(Double(band.height) * 0.7)
        var xs: [Double] = []
        var x = 0
        while x < cols.count {
            guard cols[x] >= need else { x += 1; continue }
            var end = x
            while end + 1 < cols.count, cols[end + 1] >= need { end += 1 }
            xs.append(Double(x + end) / 2)
            x = end + 1
        }
        return xs
    }

    struct Alignment {
        var matched: [(Double, Double)]
        var scale: Double
        var originY: Double
        var meanResidualMm: Double
    }

    /// Order-preserving alignment of found line positions with expected ones. Tries every pairing
    /// as the anchor of the vertical offset, keeps the cheapest alignment, then refits scale and offset.
    func align(found: [Double], expectedMm: [Double], scale: Double) -> Alignment {
        var best: (cost: Double, pairs: [(Int, Int)], origin: Double) = (.infinity, [], 0)
        for f in found {
            for e in expectedMm {
                let origin = f - e * scale
                let (cost, pairs) = dynamicMatch(found: found, expected: expectedMm.map { origin + $0 * scale }, scale: scale)
                if cost < best.cost { best = (cost, pairs, origin) }
            }
        }
        var fitScale = scale, fitOrigin = best.origin
        var pairs = best.pairs
        for _ in 0..<2 {
            guard pairs.count >= 3 else { break }
            let xs = pairs.map { expectedMm[$0.1] }, ys = pairs.map { found[$0.0] }
            let n = Double(xs.count)
            let mx = xs.reduce(0, +) / n, my = ys.reduce(0, +) / n
            var sxy = 0.0, sxx = 0.0
            for i in 0..<xs.count { sxy += (xs[i] - mx) * (ys[i] - my); sxx += (xs[i] - mx) * (xs[i] - mx) }
            let s = sxx > 0 ? sxy / sxx : scale
            // Per-line displacement is what real printouts vary; keep the fitted scale near the grid width's.
            fitScale = abs(s / scale - 1) < 0.06 ? s : scale
            fitOrigin = my - fitScale * mx
            pairs = dynamicMatch(found: found, expected: expectedMm.map { fitOrigin + $0 * fitScale }, scale: fitScale).1
        }
        let residuals = pairs.map { abs(found[$0.0] - (fitOrigin + expectedMm[$0.1] * fitScale)) / fitScale }
        return Alignment(matched: pairs.map { (expectedMm[$0.1], found[$0.0]) }, scale: fitScale, originY: fitOrigin,
                         meanResidualMm: residuals.isEmpty ? 0 : residuals.reduce(0, +) / Double(residuals.count))
    }

    /// Needleman–Wunsch over two ascending lists. Matching costs the distance in mm (up to a cap);
    /// leaving an expected line unmatched costs the cap; an extra found line (item separators,
    /// underlines) costs little.
    func dynamicMatch(found: [Double], expected: [Double], scale: Double) -> (Double, [(Int, Int)]) {
        let cap = 7.5, skipFound = 1.0, skipExpected = cap
        let n = found.count, m = expected.count
        var cost = [[Double]](repeating: [Double](repeating: .infinity, count: m + 1), count: n + 1)
        var move = [[UInt8]](repeating: [UInt8](repeating: 0, count: m + 1), count: n + 1)
        cost[0][0] = 0
        for i in 0...n {
            for j in 0...m {
                let here = cost[i][j]
                if here == .infinity { continue }
                if i < n, here + skipFound < cost[i + 1][j] { cost[i + 1][j] = here + skipFound; move[i + 1][j] = 1 }
                if j < m, here + skipExpected < cost[i][j + 1] { cost[i][j + 1] = here + skipExpected; move[i][j + 1] = 2 }
                if i < n, j < m {
                    let d = abs(found[i] - expected[j]) / scale
                    if d < cap, here + d < cost[i + 1][j + 1] { cost[i + 1][j + 1] = here + d; move[i + 1][j + 1] = 3 }
                }
            }
        }
        var pairs: [(Int, Int)] = []
        var i = n, j = m
        while i > 0 || j > 0 {
            switch move[i][j] {
            case 3: pairs.append((i - 1, j - 1)); i -= 1; j -= 1
            case 1: i -= 1
            case 2: j -= 1
            default: i = 0; j = 0
            }
        }
        return (cost[n][m], pairs.reversed())
    }

    /// Same alignment for vertical dividers of one row, with the horizontal mapping fixed.
    func alignLinear(found: [Double], expectedMm: [Double], scale: Double, origin: Double) -> [Double: Double] {
        // As many rules as expected, in order, each within reach: they are the expected ones.
        if found.count == expectedMm.count,
           zip(found, expectedMm).allSatisfy({ abs($0 - (origin + $1 * scale)) < 9 * scale }) {
            return Dictionary(uniqueKeysWithValues: zip(expectedMm, found).map { ($0, $1) })
        }
        let (_, pairs) = dynamicMatch(found: found, expected: expectedMm.map { origin + $0 * scale }, scale: scale)
        var out: [Double: Double] = [:]
        for (i, j) in pairs { out[expectedMm[j]] = found[i] }
        return out
    }

    func median(_ values: [Double]) -> Double {
        let s = values.sorted()
        guard !s.isEmpty else { return 0 }
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }
}
