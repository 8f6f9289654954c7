import ArgumentParser
import KDeltaModel
import KDeltaStorage

/// `kdelta-edge compact`: cut the hot tier into a block and checkpoint now.
struct CompactCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compact",
        abstract: "Move every version held in memory into a compressed block file and remove the WAL before it.",
        discussion: """
            The daemon does this by itself when the hot tier reaches its memory budget; run it
            by hand before copying a data directory, or to see the block format's size on your
            data. A crash at any step leaves the store as it was before or after.
            """)

    @OptionGroup var location: StoreLocation
    @OptionGroup var write: WriteOptions

    func run() throws {
        let store = try location.openForWriting(write)
        let r: CutReport
        do { r = try store.cut() } catch { throw failure(error) }
        do { try store.close() } catch { throw failure(error) }
        if location.json {
            print(JSONValue.object([
                ("block", r.blockNumber.map { .int(Int64($0)) } ?? .null),
                ("versions", .int(Int64(r.versions))), ("series", .int(Int64(r.series))),
                ("blockBytes", .int(r.blockBytes)),
                ("bytesPerVersion", r.versions > 0 ? .double(Double(r.blockBytes) / Double(r.versions)) : .null),
                ("checkpointLSN", .int(Int64(r.checkpointLSN))),
                ("walSegmentsRemoved", .int(Int64(r.walSegmentsRemoved))),
                ("hotBytesBefore", .int(Int64(r.hotBytesBefore))), ("hotBytesAfter", .int(Int64(r.hotBytesAfter))),
            ]).canonicalText)
            return
        }
        guard let block = r.blockNumber else {
            print("nothing to compact: no versions in memory (checkpoint at LSN \(r.checkpointLSN))")
            return
        }
        let perVersion = Double(r.blockBytes) / Double(max(1, r.versions))
        print("block \(block): \(r.versions) versions of \(r.series) series, \(r.blockBytes) bytes (\(String(format2: perVersion)) per version, version ids and clocks included)")
        print("checkpoint at LSN \(r.checkpointLSN); removed \(r.walSegmentsRemoved) WAL segment(s); memory \(r.hotBytesBefore) -> \(r.hotBytesAfter) bytes")
    }
}

extension String {
    /// Two decimals, without Foundation.
    init(format2 value: Double) {
        let hundredths = Int((value * 100).rounded())
        let frac = abs(hundredths % 100)
        self = "\(hundredths / 100).\(frac < 10 ? "0" : "")\(frac)"
    }
}
