import ArgumentParser

enum CommandRegistry {
    static let all: [any ParsableCommand.Type] = [
        ValidateCommand.self, ConvertCommand.self, SchemaCommand.self, GenerateCommand.self,
        IngestCommand.self, WatchCommand.self,
    ]
}
