import Dispatch
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
    /// Errors are per item, so one bad page does not stop the others.
    public func map<Output: Sendable>(count: Int,
                                      _ work: @Sendable (Int, OCREngine) throws -> Output) -> [Swift.Result<Output, any Error>] {
        let next = Atomic<Int>(0)
        let results = Mutex<[Swift.Result<Output, any Error>?]>(Array(repeating: nil, count: count))
        DispatchQueue.concurrentPerform(iterations: min(size, max(1, count))) { _ in
            do {
                try withEngine { engine in
                    while true {
                        let index = next.add(1, ordering: .relaxed).oldValue
                        guard index < count else { return }
                        let outcome = Swift.Result { try work(index, engine) }
                        results.withLock { $0[index] = outcome }
                    }
                }
            } catch {
                // Engine creation failed: report it for every item not yet taken.
                while true {
                    let index = next.add(1, ordering: .relaxed).oldValue
                    guard index < count else { break }
                    results.withLock { $0[index] = .failure(error) }
                }
            }
        }
        return results.withLock { $0.map { $0 ?? .failure(OCRError.recognitionFailed(detail: "item not processed")) } }
    }
}
