// Driver for scripts/ocr-soak.sh and scripts/ocr-benchmark.sh (and a stand-in for `secondline ocr`
// until the CLI registers OCRCommand). Not a user-facing tool.
//
//   ocr-soak page FILE [--json] [--lang L] [--psm N] [--tessdata DIR]
//   ocr-soak soak --pages N [--workers W] [--lang L] FILE...     full pipeline, prints RSS start/end
//   ocr-soak bench --mode whole|rect|osd|normalize [--repeat N] [--workers W] [--lang L] FILE...
import Foundation
import SecondLineOCR

if CommandLine.arguments.contains("--reexec") {
    ProcessEnvironment.reexecWithSingleThreadedOpenMPIfNeeded()
}

struct Options {
    var mode = ""
    var files: [String] = []
    var json = false
    var languages = "eng"
    var psm = PageSegmentationMode.auto
    var tessdata: String?
    var pages = 100
    var workers = 1
    var repeatCount = 10
    var benchMode = "whole"
    var osdDPI = 150
}

func parse() -> Options {
    var options = Options()
    var args = Array(CommandLine.arguments.dropFirst())
    options.mode = args.isEmpty ? "" : args.removeFirst()
    while !args.isEmpty {
        let arg = args.removeFirst()
        func value() -> String { args.isEmpty ? "" : args.removeFirst() }
        switch arg {
        case "--json": options.json = true
        case "--reexec": break
        case "--lang": options.languages = value()
        case "--psm": options.psm = PageSegmentationMode(rawValue: Int32(value()) ?? 3) ?? .auto
        case "--tessdata": options.tessdata = value()
        case "--pages": options.pages = Int(value()) ?? 100
        case "--workers": options.workers = Int(value()) ?? 1
        case "--repeat": options.repeatCount = Int(value()) ?? 10
        case "--mode": options.benchMode = value()
        case "--osd-dpi": options.osdDPI = Int(value()) ?? 150
        default: options.files.append(arg)
        }
    }
    return options
}

/// glibc's malloc_trim (not exported by the Glibc module), looked up at run time.
let trimHeap: (@convention(c) (Int) -> Int32)? = {
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return nil }
    return unsafeBitCast(symbol, to: (@convention(c) (Int) -> Int32).self)
}()

/// Resident set size after returning free heap pages to the system (malloc_trim), so the number
/// reflects memory still in use rather than glibc's per-thread free lists.
func residentKilobytes() -> Int {
    _ = trimHeap?(0)
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
    for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
        return Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
    }
    return 0
}

func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

/// User + system CPU seconds of this process (all threads): comparable even on a busy machine.
func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

func fail(_ message: String, code: Int32 = 2) -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    exit(code)
}

let options = parse()
let settings = RecognitionSettings(languages: options.languages, pageSegmentation: options.psm)

