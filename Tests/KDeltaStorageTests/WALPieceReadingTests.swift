import Foundation
import KDeltaModel
@testable import KDeltaStorage
import KDeltaStorageTestSupport
import Testing

/// Recovery reads a segment a bounded piece at a time (`WALSegmentReader`). Whatever the
/// piece size, replay must see exactly what one read of the whole segment sees: the same
/// records at the same offsets, the same torn tail, the same refusal naming the same file
/// and offset. Small pieces put record headers, payloads and damage across boundaries.
@Suite struct WALPieceReadingTests {
    static let segmentBytes = 64 * 1024
    static var options: StoreOptions {
        var o = StoreOptions()
        o.walSegmentBytes = segmentBytes
        return o
    }
    /// Piece sizes below, at and just above a record header (12 bytes) and a segment
    /// header (48), and larger odd ones.
    static let pieceSizes = [1, 7, 12, 13, 48, 100, 1000, 4096]

    /// What one replay saw, comparable between piece sizes.
    struct Outcome: Equatable {
        /// Each record handed to `apply`: file, offset, first LSN and entries.
        var applied: [String] = []
        /// The replay's result, or the error it threw (code, file, offset and message).
        var end = ""
    }

    /// Replays the WAL of `dir` as opening the store does, reading `pieceBytes` at a time.
    static func replay(_ dir: String, pieceBytes: Int) throws -> Outcome {
        let fs = PosixFileSystem()
        let manifest = try Manifest.decode(try fs.readFile(dir + "/" + Manifest.fileName), path: dir)
        var outcome = Outcome()
        do throws(StoreError) {
            let r = try WALReplay.run(fs: fs, dataDirectory: dir, manifest: manifest, pieceBytes: pieceBytes) { (batch, file, offset) throws(StoreError) in
                outcome.applied.append("\(file)@\(offset): LSN \(batch.firstLSN) +\(batch.entries.count)")
            }
            outcome.end = "segments \(r.segments) from LSNs \(r.segmentFirstLSNs), end \(r.endOffset), next LSN \(r.nextLSN), torn \(String(describing: r.tornTail)), incomplete \(String(describing: r.incompleteSegment)), \(r.records) records, \(r.versions) versions"
        } catch {
            outcome.end = "\(error.code) in \(String(describing: error.file)) at \(String(describing: error.offset)): \(error.message)"
        }
        return outcome
    }

    /// Expects each of `pieces` to replay `dir` as one read of every whole segment does,
    /// and returns that outcome.
    @discardableResult
    static func expectSameForEveryPieceSize(_ dir: String, pieces: [Int] = pieceSizes, _ context: String) throws -> Outcome {
        let whole = try replay(dir, pieceBytes: segmentBytes)
        for piece in pieces {
            let outcome = try replay(dir, pieceBytes: piece)
            #expect(outcome.applied == whole.applied, "pieces of \(piece) bytes, \(context)")
            #expect(outcome.end == whole.end, "pieces of \(piece) bytes, \(context)")
        }
        return whole
    }

    /// Writes `batches` batches of 1 to 60 random readings, one record each.
    static func writeStore(_ dir: String, seed: UInt64, batches: Int) throws -> AcknowledgedWrites {
        let store = try TestStore.open(directory: dir, options: options)
        let acked = try StoreRoundTripTests.writeRandom(store, seed: seed, batches: batches, keys: RandomReadings.keys(5), batchMax: 60)
        try store.close()
        return acked
    }

    @Test func recordsStraddlingPieceBoundariesReplayAsFromOneRead() throws {
        let dir = TemporaryDirectory.memoryBacked()
        defer { dir.remove() }
        let acked = try Self.writeStore(dir.path, seed: 21, batches: 150)
        #expect(WALSurgery.segments(dir.path).count >= 2)
        let whole = try Self.expectSameForEveryPieceSize(dir.path, "undamaged")
        #expect(whole.end.contains("\(acked.byLSN.count) versions"), "\(whole.end)")
        #expect(whole.applied.count == 150)
    }

