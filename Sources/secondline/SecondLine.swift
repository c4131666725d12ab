import ArgumentParser
import SecondLineOCR

/// The `secondline` command: thin wiring over the library modules.
@main
struct SecondLine: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "secondline",
        abstract: "Reads paper customs declarations and validates them with the rules of electronic filings.",
        subcommands: CommandRegistry.all
    )

    static func main() {
        // Debian's libtesseract uses OpenMP; engines in parallel thrash unless the thread limit is
        // set before the process starts, so we re-execute ourselves with it when it is missing.
        ProcessEnvironment.reexecWithSingleThreadedOpenMPIfNeeded()
        IngestCommand.readerFactory = { FormReaderFactory() }
        Self.main(nil)
    }
}
