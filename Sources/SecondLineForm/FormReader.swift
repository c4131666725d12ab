import Foundation
import SecondLineModel
import SecondLineOCR
import SecondLineRules

/// Settings of a form reader.
public struct FormReaderOptions: Sendable {
    /// Tesseract language data directory; nil = `TESSDATA_PREFIX`, then the Debian default.
    public var tessdataPath: String?
    /// The day rules such as XF-DATES compare against; nil = today on this machine.
    public var today: CalendarDate?
    /// Read item rows (issue 5); when false only header and footer fields are read.
    public var readItems: Bool
    public var limits: ImageIntakeLimits

    public init(tessdataPath: String? = nil, today: CalendarDate? = nil, readItems: Bool = true, limits: ImageIntakeLimits = .default) {
        self.tessdataPath = tessdataPath
        self.today = today
        self.readItems = readItems
        self.limits = limits
    }
}

/// Reads scanned paper declarations into result documents. Owns its OCR engines: create one per
/// worker and do not share it between tasks.
public final class FormReader {
    public let options: FormReaderOptions
    let layout: FormLayout
    let recognizer: CellRecognizer
    let resolver: CodeFieldResolver
    let rules: RuleEngine
    let policy = ConfidencePolicy()
    /// No orientation detection: registration finds which way up the grid is (and tries the title both
    /// ways), which makes Tesseract's OSD (0.4 s a page) redundant on a form.
    static let normalizer = PageNormalizer(options: {
        var options = NormalizationOptions()
        options.correctOrientation = false
        return options
    }())

    public init(options: FormReaderOptions = FormReaderOptions()) throws {
        self.options = options
        layout = try FormLayout.bundled()
        let tessdata: Tessdata
        do { tessdata = try Tessdata.locate(explicitPath: options.tessdataPath) } catch {
            throw FormReadError.engine("\(error)")
        }
        recognizer = try CellRecognizer(tessdataDirectory: tessdata.directory)
        resolver = CodeFieldResolver(tables: .bundled)
        rules = RuleEngine(tables: .bundled)
    }

    /// Reads one declaration from one file (all its pages) or from several page files.
    public func read(files: [URL]) throws -> ResultDocument {
        guard !files.isEmpty else { throw FormReadError.noInput }
        var sources: [SourcePage] = []
        var hashes: [String] = []
        var readings: [PageReading] = []
        var rejections: [String] = []
        // Header values two readings agreed on: a later page's first reading that says the same needs no second.
        var agreed: [String: PageReader.EarlierValue] = [:]
        var earlierCells: [String: [EarlierCell]] = [:]
        for url in files {
            let path = url.path
            let data: Data
            do { data = try Data(contentsOf: url) } catch { throw FormReadError.file(path: path, reason: "the file could not be read (\(error.localizedDescription))") }
            hashes.append(SHA256.hex(of: data))
            let document: ImageDocument
            do { document = try ImageDocument(path: path, limits: options.limits) } catch {
                throw FormReadError.file(path: path, reason: "\(error)")
            }
            for index in 0..<document.pageCount {
                var clock = StageClock()
                let loaded: LoadedPage
                do { loaded = try document.loadPage(index) } catch {
                    throw FormReadError.file(path: path, reason: "page \(index + 1) could not be decoded (\(error))")
                }
                clock.lap("decode")
                let pageNumber = sources.count + 1
                let (source, outcome) = readPage(loaded, file: path, index: index, resultPage: pageNumber, agreedEarlier: agreed,
                                              earlierCells: &earlierCells)
                sources.append(source)
                switch outcome {
                case .success(let reading):
                    readings.append(reading)
                    for (field, evidence) in reading.evidence where agreed[field] == nil && evidence.confidence >= PageReader.agreedConfidence {
                        agreed[field] = PageReader.EarlierValue(text: evidence.text, page: pageNumber)
                    }
                case .failure(let reason): rejections.append("\(url.lastPathComponent) page \(index + 1): \(reason)")
                }
            }
        }
        let filesShown = files.map(\.path)
        guard !readings.isEmpty else {
            return ResultDocument(files: filesShown, pages: sources, sha256: hashes, status: .rejected,
                                  rejectionReason: rejections.joined(separator: "; "))
        }
        var result = assemble(readings, rejections: rejections)
        result.files = filesShown
        result.sha256 = hashes
        result.pages = sources
        return result
    }

    enum PageOutcome { case success(PageReading), failure(String) }

