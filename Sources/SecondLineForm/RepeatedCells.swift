import Foundation
import SecondLineModel

/// A cell as read earlier in the same declaration: its ink, and the values read from it with confidence.
/// Every page of a declaration prints the same header, and the same goods are often listed again; a cell
/// that holds the same print (to within a pixel) says the same and is not read again. Kept only while one
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

    /// Whether `other` (another cell, cut to its ink) is the same print: the same size within a pixel or two
    /// and no stroke that one has and the other has not.
    func sameInk(as other: Raster) -> Bool { unexplainedInk(other) == 0 }

    /// How many pixels of `other` and of this print lie more than a pixel from the other's ink, specks of
    /// one pixel aside; nil unless the sizes agree within two pixels. The smaller is padded with paper, so
    /// that no edge of the larger goes unexamined.
    func unexplainedInk(_ other: Raster) -> Int? {
        guard abs(other.width - ink.width) <= 2, abs(other.height - ink.height) <= 2 else { return nil }
        let width = max(other.width, ink.width), height = max(other.height, ink.height)
        guard let a = ink.padded(toWidth: width, height: height), let b = other.padded(toWidth: width, height: height) else { return nil }
        return a.unexplainedInk(b)
    }

    /// Whether `other` is this print but for scan noise: at most one unexplained pixel in 40 of this
    /// print's ink. A Chinese character that differs leaves far more (a component, some hundred pixels);
    /// a digit may not, so callers compare digits by reading them.
    func nearlySameInk(as other: Raster) -> Bool { unexplainedInk(other).map(nearlySame) ?? false }

    /// Whether `unexplained` pixels (`unexplainedInk`) are few enough for scan noise alone.
    func nearlySame(unexplained: Int) -> Bool { unexplained <= inkCount / 40 }

    /// Black pixels of `ink`.
    var inkCount: Int { Int((ink.blackFraction() * Double(ink.width * ink.height)).rounded()) }
}

extension PageReader {
    /// Reads one header cell, or takes what an earlier page of the declaration read from the same ink.
    func readCellOnce(field: String, spec: CellSpec, inner: PixelBox, into page: inout PageReading) {
        readUnlessRepeated(key: field, area: inner, into: &page) { readCell(field: field, spec: spec, inner: inner, into: &$0) }
    }

    /// Runs `read` on the page unless an earlier page of the declaration printed the same ink in `area`
    /// (cut to its bounding box) as one kept under `key`, in which case that reading's values are taken
    /// with a note. An area whose fields were all read with confidence (`reusableConfidence`), with no
    /// gap, is kept.
    func readUnlessRepeated(key: String, area: PixelBox, into page: inout PageReading, _ read: (inout PageReading) -> Void) {
        let ink = recognizer.cleanCrop(area)?.clippedToInk()
        // Each earlier print is measured against this one once, up to the first that is the same: the
        // measures serve again when the reading leaves a gap (`settleFromNearlySamePrint`).
        var measured: [(cell: EarlierCell, unexplained: Int)] = []
        if let ink {
            for cell in earlierCells[key] ?? [] {
                guard let unexplained = cell.unexplainedInk(ink.raster) else { continue }
                measured.append((cell, unexplained))
                if unexplained == 0 { break }
            }
        }
        let earlier = measured.last.flatMap { $0.unexplained == 0 ? $0.cell : nil }
        if CellRecognizer.debug, let ink {
            FileHandle.standardError.write(Data("cell \(key) page \(pageNumber) \(ink.raster.width)x\(ink.raster.height): \(earlier.map { "same as page \($0.page)" } ?? "read (\(earlierCells[key]?.count ?? 0) earlier)")\n".utf8))
        }
        if let ink, let earlier {
            let dx = area.x + ink.x - earlier.inkOrigin.x, dy = area.y + ink.y - earlier.inkOrigin.y
            for (field, value) in earlier.values { page.values[field] = value }
            for (field, evidence) in earlier.evidence {
                var moved = evidence
                moved.page = pageNumber
                moved.box = evidence.box.map { PixelBox(x: $0.x + dx, y: $0.y + dy, width: $0.width, height: $0.height) }
                moved.notes.append("not read again: the print is the same, to within a pixel, as one read on page \(earlier.page)")
                moved.copiedFrom = earlier.page
                page.evidence[field] = moved
            }
            return
        }
        let valuesBefore = Set(page.values.keys), evidenceBefore = Set(page.evidence.keys)
        let gapsBefore = page.gaps.count
        read(&page)
        if page.gaps.count > gapsBefore {
            settleFromNearlySamePrint(near: measured.filter { $0.cell.nearlySame(unexplained: $0.unexplained) }.map(\.cell), gapsFrom: gapsBefore, into: &page)
        }
        let newValues = Set(page.values.keys).subtracting(valuesBefore), newEvidence = Set(page.evidence.keys).subtracting(evidenceBefore)
        guard let ink, (earlierCells[key]?.count ?? 0) < Self.earlierCellsKept, !newValues.isEmpty, page.gaps.count == gapsBefore,
              newEvidence.allSatisfy({ (page.evidence[$0]?.confidence ?? 0) >= Self.reusableConfidence }) else { return }
        earlierCells[key, default: []].append(EarlierCell(ink: ink.raster, inkOrigin: (area.x + ink.x, area.y + ink.y),
                                                          values: page.values.filter { newValues.contains($0.key) },
                                                          evidence: page.evidence.filter { newEvidence.contains($0.key) }, page: pageNumber))
    }

