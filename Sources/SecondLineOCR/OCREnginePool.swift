import Dispatch
import Foundation
import Synchronization

/// Hands out engines to concurrent workers, one engine per worker, never shared.
///
/// Size it to the cores (the default). Engines are created lazily (each costs ~100–300 ms and
/// tens of MB per language set) and reused. For parallel speed-up the process must run with
/// `OMP_THREAD_LIMIT=1`; see `ProcessEnvironment.reexecWithSingleThreadedOpenMPIfNeeded()`.
public final class OCREnginePool: Sendable {
    public let size: Int
    public let tessdata: Tessdata
    public let languages: String

    /// Engines are not Sendable; the pool guarantees each is used by one worker at a time.
    private struct Parked: @unchecked Sendable { let engine: OCREngine }
    private let idle = Mutex<[Parked]>([])
    private let slots: DispatchSemaphore

    public init(size: Int = ProcessEnvironment.coreCount, tessdata: Tessdata, languages: String = "eng") {
        self.size = max(1, size)
        self.tessdata = tessdata
        self.languages = languages
        self.slots = DispatchSemaphore(value: max(1, size))
    }

    /// Runs `body` with an engine for the duration of the call (blocking while all engines are busy).
    public func withEngine<Result>(_ body: (OCREngine) throws -> Result) throws -> Result {
        slots.wait()
        defer { slots.signal() }
        let parked = try idle.withLock { $0.popLast() } ?? Parked(engine: OCREngine(tessdata: tessdata, languages: languages))
        defer { idle.withLock { $0.append(parked) } }
        return try body(parked.engine)
    }

    /// Processes items `0..<count` on `size` threads, each with its own engine; results in input order.
    /// Errors are per item, so one bad page does not stop the others. Blocks until all items are done.
    ///
    /// Uses dedicated threads rather than `DispatchQueue.concurrentPerform`: on Linux, libdispatch may run
    /// "concurrent" iterations one after another when its pool thinks the machine is busy, which silently
    /// halves OCR throughput.
    public func map<Output: Sendable>(count: Int,
                                      _ work: @escaping @Sendable (Int, OCREngine) throws -> Output) -> [Swift.Result<Output, any Error>] {
        let state = MapState<Output>(count: count)
        let workers = min(size, max(1, count))
        let finished = DispatchGroup()
        for _ in 0..<workers {
            finished.enter()
            let thread = Thread { [self] in
                defer { finished.leave() }
                do {
                    try withEngine { engine in
                        while let index = state.take() {
                            state.store(index, Swift.Result { try work(index, engine) })
                        }
                    }
                } catch {
                    // Engine creation failed: report it for every item not yet taken.
                    while let index = state.take() { state.store(index, .failure(error)) }
                }
            }
            thread.stackSize = 8 << 20  // the same 8 MB the main thread gets; Tesseract recurses deeply on dense pages
            thread.start()
        }
        finished.wait()
        return state.results()
    }
}

/// Shared work counter and result slots for `OCREnginePool.map`.
private final class MapState<Output: Sendable>: Sendable {
    private let count: Int
    private let next = Atomic<Int>(0)
    private let slots: Mutex<[Swift.Result<Output, any Error>?]>

    init(count: Int) {
        self.count = count
        self.slots = Mutex(Array(repeating: nil, count: count))
    }

    func take() -> Int? {
        let index = next.add(1, ordering: .relaxed).oldValue
        return index < count ? index : nil
    }

    func store(_ index: Int, _ result: Swift.Result<Output, any Error>) {
        slots.withLock { $0[index] = result }
    }

    func results() -> [Swift.Result<Output, any Error>] {
        slots.withLock { $0.map { $0 ?? .failure(OCRError.recognitionFailed(detail: "item not processed")) } }
    }
}
