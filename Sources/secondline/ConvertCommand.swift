import ArgumentParser
import Foundation
import SecondLineModel

struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert a declaration between the JSON record and DecMessage XML."
    )

    enum Target: String, ExpressibleByArgument, CaseIterable { case json, xml }

    @Argument(help: "A declaration file (JSON record or DecMessage XML).")
    var file: String

    @Option(help: "Output format: json or xml.")
    var to: Target

    @Option(name: .shortAndLong, help: "Write to this file instead of stdout (written whole or not at all).")
    var output: String?

    @Option(help: "Refuse files larger than this many bytes.")
    var maxBytes = ElectronicInput.defaultMaximumBytes

    mutating func run() throws {
        let decoded: DecodedDeclaration
        do throws(InputError) {
            decoded = try ElectronicInput.read(path: file, maximumBytes: maxBytes)
        } catch {
            Console.error("\(file): cannot be read: \(error)")
            throw ExitCode(ExitStatus.unreadableInput)
        }
        for finding in decoded.findings {
            Console.error("\(file): warning: \(finding.fields.joined(separator: ", ")) left out of the output: \(finding.message)")
        }
        let data = to == .json ? DeclarationJSON.encode(decoded.declaration) : DecMessageXML.encode(decoded.declaration)
        if let output {
            try data.write(to: URL(fileURLWithPath: output), options: .atomic)
        } else {
            Console.out(data)
        }
    }
}