    /// Normalizes, registers and reads one page.
    func readPage(_ loaded: LoadedPage, file: String, index: Int, resultPage: Int,
                  agreedEarlier: [String: PageReader.EarlierValue] = [:], earlierCells: inout [String: [EarlierCell]]) -> (SourcePage, PageOutcome) {
        var source = SourcePage(file: file, index: index, pageNumber: nil, rotation: 0, skewDegrees: 0, dpi: loaded.dpi)
        var clock = StageClock()
        let normalized: NormalizedPage
        do { normalized = try Self.normalizer.normalize(loaded, using: nil) } catch {
            return (source, .failure("the page could not be prepared for reading (\(error))"))
        }
        source.rotation = normalized.report.rotationAppliedDegrees
        source.skewDegrees = normalized.report.skewCorrectedDegrees
        source.dpi = normalized.report.outputDPI
        guard let gray = Raster.gray(from: normalized.image) else {
            return (source, .failure("the page image could not be converted"))
        }
        let dpi = normalized.report.outputDPI
        // Orientation: the grid's position says which way up the page is, but specks can mislead it;
        // the title must read as one of the forms, so a page whose title does not is tried the other way up.
        var located: (turns: Int, reader: PageReader, formType: FormType)? = nil
        var firstTitle: String? = nil
        var foundGrid = false
        clock.lap("normalize")
        var candidate = register(gray, dpi: dpi)
        clock.lap("register")
        for attempt in 0..<2 {
            if attempt == 1, let (page, _, _, turns) = candidate { candidate = registerFlipped(page, turns: turns, dpi: dpi) }
            guard let (page, binary, grid, turns) = candidate else { break }
            foundGrid = true
            // Tesseract reads the grey page with an even background; a bilevel copy without specks tells
            // where the ink is (lines of text, their extent), so that specks beside a value are never read.
            let even = page.backgroundNormalized() ?? page
            let clean = even.binarizedBetweenPaperAndInk().flatMap { $0.despeckled(size: max(3, Int(0.3 * grid.pixelsPerMm))) }
            recognizer.setPage(even, clean: clean, dpi: dpi)
            if let dir = ProcessInfo.processInfo.environment["SECONDLINE_FORM_DEBUG_DIR"] {
                let name = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent + "-\(index + 1)"
                try? even.pngData()?.write(to: URL(fileURLWithPath: dir).appendingPathComponent(name + "-even.png"))
                try? clean?.pngData()?.write(to: URL(fileURLWithPath: dir).appendingPathComponent(name + "-clean.png"))
            }
            // Where the ink lies (lines, their extent) is judged without specks up to half a millimetre: on
            // a noisy scan smaller ones bridge the gap between a label and its value.
            let inkMap = clean.flatMap { $0.despeckled(size: max(4, Int(0.5 * grid.pixelsPerMm))) } ?? clean ?? binary
            let reader = PageReader(layout: layout, recognizer: recognizer, resolver: resolver, policy: policy,
                                    binary: inkMap, grid: grid, pageNumber: resultPage)
            clock.lap("prepare")
            let (formType, titleText) = reader.readFormType()
            clock.lap("title")
            if let formType {
                located = (turns, reader, formType)
                break
            }
            if firstTitle == nil { firstTitle = titleText }
        }
        guard foundGrid else {
            return (source, .failure("no declaration form grid was found on the page (not a customs declaration form, blank, or unreadable)"))
        }
        guard let (turns, reader, formType) = located else {
            let shown = (firstTitle ?? "").isEmpty ? "no title could be read" : "the title reads '\(firstTitle ?? "")'"
            return (source, .failure("this is not one of the four declaration forms: \(shown)"))
        }
        if turns != 0 { source.rotation = (source.rotation + turns * 90) % 360 }
        var reading = PageReading(formType: formType)
        reader.agreedOnEarlierPages = agreedEarlier
        reader.earlierCells = earlierCells
        reader.readHeader(formType: formType, into: &reading)
        clock.lap("header")
        if options.readItems { reader.readItems(formType: formType, into: &reading) }
        clock.lap("items")
        earlierCells = reader.earlierCells
        source.pageNumber = reading.pageNumber
        return (source, .success(reading))
    }

