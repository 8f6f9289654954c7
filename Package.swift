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
        // Compiler builtins (prefetch hint, lock-free flag): a header, no library to link.
        .systemLibrary(name: "CMemory"),
        // YAML for the configuration file: Debian's libyaml (Yams, its Swift wrapper, links
        // Foundation and its ICU data: 45 MB on the Pi).
        .systemLibrary(
            name: "CYAML", pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]),
        .target(name: "KDeltaYAML", dependencies: ["CYAML"]),
        .target(name: "KDeltaCrypto", dependencies: ["CCrypto"]),
        .target(name: "SQLiteReference", dependencies: ["CSQLite"]),

        // The engine: model <- codecs <- storage <- ingest <- executables.
        .target(name: "KDeltaModel"),
        .target(name: "KDeltaCodec", dependencies: ["KDeltaModel", "KDeltaCrypto", "CZstd"]),
        .target(name: "KDeltaStorage", dependencies: ["KDeltaModel", "KDeltaCodec", "CMemory"]),
        .target(name: "KDeltaStorageTestSupport", dependencies: ["KDeltaStorage"]),
        .target(name: "KDeltaIngest", dependencies: ["KDeltaModel"]),
        // The YAML configuration file: reads it into KDeltaModel values (retention rules,
        // sizes, durations) that the storage engine takes without depending on YAML.
        .target(
            name: "KDeltaConfig",
            dependencies: ["KDeltaModel", "KDeltaYAML"]),
        // Reads the real sensor datasets of ../shared/data for tests and the benchmark.
        .target(name: "SensorDatasets", dependencies: ["KDeltaModel"]),

        // Executables: wiring only.
        .executableTarget(
            name: "kdelta-edge",
            dependencies: [
                "KDeltaStorage", "KDeltaIngest", "KDeltaConfig",
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

        // KDeltaStorageTestSupport only for SplitMix64, the seeded generator every test target shares.
        .testTarget(name: "KDeltaModelTests", dependencies: ["KDeltaModel", "KDeltaStorageTestSupport"]),
        // Fixtures are read through #filePath, not bundled as resources.
        .testTarget(
            name: "KDeltaCodecTests", dependencies: ["KDeltaCodec", "SensorDatasets", "KDeltaStorageTestSupport"],
            exclude: ["Fixtures"]),
        // KDeltaStorage only to check that config bounds agree with StorageLimits and that
        // every fsync setting the file accepts is one FsyncPolicy(parsing:) accepts.
        .testTarget(name: "KDeltaConfigTests", dependencies: ["KDeltaConfig", "KDeltaModel", "KDeltaStorage"]),
        .testTarget(
            name: "KDeltaStorageTests",
            dependencies: ["KDeltaStorage", "KDeltaStorageTestSupport"]),
        // Fixtures are read through #filePath, not bundled as resources.
        .testTarget(name: "KDeltaIngestTests", dependencies: ["KDeltaIngest"], exclude: ["Fixtures"]),
        .testTarget(
            name: "CrashTests",
            dependencies: ["KDeltaStorage", "KDeltaStorageTestSupport", "kdelta-crashwriter"]),
        // The executable's support code (output formatting), through @testable import.
        .testTarget(name: "KDeltaEdgeTests", dependencies: ["kdelta-edge", "KDeltaStorage", "KDeltaModel"]),
        .testTarget(
            name: "IntegrationTests",
            dependencies: ["KDeltaStorage", "KDeltaStorageTestSupport", "kdelta-edge"]),
    ],
    swiftLanguageModes: [.v6]
)
