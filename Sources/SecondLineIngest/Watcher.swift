import Foundation
import SecondLineModel

public struct WatchOptions: Sendable {
    public enum Finish: Sendable, Equatable {
        /// Move read inputs into dated folders (`DIR/2026-11-29/…`).
        case archive(URL)
        case delete
    }

    public var drop: URL
    public var output: URL
    public var finish: Finish
    /// Inputs that could not be read go here, each with `<name>.error.json`.
    public var quarantine: URL
    /// Size and mtime must stay unchanged this long before a file is taken.
    public var stableSeconds: Double = 2
    /// nil: inotify plus a rescan every `rescanSeconds`. A number: no inotify, a scan every so many seconds.
    public var pollSeconds: Double?
    public var rescanSeconds: Double = 30
    /// Page files of one declaration wait this long for missing siblings, then proceed.
    public var pageWaitSeconds: Double = 30
    public var heartbeatSeconds: Double = 60
    /// After an output failure (disk full, read-only), the input waits this long before the next try.
    public var retrySeconds: Double = 5
    public var jobs: Int
    /// Process what is there now, then exit.
    public var once: Bool = false
    public var outputs: OutputOptions

    public init(drop: URL, output: URL, finish: Finish? = nil, quarantine: URL? = nil,
                jobs: Int = ProcessInfo.processInfo.activeProcessorCount, outputs: OutputOptions = OutputOptions()) {
        self.drop = drop
        self.output = output
        self.finish = finish ?? .archive(output.appendingPathComponent("archive"))
        self.quarantine = quarantine ?? output.appendingPathComponent("quarantine")
        self.jobs = jobs
        self.outputs = outputs
    }

    /// The processing area: a hidden folder inside DROP, so a claim is one `rename` on one filesystem.
    public var processingFolder: URL { drop.appendingPathComponent(Watcher.processingName) }
}

public struct WatchTotals: Sendable {
    public var accepted = 0
    public var needsReview = 0
    public var rejected = 0
    public var failed = 0
    public var duplicates = 0
    /// Inputs whose output could not be written when the watcher stopped (they stay in the processing area).
    public var pending = 0
    public var retries = 0

    /// For `--once`: like `ingest`. A watcher stopped by a signal exits 0.
    public var exitCode: Int32 {
        if failed > 0 || pending > 0 { return 1 }
        if needsReview > 0 || rejected > 0 { return 3 }
        return 0
    }
}

/// `secondline watch`: a hot folder that never loses a file, never reads one twice and never stops.
///
/// Life of an input: seen (inotify or rescan) → stable for `stableSeconds` and looks whole →
/// (page files: all siblings there, or `pageWaitSeconds` passed) → claimed by `rename` into
/// DROP/.secondline-processing → read by a worker (ledger: pending → final after outputs are
/// in place) → archived/deleted, or quarantined with `<name>.error.json`. After a crash the
/// processing area is taken up again and the ledger prevents a second result.
public final class Watcher: @unchecked Sendable {
    public static let processingName = ".secondline-processing"

    public let options: WatchOptions
    private let factory: any DeclarationReaderFactory
    private let writer: any OutputWriter
    private let log: @Sendable (String) -> Void

    private let stopLock = NSLock()
    private var stopRequested = false
    private var stopping: Bool { stopLock.withLock { stopRequested } }

    // Coordinator state (touched only by the thread running `run()`).
    private struct Candidate {
        var size: Int64
        var mtime: Int64
        var changedAt: Date
        var firstSeen: Date
        var completeFor: (Int64, Int64)?
        var mark: PageMark??
    }

    private var candidates: [String: Candidate] = [:]
    private var inFlight: Set<String> = []
    private var retries: [(claim: Claim, due: Date)] = []
    private var totals = WatchTotals()
    private var markReader: (any DeclarationReader)?
    private var markReaderFailed = false

    private let completions = CompletionQueue()