    @Test func recordLargerThanAPieceIsReadWholeAndTheWindowShrinksAfterIt() throws {
        let dir = TemporaryDirectory.memoryBacked()
        defer { dir.remove() }
        let store = try TestStore.open(directory: dir.path, options: Self.options)
        let key = try Key("wal/large")
        let small = [Reading(key: key, value: .int(1))]
        let large = (0..<700).map { Reading(key: key, value: .double(Double($0) / 3), sourceTimeMs: 1_700_000_000_000 + Int64($0)) }
        for batch in [small, large, small] { _ = try store.putBatch(batch) }
        try store.close()

        let segment = try #require(WALSurgery.segments(dir.path).first)
        let bytes = WALSurgery.read(segment)
        let frames = WALSurgery.frames(bytes)
        #expect(frames.count == 3)
        let big = frames[1]
        #expect(big.length > 4 * 4096, "the large record is \(big.length) bytes")
        let whole = try Self.expectSameForEveryPieceSize(dir.path, "one record of \(big.length) bytes")
        #expect(whole.applied.count == 3)

        // The window grows to hold the record whole, then returns to one piece.
        let reader = try WALSegmentReader(fs: PosixFileSystem(), path: segment, pieceBytes: 4096)
        _ = try reader.bytes(at: big.offset, count: 12)
        let frame = try reader.bytes(at: big.offset, count: big.end - big.offset)
        #expect(Array(frame) == Array(bytes[big.offset..<big.end]))
        #expect(reader.windowBytes == big.end - big.offset)
        let next = try reader.bytes(at: big.end, count: 12)
        #expect(Array(next) == Array(bytes[big.end..<(big.end + 12)]))
        #expect(reader.windowBytes == 4096)
    }

    @Test func damageAtAPieceBoundaryIsFoundAtTheSameOffsetAsInOneRead() throws {
        let dir = TemporaryDirectory.memoryBacked()
        defer { dir.remove() }
        _ = try Self.writeStore(dir.path, seed: 22, batches: 110)
        let segments = WALSurgery.segments(dir.path)
        #expect(segments.count >= 2)
        let pieces = [13, 1000, 4096]
        var outcomes: Set<String> = []
        // A middle segment (damage there is never a torn tail) and the last one.
        for segment in [segments[0], segments[segments.count - 1]] {
            let original = WALSurgery.read(segment)
            let written = try #require(WALSurgery.frames(original).last).end
            var offsets: Set<Int> = [written, written + 1, Self.segmentBytes - 1]
            // Each side of the boundaries of 4 KiB pieces, and of the first 1,000-byte ones.
            for boundary in stride(from: 4096, to: written + 4096, by: 4096) {
                offsets.formUnion([boundary - 1, boundary, boundary + 1])
            }
            for boundary in stride(from: 1000, through: 16_000, by: 1000) {
                offsets.formUnion([boundary - 1, boundary, boundary + 1])
            }
            for offset in offsets.sorted() where offset >= WALSurgery.segmentHeaderBytes && offset < Self.segmentBytes {
                WALSurgery.patch(segment, at: offset, [original[offset] ^ 0xFF])
                let outcome = try Self.expectSameForEveryPieceSize(dir.path, pieces: pieces, "\(segment) damaged at \(offset)")
                outcomes.insert(String(outcome.end.prefix(while: { $0 != " " })))
                WALSurgery.patch(segment, at: offset, [original[offset]])
            }
        }
        // Both kinds of damage were met: refused in the middle, cut as a torn tail at the end.
        #expect(outcomes.contains("corruptWAL"))
        #expect(outcomes.contains("segments"))
        try Self.expectSameForEveryPieceSize(dir.path, pieces: pieces, "repaired by hand")
    }

    @Test func readerGivesTheFileBytesForAnyOffsetAndLength() throws {
        let dir = TemporaryDirectory.memoryBacked()
        defer { dir.remove() }
        _ = try Self.writeStore(dir.path, seed: 23, batches: 20)
        let segment = try #require(WALSurgery.segments(dir.path).first)
        let bytes = WALSurgery.read(segment)
        var g = RandomReadings(seed: 24)
        for piece in Self.pieceSizes {
            let reader = try WALSegmentReader(fs: PosixFileSystem(), path: segment, pieceBytes: piece)
            #expect(reader.count == bytes.count)
            var offset = 0
            for _ in 0..<300 {
                // Mostly forward, as the scanner reads; sometimes back, or far ahead.
                switch g.next(10) {
                case 0: offset = g.next(bytes.count)
                case 1: offset = max(0, offset - g.next(100))
                default: offset = min(bytes.count, offset + g.next(3 * piece + 20))
                }
                let length = g.next(min(bytes.count - offset, 3 * piece + 20) + 1)
                let got = try reader.bytes(at: offset, count: length)
                #expect(Array(got) == Array(bytes[offset..<(offset + length)]), "pieces of \(piece): \(length) bytes at \(offset)")
            }
        }
    }
}
