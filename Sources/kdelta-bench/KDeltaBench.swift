import ArgumentParser

/// `kdelta-bench`: measures the storage engine against a reference measured in the same
/// run, so every figure is a ratio that survives a noisy machine.
@main
struct KDeltaBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kdelta-bench",
        abstract: "Benchmarks KoruDelta Edge's storage engine against SQLite on the same machine, in the same run.",
        subcommands: [IngestCommand.self, CompressCommand.self, QueryBenchCommand.self, RetentionCommand.self])
}
