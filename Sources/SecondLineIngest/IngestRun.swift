import Foundation
import SecondLineModel

public struct IngestOptions: Sendable {
    public var input: URL
    public var output: URL
    public var jobs: Int
    public var outputs: OutputOptions
    /// Read everything again, ignoring the ledger's record of unchanged inputs.
    public var force: Bool
    public var progress: ProgressMode

    public init(input: URL, output: URL, jobs: Int = ProcessInfo.processInfo.activeProcessorCount,
                outputs: OutputOptions = OutputOptions(), force: Bool = false, progress: ProgressMode = .quiet) {
        self.input = input
        self.output = output
        self.jobs = jobs
        self.outputs = outputs
        self.force = force
        self.progress = progress
    }
}

/// The end of a batch: counts over every declaration found in the input folder (read now or
/// earlier), and what needs a person.
public struct IngestSummary: Sendable {
    public var declarations: Int = 0
    public var readNow: Int = 0
    public var unchanged: Int = 0
    public var accepted: Int = 0
    public var needsReview: Int = 0
    public var rejected: Int = 0
    public var failed: Int = 0
    /// Read now: the outputs could not be written (disk full…); still pending.
    public var pending: Int = 0
    public var pagesReadNow: Int = 0
    /// Text/data files beside the scans (`.json`, `.txt`, …), not read.
    public var ignoredSidecars: [String] = []
    public var seconds: Double = 0
    /// (declaration key, state, files, result path, reason) of everything a person must look at.
    public var needsPerson: [Attention] = []
    /// (duplicate files, the declaration they duplicate)
    public var duplicates: [(files: [String], original: String)] = []
    /// Problems of the output side that stopped the batch (disk full, …).
    public var stopReason: String?

    public struct Attention: Sendable, Hashable {
        public var key: String
        public var state: LedgerState
        public var files: [String]
        public var resultPath: String?
        public var reason: String?
    }

    /// 0 all accepted, 3 some need review or were rejected, 1 some inputs failed (or could not be finished).
    public var exitCode: Int32 {
        if failed > 0 || pending > 0 || stopReason != nil { return 1 }
        if needsReview > 0 || rejected > 0 { return 3 }
        return 0
    }

    public func render(outputFolder: String) -> String {
        var text = "\(declarations) declaration\(declarations == 1 ? "" : "s") → \(outputFolder)"
        text += " (read now: \(readNow), \(pagesReadNow) page\(pagesReadNow == 1 ? "" : "s")" + (seconds > 0 && pagesReadNow > 0 ? String(format: ", %.2f pages/s", Double(pagesReadNow) / seconds) : "")
        text += "; unchanged: \(unchanged); duplicates: \(duplicates.count)"
        if !ignoredSidecars.isEmpty { text += "; not scans, ignored: \(ignoredSidecars.count) (.json, .txt, …)" }
        text += ")\n"
        text += "accepted \(accepted) · needs-review \(needsReview) · rejected \(rejected) · failed \(failed)"
        if pending > 0 { text += " · not finished \(pending)" }
        text += "\n"
        if !needsPerson.isEmpty {
            text += "Needs a person:\n"
            for item in needsPerson {
                let what = item.resultPath ?? item.files.joined(separator: ", ")
                text += "  \(item.state.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0)) \(what)"
                if let reason = item.reason { text += " — \(reason)" }
                text += "\n"
            }
        }
        if !duplicates.isEmpty {
            text += "Duplicates (read once):\n"
            for duplicate in duplicates {
                text += "  \(duplicate.files.joined(separator: ", ")) = \(duplicate.original)\n"
            }
        }
        if let stopReason { text += "Stopped: \(stopReason)\n" }
        return text
    }
}

/// `secondline ingest`: walks, plans (skip unchanged, spot duplicates), reads on N workers, writes.
public final class IngestRun: Sendable {
    public let options: IngestOptions
    public let factory: any DeclarationReaderFactory
    public let writer: any OutputWriter

    public init(options: IngestOptions, factory: any DeclarationReaderFactory, writer: any OutputWriter = AtomicFileWriter()) {
        self.options = options
        self.factory = factory
        self.writer = writer
    }

