import ArgumentParser
import Foundation
import SecondLineIngest

/// `secondline watch DROP --out OUT`: reads every declaration dropped into a folder, unattended.
/// Uses the same reader hook as `ingest` (`IngestCommand.readerFactory`), the same ledger and outputs.
struct WatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Watch a drop folder: read each declaration dropped in, then archive, delete or quarantine it.",
        discussion: """
            Inputs are claimed by moving them into DROP/.secondline-processing (same filesystem, so the move \
            is atomic), then archived into dated folders (default OUT/archive), deleted (--delete), or, when \
            they cannot be read, moved to the quarantine (default OUT/quarantine) with <name>.error.json. \
            Files left in the processing area by a crash are taken up at start; the ledger in OUT prevents \
            a second result. SIGTERM/SIGINT finish the files in hand and exit 0.
            """)

    @Argument(help: "The drop folder (watched recursively).")
    var drop: String

    @Option(help: "Output folder for results, index.jsonl and the ledger. Must not lie inside DROP.")
    var out: String

    @Option(help: "Archive folder for read inputs (dated subfolders). Default: OUT/archive.")
    var archive: String?

    @Flag(help: "Delete inputs once read instead of archiving them.")
    var delete = false

    @Option(help: "Folder for inputs that cannot be read. Default: OUT/quarantine.")
    var quarantine: String?

    @Option(help: "Seconds a file's size and time must stay unchanged before it is taken.")
    var stable: Double = 2

    @Option(help: "Scan every SECONDS instead of using inotify (network shares).")
    var poll: Double?

    @Option(help: "Seconds page files of one declaration wait for their missing siblings.")
    var pageWait: Double = 30

    @Option(help: "Seconds between heartbeat lines.")
    var heartbeat: Double = 60

    @OptionGroup var reading: ReadingOptions

    @Flag(help: "Process what is in DROP now, then exit (exit status as for ingest).")
    var once = false

    func validate() throws {
        if archive != nil && delete { throw ValidationError("use either --archive DIR or --delete, not both") }
        if stable < 0 { throw ValidationError("--stable must be 0 or more seconds") }
        if let poll, poll <= 0 { throw ValidationError("--poll must be more than 0 seconds") }
        if pageWait < 0 || heartbeat <= 0 { throw ValidationError("--page-wait and --heartbeat must be positive") }
    }

    func run() throws {
        let factory: any DeclarationReaderFactory
        do {
            factory = try ReaderWiring.factory()
        } catch {
            StandardError.write("secondline watch: \(error)\n")
            throw ExitCode(1)
        }
        let output = URL(fileURLWithPath: out)
        var options = WatchOptions(
            drop: URL(fileURLWithPath: drop), output: output,
            finish: delete ? .delete : archive.map { .archive(URL(fileURLWithPath: $0)) },
            quarantine: quarantine.map { URL(fileURLWithPath: $0) },
            jobs: reading.workerCount,
            outputs: try reading.outputs())
        options.stableSeconds = stable
        options.pollSeconds = poll
        options.pageWaitSeconds = pageWait
        options.heartbeatSeconds = heartbeat
        options.once = once
        do {
            try Watcher.validate(options)
        } catch {
            StandardError.write("secondline watch: \(error.description)\n")
            if case .outputInsideDrop = error { throw ExitCode(64) }
            throw ExitCode(1)
        }

        let watcher = Watcher(options: options, factory: factory)
        // SIGTERM/SIGINT: finish the files in hand, then exit 0.
        var sources: [any DispatchSourceSignal] = []
        for signalNumber in [SIGTERM, SIGINT] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler {
                StandardError.write("secondline watch: stopping (finishing the files in hand)…\n")
                watcher.requestStop()
            }
            source.resume()
            sources.append(source)
        }
        defer { sources.forEach { $0.cancel() } }

        let totals: WatchTotals
        do {
            totals = try watcher.run()
        } catch {
            StandardError.write("secondline watch: \(error.description)\n")
            throw ExitCode(1)
        }
        if once, totals.exitCode != 0 { throw ExitCode(totals.exitCode) }
    }
}
