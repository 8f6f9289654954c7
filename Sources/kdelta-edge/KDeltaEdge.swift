import ArgumentParser

/// The root command.
struct KDeltaEdge: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kdelta-edge",
        abstract: "A versioned sensor database for the edge: every reading is a new version of its key.",
        discussion: """
            Data lives in --data-dir (default: $KDELTA_DATA_DIR, else ./kdelta-data).
            Times are RFC 3339 (2024-05-01T12:00:00Z) or Unix milliseconds.
            Docs: docs/cli.md.
            """,
        version: "0.1.0",
        subcommands: [
            PutCommand.self, GetCommand.self, LogCommand.self, QueryCommand.self, DiffCommand.self, KeysCommand.self,
            VerifyCommand.self, RepairCommand.self, StatsCommand.self, CompactCommand.self,
        ])
}
