import KDeltaCodec
import KDeltaStorageTestSupport
import Testing

/// BytesColumn: strings and JSON documents round-trip through zstd; ranges equal slices;
/// corrupt zstd frames are refused.
@Suite struct BytesColumnTests {
    static func documents(_ n: Int, random: inout SplitMix64) -> [[UInt8]] {
        (0..<n).map { i in
            let t = 20 + Int.random(in: 0..<100, using: &random)
            return Array("{\"temperature\":\(t).\(i % 10),\"humidity\":\(40 + i % 7),\"battery\":\"ok\"}".utf8)
        }
    }

    @Test func edgeCasesRoundTrip() {
        ColumnChecks.roundTrips(BytesCoding.self, [], "empty")
        ColumnChecks.roundTrips(BytesCoding.self, [[]], "one empty element")
        ColumnChecks.roundTrips(BytesCoding.self, Array(repeating: [], count: 300), "empty elements")
        ColumnChecks.roundTrips(BytesCoding.self, [Array("on".utf8)], "one word")
        ColumnChecks.roundTrips(BytesCoding.self, [[UInt8](repeating: 0, count: 70_000), [1, 2, 3]], "a large element")
    }

    @Test func documentsAndRandomBytesRoundTrip() throws {
        var random = SplitMix64(seed: 30)
        let docs = Self.documents(1_000, random: &random)
        ColumnChecks.roundTrips(BytesCoding.self, docs, "JSON documents")
        let (_, bytes) = try BytesCoding.roundTrip(docs)
        let raw = docs.reduce(0) { $0 + $1.count }
        let tripled = bytes.count * 3
        #expect(tripled < raw, "\(bytes.count) bytes for \(raw) bytes of JSON")
        let noise = (0..<300).map { _ in (0..<Int.random(in: 0...40, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) } }
        ColumnChecks.roundTrips(BytesCoding.self, noise, "random bytes (stored, not compressed)")
    }

    @Test func rangesEqualSlicesOfTheWholeDecode() {
        var random = SplitMix64(seed: 31)
        let docs = Self.documents(500, random: &random)
        ColumnChecks.rangesMatch(BytesCoding.self, docs, ranges: ColumnChecks.ranges(count: docs.count, random: &random))
    }

    @Test func corruptAndTruncatedColumnsThrowOrDecodeButNeverCrash() {
        var random = SplitMix64(seed: 32)
        ColumnChecks.corruptionIsCaught(BytesCoding.self, Self.documents(200, random: &random))
        let words = (0..<150).map { i in Array((i % 3 == 0 ? "open" : "closed").utf8) }
        ColumnChecks.corruptionIsCaught(BytesCoding.self, words)
    }

    @Test func zstdRefusesAFrameOfAnotherSize() throws {
        let packed = try Zstd.compress(Array("hello hello hello".utf8), level: 3)
        #expect(throws: ZstdError.self) {
            _ = try packed.withUnsafeBytes { raw throws(ZstdError) in try Zstd.decompress(raw, size: 5) }
        }
        let back = try packed.withUnsafeBytes { raw throws(ZstdError) in try Zstd.decompress(raw, size: 17) }
        #expect(back == Array("hello hello hello".utf8))
    }
}
