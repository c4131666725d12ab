import Foundation
import SecondLineModel

/// How the batch and watch pipelines talk to whatever reads a declaration from its scans.
///
/// The pipeline never depends on the form reader directly: the command line wires a factory
/// (the real one wraps `SecondLineForm`; tests use `TextScanReaderFactory`). Each worker
/// thread asks the factory for its own reader, because a reader owns an OCR engine that is
/// neither shareable nor cheap to create.
public protocol DeclarationReaderFactory: Sendable {
    /// Called once per worker, on that worker's thread. The reader is used only there.
    func makeReader() throws -> any DeclarationReader

    /// Whether readers implement `pageMark(of:)`. Only then does the watcher make one extra
    /// reader to look at page marks (it owns an OCR engine, so it is not made for nothing).
    var providesPageMarks: Bool { get }
}

extension DeclarationReaderFactory {
    public var providesPageMarks: Bool { false }
}

/// Reads one declaration (one or more page files). Not required to be thread-safe.
public protocol DeclarationReader {
    /// Reads the declaration. Throw (ideally a `CustomStringConvertible` error that names the
    /// file and what is wrong) when the input cannot be read at all: it is then recorded as
    /// `failed` with that message and the batch goes on. A readable non-form is `rejected`.
    func read(_ group: InputGroup) throws -> ReadOutcome

    /// The `页码/页数` mark of a single page file, if the reader can tell it cheaply.
    /// The watcher uses it to know when all page files of a declaration have arrived.
    /// The default returns nil (the watcher then waits for a quiet period instead).
    func pageMark(of file: URL) throws -> PageMark?
}

extension DeclarationReader {
    public func pageMark(of file: URL) throws -> PageMark? { nil }
}

/// `页码/页数：k/n` printed at the top of a page.
public struct PageMark: Sendable, Hashable {
    public var page: Int
    public var pageCount: Int
    public init(page: Int, pageCount: Int) {
        self.page = page
        self.pageCount = pageCount
    }
}

/// The status of a declaration that was read (result-format.md): `SecondLineModel.ResultStatus`.
/// `failed` is not a reading status: it is the pipeline's verdict when the reader threw.
public typealias ReadStatus = ResultStatus

/// What a reader returns for one declaration.
public struct ReadOutcome: Sendable {
    public var status: ReadStatus
    /// The result document (result-format.md), already encoded; written as `<stem>.json`.
    public var resultJSON: Data
    /// The DecMessage XML of the declaration, when one could be built. Written with `--format xml`
    /// for `accepted` declarations (for all with `--all`).
    public var declarationXML: Data?
    /// Number of pages read (for pages/s and the summary).
    public var pageCount: Int
    /// One line for the summary saying what a person must look at (e.g. "2 gaps, 1 error finding").
    public var reviewReason: String?

    public init(status: ReadStatus, resultJSON: Data, declarationXML: Data? = nil, pageCount: Int, reviewReason: String? = nil) {
        self.status = status
        self.resultJSON = resultJSON
        self.declarationXML = declarationXML
        self.pageCount = pageCount
        self.reviewReason = reviewReason
    }
}
