import ArgumentParser
import Foundation
import SecondLineForm
import SecondLineModel

/// `secondline scan FILE… [--out DIR] [--json]`: reads scanned declarations.
struct ScanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Read scanned paper declarations (PNG, JPEG, TIFF, PDF) into validated declarations.",
        discussion: """
            Each file is one declaration (all its pages). Page files named like ABC-p1.png, ABC-p2.jpg are read \
            together as one declaration. Prints the status, gaps and findings; --json prints the result document, \
            --out DIR writes <stem>.json per declaration.
            """)

    @Argument(help: "Scanned declaration files.")
    var files: [String]

    @Option(name: .long, help: "Write one <stem>.json result document per declaration into this directory.")
    var out: String?

    @Flag(name: .long, help: "Print the result document(s) as JSON on stdout.")
    var json = false

    @Option(name: .long, help: "Tesseract language data directory (default: TESSDATA_PREFIX or the Debian location).")
    var tessdata: String?

    @Flag(name: .long, help: "Header and footer only: skip item rows.")
    var headerOnly = false

    func run() throws {
        let reader: FormReader
        do { reader = try FormReader(options: FormReaderOptions(tessdataPath: tessdata, readItems: !headerOnly)) } catch {
            Console.error("secondline scan: \(error)")
            throw ExitCode(ExitStatus.unreadableInput)
        }
        if let out {
            do { try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true) } catch {
                Console.error("secondline scan: cannot create the output directory \(out): \(error.localizedDescription)")
                throw ExitCode(ExitStatus.unreadableInput)
            }
        }
        var worst: Int32 = ExitStatus.ok
        for (stem, group) in Self.declarations(files) {
            let started = Date()
            let result: ResultDocument
            do { result = try reader.read(files: group.map { URL(fileURLWithPath: $0) }) } catch {
                Console.error("secondline scan: \(error)")
                worst = max(worst, ExitStatus.unreadableInput)
                continue
            }
            let seconds = Date().timeIntervalSince(started)
            if result.status != .accepted { worst = max(worst, ExitStatus.errorFindings) }
            if let out {
                let url = URL(fileURLWithPath: out).appendingPathComponent(stem + ".json")
                do { try result.jsonData().write(to: url) } catch {
                    Console.error("secondline scan: cannot write \(url.path): \(error.localizedDescription)")
                    worst = max(worst, ExitStatus.unreadableInput)
                }
            }
            if json {
                Console.out(result.jsonData())
                Console.out("\n")
            } else if out == nil {
                Console.out(Self.summary(stem: stem, result: result, seconds: seconds))
            } else {
                Console.error(String(format: "%@: %@ (%d gaps, %d findings, %.1f s)", stem, result.status.rawValue,
                                     result.gaps.count, result.findings.count, seconds))
            }
        }
        if worst != ExitStatus.ok { throw ExitCode(worst) }
    }

    /// Groups page files (`X-p1.png`, `X-p2.jpg`) by their shared stem; other files stand alone.
    static func declarations(_ files: [String]) -> [(String, [String])] {
        var order: [String] = []
        var groups: [String: [String]] = [:]
        for file in files {
            let name = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
            var stem = name
            if let match = name.wholeMatch(of: /(.+)-p(\d+)/) { stem = String(match.1) }
            if groups[stem] == nil { order.append(stem) }
            groups[stem, default: []].append(file)
        }
        return order.map { ($0, groups[$0]!) }
    }

    static func summary(stem: String, result: ResultDocument, seconds: Double) -> String {
        var lines = [String(format: "%@: %@ (%.1f s)", stem, result.status.rawValue, seconds)]
        if let reason = result.rejectionReason { lines.append("  rejected: \(reason)") }
        if let type = result.declaration?.formType { lines.append("  form: \(type.rawValue), \(result.fields.count) fields read") }
        for gap in result.gaps {
            let text = gap.text.map { " [read: \($0)]" } ?? ""
            lines.append("  gap \(gap.reason.rawValue): \(gap.field) — \(gap.message)\(text)")
        }
        for finding in result.findings {
            lines.append("  \(finding.severity.rawValue) \(finding.rule) [\(finding.fields.joined(separator: ", "))]: \(finding.message)")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