    public init(options: WatchOptions, factory: any DeclarationReaderFactory, writer: any OutputWriter = AtomicFileWriter(),
                log: @escaping @Sendable (String) -> Void = { StandardError.write($0 + "\n") }) {
        self.options = options
        self.factory = factory
        self.writer = writer
        self.log = log
    }

    /// Asks the watcher to finish the files in hand and return (safe from any thread / signal source).
    public func requestStop() {
        stopLock.withLock { stopRequested = true }
    }

    /// Refuses configurations where results or moved inputs would be read as new drops.
    public static func validate(_ options: WatchOptions) throws(IngestError) {
        let drop = options.drop.standardizedFileURL
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: drop.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .inputMissing(drop.path)
        }
        guard access(drop.path, R_OK | W_OK | X_OK) == 0 else {
            throw .inputUnreadable(drop.path, reason: "\(lastErrorText()) (the watcher must read the drop folder and move files out of it)")
        }
        var checks: [(String, URL)] = [("output", options.output), ("quarantine", options.quarantine)]
        if case .archive(let archive) = options.finish { checks.append(("archive", archive)) }
        for (what, folder) in checks where FileMoves.isInside(folder, drop) {
            throw .outputInsideDrop(what: what, path: folder.path, drop: drop.path)
        }
    }

    public func run() throws(IngestError) -> WatchTotals {
        try Self.validate(options)
        let drop = options.drop.standardizedFileURL.resolvingSymlinksInPath()
        let output = try OutputFolder.prepare(options.output)
        let lock = try OutputLock(folder: output)
        defer { withExtendedLifetime(lock) {} }
        let ledger = try Ledger(folder: output)
        let processor = DeclarationProcessor(outputFolder: output, ledger: ledger, writer: writer, options: options.outputs)
        let processing = drop.appendingPathComponent(Self.processingName)
        do {
            try FileManager.default.createDirectory(at: processing, withIntermediateDirectories: true)
        } catch {
            throw .inputUnreadable(processing.path, reason: "cannot create the processing area: \(describe(error))")
        }
        TemporaryNames.removeLeftovers(in: processing)
        let pool = try WorkerPool(factory: factory, count: options.jobs)
        let context = JobContext(drop: drop, processing: processing, processor: processor, ledger: ledger, options: options,
                                 log: log, stopping: { [weak self] in self?.stopping ?? true })

        var events: DirectoryEvents?
        if options.pollSeconds == nil {
            do {
                events = try DirectoryEvents(root: drop)
            } catch {
                log("\(Self.stamp()) inotify unavailable (\(error.description)); scanning every \(Int(options.rescanSeconds)) s instead")
            }
        }
        let mode = events == nil ? "polling every \(options.pollSeconds ?? options.rescanSeconds) s" : "inotify + rescan every \(Int(options.rescanSeconds)) s"
        log("\(Self.stamp()) watching \(drop.path) → \(output.path) (\(mode), stable \(options.stableSeconds) s, \(options.jobs) reader\(options.jobs == 1 ? "" : "s"))")

        // Restart: whatever a previous run left in the processing area is taken up first.
        let leftovers = (try? InputWalker.walk(processing).files) ?? []
        if !leftovers.isEmpty { log("\(Self.stamp()) taking up \(leftovers.count) file(s) left in the processing area") }
        for group in Self.claimGroups(leftovers) {
            submit(group, pool: pool, context: context)
        }

        rescan(drop)
        var lastRescan = Date()
        var lastHeartbeat = Date()
        var lastIndex = Date()
        var indexDirty = false
        let rescanEvery = options.pollSeconds ?? options.rescanSeconds

        while !stopping {
            for completion in completions.drain() {
                handle(completion, indexDirty: &indexDirty)
            }
            if options.once && candidates.isEmpty && inFlight.isEmpty && (retries.isEmpty) { break }

            if let events {
                let batch = events.next(timeout: 0.2)
                if batch.overflowed { rescan(drop); lastRescan = Date() }
                for path in batch.files { see(path, in: drop) }
                for folder in batch.folders { rescan(drop, folder: folder) }
            } else {
                Thread.sleep(forTimeInterval: 0.2)
            }
            let now = Date()
            if now.timeIntervalSince(lastRescan) >= rescanEvery {
                rescan(drop)
                lastRescan = now
            }
            for group in readyGroups(now: now, drop: drop) {
                guard let claim = claimFromDrop(group, drop: drop, processing: processing) else { continue }
                submit(claim, pool: pool, context: context)
            }
            let due = retries.filter { $0.due <= now }
            if !due.isEmpty {
                retries.removeAll { $0.due <= now }
                for retry in due { submit(retry.claim, pool: pool, context: context) }
            }
            if indexDirty && now.timeIntervalSince(lastIndex) >= 5 {
                indexDirty = !writeIndex(processor)
                lastIndex = now
            }
            if now.timeIntervalSince(lastHeartbeat) >= options.heartbeatSeconds {
                log("\(Self.stamp()) heartbeat: waiting \(candidates.count), in progress \(inFlight.count), retrying \(retries.count); "
                    + "since start accepted \(totals.accepted), needs-review \(totals.needsReview), rejected \(totals.rejected), "
                    + "failed \(totals.failed), duplicates \(totals.duplicates)")
                lastHeartbeat = now
            }
        }

        // Stopping: files not yet started are put back into DROP by their jobs; running ones finish.
        pool.close()
        for completion in completions.drain() { handle(completion, indexDirty: &indexDirty) }
        totals.pending += retries.count
        if indexDirty { _ = writeIndex(processor) }
        log("\(Self.stamp()) stopped: accepted \(totals.accepted), needs-review \(totals.needsReview), rejected \(totals.rejected), "
            + "failed \(totals.failed), duplicates \(totals.duplicates)" + (retries.isEmpty ? "" : ", \(retries.count) waiting in the processing area for a writable output"))
        return totals
    }

    private func writeIndex(_ processor: DeclarationProcessor) -> Bool {
        do {
            try processor.writeIndex()
            return true
        } catch {
            log("\(Self.stamp()) index.jsonl not written: \(error.description)")
            return false
        }
    }

    // MARK: Seeing files

    private func rescan(_ drop: URL, folder: String = "") {
        let base = folder.isEmpty ? drop : drop.appendingPathComponent(folder)
        guard let walk = try? InputWalker.walk(base) else { return }
        let prefix = folder.isEmpty ? "" : folder + "/"
        var present = Set<String>()
        for file in walk.files {
            present.insert(prefix + file.relativePath)
            see(prefix + file.relativePath, in: drop)
        }
        if folder.isEmpty {
            for path in candidates.keys where !present.contains(path) { candidates[path] = nil }
        }
    }

    private func see(_ path: String, in drop: URL) {
        let parts = path.split(separator: "/").map(String.init)
        guard !parts.contains(where: JunkNames.isJunk) else { return }
        guard let info = FileStat(path: drop.appendingPathComponent(path).path), info.isRegular else {
            candidates[path] = nil
            return
        }
        let now = Date()
        if var known = candidates[path] {
            if known.size != info.size || known.mtime != info.mtime {
                known.size = info.size
                known.mtime = info.mtime
                known.changedAt = now
                known.mark = nil
                candidates[path] = known
            }
        } else {
            candidates[path] = Candidate(size: info.size, mtime: info.mtime, changedAt: now, firstSeen: now, completeFor: nil, mark: nil)
        }
    }

    /// Re-stats every candidate; returns the groups ready to be claimed.
    private func readyGroups(now: Date, drop: URL) -> [[String]] {
        var stable: Set<String> = []
        for path in Array(candidates.keys) {
            see(path, in: drop)
            guard var candidate = candidates[path] else { continue }
            let quiet = now.timeIntervalSince(candidate.changedAt)
            guard quiet >= options.stableSeconds else { continue }
            if candidate.completeFor.map({ $0 == (candidate.size, candidate.mtime) }) != true {
                // A whole-looking file is taken; one that never completes is taken after a long
                // quiet spell so the reader can quarantine it instead of it waiting forever.
                if ScanCompleteness.looksComplete(drop.appendingPathComponent(path)) || quiet >= max(30, options.stableSeconds * 10) {
                    candidate.completeFor = (candidate.size, candidate.mtime)
                    candidates[path] = candidate
                } else {
                    continue
                }
            }
            stable.insert(path)
        }

        var groups: [[String]] = []
        var pagedSiblings: [String: [String]] = [:]
        for path in candidates.keys {
            let (folder, name) = PageNaming.split(path)
            let (stem, _) = PageNaming.stemAndExtension(name)
            if let paged = PageNaming.pageSuffix(ofStem: stem) {
                pagedSiblings[(folder.isEmpty ? "" : folder + "/") + paged.base, default: []].append(path)
            } else if stable.contains(path), !inFlight.contains(Self.naturalKey(path)) {
                groups.append([path])
            }
        }
        for (key, paths) in pagedSiblings where !inFlight.contains(key) && paths.allSatisfy(stable.contains) {
            let lastArrival = paths.compactMap { candidates[$0]?.firstSeen }.max() ?? now
            if options.once || now.timeIntervalSince(lastArrival) >= options.pageWaitSeconds || allPagesPresent(paths, drop: drop) {
                groups.append(paths.sorted())
            }
        }
        return groups
    }

    /// True when the files' `页码/页数` marks say every page 1…n is here.
    private func allPagesPresent(_ paths: [String], drop: URL) -> Bool {
        var marks: [PageMark] = []
        for path in paths {
            guard var candidate = candidates[path] else { return false }
            if candidate.mark == nil {
                candidate.mark = .some(pageMark(drop.appendingPathComponent(path)))
                candidates[path] = candidate
            }
            guard let mark = candidate.mark ?? nil else { return false }
            marks.append(mark)
        }
        guard let count = marks.first?.pageCount, marks.allSatisfy({ $0.pageCount == count }) else { return false }
        return Set(marks.map(\.page)) == Set(1...max(1, count))
    }

    private func pageMark(_ url: URL) -> PageMark? {
        guard factory.providesPageMarks else { return nil }
        if markReader == nil && !markReaderFailed {
            do { markReader = try factory.makeReader() } catch { markReaderFailed = true }
        }
        return (try? markReader?.pageMark(of: url)) ?? nil
    }

    // MARK: Claiming

    struct Claim: Sendable {
        var key: String
        var stem: String
        /// (path relative to DROP, current location in the processing area, page number in the name)
        var files: [(relative: String, url: URL, page: Int?)]
        var attempts = 0
    }

    static func naturalKey(_ relative: String) -> String {
        let (folder, name) = PageNaming.split(relative)
        let (stem, _) = PageNaming.stemAndExtension(name)
        let base = PageNaming.pageSuffix(ofStem: stem)?.base ?? stem
        return (folder.isEmpty ? "" : folder + "/") + base
    }

    /// Groups files already in the processing area (after a restart) the same way.
    static func claimGroups(_ files: [FoundFile]) -> [Claim] {
        var byKey: [String: Claim] = [:]
        var order: [String] = []
        for file in files {
            let (_, name) = PageNaming.split(file.relativePath)
            let (stem, _) = PageNaming.stemAndExtension(name)
            let paged = PageNaming.pageSuffix(ofStem: stem)
            // Unpaged files are their own declaration even when stems are equal.
            let key = paged == nil ? file.relativePath : naturalKey(file.relativePath)
            if byKey[key] == nil {
                byKey[key] = Claim(key: naturalKey(file.relativePath), stem: paged?.base ?? stem, files: [])
                order.append(key)
            }
            byKey[key]!.files.append((file.relativePath, file.url, paged?.page))
        }
        return order.map { byKey[$0]! }
    }

    private func claimFromDrop(_ paths: [String], drop: URL, processing: URL) -> Claim? {
        var claim = Claim(key: Self.naturalKey(paths[0]), stem: "", files: [])
        let (_, name) = PageNaming.split(paths[0])
        let stem = PageNaming.stemAndExtension(name).stem
        claim.stem = PageNaming.pageSuffix(ofStem: stem)?.base ?? stem
        for path in paths {
            candidates[path] = nil
            let source = drop.appendingPathComponent(path)
            let target = processing.appendingPathComponent(path)
            try? FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            guard !FileManager.default.fileExists(atPath: target.path) else {
                log("\(Self.stamp()) \(path): a file of this name is still being processed; it waits")
                continue
            }
            guard rename(source.path, target.path) == 0 else { continue } // gone meanwhile
            let (_, fileName) = PageNaming.split(path)
            claim.files.append((path, target, PageNaming.pageSuffix(ofStem: PageNaming.stemAndExtension(fileName).stem)?.page))
        }
        AtomicFileWriter.syncFolder(processing)
        return claim.files.isEmpty ? nil : claim
    }

    private func submit(_ claim: Claim, pool: WorkerPool, context: JobContext) {
        inFlight.insert(claim.key)
        let queue = completions
        pool.submit { reader in
            queue.push(context.handle(claim, reader: reader))
        }
    }

    private func handle(_ completion: Completion, indexDirty: inout Bool) {
        switch completion {
        case .done(let key, let state):
            inFlight.remove(key)
            indexDirty = true
            switch state {
            case .accepted: totals.accepted += 1
            case .needsReview: totals.needsReview += 1
            case .rejected: totals.rejected += 1
            case .failed: totals.failed += 1
            case .duplicate: totals.duplicates += 1
            case .pending: break
            }
        case .retry(let claim):
            inFlight.remove(claim.key)
            totals.retries += 1
            if options.once {
                totals.pending += 1
            } else {
                let delay = min(60, options.retrySeconds * Double(1 << min(claim.attempts, 4)))
                var next = claim
                next.attempts += 1
                retries.append((next, Date().addingTimeInterval(delay)))
            }
        case .putBack(let key):
            inFlight.remove(key)
        }
    }

    static func stamp() -> String {
        ISO8601DateFormatter.string(from: Date(), timeZone: .current, formatOptions: [.withInternetDateTime])
    }
}

