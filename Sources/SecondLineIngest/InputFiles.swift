import Foundation
import SecondLineModel

/// One scan file of a declaration, as handed to a reader.
public struct InputFile: Sendable, Hashable {
    /// Where the file is now (for the watcher, inside its processing area).
    public var url: URL
    /// The path as the user knows it, relative to the input (or drop) folder, `/`-separated.
    /// Use this in result documents (`source.files`) and messages.
    public var relativePath: String
    public var size: Int64
    /// Modification time in whole nanoseconds since 1970 (exact, comparable across runs).
    public var modificationTime: Int64
    /// Lower-case hex SHA-256 of the file's bytes.
    public var sha256: String
    /// The page number from the file name (`X-p2.png` → 2), nil for a whole-declaration file.
    public var pageNumberInName: Int?

    public init(url: URL, relativePath: String, size: Int64, modificationTime: Int64, sha256: String, pageNumberInName: Int?) {
        self.url = url
        self.relativePath = relativePath
        self.size = size
        self.modificationTime = modificationTime
        self.sha256 = sha256
        self.pageNumberInName = pageNumberInName
    }
}

/// The page files of one declaration, in page order.
public struct InputGroup: Sendable, Hashable {
    /// Unique name of the declaration inside the input folder: relative folder + stem
    /// (`2025-12/ABC123`). Also the output name without `.json`.
    public var key: String
    /// The shared file stem (`ABC123` for `ABC123-p1.png`, `ABC123-p2.png`).
    public var stem: String
    public var files: [InputFile]

    public init(key: String, stem: String, files: [InputFile]) {
        self.key = key
        self.stem = stem
        self.files = files
    }

    public var urls: [URL] { files.map(\.url) }
    /// One fingerprint for the whole declaration: identical scans have identical fingerprints.
    public var fingerprint: String {
        files.count == 1 ? files[0].sha256 : SHA256.hex(of: Data(files.map(\.sha256).joined(separator: ",").utf8))
    }
}

/// Names scanners, operating systems and copy tools leave behind; never read.
public enum JunkNames {
    public static func isJunk(_ name: String) -> Bool {
        let lower = name.lowercased()
        if name.hasPrefix(".") || name.hasPrefix("~$") { return true } // dot-files, ._*, Office locks
        if lower == "thumbs.db" || lower == "desktop.ini" || lower == "@eadir" { return true }
        for suffix in [".tmp", ".part", ".partial", ".crdownload", ".download", "~"] where lower.hasSuffix(suffix) {
            return true
        }
        return false
    }
}

/// Text and data files that sit beside scans (truth files, notes, exports). `ingest` leaves
/// them out and counts them; anything else that is not a readable scan fails with a reason.
public enum SidecarNames {
    static let extensions: Set<String> = ["json", "jsonl", "xml", "txt", "md", "csv", "log", "html", "yaml", "yml", "ini", "sqlite"]
    public static func isSidecar(_ name: String) -> Bool {
        extensions.contains(PageNaming.stemAndExtension(name).ext.lowercased())
    }
}

/// A file found on disk, before it is hashed.
public struct FoundFile: Sendable, Hashable {
    public var url: URL
    public var relativePath: String
    public var size: Int64
    public var modificationTime: Int64

    public init(url: URL, relativePath: String, size: Int64, modificationTime: Int64) {
        self.url = url
        self.relativePath = relativePath
        self.size = size
        self.modificationTime = modificationTime
    }
}

/// A declaration's files found on disk, before hashing.
public struct FoundGroup: Sendable, Hashable {
    public var key: String
    public var stem: String
    /// (file, page number from its name) in page order.
    public var files: [FoundFile]
    public var pageNumbers: [Int?]
}

/// Groups page files into declarations by name.
public enum PageNaming {
    /// `ABC-p1.png`, `ABC_p02.jpg`, `ABC-P3.tif` → ("ABC", 1/2/3). Anything else → nil.
    public static func pageSuffix(ofStem stem: String) -> (base: String, page: Int)? {
        let chars = Array(stem)
        var digitsStart = chars.count
        while digitsStart > 0, chars[digitsStart - 1].isASCII, chars[digitsStart - 1].isNumber { digitsStart -= 1 }
        let digitCount = chars.count - digitsStart
        guard digitCount >= 1, digitCount <= 3, digitsStart >= 3 else { return nil }
        let p = chars[digitsStart - 1]
        let separator = chars[digitsStart - 2]
        guard p == "p" || p == "P", separator == "-" || separator == "_" else { return nil }
        let base = String(chars[0..<(digitsStart - 2)])
        guard !base.isEmpty, let page = Int(String(chars[digitsStart...])), page >= 1 else { return nil }
        return (base, page)
    }

    /// Splits `a/b/c.png` into folder `a/b` and file name.
    static func split(_ relativePath: String) -> (folder: String, name: String) {
        guard let slash = relativePath.lastIndex(of: "/") else { return ("", relativePath) }
        return (String(relativePath[..<slash]), String(relativePath[relativePath.index(after: slash)...]))
    }

