import ArgumentParser
import Foundation
import SecondLineModel

struct SchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Print the JSON Schema of the declaration record."
    )

    mutating func run() throws {
        Console.out(try DeclarationSchema.data())
    }
}