enum Completion: Sendable {
    case done(key: String, state: LedgerState)
    case retry(Watcher.Claim)
    case putBack(key: String)
}

final class CompletionQueue: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [Completion] = []
    func push(_ item: Completion) { lock.withLock { items.append(item) } }
    func drain() -> [Completion] { lock.withLock { defer { items.removeAll() }; return items } }
}

/// What a worker does with one claimed declaration.
struct JobContext: Sendable {
    let drop: URL
    let processing: URL
    let processor: DeclarationProcessor
    let ledger: Ledger
    let options: WatchOptions
    let log: @Sendable (String) -> Void
    let stopping: @Sendable () -> Bool

    func handle(_ claim: Watcher.Claim, reader: any DeclarationReader) -> Completion {
        if stopping() {
            putBack(claim)
            return .putBack(key: claim.key)
        }
        var files: [InputFile] = []
        for file in claim.files {
            guard let info = FileStat(path: file.url.path) else { continue }
            let digest = (try? SHA256.hex(ofFileAt: file.url)) ?? ""
            files.append(InputFile(url: file.url, relativePath: file.relative, size: info.size, modificationTime: info.mtime,
                                   sha256: digest, pageNumberInName: file.page))
        }
        files.sort { ($0.pageNumberInName ?? 0, $0.relativePath) < ($1.pageNumberInName ?? 0, $1.relativePath) }
        guard !files.isEmpty else { return .done(key: claim.key, state: .pending) }
        var group = InputGroup(key: claim.key, stem: claim.stem, files: files)
        do {
            let processed: ProcessedDeclaration
            let resolution = try resolveKey(&group)
            switch resolution {
            case .alreadyRead(let state, let error):
                processed = ProcessedDeclaration(key: group.key, files: files.map(\.relativePath), state: state, pageCount: 0, seconds: 0,
                                                 resultPath: DeclarationProcessor.resultPath(forKey: group.key), error: error, reviewReason: "already read")
            case .duplicate(let original):
                processed = try processor.noteDuplicate(group, of: original)
            case .read:
                processed = try processor.process(group, with: reader)
            }
            let whereTo = try finish(group, processed)
            removeEmptyFolders(above: files.map(\.url))
            log("\(Watcher.stamp()) \(ProgressReporter.describe(processed)) → \(whereTo)")
            // A scan read before (re-dropped, or finished just before a crash) counts as a duplicate, not a second reading.
            if case .alreadyRead(let state, _) = resolution, state != .failed { return .done(key: claim.key, state: .duplicate) }
            return .done(key: claim.key, state: processed.state)
        } catch {
            log("\(Watcher.stamp()) \(files.map(\.relativePath).joined(separator: ", ")): \(error.description); kept in the processing area, will retry")
            return .retry(claim)
        }
    }

