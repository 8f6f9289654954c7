import Foundation
import KDeltaCodec
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
                if found?.offset != offset || found?.bit != bit {
                    Issue.record("bit \(bit) at \(offset): found \(String(describing: found)); \(try Self.diagnosis(path, last, expected: original, flipped: (offset, bit)))")
                }
            }
            WALSurgery.patch(path, at: offset, [original[offset]])
        }
    }

    /// What a wrong answer of `locate` was made of: a second call on the same file, whether
    /// the file still holds the record with just the one flip, and the checksums over the
    /// range the flipped length field names (the table-driven one and a bitwise one).
    static func diagnosis(_ path: String, _ last: WALSurgery.Frame, expected original: [UInt8], flipped: (offset: Int, bit: Int)) throws -> String {
        let again = try locate(path, at: last.offset)
        let now = WALSurgery.read(path)
        var wanted = original
        wanted[flipped.offset] ^= 1 << UInt8(flipped.bit)
        let differing = now.count == wanted.count ? Array(now.indices.filter { now[$0] != wanted[$0] }.prefix(10)) : []
        let n = Int(WALSurgery.le32(now, last.offset + 4))
        var sums = "length field \(n) runs past the file"
        if last.offset + 12 + n <= now.count {
            let covered = now[(last.offset + 4)..<(last.offset + 12 + n)]
            sums = "length field \(n): CRC32C \(CRC32C.checksum(Array(covered))), bitwise \(WALSurgery.crc32c(covered)), stored \(WALSurgery.le32(now, last.offset))"
        }
        return "again: \(String(describing: again)); file \(now.count == wanted.count ? "differs at \(differing)" : "is \(now.count) bytes, not \(wanted.count)") from what the test wrote; \(sums)"
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

    /// A power cut that loses just the last non-zero byte of the last record, a byte with
    /// one bit set (seen in `PowerCutTests`, seed 5046: a last byte of 0x01), leaves a record
    /// that one flipped bit would mend, but the bit lies in the zeros after the data: a tear
    /// explains it as well, so the store opens, keeping the bytes, instead of refusing.
    @Test func aTornWriteThatLostOneLastSingleBitByteOpensAsTorn() throws {
        let dir = TemporaryDirectory.memoryBacked()
        defer { dir.remove() }
        var options = StoreOptions()
        options.walSegmentBytes = 64 * 1024
        let key = try Key("flip/last-byte")
        // Records until the last one ends in a byte with exactly one bit set (1 in ~32).
        var found: (path: String, offset: Int)? = nil
        var n = 0
        while found == nil && n < 2_000 {
            let store = try TestStore.open(directory: dir.path, options: options)
            try store.put(key, .int(Int64(n)))
            try store.close()
            n += 1
            let path = try #require(WALSurgery.segments(dir.path).last)
            let bytes = WALSurgery.read(path)
            let last = try #require(WALSurgery.frames(bytes).last)
            let lastByte = try #require((last.offset..<last.end).last { bytes[$0] != 0 })
            if lastByte > last.offset + WALSurgery.recordHeaderBytes && bytes[lastByte].nonzeroBitCount == 1 { found = (path, lastByte) }
        }
        let (path, offset) = try #require(found, "no record ended in a single-bit byte in \(n) tries")
        WALSurgery.patch(path, at: offset, [0])
        let store = try TestStore.open(directory: dir.path, options: options)
        let torn = try #require(store.recovery.tornTail, "the last record was not taken for torn")
        #expect(torn.keptAt != nil)
        #expect(store.versionCount(key) == n - 1)
        try store.close()
    }
}
