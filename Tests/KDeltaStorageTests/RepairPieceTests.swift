import Foundation
import KDeltaModel
@testable import KDeltaStorage
import KDeltaStorageTestSupport
import Testing

/// `repair` reads segments a piece at a time (bounded memory on a Pi with 32 MiB segments):
/// with pieces far smaller than its records it must set aside, count and cut exactly what
/// it does with its default piece.
@Suite struct RepairPieceTests {
    /// A store of several 64 KiB segments with records of 1 to 400 readings, then one byte
    /// of a record in the middle of the second segment flipped.
    static func damagedStore(_ dir: String) throws {
        var options = StoreOptions()
        options.walSegmentBytes = 64 * 1024
        let store = try TestStore.open(directory: dir, options: options)
        var g = RandomReadings(seed: 17)
        let keys = RandomReadings.keys(5, prefix: "repair")
        for _ in 0..<60 {
            try store.putBatch((0..<(1 + g.next(400))).map { _ in Reading(key: keys[g.next(keys.count)], value: g.value()) })
        }
        try store.close()
        let segments = WALSurgery.segments(dir)
        #expect(segments.count >= 4)
        let frames = WALSurgery.frames(WALSurgery.read(segments[1]))
        let frame = frames[frames.count / 2]
        var bytes = WALSurgery.read(segments[1])
        bytes[frame.offset + 12 + frame.length / 3] ^= 0x10
        WALSurgery.overwrite(segments[1], bytes)
    }

    /// Every file under `dir`'s repair folder, by name (the stamped folder left out), with
    /// its bytes.
    static func setAside(_ dir: String) -> [String: [UInt8]] {
        var out: [String: [UInt8]] = [:]
        let repair = dir + "/" + Repair.directoryName
        for stamp in (try? FileManager.default.contentsOfDirectory(atPath: repair)) ?? [] {
            for name in (try? FileManager.default.contentsOfDirectory(atPath: repair + "/" + stamp)) ?? [] {
                out[name] = WALSurgery.read(repair + "/" + stamp + "/" + name)
            }
        }
        return out
    }

    @Test(arguments: [4096, 1000, 64 * 1024])
    func smallPiecesSetAsideExactlyWhatTheDefaultDoes(pieceBytes: Int) throws {
        let reference = TemporaryDirectory("repair-ref")
        let pieces = TemporaryDirectory("repair-pieces")
        defer { reference.remove(); pieces.remove() }
        try Self.damagedStore(reference.path)
        try FileManager.default.removeItem(atPath: pieces.path)
        try FileManager.default.copyItem(atPath: reference.path, toPath: pieces.path)

        var expected = try Repair.run(directory: reference.path, fileSystem: PosixFileSystem(), clock: SystemClock(),
                                      pieceBytes: WALSegmentReader.pieceBytesDefault)
        var report = try Repair.run(directory: pieces.path, fileSystem: PosixFileSystem(), clock: SystemClock(), pieceBytes: pieceBytes)
        #expect(expected.damagedFile?.hasSuffix("/wal/00000000000000000002.wal") == true)
        #expect(expected.recordsSetAside > 1 && expected.segmentsMoved >= 2)
        // The reports differ in the data directory's path only.
        expected.damagedFile = expected.damagedFile.map { String($0.dropFirst(reference.path.count)) }
        report.damagedFile = report.damagedFile.map { String($0.dropFirst(pieces.path.count)) }
        expected.reason = expected.reason?.replacingOccurrences(of: reference.path, with: "")
        report.reason = report.reason?.replacingOccurrences(of: pieces.path, with: "")
        expected.setAsideDirectory = nil
        report.setAsideDirectory = nil
        #expect(report == expected)
        #expect(Self.setAside(pieces.path) == Self.setAside(reference.path))
        #expect(WALSurgery.segments(pieces.path).map(WALSurgery.read) == WALSurgery.segments(reference.path).map(WALSurgery.read))

        let store = try TestStore.open(directory: pieces.path)
        defer { try? store.close() }
        #expect(store.recovery.versions == report.versionsKept)
        #expect(store.verify().isIntact)
    }
}
