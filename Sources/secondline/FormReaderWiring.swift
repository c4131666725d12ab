import Foundation
import SecondLineForm
import SecondLineIngest
import SecondLineModel

/// Connects the ingest pipeline (batch and watch) to the paper form reader: one reader, and so
/// one OCR engine, per worker.
struct FormReaderFactory: DeclarationReaderFactory {
    var options = FormReaderOptions()
    func makeReader() throws -> any DeclarationReader { FormDeclarationReader(reader: try FormReader(options: options)) }
}

struct FormDeclarationReader: DeclarationReader {
    let reader: FormReader

    func read(_ group: InputGroup) throws -> ReadOutcome {
        var document = try reader.read(files: group.urls)
        // Show the paths the user knows, not absolute ones or the watcher's processing area.
        let shown = Dictionary(group.urls.map(\.path).enumerated().map { ($1, group.files[$0].relativePath) }, uniquingKeysWith: { first, _ in first })
        document.files = document.files.map { shown[$0] ?? $0 }
        for i in document.pages.indices { document.pages[i].file = shown[document.pages[i].file] ?? document.pages[i].file }
        let errors = document.findings.filter { $0.severity == .error }.count
        let reason: String? = switch document.status {
        case .accepted: nil
        case .rejected: document.rejectionReason ?? "not a declaration form"
        case .needsReview: "\(document.gaps.count) gap(s), \(errors) error finding(s)"
        }
        return ReadOutcome(status: document.status, resultJSON: document.jsonData(),
                           declarationXML: document.declaration.map(DecMessageXML.encode),
                           pageCount: document.pages.count, reviewReason: reason)
    }
}
