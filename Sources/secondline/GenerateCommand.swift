import ArgumentParser
import Foundation
import SecondLineModel
import SecondLineRules

struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write random valid declarations (test data for fixtures and benchmarks)."
    )

    @Option(help: "First seed; declaration k uses seed + k.")
    var seed: UInt64 = 1

    @Option(help: "How many declarations.")
    var count = 1

    @Option(help: "Items per declaration (1–50); default: random, mostly short.")
    var items: Int?

    @Flag(help: "Draw the item count uniformly from 1–50 (for benchmarks).")
    var uniformItems = false

    @Option(help: "Form type: import-declaration, export-declaration, import-record-list, export-record-list.")
    var formType: String?

    @Option(help: "The day dates are chosen before (YYYY-MM-DD); default: the system date.")
    var today: String?

    @Option(help: "Folder to write <name>.json files into; default: stdout (JSON Lines).")
    var out: String?

    @Option(help: "File name prefix.")
    var prefix = "decl"

    mutating func validate() throws {
        if let items, !(1...50).contains(items) { throw ValidationError("--items must be between 1 and 50") }
        if let formType, FormType(rawValue: formType) == nil {
            throw ValidationError("--form-type must be one of \(FormType.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if count < 1 { throw ValidationError("--count must be at least 1") }
    }

    mutating func run() throws {
        let generator = DeclarationGenerator(today: try parseToday(today))
        if let out { try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true) }
        for k in 0..<count {
            let s = seed + UInt64(k)
            var itemCount = items
            if uniformItems {
                var rng = SeededRandom(seed: s ^ 0x5EED)
                itemCount = Int.random(in: 1...50, using: &rng)
            }
            let declaration = generator.declaration(seed: s, itemCount: itemCount, formType: formType.flatMap(FormType.init(rawValue:)))
            if let out {
                let url = URL(fileURLWithPath: out).appendingPathComponent("\(prefix)-\(s).json")
                try DeclarationJSON.encode(declaration).write(to: url, options: .atomic)
            } else {
                Console.out(DeclarationJSON.encode(declaration, pretty: false))
                Console.out("\n")
            }
        }
    }
}
