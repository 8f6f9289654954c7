// swift-tools-version:6.0
// The Pi builds with Debian trixie's swiftlang 6.0.3: keep this file and every target on
// Swift 6.0 rules (see ../shared/ARCHITECTURE.md and docs/cross.md).
import PackageDescription

let package = Package(
    name: "kdelta",
    products: [
        .executable(name: "kdelta-edge", targets: ["kdelta-edge"]),
        .executable(name: "kdelta-bench", targets: ["kdelta-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // C libraries, each imported by exactly one small Swift wrapper target.
        .systemLibrary(
            name: "CCrypto", pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]),
        .systemLibrary(
            name: "CSQLite", pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(
            name: "CZstd", pkgConfig: "libzstd",
            providers: [.apt(["libzstd-dev"])]),
        .target(name: "KDeltaCrypto", dependencies: ["CCrypto"]),
        .target(name: "SQLiteReference", dependencies: ["CSQLite"]),

        // The engine: model <- codecs <- storage <- ingest <- executables.
        .target(name: "KDeltaModel"),
        .target(name: "KDeltaCodec", dependencies: ["KDeltaModel", "KDeltaCrypto", "CZstd"]),
        .target(name: "KDeltaStorage", dependencies: ["KDeltaModel", "KDeltaCodec"]),
        .target(name: "KDeltaStorageTestSupport", dependencies: ["KDeltaStorage"]),
        .target(name: "KDeltaIngest", dependencies: ["KDeltaModel"]),
        // Reads the real sensor datasets of ../shared/data for tests and the benchmark.
        .target(name: "SensorDatasets", dependencies: ["KDeltaModel"]),

        // Executables: wiring only.
        .executableTarget(
            name: "kdelta-edge",
            dependencies: [
                "KDeltaStorage", "KDeltaIngest",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .executableTarget(
            name: "kdelta-bench",
            dependencies: [
                "KDeltaStorage", "KDeltaCodec", "KDeltaIngest", "SQLiteReference", "SensorDatasets",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        // The child process of the crash test: ingests with fsync=always and reports every
        // acknowledged batch on stdout until it is killed.
        .executableTarget(name: "kdelta-crashwriter", dependencies: ["KDeltaStorage"]),

        .testTarget(name: "KDeltaModelTests", dependencies: ["KDeltaModel"]),
        // Fixtures are read through #filePath, not bundled as resources.
        .testTarget(name: "KDeltaCodecTests", dependencies: ["KDeltaCodec", "SensorDatasets"], exclude: ["Fixtures"]),
        .testTarget(
            name: "KDeltaStorageTests",
            dependencies: ["KDeltaStorage", "KDeltaStorageTestSupport"]),
        // Fixtures are read through #filePath, not bundled as resources.
        .testTarget(name: "KDeltaIngestTests", dependencies: ["KDeltaIngest"], exclude: ["Fixtures"]),
        .testTarget(
            name: "CrashTests",
            dependencies: ["KDeltaStorage", "KDeltaStorageTestSupport", "kdelta-crashwriter"]),
        .testTarget(
            name: "IntegrationTests",
            dependencies: ["KDeltaStorage", "kdelta-edge"]),
    ],
    swiftLanguageModes: [.v6]
)
