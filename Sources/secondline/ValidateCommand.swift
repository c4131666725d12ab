import ArgumentParser
import Foundation
import SecondLineModel
import SecondLineRules

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Validate electronic declarations (JSON record or DecMessage XML) with the customs rules.",
        discussion: "Exit status: 0 no error findings, 1 error findings, 2 an input could not be read, 64 usage."
    )

    @Argument(help: "Declaration files; the format is told from the content, not the name.")
    var files: [String]

    @Flag(help: "Print machine-readable JSON on stdout.")
    var json = false

    @Option(help: "The day the rules take as today (YYYY-MM-DD); default: the system date.")
    var today: String?

    @Option(help: "Refuse files larger than this many bytes.")
    var maxBytes = ElectronicInput.defaultMaximumBytes

    mutating func run() throws {
        let day = try parseToday(today)
        let engine = RuleEngine()
        var worst = ExitStatus.ok
        var results: [JSONValue] = []
        for file in files {
            do throws(InputError) {
                let decoded = try ElectronicInput.read(path: file, maximumBytes: maxBytes)
                let findings = engine.validate(decoded, today: day)
                let errors = findings.filter { $0.severity == .error }.count
                if errors > 0 { worst = max(worst, ExitStatus.errorFindings) }
                if json {
                    results.append(.object([
                        ("file", .string(file)), ("status", .string(errors > 0 ? "invalid" : "valid")),
                        ("errors", .number(String(errors))), ("warnings", .number(String(findings.count - errors))),
                        ("findings", .array(findings.map(\.json))),
                    ]))
                } else {
                    Console.out(HumanReport.findings(file: file, findings))
                }
            } catch {
                worst = ExitStatus.unreadableInput
                if json {
                    results.append(.object([("file", .string(file)), ("status", .string("unreadable")), ("error", .string(error.description))]))
                } else {
                    Console.error("\(file): cannot be read: \(error)")
                }
            }
        }
        if json { Console.out(JSONWriter.data(.array(results))) }
        if worst != ExitStatus.ok { throw ExitCode(worst) }
    }
}

func parseToday(_ text: String?) throws -> CalendarDate {
    guard let text else { return CalendarDate.today() }
    guard let date = CalendarDate(text: text) else {
        throw ValidationError("--today \(text) is not a date; write it as YYYY-MM-DD")
    }
    return date
}

enum HumanReport {
    static func findings(file: String, _ findings: [Finding]) -> String {
        let errors = findings.filter { $0.severity == .error }.count
        let warnings = findings.count - errors
        var out = "\(file): " + (findings.isEmpty ? "valid, no findings" : "\(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")") + "\n"
        for f in findings.sorted(by: { ($0.severity, $0.rule) < ($1.severity, $1.rule) }) {
            let severity = f.severity.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)
            out += "  \(severity)\(f.rule)  \(f.fields.joined(separator: ", "))\n      \(f.message)\n"
        }
        return out
    }
}
