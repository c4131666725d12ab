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

    @Flag(help: "Each file is JSON Lines: one declaration record per line (reported as FILE:LINE).")
    var lines = false

    @Flag(help: "Print only the per-file summary line, not each finding (human output).")
    var summary = false

    mutating func run() throws {
        let day = try parseToday(today)
        let engine = RuleEngine()
        var worst = ExitStatus.ok
        var results: [JSONValue] = []
        let started = ContinuousClock.now
        var count = 0
        for (file, read) in inputs() {
            count += 1
            do throws(InputError) {
                let decoded = try read()
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
                    Console.out(HumanReport.findings(file: file, summary ? [] : findings, errors: errors, warnings: findings.count - errors))
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
        let elapsed = started.duration(to: .now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        Console.error("validated \(count) declaration\(count == 1 ? "" : "s") in \(String(format: "%.3f", seconds)) s")
        if worst != ExitStatus.ok { throw ExitCode(worst) }
    }
}

extension ValidateCommand {
    /// Each input with a closure that reads it; JSON Lines files give one input per line.
    func inputs() -> [(String, () throws(InputError) -> DecodedDeclaration)] {
        var list: [(String, () throws(InputError) -> DecodedDeclaration)] = []
        for file in files {
            let maximum = maxBytes
            guard lines else {
                list.append((file, { () throws(InputError) in try ElectronicInput.read(path: file, maximumBytes: maximum) }))
                continue
            }
            do throws(InputError) {
                let data = try ElectronicInput.readData(path: file, maximumBytes: maximum)
                var lineNumber = 0
                for line in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
                    lineNumber += 1
                    guard line.contains(where: { $0 != 0x20 && $0 != 0x0D && $0 != 0x09 }) else { continue }
                    let bytes = Data(line)
                    list.append(("\(file):\(lineNumber)", { () throws(InputError) in try ElectronicInput.decode(bytes) }))
                }
            } catch {
                list.append((file, { () throws(InputError) in throw error }))
            }
        }
        return list
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
    static func findings(file: String, _ findings: [Finding], errors: Int, warnings: Int) -> String {
        var out = "\(file): " + (errors + warnings == 0 ? "valid, no findings" : "\(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")") + "\n"
        for f in findings.sorted(by: { ($0.severity, $0.rule) < ($1.severity, $1.rule) }) {
            let severity = f.severity.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)
            out += "  \(severity)\(f.rule)  \(f.fields.joined(separator: ", "))\n      \(f.message)\n"
        }
        return out
    }
}
