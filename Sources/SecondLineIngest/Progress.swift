import Foundation

public enum ProgressMode: Sendable {
    /// A live line on stderr, rewritten in place (stderr is a terminal).
    case live
    /// One plain line per declaration (logs, pipes).
    case lines
    case quiet

    /// `live` when stderr is a terminal, else `lines`.
    public static var automatic: ProgressMode { isatty(2) == 1 ? .live : .lines }
}

/// Writes text to stderr unbuffered (progress and logs never go to stdout).
public enum StandardError {
    public static func write(_ text: String) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes { Glibc.write(2, $0.baseAddress! + offset, $0.count - offset) }
            if written <= 0 { if errno == EINTR { continue }; return }
            offset += written
        }
    }
}

/// Files done / total, pages per second and time left, shared by the worker threads.
final class ProgressReporter: @unchecked Sendable {
    private let lock = NSLock()
    private let mode: ProgressMode
    private let totalFiles: Int
    private var doneFiles = 0
    private var donePages = 0
    private var doneDeclarations = 0
    private let started = Date()
    private var timer: DispatchSourceTimer?
    private var lineShown = false

    init(mode: ProgressMode, totalFiles: Int) {
        self.mode = mode
        self.totalFiles = totalFiles
    }

    func start() {
        guard mode == .live, totalFiles > 0 else { return }
        let timer = DispatchSource.makeTimerSource(queue: .global())
        timer.schedule(deadline: .now() + 0.5, repeating: 0.5)
        timer.setEventHandler { [weak self] in self?.renderLive() }
        timer.resume()
        lock.withLock { self.timer = timer }
    }

    func record(_ processed: ProcessedDeclaration) {
        lock.withLock {
            doneFiles += processed.files.count
            donePages += processed.pageCount
            doneDeclarations += 1
        }
        switch mode {
        case .quiet: break
        case .live: renderLive()
        case .lines:
            let (files, total) = lock.withLock { (doneFiles, totalFiles) }
            StandardError.write("[\(files)/\(total)] \(ProgressReporter.describe(processed))\n")
        }
    }

    static func describe(_ processed: ProcessedDeclaration) -> String {
        var text = "\(processed.files.joined(separator: ", ")): \(processed.state.rawValue)"
        if processed.pageCount > 0 { text += ", \(processed.pageCount) page\(processed.pageCount == 1 ? "" : "s")" }
        text += String(format: ", %.1f s", processed.seconds)
        if let reason = processed.reviewReason { text += " (\(reason))" }
        if let error = processed.error { text += " — \(error)" }
        return text
    }

    private func renderLive() {
        // Built and written under the lock so two workers never print their lines out of order.
        lock.withLock {
            let elapsed = Date().timeIntervalSince(started)
            let pagesPerSecond = elapsed > 0 ? Double(donePages) / elapsed : 0
            var text = "\(doneFiles)/\(totalFiles) files · " + String(format: "%.1f pages/s", pagesPerSecond)
            if doneFiles > 0, doneFiles < totalFiles {
                let left = elapsed / Double(doneFiles) * Double(totalFiles - doneFiles)
                text += " · " + ProgressReporter.clock(left) + " left"
            }
            lineShown = true
            StandardError.write("\r\u{1B}[K" + text)
        }
    }

    func finish() {
        let shown: Bool = lock.withLock {
            timer?.cancel()
            timer = nil
            return lineShown
        }
        if mode == .live, shown {
            renderLive()
            StandardError.write("\n")
        }
    }

    var elapsed: Double { Date().timeIntervalSince(started) }
    var pagesRead: Int { lock.withLock { donePages } }

    static func clock(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        return total >= 3600 ? String(format: "%d:%02d:%02d", total / 3600, total / 60 % 60, total % 60)
                             : String(format: "%d:%02d", total / 60, total % 60)
    }
}
