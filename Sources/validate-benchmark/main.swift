// Times decode + validate of JSON Lines declarations in one thread (scripts/validate-benchmark.sh).
import Foundation
import SecondLineModel
import SecondLineRules

let arguments = CommandLine.arguments
guard arguments.count == 2, let data = FileManager.default.contents(atPath: arguments[1]) else {
    FileHandle.standardError.write(Data("usage: validate-benchmark DECLARATIONS.jsonl\n".utf8))
    exit(64)
}
let lines = data.split(separator: UInt8(ascii: "\n")).map { Data($0) }
let engine = RuleEngine()
let today = CalendarDate(iso: "2026-11-29")!
/// CPU time of this thread, so other processes on the machine do not skew the figure.
func threadCPUSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}
var best = Double.infinity
var bestCPU = Double.infinity
var errors = 0
for _ in 0..<3 {
    errors = 0
    let start = ContinuousClock.now
    let startCPU = threadCPUSeconds()
    for line in lines {
        do {
            let decoded = try DeclarationJSON.decode(line)
            errors += engine.validate(decoded, today: today).filter { $0.severity == .error }.count
        } catch {
            errors += 1
        }
    }
    bestCPU = min(bestCPU, threadCPUSeconds() - startCPU)
    let elapsed = start.duration(to: .now)
    best = min(best, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
}
print(String(format: "declarations: %d, error findings: %d", lines.count, errors))
print(String(format: "best of 3 runs, one thread, decode + validate: %.3f s wall, %.3f s CPU", best, bestCPU))
print(String(format: "declarations per second: %.0f by wall clock, %.0f by CPU time (target >= 5000)", Double(lines.count) / best, Double(lines.count) / bestCPU))
