#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Process-level setup that must happen before Tesseract starts threads.
public enum ProcessEnvironment {
    /// Debian's libtesseract is built with OpenMP. Each engine then spreads its LSTM work over all cores,
    /// and several engines in parallel thrash. libgomp reads `OMP_THREAD_LIMIT` only when the process starts,
    /// so setting it later has no effect: this sets it to 1 and re-executes the program (same argv) via
    /// `/proc/self/exe`. Call it first thing in `main`, before any output.
    ///
    /// A no-op when `OMP_THREAD_LIMIT` is already set (including after the re-exec), when
    /// `SECONDLINE_NO_REEXEC=1`, or when the exec fails (then we carry on with OpenMP threads).
    public static func reexecWithSingleThreadedOpenMPIfNeeded() {
        #if os(Linux)
        guard getenv("OMP_THREAD_LIMIT") == nil else { return }
        if let optOut = getenv("SECONDLINE_NO_REEXEC"), String(cString: optOut) == "1" { return }
        setenv("OMP_THREAD_LIMIT", "1", 1)
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        // Only reached if exec failed; keep running, multi-threaded OpenMP is slower but correct.
        unsetenv("OMP_THREAD_LIMIT")
        #endif
    }

    /// The OpenMP thread limit this process started with, if any.
    public static var openMPThreadLimit: Int? {
        guard let value = getenv("OMP_THREAD_LIMIT") else { return nil }
        return Int(String(cString: value))
    }

    /// Number of CPU cores available (pool sizing).
    public static var coreCount: Int {
        max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }
}
