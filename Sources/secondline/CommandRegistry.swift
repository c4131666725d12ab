import ArgumentParser

enum CommandRegistry {
    static let all: [any ParsableCommand.Type] = [
        ScanCommand.self, IngestCommand.self, WatchCommand.self, ValidateCommand.self, ConvertCommand.self,
        OCRCommand.self, SchemaCommand.self, GenerateCommand.self,
    ]
}
