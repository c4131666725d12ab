import Foundation

public enum CodeTableName: String, Sendable, CaseIterable, Hashable {
    var position: Int {
        switch self {
        case .countries: 0
        case .currencies: 1
        case .customsOffices: 2
        case .domesticPorts: 3
        case .domesticRegions: 4
        case .dutyModes: 5
        case .levyNatures: 6
        case .packageTypes: 7
        case .ports: 8
        case .supervisionModes: 9
        case .transactionModes: 10
        case .transportModes: 11
        case .units: 12
        }
    }

    case countries
    case currencies
    case customsOffices = "customs-offices"
    case domesticPorts = "domestic-ports"
    case domesticRegions = "domestic-regions"
    case dutyModes = "duty-modes"
    case levyNatures = "levy-natures"
    case packageTypes = "package-types"
    case ports
    case supervisionModes = "supervision-modes"
    case transactionModes = "transaction-modes"
    case transportModes = "transport-modes"
    case units
}

/// One code table: code → printed name and back. A partial table only lists common codes,
/// so a code missing from it is a warning, not an error.
public final class CodeTable: Sendable {
    public let name: CodeTableName
    public let isComplete: Bool
    public let entries: [Entry]
    private let nameByCode: [String: String]
    private let codeByName: [String: String]

    public struct Entry: Sendable, Hashable {
        public let code: String
        public let name: String
        public let english: String?
    }

    public init(name: CodeTableName, isComplete: Bool, entries: [Entry]) {
        self.name = name
        self.isComplete = isComplete
        self.entries = entries
        var byCode: [String: String] = [:]
        var byName: [String: String] = [:]
        for entry in entries {
            byCode[entry.code] = entry.name
            if byName[entry.name] == nil { byName[entry.name] = entry.code }
            if let english = entry.english, byName[english] == nil { byName[english] = entry.code }
        }
        nameByCode = byCode
        codeByName = byName
    }

    public func name(forCode code: String) -> String? { nameByCode[code] }
    public func code(forName name: String) -> String? { codeByName[name] }
    public func contains(code: String) -> Bool { nameByCode[code] != nil }
}

/// The bundled code tables (copies of the customs code lists, kept as CSV data files).
public struct CodeTables: Sendable {
    /// Indexed by the position of the name in `CodeTableName.allCases`: rules look tables up per item.
    private let tables: [CodeTable]

    public init(tables: [CodeTable]) {
        self.tables = CodeTableName.allCases.map { name in
            tables.first { $0.name == name } ?? CodeTable(name: name, isComplete: false, entries: [])
        }
    }

    public subscript(_ name: CodeTableName) -> CodeTable {
        tables[name.position]
    }

    public static let bundled: CodeTables = {
        do {
            return try load(from: resourceDirectory.appendingPathComponent("codes"))
        } catch {
            // The tables ship inside the package; a missing table is a broken installation.
            fatalError("SecondLine's bundled code tables could not be read: \(error)")
        }
    }()

    /// The folder of bundled data files (code tables, form layout, schema).
    public static var resourceDirectory: URL {
        Bundle.module.resourceURL ?? Bundle.module.bundleURL
    }

    public static func load(from directory: URL) throws -> CodeTables {
        let index = try CSV.rows(of: directory.appendingPathComponent("index.csv"))
        var completeness: [String: Bool] = [:]
        for row in index.dropFirst() where row.count >= 2 { completeness[row[0]] = row[1] == "yes" }
        var tables: [CodeTable] = []
        for name in CodeTableName.allCases {
            let rows = try CSV.rows(of: directory.appendingPathComponent(name.rawValue + ".csv"))
            let header = rows.first ?? []
            let englishColumn = header.firstIndex(of: "english")
            let entries = rows.dropFirst().compactMap { row -> CodeTable.Entry? in
                guard row.count >= 2, !row[0].isEmpty else { return nil }
                let english = englishColumn.flatMap { $0 < row.count ? row[$0] : nil }
                return CodeTable.Entry(code: row[0], name: row[1], english: english)
            }
            tables.append(CodeTable(name: name, isComplete: completeness[name.rawValue] ?? false, entries: entries))
        }
        return CodeTables(tables: tables)
    }
}

/// Minimal RFC 4180 reader for the bundled tables.
enum CSV {
    static func rows(of url: URL) throws -> [[String]] {
        let text = try String(contentsOf: url, encoding: .utf8)
        return parse(text)
    }

    static func parse(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var inQuotes = false
        var iterator = text.makeIterator()
        var pending: Character? = nil
        while let c = pending ?? iterator.next() {
            pending = nil
            if inQuotes {
                if c == "\"" {
                    if let next = iterator.next() {
                        if next == "\"" { field.append("\"") } else { inQuotes = false; pending = next }
                    } else { inQuotes = false }
                } else { field.append(c) }
                continue
            }
            switch c {
            case "\"": inQuotes = true
            case ",": row.append(field); field = ""
            case "\n", "\r\n", "\r":
                row.append(field); field = ""
                rows.append(row); row = []
            default: field.append(c)
            }
        }
        if !field.isEmpty || !row.isEmpty { row.append(field); rows.append(row) }
        return rows
    }
}
