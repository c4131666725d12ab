import Foundation
import Testing

/// The committed scanned-form sample set (scripts/make-fixtures.sh). A missing file fails the test.
enum FormFixtures {
    static let directory: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/scans")

    static func url(_ name: String) throws -> URL {
        let url = directory.appendingPathComponent(name)
        try #require(FileManager.default.fileExists(atPath: url.path), "missing fixture \(url.path); run scripts/make-fixtures.sh")
        return url
    }

    static func truth(_ stem: String) throws -> [String: Any] {
        let data = try Data(contentsOf: url(stem + ".truth.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }
}
