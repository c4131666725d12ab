import Foundation

/// Errors that stop a whole file from being read (a page that is merely not a form is not an
/// error: it yields a `rejected` result with the reason).
public enum FormReadError: Error, Sendable, Hashable, CustomStringConvertible, LocalizedError {
    /// The bundled form layout is missing or broken: a broken installation.
    case layout(String)
    /// The OCR engine could not start (tessdata missing, language not installed).
    case engine(String)
    /// A file could not be opened or decoded as an image.
    case file(path: String, reason: String)
    /// No files were given.
    case noInput

    public var description: String {
        switch self {
        case .layout(let m): return "Form layout problem: \(m). Reinstall SecondLine."
        case .engine(let m): return "OCR engine problem: \(m). Check that Tesseract and the chi_sim and eng language data are installed."
        case .file(let path, let reason): return "\(path): \(reason). Rescan or re-export the file as PNG, JPEG, TIFF or PDF."
        case .noInput: return "No files to read were given."
        }
    }

    public var errorDescription: String? { description }
}