    /// Finds the grid as the page lies, else turned upside down or sideways; a page wider than high holds
    /// the upright form turned a quarter, so the sideways turns are tried first there.
    func register(_ gray: Raster, dpi: Int) -> (Raster, Raster, GridRegistration, Int)? {
        let locator = GridLocator(layout: layout)
        for turns in gray.width > gray.height ? [1, 3, 0, 2] : [0, 2, 1, 3] {
            guard var page = turns == 0 ? gray : gray.rotatedOrth(quarterTurns: turns) else { continue }
            if turns % 2 == 1, let skew = page.binarized()?.skewDegrees(), abs(skew) >= 0.1, let straight = page.rotated(degrees: skew) {
                page = straight
            }
            guard let binary = page.binarized(), let grid = try? locator.locate(page: binary, dpi: dpi) else { continue }
            // Text above the grid (title, top line) and none below: upright. Otherwise try the next turn.
            if !isUpright(binary, grid) { continue }
            return (page, binary, grid, turns)
        }
        return nil
    }

    /// The registered page turned upside down, registered again.
    func registerFlipped(_ page: Raster, turns: Int, dpi: Int) -> (Raster, Raster, GridRegistration, Int)? {
        guard let flipped = page.rotatedOrth(quarterTurns: 2), let binary = flipped.binarized(),
              let grid = try? GridLocator(layout: layout).locate(page: binary, dpi: dpi) else { return nil }
        return (flipped, binary, grid, (turns + 2) % 4)
    }

    func isUpright(_ binary: Raster, _ grid: GridRegistration) -> Bool {
        let mm = grid.pixelsPerMm
        let top = grid.y(layout.rows[0].topMm), bottom = grid.y(layout.bottomMm)
        let band = Int(15 * mm)
        let x = Int(grid.gridLeft), w = Int(grid.gridRight - grid.gridLeft)
        let above = binary.cropped(x: x, y: Int(top) - band - Int(1 * mm), width: w, height: band)?.blackFraction() ?? 0
        let below = binary.cropped(x: x, y: Int(bottom) + Int(1 * mm), width: w, height: band)?.blackFraction() ?? 0
        return above >= below
    }
}


extension FormReader {
    /// Registers page `index` of a file exactly as `read(files:)` does, without reading it
    /// (for tests and diagnostics): the grid found, the normalized page size and extra quarter turns.
    func registerFile(_ path: String, index: Int = 0) throws -> (grid: GridRegistration, width: Int, height: Int, turns: Int)? {
        let document = try ImageDocument(path: path, limits: options.limits)
        let loaded = try document.loadPage(index)
        let normalized = try Self.normalizer.normalize(loaded, using: nil)
        guard let gray = Raster.gray(from: normalized.image),
              let (page, _, grid, turns) = register(gray, dpi: normalized.report.outputDPI) else { return nil }
        return (grid, page.width, page.height, turns)
    }
}

extension FormReader {
    /// The `页码/页数：k/n` printed on the first page of a file, or nil when it cannot be read
    /// (not a form, or the mark unreadable). Cheaper than `read(files:)`: only the top line is read.
    public func pageMark(of file: URL) throws -> (page: Int, pageCount: Int)? {
        let document: ImageDocument
        do { document = try ImageDocument(path: file.path, limits: options.limits) } catch {
            throw FormReadError.file(path: file.path, reason: "\(error)")
        }
        guard document.pageCount > 0 else { return nil }
        let loaded: LoadedPage
        do { loaded = try document.loadPage(0) } catch { throw FormReadError.file(path: file.path, reason: "\(error)") }
        guard let normalized = try? Self.normalizer.normalize(loaded, using: nil),
              let gray = Raster.gray(from: normalized.image),
              let (page, binary, grid, _) = register(gray, dpi: normalized.report.outputDPI) else { return nil }
        recognizer.setPage(page.backgroundNormalized() ?? page, clean: nil, dpi: normalized.report.outputDPI)
        let reader = PageReader(layout: layout, recognizer: recognizer, resolver: resolver, policy: policy,
                                binary: binary, grid: grid, pageNumber: 1)
        var reading = PageReading(formType: .importDeclaration)
        reader.readTopLine(into: &reading)
        guard let k = reading.pageNumber, let n = reading.pageCount else { return nil }
        return (k, n)
    }
}

/// `SECONDLINE_FORM_DEBUG=1`: logs the time each stage of reading a page took (for tuning, never in normal runs).
struct StageClock {
    private var started = DispatchTime.now().uptimeNanoseconds

    mutating func lap(_ name: String) {
        guard CellRecognizer.debug else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        FileHandle.standardError.write(Data("stage \(name) \((now - started) / 1_000_000)ms\n".utf8))
        started = now
    }
}