    public func run() throws(IngestError) -> IngestSummary {
        let started = Date()
        let input = options.input.standardizedFileURL.resolvingSymlinksInPath()
        let output = try OutputFolder.prepare(options.output)
        let lock = try OutputLock(folder: output)
        defer { withExtendedLifetime(lock) {} }
        let ledger = try Ledger(folder: output)
        let processor = DeclarationProcessor(outputFolder: output, ledger: ledger, writer: writer, options: options.outputs)

        // The output folder may lie inside the input folder: it is then left out of the walk.
        let walk = try InputWalker.walk(input, excluding: [output], skippingSidecars: true)
        let found = PageNaming.group(walk.files)
        let plan = try plan(found, ledger: ledger)

        var summary = IngestSummary()
        summary.declarations = found.count
        summary.unchanged = plan.unchanged.count
        summary.ignoredSidecars = walk.sidecars
        for problem in walk.problems {
            summary.failed += 1
            summary.needsPerson.append(.init(key: problem.path, state: .failed, files: [problem.path], resultPath: nil, reason: problem.reason))
        }

        var readNow: [String: ProcessedDeclaration] = [:]
        for (group, failure) in plan.unreadable {
            readNow[group.key] = try processor.noteFailure(group, failure)
        }
        for (group, original) in plan.duplicates {
            let processed = try processor.noteDuplicate(group, of: original)
            readNow[group.key] = processed
        }

        let totalFiles = plan.toRead.reduce(0) { $0 + $1.files.count }
        let progress = ProgressReporter(mode: options.progress, totalFiles: totalFiles)
        let collected = Collected()
        if !plan.toRead.isEmpty {
            let pool = try WorkerPool(factory: factory, count: min(options.jobs, plan.toRead.count))
            progress.start()
            for group in plan.toRead {
                pool.submit { reader in
                    if collected.stopped { return }
                    do {
                        let processed = try processor.process(group, with: reader)
                        collected.add(processed)
                        progress.record(processed)
                    } catch {
                        collected.stop((error as? IngestError)?.description ?? describe(error))
                    }
                }
            }
            pool.close()
            progress.finish()
        }
        for processed in collected.all { readNow[processed.key] = processed }
        summary.stopReason = collected.stopReason

        do {
            try processor.writeIndex()
        } catch {
            summary.stopReason = summary.stopReason ?? error.description
        }

        // Tally every declaration of the input folder from the ledger (the truth after this run).
        for group in found {
            summary.pagesReadNow += readNow[group.key]?.pageCount ?? 0
            if readNow[group.key] != nil, readNow[group.key]?.state != .duplicate { summary.readNow += 1 }
            guard let entry = try ledger.declaration(group.key) else {
                summary.pending += 1
                continue
            }
            switch entry.state {
            case .accepted: summary.accepted += 1
            case .needsReview: summary.needsReview += 1
            case .rejected: summary.rejected += 1
            case .failed: summary.failed += 1
            case .pending: summary.pending += 1
            case .duplicate: summary.duplicates.append((entry.files, entry.duplicateOf ?? "?"))
            }
            if entry.state.needsPerson || entry.state == .pending {
                summary.needsPerson.append(.init(key: entry.key, state: entry.state, files: entry.files, resultPath: entry.resultPath,
                                                 reason: entry.state == .pending ? (entry.error ?? "not finished; run again") : entry.error ?? entry.reviewReason))
            }
        }
        summary.seconds = Date().timeIntervalSince(started)
        return summary
    }

    struct Plan {
        var toRead: [InputGroup] = []
        var unchanged: [String] = []
        var duplicates: [(InputGroup, String)] = []
        var unreadable: [(InputGroup, InputFailure)] = []
    }

    /// Decides per declaration: unchanged (skip), duplicate of another (note), or read.
    func plan(_ found: [FoundGroup], ledger: Ledger) throws(IngestError) -> Plan {
        var plan = Plan()
        var candidates: [FoundGroup] = []
        for group in found {
            if !options.force, try isUnchangedByStat(group, ledger: ledger) {
                plan.unchanged.append(group.key)
            } else {
                candidates.append(group)
            }
        }
        let hashed = Hashing.hash(candidates, jobs: options.jobs)
        var seenFingerprints: [String: String] = [:]
        for (found, result) in zip(candidates, hashed) {
            let group: InputGroup
            switch result {
            case .failure(let failure):
                plan.unreadable.append((Hashing.unhashed(found), failure))
                continue
            case .success(let hashedGroup):
                group = hashedGroup
            }
            if !options.force, try isUnchangedByHash(group, ledger: ledger) {
                plan.unchanged.append(group.key)
                continue
            }
            // Empty files all hash alike; each is its own failure, never a duplicate.
            let canBeDuplicate = group.files.allSatisfy { $0.size > 0 }
            let fingerprint = group.fingerprint
            if canBeDuplicate, let original = seenFingerprints[fingerprint] {
                plan.duplicates.append((group, original))
            } else if canBeDuplicate, !options.force,
                      let original = try ledger.readDeclaration(withFingerprint: fingerprint, otherThan: group.key) {
                plan.duplicates.append((group, original.key))
            } else {
                if canBeDuplicate { seenFingerprints[fingerprint] = group.key }
                plan.toRead.append(group)
            }
        }
        return plan
    }

