import ArgumentParser
import Foundation
import SecondLineIngest

/// `secondline ingest INPUT --out OUT`: reads every declaration in a folder of scans.
///
/// The form reader is wired by whoever owns `main.swift`, before `SecondLine.main()`:
/// ```swift
/// IngestCommand.readerFactory = { try FormReaderFactory() }   // any DeclarationReaderFactory
/// ```
/// `watch` uses the same hook. For tests and fault drills the hidden environment variable
/// `SECONDLINE_FAKE_READER=text[:MS]` (or `slow`, `spin:MS`) replaces it with `TextScanReaderFactory`.
struct IngestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Read every scanned declaration in a folder; write results, an index and a ledger.",
        discussion: """
            Writes OUT/<name>.json per declaration, OUT/index.jsonl (all results) and, with --format xml, \
            OUT/<name>.xml for accepted declarations. A second run reads only new or changed scans.
            Exit status: 0 all accepted, 3 some need review or were rejected, 1 some inputs failed or \
            the output could not be written, 64 wrong usage.
            """)

    /// Set by `main.swift` to the real form reader. Read once per run, before any worker starts.
    nonisolated(unsafe) static var readerFactory: (@Sendable () throws -> any DeclarationReaderFactory)?

    @Argument(help: "Folder of scans (read recursively), or a single scan file.")
    var input: String

    @Option(help: "Output folder (created if missing). May lie inside INPUT: it is then skipped.")
    var out: String

    @OptionGroup var reading: ReadingOptions

    @Flag(help: "Read every input again, even unchanged ones.")
    var force = false

    @Flag(help: "No progress output (the final summary is still printed).")
    var quiet = false

    func run() throws {
        let factory: any DeclarationReaderFactory
        do {
            factory = try ReaderWiring.factory()
        } catch {
            StandardError.write("secondline ingest: \(error)\n")
            throw ExitCode(1)
        }
        let options = IngestOptions(
            input: URL(fileURLWithPath: input),
            output: URL(fileURLWithPath: out),
            jobs: reading.workerCount,
            outputs: try reading.outputs(),
            force: force,
            progress: quiet ? .quiet : .automatic)
        let summary: IngestSummary
        do {
            summary = try IngestRun(options: options, factory: factory).run()
        } catch {
            StandardError.write("secondline ingest: \(error.description)\n")
            throw ExitCode(1)
        }
        StandardError.write(summary.render(outputFolder: out))
        if summary.exitCode != 0 { throw ExitCode(summary.exitCode) }
    }
}

/// Which reader `ingest` and `watch` use.
enum ReaderWiring {
    static let fakeReaderVariable = "SECONDLINE_FAKE_READER"

    static func factory() throws -> any DeclarationReaderFactory {
        if let value = ProcessInfo.processInfo.environment[fakeReaderVariable] {
            guard let fake = TextScanReaderFactory(environmentValue: value) else {
                throw IngestError.noReader("\(fakeReaderVariable)=\(value) is not understood (use text, text:MS, slow or spin:MS)")
            }
            return fake
        }
        guard let make = IngestCommand.readerFactory else {
            throw IngestError.noReader("this build has no form reader wired in (IngestCommand.readerFactory is not set)")
        }
        return try make()
    }
}