do {
    let tessdata = try Tessdata.locate(explicitPath: options.tessdata)
    switch options.mode {
    case "page":
        guard let file = options.files.first else { fail("usage: ocr-soak page FILE") }
        let engine = try OCREngine(tessdata: tessdata, languages: options.languages)
        let recognizer = DocumentRecognizer(settings: settings)
        var pages: [PageRecognition] = []
        try recognizer.recognize(path: file, engine: engine) { page in
            if options.json { pages.append(page) } else { print(page.humanReadable(file: file)) }
        }
        if options.json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            FileHandle.standardOutput.write(try encoder.encode(pages))
            print()
        }

    case "soak":
        // Decode all source pages up front? No: the point is to exercise the whole path, so every
        // iteration decodes, normalizes and recognizes again.
        let documents = try options.files.map { try ImageDocument(path: $0) }
        let jobs = documents.flatMap { document in (0..<document.pageCount).map { (document, $0) } }
        guard !jobs.isEmpty else { fail("usage: ocr-soak soak --pages N FILE...") }
        let pool = OCREnginePool(size: options.workers, tessdata: tessdata, languages: options.languages)
        let recognizer = DocumentRecognizer(settings: settings)
        // Warm up: one page per worker so engine creation is not counted as growth.
        _ = pool.map(count: options.workers) { index, engine in
            try recognizer.recognize(document: jobs[index % jobs.count].0, pageIndex: jobs[index % jobs.count].1, engine: engine).result.words.count
        }
        let startRSS = residentKilobytes()
        let started = now()
        print("soak: \(options.pages) pages, \(options.workers) worker(s), OMP_THREAD_LIMIT=\(ProcessEnvironment.openMPThreadLimit.map(String.init) ?? "unset")")
        print("RSS at start (after warm-up): \(startRSS / 1024) MB")
        let batch = 100
        var done = 0
        var words = 0
        while done < options.pages {
            let count = min(batch, options.pages - done)
            let offset = done
            let results = pool.map(count: count) { index, engine in
                let job = jobs[(offset + index) % jobs.count]
                return try recognizer.recognize(document: job.0, pageIndex: job.1, engine: engine).result.words.count
            }
            for result in results { words += try result.get() }
            done += count
            print(String(format: "  %5d pages  RSS %4d MB  %.1f s", done, residentKilobytes() / 1024, now() - started))
        }
        let endRSS = residentKilobytes()
        print("RSS at end: \(endRSS / 1024) MB (growth \(endRSS / 1024 - startRSS / 1024) MB over \(options.pages) pages; \(words) words)")

    case "bench":
        // Pages are loaded and normalized once; only the chosen step is timed.
        let engine = try OCREngine(tessdata: tessdata, languages: options.languages)
        var pages: [PageImage] = []
        for file in options.files {
            let document = try ImageDocument(path: file)
            for index in 0..<document.pageCount {
                // The page exactly as decoded from the file (what the tesseract CLI sees too), so the
                // comparison is engine against engine; normalization is timed on its own (--mode normalize).
                pages.append(try document.loadPage(index).image)
            }
        }
        guard !pages.isEmpty else { fail("usage: ocr-soak bench FILE...") }
        switch options.benchMode {
        case "whole", "rect", "osd":
            let rectSettings = RecognitionSettings(languages: options.languages, pageSegmentation: .singleLine)
            // Warm-up call (first recognition allocates Tesseract's working buffers).
            _ = try engine.recognize(image: pages[0], settings: settings)
            var lineRects: [[PixelRect]] = []
            for page in pages {
                lineRects.append(try engine.recognize(image: page, settings: settings).lines.map(\.box))
            }
            let started = now()
            let startedCPU = cpuSeconds()
            var calls = 0
            for _ in 0..<options.repeatCount {
                for (index, page) in pages.enumerated() {
                    switch options.benchMode {
                    case "whole":
                        _ = try engine.recognize(image: page, settings: settings)
                        calls += 1
                    case "rect":
                        engine.setImage(page)
                        for rect in lineRects[index] {
                            let padded = PixelRect(x: rect.x - 10, y: rect.y - 10, width: rect.width + 20, height: rect.height + 20)
                            _ = try engine.recognize(rect: padded, settings: rectSettings)
                            calls += 1
                        }
                    default:
                        let estimate = try engine.detectOrientation(try page.scaled(by: Double(options.osdDPI) / 300))
                        if estimate?.quarterTurnsToUpright != 0 { print("  OSD at \(options.osdDPI) DPI misjudged page \(index + 1): \(String(describing: estimate))") }
                        calls += 1
                    }
                }
            }
            let elapsed = now() - started
            let cpu = cpuSeconds() - startedCPU
            print("\(options.benchMode): \(calls) calls in " + String(format: "%.2f s = %.1f ms per call (CPU %.1f ms per call)",
                                                                        elapsed, elapsed / Double(calls) * 1000, cpu / Double(calls) * 1000))
        case "throughput":
            let pool = OCREnginePool(size: options.workers, tessdata: tessdata, languages: options.languages)
            let shared = UnsafeSendablePages(pages: pages.map { try! $0.pngData() })
            _ = pool.map(count: options.workers) { _, engine in
                try engine.recognize(image: PageImage(data: shared.pages[0]), settings: settings).words.count
            }
            let total = pages.count * options.repeatCount
            let started = now()
            let startedCPU = cpuSeconds()
            let results = pool.map(count: total) { index, engine in
                try engine.recognize(image: PageImage(data: shared.pages[index % shared.pages.count]), settings: settings).words.count
            }
            let elapsed = now() - started
            let cpu = cpuSeconds() - startedCPU
            for result in results { _ = try result.get() }
            let limit = ProcessEnvironment.openMPThreadLimit.map(String.init) ?? "unset"
            print("throughput: \(options.workers) worker(s), OMP_THREAD_LIMIT=\(limit): \(total) pages in "
                  + String(format: "%.2f s = %.3f pages/s (CPU %.0f ms per page)", elapsed, Double(total) / elapsed, cpu / Double(total) * 1000))
        case "normalize":
            let started = now()
            var count = 0
            for _ in 0..<options.repeatCount {
                for file in options.files {
                    let document = try ImageDocument(path: file)
                    for index in 0..<document.pageCount {
                        _ = try PageNormalizer().normalize(try document.loadPage(index), using: engine)
                        count += 1
                    }
                }
            }
            let elapsed = now() - started
            print("load+normalize: \(count) pages in " + String(format: "%.2f s = %.0f ms per page", elapsed, elapsed / Double(count) * 1000))
        default:
            fail("unknown bench mode \(options.benchMode)")
        }

    default:
        fail("usage: ocr-soak page|soak|bench …")
    }
} catch {
    fail("\(error)")
}

/// Encoded pages shared read-only between workers (Data is Sendable; each worker decodes its own PageImage).
struct UnsafeSendablePages: Sendable {
    let pages: [Data]
}