    enum Resolution { case read, alreadyRead(LedgerState, error: String?), duplicate(String) }

    /// A name used before for other content gets `~<hash>` so both results stay; the same
    /// content again is recognised (crash restart, re-drop) and not read twice.
    private func resolveKey(_ group: inout InputGroup) throws(IngestError) -> Resolution {
        let fingerprint = group.fingerprint
        let suffixed = group.key + "~" + fingerprint.prefix(8)
        for key in [group.key, suffixed] {
            if let entry = try ledger.declaration(key), entry.fingerprint == fingerprint {
                group.key = key
                return entry.state.isFinal ? .alreadyRead(entry.state, error: entry.error) : .read
            }
        }
        if try ledger.declaration(group.key) != nil { group.key = suffixed }
        if group.files.allSatisfy({ $0.size > 0 }),
           let original = try ledger.readDeclaration(withFingerprint: fingerprint, otherThan: group.key, includingFailed: false) {
            return .duplicate(original.key)
        }
        return .read
    }

    /// Archive, delete or quarantine. Returns where the inputs went.
    private func finish(_ group: InputGroup, _ processed: ProcessedDeclaration) throws(IngestError) -> String {
        if processed.state == .failed {
            for file in group.files {
                let (folder, name) = PageNaming.split(file.relativePath)
                let target = options.quarantine.appendingPathComponent(folder)
                let moved = try FileMoves.move(file.url, into: target, name: name)
                let report: [String: Any] = [
                    "file": file.relativePath, "declaration": group.key, "files": group.files.map(\.relativePath),
                    "error": processed.error ?? "unreadable", "time": Watcher.stamp(), "sha256": file.sha256,
                ]
                let data = (try? JSONSerialization.data(withJSONObject: report, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])) ?? Data()
                try AtomicFileWriter().write(data, to: target.appendingPathComponent(moved.lastPathComponent + ".error.json"))
            }
            return "quarantine"
        }
        switch options.finish {
        case .delete:
            for file in group.files where unlink(file.url.path) != 0 && errno != ENOENT {
                throw .outputWriteFailed(path: file.url.path, reason: lastErrorText())
            }
            return "deleted"
        case .archive(let archive):
            let day = String(Watcher.stamp().prefix(10))
            for file in group.files {
                let (folder, name) = PageNaming.split(file.relativePath)
                try FileMoves.move(file.url, into: archive.appendingPathComponent(day).appendingPathComponent(folder), name: name)
            }
            return "archive/\(day)"
        }
    }

    /// Subfolders of the processing area emptied by a finished claim (never the area itself).
    private func removeEmptyFolders(above files: [URL]) {
        for file in files {
            var folder = file.deletingLastPathComponent().standardizedFileURL
            while folder.path.hasPrefix(processing.path + "/") {
                guard rmdir(folder.path) == 0 else { break }
                folder.deleteLastPathComponent()
            }
        }
    }

    /// SIGTERM before the job started: the files go back to DROP (or stay claimed if a new file took the name).
    private func putBack(_ claim: Watcher.Claim) {
        for file in claim.files {
            let target = drop.appendingPathComponent(file.relative)
            if FileManager.default.fileExists(atPath: target.path) { continue }
            try? FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            rename(file.url.path, target.path)
        }
    }
}
