import Foundation
import SecondLineModel

/// A stand-in reader for tests and fault drills: reads tiny text "scans" instead of images,
/// so the pipeline can be tested (and killed) without OCR. Selected in the CLI by the hidden
/// environment variable `SECONDLINE_FAKE_READER=text[:MILLISECONDS_PER_PAGE]` (sleeps, like
/// waiting on a slow engine) or `spin:MILLISECONDS_PER_PAGE` (keeps a core busy, like OCR does,
/// so the benchmark shows whether the workers really run in parallel).
///
/// A text scan looks like:
/// ```
/// FAKESCAN
/// status: needs-review        (accepted | needs-review | rejected; default accepted)
/// page: 2/3                   (optional 页码/页数 mark)
/// delay-ms: 50                (optional extra reading time)
/// fail: the page is torn      (optional: the reader throws this)
/// ```
/// Anything not starting with `FAKESCAN` fails like a corrupt image would.
public struct TextScanReaderFactory: DeclarationReaderFactory {
    public var millisecondsPerPage: Int
    /// Burn CPU instead of sleeping.
    public var busy: Bool

    public init(millisecondsPerPage: Int = 0, busy: Bool = false) {
        self.millisecondsPerPage = millisecondsPerPage
        self.busy = busy
    }

    /// `text`, `text:200`, `slow` (= 300 ms per page). Nil when the value means nothing.
    public init?(environmentValue: String) {
        let parts = environmentValue.split(separator: ":", maxSplits: 1).map(String.init)
        switch parts.first {
        case "text": self.init(millisecondsPerPage: parts.count > 1 ? Int(parts[1]) ?? 0 : 0)
        case "slow": self.init(millisecondsPerPage: parts.count > 1 ? Int(parts[1]) ?? 300 : 300)
        case "spin": self.init(millisecondsPerPage: parts.count > 1 ? Int(parts[1]) ?? 300 : 300, busy: true)
        default: return nil
        }
    }

    public var providesPageMarks: Bool { true }

    public func makeReader() throws -> any DeclarationReader {
        TextScanReader(millisecondsPerPage: millisecondsPerPage, busy: busy)
    }
}

public enum TextScanError: Error, CustomStringConvertible, Equatable {
    case notAScan(String)
    case failed(String, reason: String)

    public var description: String {
        switch self {
        case .notAScan(let file): return "\(file): not an image the reader can decode (corrupt or not a scan)"
        case .failed(let file, let reason): return "\(file): \(reason)"
        }
    }
}

struct TextScan {
    var status: ReadStatus = .accepted
    var mark: PageMark?
    var delayMilliseconds = 0
    var failure: String?

    init(url: URL, displayName: String) throws(TextScanError) {
        guard let data = try? Data(contentsOf: url), let text = String(data: data, encoding: .utf8), text.hasPrefix("FAKESCAN") else {
            throw .notAScan(displayName)
        }
        for line in text.split(separator: "\n").dropFirst() {
            let parts = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2 else { continue }
            switch parts[0] {
            case "status": status = ReadStatus(rawValue: parts[1]) ?? .accepted
            case "page":
                let numbers = parts[1].split(separator: "/").compactMap { Int($0) }
                if numbers.count == 2 { mark = PageMark(page: numbers[0], pageCount: numbers[1]) }
            case "delay-ms": delayMilliseconds = Int(parts[1]) ?? 0
            case "fail": failure = parts[1]
            default: break
            }
        }
    }
}

struct TextScanReader: DeclarationReader {
    let millisecondsPerPage: Int
    var busy = false

    func read(_ group: InputGroup) throws -> ReadOutcome {
        var status = ReadStatus.accepted
        var delay = 0
        var pages: [[String: Any]] = []
        for (index, file) in group.files.enumerated() {
            let scan = try TextScan(url: file.url, displayName: file.relativePath)
            if let failure = scan.failure { throw TextScanError.failed(file.relativePath, reason: failure) }
            // The worst page decides, as with real reading.
            if scan.status == .rejected || (scan.status == .needsReview && status == .accepted) { status = scan.status }
            delay += millisecondsPerPage + scan.delayMilliseconds
            var page: [String: Any] = ["file": file.relativePath, "index": 0, "rotation": 0, "skewDegrees": 0, "dpi": 300]
            page["pageNumber"] = scan.mark?.page ?? file.pageNumberInName ?? (index + 1)
            pages.append(page)
        }
        if delay > 0 && busy {
            // A fixed amount of work (about 1 ms per 300k xorshift steps on an idle 2020s core), not a
            // deadline: on a loaded machine it takes longer, exactly as OCR would.
            var spin: UInt64 = 1
            for _ in 0..<(delay * 300_000) { spin ^= spin << 13; spin ^= spin >> 7; spin ^= spin << 17 }
            if spin == 42 { StandardError.write("") } // keeps the loop from being optimised away
        } else if delay > 0 {
            Thread.sleep(forTimeInterval: Double(delay) / 1000)
        }
        let source: [String: Any] = ["files": group.files.map(\.relativePath), "pages": pages, "sha256": group.files.map(\.sha256)]
        var gaps: [[String: Any]] = []
        if status == .needsReview {
            gaps.append(["field": "grossWeightKg", "reason": "unreadable", "page": 1, "message": "test gap"])
        }
        var document: [String: Any] = ["schemaVersion": 1, "source": source, "status": status.rawValue]
        document["declaration"] = ["formType": "import-declaration", "items": [Any]()] as [String: Any]
        document["fields"] = [String: Any]()
        document["gaps"] = gaps
        document["findings"] = [Any]()
        let json = try JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        let xml = Data("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<DecMessage><!-- \(group.key) --></DecMessage>\n".utf8)
        return ReadOutcome(status: status, resultJSON: json, declarationXML: xml, pageCount: group.files.count,
                           reviewReason: status == .needsReview ? "1 gap (grossWeightKg)" : status == .rejected ? "not a declaration form" : nil)
    }

    func pageMark(of file: URL) throws -> PageMark? {
        try TextScan(url: file, displayName: file.lastPathComponent).mark
    }
}