    /// Same paths, sizes and mtimes as the final ledger entry.
    private func isUnchangedByStat(_ group: FoundGroup, ledger: Ledger) throws(IngestError) -> Bool {
        guard let entry = try ledger.declaration(group.key), entry.state.isFinal else { return false }
        let known = try ledger.inputs(ofDeclaration: group.key)
        guard known.count == group.files.count else { return false }
        let byPath = Dictionary(known.map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
        return group.files.allSatisfy { file in
            guard let old = byPath[file.relativePath] else { return false }
            return old.size == file.size && old.modificationTime == file.modificationTime
        }
    }

    /// Same paths and bytes (only the mtime moved): refresh the stat and skip.
    private func isUnchangedByHash(_ group: InputGroup, ledger: Ledger) throws(IngestError) -> Bool {
        guard let entry = try ledger.declaration(group.key), entry.state.isFinal else { return false }
        let known = try ledger.inputs(ofDeclaration: group.key)
        guard known.count == group.files.count else { return false }
        let byPath = Dictionary(known.map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
        guard group.files.allSatisfy({ byPath[$0.relativePath]?.sha256 == $0.sha256 }) else { return false }
        for file in group.files {
            try ledger.refreshStat(path: file.relativePath, size: file.size, modificationTime: file.modificationTime)
        }
        return true
    }
}

/// Results gathered from the worker threads.
final class Collected: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [ProcessedDeclaration] = []
    private var reason: String?

    func add(_ item: ProcessedDeclaration) { lock.withLock { items.append(item) } }
    func stop(_ why: String) { lock.withLock { if reason == nil { reason = why } } }
    var stopped: Bool { lock.withLock { reason != nil } }
    var stopReason: String? { lock.withLock { reason } }
    var all: [ProcessedDeclaration] { lock.withLock { items } }
}

enum Hashing {
    /// Hashes the files of each group on `jobs` threads.
    static func hash(_ groups: [FoundGroup], jobs: Int) -> [Result<InputGroup, InputFailure>] {
        let results = ResultBox<Result<InputGroup, InputFailure>>(count: groups.count)
        let next = ResultBox<Int>(count: 0)
        let workers = max(1, min(jobs, groups.count))
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while let index = next.takeIndex(limit: groups.count) {
                results.set(index, hash(groups[index]))
            }
        }
        return results.values.map { $0! }
    }

    /// The group with empty hashes, for recording a file that could not even be hashed.
    static func unhashed(_ group: FoundGroup) -> InputGroup {
        InputGroup(key: group.key, stem: group.stem, files: group.files.enumerated().map { index, file in
            InputFile(url: file.url, relativePath: file.relativePath, size: file.size, modificationTime: file.modificationTime,
                      sha256: "", pageNumberInName: group.pageNumbers[index])
        })
    }

    static func hash(_ group: FoundGroup) -> Result<InputGroup, InputFailure> {
        var files: [InputFile] = []
        for (index, file) in group.files.enumerated() {
            let digest: String
            do {
                digest = try SHA256.hex(ofFileAt: file.url)
            } catch {
                return .failure(.unreadable(file.relativePath, reason: describe(error)))
            }
            files.append(InputFile(url: file.url, relativePath: file.relativePath, size: file.size, modificationTime: file.modificationTime,
                                   sha256: digest, pageNumberInName: group.pageNumbers[index]))
        }
        return .success(InputGroup(key: group.key, stem: group.stem, files: files))
    }
}

final class ResultBox<T>: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var values: [T?]
    private var cursor = 0
    init(count: Int) { values = Array(repeating: nil, count: count) }
    func set(_ index: Int, _ value: T) { lock.withLock { values[index] = value } }
    func takeIndex(limit: Int) -> Int? {
        lock.withLock {
            guard cursor < limit else { return nil }
            defer { cursor += 1 }
            return cursor
        }
    }
}

/// An exclusive lock on an output folder for one run (`flock` on OUT/.secondline-lock), so two
/// ingests or watchers never write the same results and ledger at once. The kernel releases it
/// when the process dies, so a killed run never blocks the next one.
public final class OutputLock {
    private let fd: Int32

    public init(folder: URL) throws(IngestError) {
        let path = folder.appendingPathComponent(".secondline-lock").path
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .outputNotWritable(folder.path, reason: lastErrorText()) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw .outputInUse(folder.path)
        }
    }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }
}

/// Creating and checking the output folder.
public enum OutputFolder {
    /// Creates the folder, proves it writable, removes temporary files of interrupted runs.
    public static func prepare(_ url: URL) throws(IngestError) -> URL {
        let folder = url.standardizedFileURL
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw .outputNotWritable(folder.path, reason: describe(error))
        }
        let resolved = folder.resolvingSymlinksInPath()
        let probe = resolved.appendingPathComponent(".secondline-write-test" + TemporaryNames.marker + String(getpid()))
        let fd = open(probe.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .outputNotWritable(resolved.path, reason: lastErrorText()) }
        close(fd)
        unlink(probe.path)
        TemporaryNames.removeLeftovers(in: resolved)
        return resolved
    }
}