    /// Where two readings of a field disagree only in Chinese characters and one of them is the value read
    /// with confidence from a print that is the same but for scan noise (`nearlySameInk`: the same goods
    /// listed again on a noisy page), that value stands: the ink says the characters are the same (a
    /// differing one leaves a component's worth of pixels), and one network here read them so. Digits and
    /// letters must read alike in both readings: a differing digit leaves too few pixels to be seen.
    /// `near`: the earlier prints of the cell's key that are nearly the same as its ink.
    func settleFromNearlySamePrint(near: [EarlierCell], gapsFrom start: Int, into page: inout PageReading) {
        guard !near.isEmpty else { return }
        let compact = { (v: FieldValue?) -> String? in if case .string(let s)? = v { FieldParser.compact(s) } else { nil } }
        let notHan = { (t: String) in String(FieldParser.compact(t).filter { !$0.isHan }) }
        var index = start
        while index < page.gaps.count {
            let gap = page.gaps[index]
            // Every nearly same print must say the same.
            let values = Set(near.compactMap { compact($0.values[gap.field]) })
            guard values.count == 1, let settled = values.first, let earlier = near.first(where: { compact($0.values[gap.field]) == settled }),
                  let value = earlier.values[gap.field], gap.readings.count >= 2,
                  gap.readings.contains(where: { FieldParser.compact($0) == settled }),
                  gap.readings.allSatisfy({ notHan($0) == notHan(settled) }) else { index += 1; continue }
            page.gaps.remove(at: index)
            page.values[gap.field] = value
            var evidence = earlier.evidence[gap.field] ?? FieldEvidence(text: settled, confidence: 0.9, page: pageNumber)
            evidence.page = pageNumber
            evidence.box = gap.box
            evidence.confidence = 0.9
            evidence.notes = ["readings disagree (\(gap.readings.map { "'\($0)'" }.joined(separator: " / "))); the print is the same, but for scan noise, as one read on page \(earlier.page) as '\(settled)', as one reading here says"]
            evidence.copiedFrom = earlier.page
            page.evidence[gap.field] = evidence
        }
    }

    /// A value read with this confidence is kept for the same ink elsewhere: two readings agreed, a
    /// confident third sided with one, or the form confirmed it. Values settled from unsure readings (a
    /// vote, three unsure readings alike: 0.9) are read again, so that other pixels can contradict them.
    static let reusableConfidence = 0.93

    /// Prints kept per key: a declaration lists at most 50 items, few of them different goods.
    static let earlierCellsKept = 16

    /// Reads an item's cell in `rects` (its lines), or takes what an earlier item read from the same ink:
    /// the same goods are often listed again, with the same name, declaration elements and codes.
    /// `reuse` false (lines that run into each other or a border): read, and kept for no other item.
    func readItemCellOnce(_ key: String, _ rects: [PixelBox?], reuse: Bool, into scratch: inout PageReading, _ read: (inout PageReading) -> Void) {
        guard reuse, let area = union(rects.compactMap { $0 }) else { read(&scratch); return }
        readUnlessRepeated(key: "items." + key, area: area, into: &scratch, read)
    }
}
