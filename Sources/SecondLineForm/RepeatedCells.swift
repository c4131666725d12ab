import Foundation
import SecondLineModel

/// A header cell as read on an earlier page of the same declaration: its ink, and the values two
/// readings agreed on there. Every page of a declaration prints the same header; a later page whose cell
/// holds the same ink, pixel for pixel, says the same and is not read again. Kept only while one
/// declaration is read (one worker), never shared.
final class EarlierCell {
    /// The cell's ink, cut to its bounding box, and where that box lay on its page.
    let ink: Raster
    let inkOrigin: (x: Int, y: Int)
    let values: [String: FieldValue]
    let evidence: [String: FieldEvidence]
    let page: Int

    init(ink: Raster, inkOrigin: (x: Int, y: Int), values: [String: FieldValue], evidence: [String: FieldEvidence], page: Int) {
        self.ink = ink
        self.inkOrigin = inkOrigin
        self.values = values
        self.evidence = evidence
        self.page = page
    }

    /// Whether `ink` (another page's cell, cut to its ink) is the same print: the same size within a pixel
    /// or two and no stroke that one has and the other has not.
    func sameInk(as other: Raster) -> Bool {
        guard abs(other.width - ink.width) <= 2, abs(other.height - ink.height) <= 2 else { return false }
        let width = min(other.width, ink.width), height = min(other.height, ink.height)
        guard let a = ink.cropped(x: 0, y: 0, width: width, height: height),
              let b = other.cropped(x: 0, y: 0, width: width, height: height) else { return false }
        return a.unexplainedInk(b) == 0
    }
}

extension PageReader {
    /// Reads one header cell, or takes what an earlier page of the declaration read from the same ink.
    func readCellOnce(field: String, spec: CellSpec, inner: PixelBox, into page: inout PageReading) {
        readOnce(key: field, area: inner, into: &page) { readCell(field: field, spec: spec, inner: inner, into: &$0) }
    }

    /// Runs `read` on the page unless an earlier page of the declaration printed the same ink in `area`
    /// (cut to its bounding box), in which case that page's values are taken with a note. An area whose
    /// fields were all agreed by two readings, with no gap, is kept for later pages under `key`.
    func readOnce(key: String, area: PixelBox, into page: inout PageReading, _ read: (inout PageReading) -> Void) {
        let ink = recognizer.cleanCrop(area)?.clippedToInk()
        if CellRecognizer.debug, let ink {
            let shown = earlierCells[key].map { e in "earlier \(e.ink.width)x\(e.ink.height) now \(ink.raster.width)x\(ink.raster.height) same \(e.sameInk(as: ink.raster))" } ?? "none earlier"
            FileHandle.standardError.write(Data("cell \(key) page \(pageNumber): \(shown)\n".utf8))
        }
        if let ink, let earlier = earlierCells[key], earlier.sameInk(as: ink.raster) {
            let dx = area.x + ink.x - earlier.inkOrigin.x, dy = area.y + ink.y - earlier.inkOrigin.y
            for (field, value) in earlier.values { page.values[field] = value }
            for (field, evidence) in earlier.evidence {
                var moved = evidence
                moved.page = pageNumber
                moved.box = evidence.box.map { PixelBox(x: $0.x + dx, y: $0.y + dy, width: $0.width, height: $0.height) }
                moved.notes.append("not read again: the print is the same, pixel for pixel, as on page \(earlier.page)")
                page.evidence[field] = moved
            }
            return
        }
        let valuesBefore = Set(page.values.keys), evidenceBefore = Set(page.evidence.keys)
        let gapsBefore = page.gaps.count
        read(&page)
        let newValues = Set(page.values.keys).subtracting(valuesBefore), newEvidence = Set(page.evidence.keys).subtracting(evidenceBefore)
        guard let ink, earlierCells[key] == nil, !newValues.isEmpty, page.gaps.count == gapsBefore,
              newEvidence.allSatisfy({ (page.evidence[$0]?.confidence ?? 0) >= Self.agreedConfidence }) else { return }
        earlierCells[key] = EarlierCell(ink: ink.raster, inkOrigin: (area.x + ink.x, area.y + ink.y),
                                        values: page.values.filter { newValues.contains($0.key) },
                                        evidence: page.evidence.filter { newEvidence.contains($0.key) }, page: pageNumber)
    }
}
