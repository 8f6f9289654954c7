import Foundation
import KDeltaModel
@testable import KDeltaStorage
import KDeltaStorageTestSupport
import Testing

/// `WALBitFlip` is what tells a damaged last record (refused) from a torn one (cut): it must
/// find every single flipped bit of a record, at its exact place, and must not explain
/// what a torn write leaves (a prefix over zeros, or a prefix and garbage).
@Suite struct WALBitFlipTests {
    /// A store with `count` records in its first segment; returns that segment and its
    /// last frame.
    static func segment(_ dir: String, count: Int, readings: Int) throws -> (path: String, last: WALSurgery.Frame) {
        var options = StoreOptions()
        options.walSegmentBytes = 64 * 1024
        let store = try TestStore.open(directory: dir, options: options)
        var g = RandomReadings(seed: 5)
        let keys = RandomReadings.keys(3, prefix: "flip")
        for _ in 0..<count {
            try store.putBatch((0..<readings).map { _ in Reading(key: keys[g.next(keys.count)], value: g.value()) })
        }
        try store.close()
        let path = try #require(WALSurgery.segments(dir).first)
        return (path, try #require(WALSurgery.frames(WALSurgery.read(path)).last))
    }

    static func locate(_ path: String, at offset: Int) throws -> WALBitFlip? {
        let reader = try WALSegmentReader(fs: PosixFileSystem(), path: path, pieceBytes: 4096)
        return try WALBitFlip.locate(in: reader, at: offset)
    }

    @Test func theChangeOfOneBitNamesItsPositionForEveryBitOfAMessage() {
        var rng = SplitMix64(seed: 11)
        for n in [1, 2, 7, 13, 100, 1000] {
            let message = (0..<n).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            let crc = WALSurgery.crc32c(message)
            for t in 0..<(8 * n) {
                var flipped = message
                flipped[t / 8] ^= 1 << UInt8(t % 8)
                let syndrome = crc ^ WALSurgery.crc32c(flipped)
                #expect(WALBitFlip.bitPosition(syndrome: syndrome, messageBytes: n, fromByte: 0) == t, "bit \(t) of \(n) bytes")
            }
            // A change of two bits is no single bit's.
            var two = message
            two[0] ^= 1
            two[n - 1] ^= 0x80
            if n > 1 {
                #expect(WALBitFlip.bitPosition(syndrome: crc ^ WALSurgery.crc32c(two), messageBytes: n, fromByte: 0) == nil)
            }
        }
    }

    @Test func everySingleFlippedBitOfTheLastRecordIsFoundAtItsPlace() throws {
        let dir = TemporaryDirectory.memoryBacked()
        defer { dir.remove() }
        let (path, last) = try Self.segment(dir.path, count: 3, readings: 1)
        let original = WALSurgery.read(path)
        #expect(try Self.locate(path, at: last.offset) == nil, "an intact record has no flipped bit")
        for offset in last.offset..<last.end {
            for bit in 0..<8 {
                WALSurgery.patch(path, at: offset, [original[offset] ^ (1 << UInt8(bit))])
                let found = try Self.locate(path, at: last.offset)
                #expect(found?.offset == offset && found?.bit == bit, "bit \(bit) at \(offset): found \(String(describing: found))")
            }
            WALSurgery.patch(path, at: offset, [original[offset]])
        }
    }

    @Test func tornWritesAreNotTakenForAFlippedBit() throws {
        let dir = TemporaryDirectory.memoryBacked()
        defer { dir.remove() }
        let (path, last) = try Self.segment(dir.path, count: 4, readings: 30)
        let original = WALSurgery.read(path)
        var rng = SplitMix64(seed: 12)
        var checked = 0
        for cut in stride(from: 0, to: last.end - last.offset, by: 7) {
            for garbage in [false, true] {
                // What reached the disk: a prefix, then zeros (the preallocated space) or
                // garbage up to the record's end (a page torn while being programmed).
                var torn = Array(original[last.offset..<last.end])
                for i in cut..<torn.count { torn[i] = garbage ? UInt8(truncatingIfNeeded: rng.next()) : 0 }
                WALSurgery.patch(path, at: last.offset, torn)
                let differing = zip(torn, original[last.offset..<last.end]).reduce(0) { $0 + ($1.0 ^ $1.1).nonzeroBitCount }
                let found = try Self.locate(path, at: last.offset)
                // Only a prefix that misses exactly one bit of the record is one flipped bit.
                #expect((found != nil) == (differing == 1), "cut at \(cut), garbage \(garbage): \(differing) bits differ, found \(String(describing: found))")
                checked += 1
            }
        }
        WALSurgery.patch(path, at: last.offset, Array(original[last.offset..<last.end]))
        #expect(checked > 100)
    }
}
