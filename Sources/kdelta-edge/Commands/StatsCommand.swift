import ArgumentParser
import KDeltaModel
import KDeltaStorage

/// `kdelta-edge stats`.
struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Print figures about the store: keys, versions per tier, bytes on disk, WAL and memory.")

    @OptionGroup var location: StoreLocation

    func run() throws {
        let store = try location.openForReading()
        let s = store.stats()
        let r = store.recovery
        if location.json {
            try StandardOutput.line(JSONValue.object([
                ("keys", .int(Int64(s.keys))), ("versions", .int(Int64(s.versions))),
                ("nextLSN", .int(Int64(s.nextLSN))), ("walSegments", .int(Int64(s.walSegments))),
                ("walBytes", .int(s.walBytes)), ("memoryBytes", .int(Int64(s.memoryBytes))),
                ("memoryBytesPerVersion", s.versions > 0 ? .double(Double(s.memoryBytes) / Double(s.versions)) : .null),
                ("hotVersions", .int(Int64(s.hotVersions))), ("blockVersions", .int(Int64(s.blockVersions))),
                ("blocks", .int(Int64(s.blocks))), ("blockBytes", .int(s.blockBytes)),
                ("coldBlocks", .int(Int64(s.coldBlocks))), ("coldBytes", .int(s.coldBytes)),
                ("rollups", .int(Int64(s.rollups))), ("rollupBlocks", .int(Int64(s.rollupBlocks))), ("rollupBytes", .int(s.rollupBytes)),
                ("drops", DropsOutput.json(s.drops)),
                ("diskBytes", .int(s.disk.total)),
                ("diskBudgetBytes", s.diskBudgetBytes.map { .int($0) } ?? .null),
                ("series", .array(s.series.map { x in
                    JSONValue.object([
                        ("key", .string(x.key.rawValue)), ("hotVersions", .int(Int64(x.hotVersions))),
                        ("blockVersions", .int(Int64(x.blockVersions))), ("blockBytes", .int(x.blockBytes)),
                        ("coldBytes", .int(x.coldBytes)),
                        ("firstSeq", .int(Int64(x.firstSeq))),
                        ("rollups", .int(Int64(x.rollups))), ("rollupBytes", .int(x.rollupBytes)),
                        ("drops", DropsOutput.json(x.drops)),
                    ])
                })),
                ("openMs", .double(r.durationMs)),
                ("tornTail", r.tornTail.map { .string("\($0.file)@\($0.offset)") } ?? .null),
            ]).canonicalText)
            return
        }
        try StandardOutput.line("data directory  \(location.directory)")
        try StandardOutput.line("keys            \(s.keys)")
        try StandardOutput.line("versions        \(s.versions) (next LSN \(s.nextLSN))")
        try StandardOutput.line("hot (memory)    \(counted(s.hotVersions, "version"))")
        try StandardOutput.line("blocks          \(counted(s.blockVersions, "version")) in \(counted(s.blocks, "block file")), \(counted(s.blockBytes, "byte")) on disk (cold, compacted: \(counted(s.coldBlocks, "file")), \(counted(s.coldBytes, "byte")))")
        try StandardOutput.line("rollups         \(s.rollups) in \(counted(s.rollupBlocks, "block file")), \(counted(s.rollupBytes, "byte")) on disk")
        try StandardOutput.line("WAL             \(counted(s.walSegments, "segment")), \(counted(s.walBytes, "byte")) on disk")
        try StandardOutput.line("disk            \(s.disk.total) bytes\(s.diskBudgetBytes.map { " of a \($0)-byte budget" } ?? " (no budget)")")
        try StandardOutput.line("dropped         \(DropsOutput.text(s.drops))")
        for x in s.series where !x.drops.isZero {
            try StandardOutput.line("  \(x.key)  \(DropsOutput.text(x.drops)); kept from seq \(x.firstSeq)")
        }
        try StandardOutput.line("memory          \(s.memoryBytes) bytes (\(s.versions > 0 ? s.memoryBytes / s.versions : 0) per version)")
        try StandardOutput.line("open took       \(Int(r.durationMs)) ms")
        for line in r.findings { try StandardOutput.line("note            \(line)") }
    }
}
