import Foundation

/// Logs and human messages go to stderr; machine output to stdout.
enum Console {
    static func error(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }

    static func out(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    static func out(_ data: Data) {
        FileHandle.standardOutput.write(data)
    }
}

/// Exit statuses shared by the commands.
enum ExitStatus {
    static let ok: Int32 = 0
    static let errorFindings: Int32 = 1
    static let unreadableInput: Int32 = 2
    static let usage: Int32 = 64
}
