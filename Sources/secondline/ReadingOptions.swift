import ArgumentParser
import Foundation
import SecondLineIngest

/// The options `ingest` and `watch` share: how many readers run, and what they write.
struct ReadingOptions: ParsableArguments {
    @Option(help: "Parallel readers (default: the number of cores).")
    var jobs: Int?

    @Option(help: "Outputs, comma-separated: json (one result per declaration), jsonl (index.jsonl), xml (DecMessage).")
    var format: String = "json,jsonl"

    @Flag(help: "With xml: write the XML of every declaration, not only accepted ones.")
    var all = false

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        _ = try outputs()
    }

    var workerCount: Int { jobs ?? ProcessInfo.processInfo.activeProcessorCount }

    func outputs() throws -> OutputOptions {
        OutputOptions(formats: try Self.parseFormats(format), xmlForAll: all)
    }

    static func parseFormats(_ text: String) throws -> Set<OutputFormat> {
        var formats: Set<OutputFormat> = []
        for part in text.split(separator: ",") {
            let name = part.trimmingCharacters(in: .whitespaces).lowercased()
            guard let format = OutputFormat(rawValue: name) else {
                throw ValidationError("unknown format '\(name)' in --format; use json, jsonl and/or xml, e.g. --format json,jsonl,xml")
            }
            formats.insert(format)
        }
        if formats.isEmpty { throw ValidationError("--format needs at least one of json, jsonl, xml") }
        return formats
    }
}
