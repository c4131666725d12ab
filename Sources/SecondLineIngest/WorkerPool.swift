import Foundation

/// N worker threads, each owning one reader (and so one OCR engine) for its whole life.
/// Threads rather than Swift tasks because reading blocks a core for a second or more and
/// would starve the cooperative pool.
final class WorkerPool: @unchecked Sendable {
    typealias Job = @Sendable (any DeclarationReader) -> Void

    private let condition = NSCondition()
    private var jobs: [Job] = []
    private var jobHead = 0
    private var closed = false
    private var running = 0
    private var busy = 0
    private var readyCount = 0
    private var startFailure: String?

    /// Starts `count` workers; returns once each has its reader. Throws if a reader cannot be made.
    init(factory: any DeclarationReaderFactory, count: Int) throws(IngestError) {
        let workers = max(1, count)
        running = workers
        for index in 0..<workers {
            let thread = Thread { [self] in self.work(factory: factory) }
            thread.name = "secondline-reader-\(index + 1)"
            thread.stackSize = 8 << 20 // OCR engines recurse deeply
            thread.start()
        }
        condition.lock()
        while readyCount + (workers - running) < workers && startFailure == nil { condition.wait() }
        let failure = startFailure
        condition.unlock()
        if let failure {
            close()
            throw .noReader(failure)
        }
    }

    private func work(factory: any DeclarationReaderFactory) {
        let reader: any DeclarationReader
        do {
            reader = try factory.makeReader()
        } catch {
            condition.lock()
            startFailure = describe(error)
            running -= 1
            condition.broadcast()
            condition.unlock()
            return
        }
        condition.lock()
        readyCount += 1
        condition.broadcast()
        while true {
            while jobHead == jobs.count && !closed { condition.wait() }
            if jobHead == jobs.count && closed { break }
            let job = jobs[jobHead]
            jobHead += 1
            if jobHead > 1024 && jobHead * 2 > jobs.count { jobs.removeFirst(jobHead); jobHead = 0 }
            busy += 1
            condition.unlock()
            job(reader)
            condition.lock()
            busy -= 1
            condition.broadcast()
        }
        running -= 1
        condition.broadcast()
        condition.unlock()
    }

    func submit(_ job: @escaping Job) {
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    /// Jobs queued or being worked on.
    var outstanding: Int {
        condition.lock()
        defer { condition.unlock() }
        return jobs.count - jobHead + busy
    }

    /// Drops queued jobs that have not started. Returns how many were dropped.
    @discardableResult
    func dropQueued() -> Int {
        condition.lock()
        defer { condition.unlock() }
        let dropped = jobs.count - jobHead
        jobs.removeAll()
        jobHead = 0
        return dropped
    }

    /// Waits until no job is queued or running.
    func waitIdle() {
        condition.lock()
        while jobs.count - jobHead + busy > 0 && running > 0 { condition.wait() }
        condition.unlock()
    }

    /// No more jobs; waits for the queued ones and for the threads to end.
    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        while running > 0 { condition.wait() }
        condition.unlock()
    }
}
