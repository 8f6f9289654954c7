import ArgumentParser
import KDeltaModel
import KDeltaStorage

/// `kdelta-edge repair`.
struct RepairCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "repair",
        abstract: "Rebuild a missing or damaged manifest or a lost series catalog and set a damaged WAL tail aside (moved under DATA_DIR/repair/, never deleted) so the store opens again.")

    @OptionGroup var location: StoreLocation

    func run() throws {
        let report: RepairReport
        do { report = try Repair.run(directory: location.directory) } catch { throw failure(error) }
        let repaired = report.changedAnything
        if repaired { StandardOutput.madeChanges("the repair is done (`kdelta-edge verify` checks the store)") }
        if location.json {
            try StandardOutput.line(Self.json(report).canonicalText)
            return
        }
        if let m = report.manifestRebuild { try Self.describe(m) }
        if let c = report.catalogRebuild { try Self.describe(c) }
        for line in report.catalogRepairs { try StandardOutput.line(line) }
        for line in report.blockRepair?.lines ?? [] { try StandardOutput.line(line) }
        for line in report.walDamageSkipped { try StandardOutput.line(line) }
        try describeWAL(report)
        if let end = report.walEndedAtLSN, let segment = report.walRestartSegment {
            try StandardOutput.line("what is left of the WAL ends at LSN \(end), before the checkpoint: every version up to the checkpoint is in block files, so the WAL starts afresh after it, in segment \(segment); the store opens again")
        }
        if let after = report.walMissingAfterLSN, let segment = report.walRestartSegment {
            let kept = after == 0 ? "the store had no checkpoint, so no version was in block files" : "every version up to LSN \(after) is in block files"
            try StandardOutput.line("the WAL is gone (no segment from the one the manifest names is left): LOST every version written after LSN \(after), which only the WAL held (\(kept)); the WAL starts afresh in segment \(segment) and the store opens again")
            if !report.walLostFrom.isEmpty {
                try StandardOutput.line("  lost with it, per series the catalog knows (how many versions, only the WAL knew; series first written after LSN \(after) are not known):")
                for loss in report.walLostFrom { try StandardOutput.line("    \(loss)") }
            }
        }
    }

    /// What became of the WAL's damage: a tail set aside, damage passed over, or none.
    func describeWAL(_ report: RepairReport) throws {
        guard let file = report.damagedFile else {
            if report.walEndedAtLSN != nil || report.walMissingAfterLSN != nil { return }
            if report.blockRepair != nil {
                try StandardOutput.line("the WAL is intact (\(counted(report.versionsKept, "version")) in it); the store opens again")
                return
            }
            if !report.walDamageSkipped.isEmpty {
                try StandardOutput.line("nothing to set aside: the damage held only versions already in block files (\(counted(report.versionsKept, "version")) in the WAL); the store opens")
                return
            }
            if report.manifestRebuild != nil || !report.catalogRepairs.isEmpty || report.catalogRebuild != nil {
                try StandardOutput.line("the WAL is intact (\(counted(report.versionsKept, "version")) in it); the store opens again")
                return
            }
            try StandardOutput.line("nothing to repair: the WAL of \(location.directory) is intact (\(counted(report.versionsKept, "version")))")
            return
        }
        try StandardOutput.line("damage in \(file) at offset \(report.offset!): \(report.reason!)")
        try StandardOutput.line("set aside \(counted(report.recordsSetAside, "WAL record")) (\(counted(report.versionsSetAside, "reading")) still readable, \(counted(report.bytesSetAside, "byte")), \(counted(report.segmentsMoved, "whole segment"))) in \(report.setAsideDirectory!)")
        try StandardOutput.line("kept \(counted(report.versionsKept, "version"))" + (report.walEndedAtLSN == nil ? "; the store opens again" : ""))
    }

    static func json(_ m: ManifestRebuildReport) -> JSONValue {
        .object([
            ("reason", .string(m.reason)),
            ("damagedManifestMovedTo", m.setAsidePath.map { .string($0) } ?? .null),
            ("setAsideDirectory", .string(m.setAsideDirectory)),
            ("catalogGeneration", .int(Int64(m.catalogGeneration))),
            ("blocks", .array(m.blocks.map { .int(Int64($0)) })),
            ("walFirstSegment", .int(Int64(m.walFirstSegment))),
            ("walFirstLSN", .int(Int64(m.walFirstLSN))),
            ("checkpointLSN", .int(Int64(m.checkpointLSN))),
            ("leftOut", .array(m.leftOut.map { .object([("path", .string($0.path)), ("reason", .string($0.reason))]) })),
        ])
    }

    /// The `--json` report. Built one member per statement, each with its type spelled
    /// out: as one literal of 24 members with optional chains, it took Swift 6.0.3's type
    /// checker 252 s (measured with -warn-long-expression-type-checking), in every build.
    static func json(_ report: RepairReport) -> JSONValue {
        func optional<T>(_ value: T?, _ make: (T) -> JSONValue) -> JSONValue {
            guard let value else { return .null }
            return make(value)
        }
        func int(_ n: Int) -> JSONValue { .int(Int64(n)) }
        func lsn(_ n: UInt64) -> JSONValue { .int(Int64(n)) }
        func string(_ s: String) -> JSONValue { .string(s) }
        var m: [(String, JSONValue)] = []
        m.append(("repaired", .bool(report.changedAnything)))
        m.append(("damagedFile", optional(report.damagedFile, string)))
        m.append(("offset", optional(report.offset) { JSONValue.int($0) }))
        m.append(("reason", optional(report.reason, string)))
        m.append(("setAsideDirectory", optional(report.setAsideDirectory, string)))
        m.append(("recordsSetAside", int(report.recordsSetAside)))
        m.append(("versionsSetAside", int(report.versionsSetAside)))
        m.append(("bytesSetAside", .int(report.bytesSetAside)))
        m.append(("segmentsMoved", int(report.segmentsMoved)))
        m.append(("versionsKept", int(report.versionsKept)))
        m.append(("manifestRebuilt", optional(report.manifestRebuild, Self.json)))
        m.append(("walDamageSkipped", .array(report.walDamageSkipped.map(string))))
        m.append(("walEndedAtLSN", optional(report.walEndedAtLSN, lsn)))
        m.append(("walRestartSegment", optional(report.walRestartSegment, lsn)))
        m.append(("catalogRepairs", .array(report.catalogRepairs.map(string))))
        m.append(("blockRepair", optional(report.blockRepair, Self.json)))
        m.append(("walMissingAfterLSN", optional(report.walMissingAfterLSN, lsn)))
        let lost: [JSONValue] = report.walLostFrom.map { (loss: WALLoss) -> JSONValue in
            JSONValue.object([("key", JSONValue.string(loss.key.rawValue)), ("fromSeq", lsn(loss.fromSeq))])
        }
        m.append(("walLostFrom", .array(lost)))
        m.append(("catalogRebuilt", optional(report.catalogRebuild, Self.json)))
        return .object(m)
    }

    static func json(_ b: BlockRepairReport) -> JSONValue {
        func spans(_ list: [BlockRepairReport.SeqSpan]) -> JSONValue {
            .array(list.map { .object([("key", .string($0.key.rawValue)), ("firstSeq", .int(Int64($0.seqs.lowerBound))), ("lastSeq", .int(Int64($0.seqs.upperBound)))]) })
        }
        return .object([
            ("damagedBlocks", .array(b.damaged.map { d in
                .object([
                    ("path", .string(d.path)), ("reason", .string(d.reason)),
                    ("movedTo", d.movedTo.map { .string($0) } ?? .null),
                    ("replacement", d.replacement.map { .string($0) } ?? .null),
                ])
            })),
            ("versionsCopied", .int(Int64(b.versionsCopied))),
            ("versionsRebuilt", .int(Int64(b.versionsRebuilt))),
            ("lost", spans(b.lost)),
            ("hidden", spans(b.hidden)),
            ("rollupsLost", .array(b.rollupsLost.map { .string($0) })),
        ])
    }

    static func json(_ c: CatalogRebuildReport) -> JSONValue {
        .object([
            ("reason", .string(c.reason)),
            ("generation", .int(Int64(c.generation))),
            ("files", .array(c.files.map { .string($0) })),
            ("series", .int(Int64(c.series))),
            ("blocksRead", .int(Int64(c.blocksRead))),
            ("walRecordsRead", .int(Int64(c.walRecordsRead))),
            ("notRestored", .array(c.notRestored.map { .string($0) })),
        ])
    }

    static func describe(_ c: CatalogRebuildReport) throws {
        try StandardOutput.line("rebuilt the series catalog: \(c.reason)")
        try StandardOutput.line("  generation \(c.generation), \(counted(c.series, "series")) from \(counted(c.blocksRead, "block file")) and \(counted(c.walRecordsRead, "WAL record")); wrote \(c.files.joined(separator: " and "))")
        for line in c.notRestored { try StandardOutput.line("  not restored: \(line)") }
    }

    static func describe(_ m: ManifestRebuildReport) throws {
        try StandardOutput.line("rebuilt the manifest: \(m.reason)")
        if let moved = m.setAsidePath { try StandardOutput.line("  the damaged manifest is kept at \(moved)") }
        try StandardOutput.line("  catalog generation \(m.catalogGeneration), \(m.blocks.count) block files, WAL from segment \(m.walFirstSegment) (LSN \(m.walFirstLSN)), checkpoint at LSN \(m.checkpointLSN)")
        for f in m.leftOut { try StandardOutput.line("  left out and moved to \(m.setAsideDirectory): \(f.path): \(f.reason)") }
    }
}
