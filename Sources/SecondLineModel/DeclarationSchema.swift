import Foundation

/// The JSON Schema of the declaration record, shipped as a data file.
public enum DeclarationSchema {
    public static var url: URL { CodeTables.resourceDirectory.appendingPathComponent("declaration.schema.json") }
    public static func data() throws -> Data { try Data(contentsOf: url) }
}