    static func stemAndExtension(_ name: String) -> (stem: String, ext: String) {
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return (name, "") }
        return (String(name[..<dot]), String(name[name.index(after: dot)...]))
    }

    /// Groups files into declarations. `X-p1.png` + `X-p2.jpg` in one folder → key `folder/X`.
    /// When two declarations in one folder would share a key (`X.png` and `X.pdf`, or `X.png`
    /// and `X-p1.png`), each of them gets its extension in the key (`X.png`, `X.pdf`,
    /// `X-p.png`) so no result overwrites another.
    public static func group(_ files: [FoundFile]) -> [FoundGroup] {
        struct Pending { var stem: String; var ext: String; var isPaged: Bool; var files: [(FoundFile, Int?)] }
        var byKey: [String: [String: Pending]] = [:] // plain key → (distinguishing suffix → group)
        for file in files {
            let (folder, name) = split(file.relativePath)
            let (stem, ext) = stemAndExtension(name)
            let prefix = folder.isEmpty ? "" : folder + "/"
            if let paged = pageSuffix(ofStem: stem) {
                let key = prefix + paged.base
                // All page files of one stem form one declaration, whatever their extensions.
                byKey[key, default: [:]]["\u{0}paged", default: Pending(stem: paged.base, ext: "p", isPaged: true, files: [])]
                    .files.append((file, paged.page))
            } else {
                let key = prefix + stem
                byKey[key, default: [:]]["\u{1}" + ext, default: Pending(stem: stem, ext: ext, isPaged: false, files: [])]
                    .files.append((file, nil))
            }
        }
        var groups: [FoundGroup] = []
        for (key, variants) in byKey {
            let clash = variants.count > 1
            for (_, pending) in variants {
                let sorted = pending.files.sorted { a, b in
                    (a.1 ?? 0, a.0.relativePath) < (b.1 ?? 0, b.0.relativePath)
                }
                let finalKey = clash ? (pending.isPaged ? key + "-p" : key + "." + pending.ext) : key
                let finalStem = clash ? (pending.isPaged ? pending.stem + "-p" : pending.stem + "." + pending.ext) : pending.stem
                groups.append(FoundGroup(key: finalKey, stem: finalStem, files: sorted.map(\.0), pageNumbers: sorted.map(\.1)))
            }
        }
        return groups.sorted { $0.key < $1.key }
    }
}

/// Walks an input folder recursively, skipping junk and (when given) the output folder.
public enum InputWalker {
    public struct Result: Sendable {
        public var files: [FoundFile]
        /// Folders or files that could not be listed or stat'ed, with the reason.
        public var problems: [(path: String, reason: String)]
        /// Sidecar files left out (`skippingSidecars`).
        public var sidecars: [String] = []
    }

    /// - Parameter excluding: folders never entered (the output folder when it lies inside the input).
    public static func walk(_ root: URL, excluding: [URL] = [], skippingSidecars: Bool = false) throws(IngestError) -> Result {
        let rootPath = root.standardizedFileURL.resolvingSymlinksInPath().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: rootPath, isDirectory: &isDirectory) else {
            throw .inputMissing(rootPath)
        }
        let excluded = Set(excluding.map { $0.standardizedFileURL.resolvingSymlinksInPath().path })
        var result = Result(files: [], problems: [])
        if !isDirectory.boolValue {
            // A single file given as input: one declaration.
            let name = (rootPath as NSString).lastPathComponent
            guard let stat = FileStat(path: rootPath) else { throw .inputUnreadable(rootPath, reason: lastErrorText()) }
            result.files.append(FoundFile(url: URL(fileURLWithPath: rootPath), relativePath: name, size: stat.size, modificationTime: stat.mtime))
            return result
        }
        guard access(rootPath, R_OK | X_OK) == 0, let _ = try? FileManager.default.contentsOfDirectory(atPath: rootPath) else {
            throw .inputUnreadable(rootPath, reason: lastErrorText())
        }
        walkFolder(rootPath, relative: "", excluded: excluded, skippingSidecars: skippingSidecars, into: &result)
        result.files.sort { $0.relativePath < $1.relativePath }
        return result
    }

    private static func walkFolder(_ path: String, relative: String, excluded: Set<String>, skippingSidecars: Bool, into result: inout Result) {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: path)
        } catch {
            result.problems.append((relative.isEmpty ? path : relative, "cannot list this folder: \(describe(error))"))
            return
        }
        for name in names.sorted() where !JunkNames.isJunk(name) {
            let childPath = path + "/" + name
            let childRelative = relative.isEmpty ? name : relative + "/" + name
            guard let stat = FileStat(path: childPath) else {
                result.problems.append((childRelative, "cannot read file information: \(lastErrorText())"))
                continue
            }
            if stat.isDirectory {
                if excluded.contains(childPath) { continue }
                // A folder holding a ledger is someone's output folder; never read results as scans.
                if FileManager.default.fileExists(atPath: childPath + "/" + Ledger.fileName) { continue }
                walkFolder(childPath, relative: childRelative, excluded: excluded, skippingSidecars: skippingSidecars, into: &result)
            } else if stat.isRegular, skippingSidecars, SidecarNames.isSidecar(name) {
                result.sidecars.append(childRelative)
            } else if stat.isRegular {
                result.files.append(FoundFile(url: URL(fileURLWithPath: childPath), relativePath: childRelative, size: stat.size, modificationTime: stat.mtime))
            }
        }
    }
}

/// The few `stat` fields the pipeline needs (following symlinks).
public struct FileStat: Sendable, Hashable {
    public var size: Int64
    public var mtime: Int64
    public var isDirectory: Bool
    public var isRegular: Bool
    public var device: UInt64

    public init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        size = Int64(info.st_size)
        mtime = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
        let kind = info.st_mode & S_IFMT
        isDirectory = kind == S_IFDIR
        isRegular = kind == S_IFREG
        device = UInt64(info.st_dev)
    }
}

func lastErrorText() -> String { String(cString: strerror(errno)) }

func describe(_ error: any Error) -> String {
    if error is CocoaError || error is POSIXError || type(of: error) == NSError.self {
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        if ns.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(ns.code))) }
        return ns.localizedDescription
    }
    return String(describing: error)
}
