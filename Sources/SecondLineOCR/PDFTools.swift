import Foundation

/// Runs poppler-utils (`pdfinfo`, `pdftoppm`) as subprocesses. See `ImageDocument` for why a subprocess.
enum PDFTools {
    static func inspect(path: String, limits: ImageIntakeLimits) throws -> [PageHeader] {
        let info = try run("pdfinfo", [path])
        guard info.status == 0 else {
            if info.errorText.localizedCaseInsensitiveContains("password") { throw OCRError.encryptedPDF(file: path) }
            throw OCRError.brokenPDF(file: path, page: nil, detail: firstLine(info.errorText, fallback: "pdfinfo failed"))
        }
        let text = String(decoding: info.output, as: UTF8.self)
        guard let pagesLine = text.split(separator: "\n").first(where: { $0.hasPrefix("Pages:") }),
              let pages = Int(pagesLine.dropFirst("Pages:".count).trimmingCharacters(in: .whitespaces)) else {
            throw OCRError.brokenPDF(file: path, page: nil, detail: "no page count")
        }
        guard pages > 0 else { throw OCRError.brokenPDF(file: path, page: nil, detail: "the document has no pages") }
        guard pages <= limits.maxPages else { throw OCRError.tooManyPages(file: path, pages: pages, limit: limits.maxPages) }

        // Per-page sizes, so an absurd page size is refused before rendering.
        let sizes = try run("pdfinfo", ["-f", "1", "-l", String(pages), path])
        var headers: [PageHeader] = []
        for line in String(decoding: sizes.output, as: UTF8.self).split(separator: "\n") where line.hasPrefix("Page ") && line.contains(" size:") {
            let parts = line.split(separator: " ")
            guard let sizeIndex = parts.firstIndex(of: "size:"), parts.count > sizeIndex + 3,
                  let widthPoints = Double(parts[sizeIndex + 1]), let heightPoints = Double(parts[sizeIndex + 3]) else { continue }
            let scale = Double(ImageDocument.pdfRenderDPI) / 72
            let header = PageHeader(width: Int((widthPoints * scale).rounded()), height: Int((heightPoints * scale).rounded()),
                                    dpi: ImageDocument.pdfRenderDPI)
            if !limits.allows(width: header.width, height: header.height) {
                throw OCRError.imageTooLarge(file: path, page: headers.count + 1, width: header.width, height: header.height, limit: limits)
            }
            headers.append(header)
        }
        if headers.count != pages {
            throw OCRError.brokenPDF(file: path, page: headers.count + 1, detail: "page size unreadable")
        }
        return headers
    }

    /// Renders one page as 8-bit gray at `dpi` (PGM on stdout, decoded by `PageImage(graymap:)`).
    static func rasterize(path: String, pageIndex: Int, dpi: Int) throws -> PageImage {
        let page = String(pageIndex + 1)
        let result = try run("pdftoppm", ["-r", String(dpi), "-f", page, "-l", page, "-gray", path])
        guard result.status == 0, !result.output.isEmpty else {
            if result.errorText.localizedCaseInsensitiveContains("password") { throw OCRError.encryptedPDF(file: path) }
            throw OCRError.brokenPDF(file: path, page: pageIndex + 1, detail: firstLine(result.errorText, fallback: "rendering failed"))
        }
        if let page = PageImage(graymap: result.output) { return page }
        do {
            return try PageImage(data: result.output)
        } catch {
            throw OCRError.brokenPDF(file: path, page: pageIndex + 1, detail: "rendered page could not be decoded")
        }
    }

    struct ToolResult {
        var status: Int32
        var output: Data
        var errorText: String
    }

    static func toolPath(_ name: String) -> String? {
        let directories = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
            + ["/usr/bin", "/usr/local/bin", "/bin"]
        return directories.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Runs a tool; stdout is read through a pipe, stderr goes to a temporary file so a chatty tool cannot
    /// dead-lock us by filling a second pipe while we block on the first.
    static func run(_ tool: String, _ arguments: [String]) throws -> ToolResult {
        guard let executable = toolPath(tool) else { throw OCRError.toolMissing(tool: tool, debianPackage: "poppler-utils") }
        let errorURL = FileManager.default.temporaryDirectory
            .appendingPathComponent("secondline-\(tool)-\(UUID().uuidString).err")
        _ = FileManager.default.createFile(atPath: errorURL.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errorURL) }
        let errorHandle = try FileHandle(forWritingTo: errorURL)
        defer { try? errorHandle.close() }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let outputPipe = Pipe()
        process.standardOutput = outputPipe
        process.standardError = errorHandle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let output = outputPipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let errorText = (try? String(contentsOf: errorURL, encoding: .utf8)) ?? ""
        return ToolResult(status: process.terminationStatus, output: output, errorText: errorText)
    }

    private static func firstLine(_ text: String, fallback: String) -> String {
        let line = text.split(separator: "\n").first.map(String.init)?.trimmingCharacters(in: .whitespaces) ?? ""
        return line.isEmpty ? fallback : line
    }
}
