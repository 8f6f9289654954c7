import ArgumentParser
import KDeltaModel
import KDeltaStorage

/// `kdelta-edge repair`.
struct RepairCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "repair",
        abstract: "Set a damaged WAL tail aside (moved under DATA_DIR/repair/, never deleted) so the store opens again.")

    @OptionGroup var location: StoreLocation

    func run() throws {
        let report: RepairReport
        do { report = try Repair.run(directory: location.directory) } catch { throw failure(error) }
        if location.json {
            print(JSONValue.object([
                ("repaired", .bool(report.damagedFile != nil)),
                ("damagedFile", report.damagedFile.map { .string($0) } ?? .null),
                ("offset", report.offset.map { .int($0) } ?? .null),
                ("reason", report.reason.map { .string($0) } ?? .null),
                ("setAsideDirectory", report.setAsideDirectory.map { .string($0) } ?? .null),
                ("recordsSetAside", .int(Int64(report.recordsSetAside))),
                ("versionsSetAside", .int(Int64(report.versionsSetAside))),
                ("bytesSetAside", .int(report.bytesSetAside)),
                ("segmentsMoved", .int(Int64(report.segmentsMoved))),
                ("versionsKept", .int(Int64(report.versionsKept))),
            ]).canonicalText)
            return
        }
        guard let file = report.damagedFile else {
            print("nothing to repair: the WAL of \(location.directory) is intact (\(report.versionsKept) versions)")
            return
        }
        print("damage in \(file) at offset \(report.offset!): \(report.reason!)")
        print("set aside \(report.recordsSetAside) WAL records (\(report.versionsSetAside) readings that were still readable, \(report.bytesSetAside) bytes, \(report.segmentsMoved) whole segments) in \(report.setAsideDirectory!)")
        print("kept \(report.versionsKept) versions; the store opens again")
    }
}
