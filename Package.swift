// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "SecondLine",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "secondline", targets: ["secondline"]),
        .library(name: "SecondLineModel", targets: ["SecondLineModel"]),
        .library(name: "SecondLineRules", targets: ["SecondLineRules"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CLeptonica",
            pkgConfig: "lept",
            providers: [.apt(["libleptonica-dev"])]
        ),
        .systemLibrary(
            name: "CTesseract",
            pkgConfig: "tesseract",
            providers: [.apt(["libtesseract-dev"])]
        ),
        .target(
            name: "SecondLineModel",
            resources: [.copy("Resources/codes"), .copy("Resources/form-layout.json"), .copy("Resources/declaration.schema.json")]
        ),
        .target(name: "SecondLineRules", dependencies: ["SecondLineModel"]),
        .target(name: "SecondLineOCR", dependencies: ["CTesseract", "CLeptonica"]),
        .target(
            name: "SecondLineForm",
            dependencies: ["SecondLineModel", "SecondLineRules", "SecondLineOCR", "CLeptonica"],
            resources: [.copy("Resources/traditional-to-simplified.tsv")]
        ),
        .target(
            name: "SecondLineIngest",
            dependencies: ["SecondLineModel", "SecondLineRules", "SecondLineForm", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .executableTarget(
            name: "secondline",
            dependencies: [
                "SecondLineModel", "SecondLineRules", "SecondLineOCR", "SecondLineForm", "SecondLineIngest",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // OCR soak/benchmark driver used by scripts/ocr-soak.sh and scripts/ocr-benchmark.sh (issue 3).
        .executableTarget(name: "ocr-soak", dependencies: ["SecondLineOCR"]),
        // Bulk validation timing used by scripts/validate-benchmark.sh.
        .executableTarget(name: "validate-benchmark", dependencies: ["SecondLineModel", "SecondLineRules"]),
        .testTarget(name: "SecondLineModelTests", dependencies: ["SecondLineModel"]),
        .testTarget(name: "SecondLineRulesTests", dependencies: ["SecondLineRules", "SecondLineModel"]),
        .testTarget(name: "SecondLineOCRTests", dependencies: ["SecondLineOCR"]),
        .testTarget(name: "SecondLineFormTests", dependencies: ["SecondLineForm", "SecondLineModel", "SecondLineOCR"]),
        .testTarget(name: "SecondLineIngestTests", dependencies: ["SecondLineIngest", "SecondLineModel"]),
    ],
    swiftLanguageModes: [.v6]
)
