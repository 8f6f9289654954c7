import KDeltaCodec
import KDeltaStorage
import Testing

/// The manifest's block list: kept in number order whatever order blocks commit in, and
/// read back from a file written out of order.
@Suite struct ManifestTests {
    static func manifest(blocks numbers: [UInt64]) -> Manifest {
        var m = Manifest(storeID: 0xfeed, walFirstSegment: 3, walFirstLSN: 100)
        m.checkpointLSN = 99
        m.catalogGeneration = 2
        m.nextBlockNumber = 20
        for n in numbers { m.addBlock(Manifest.BlockRef(number: n, level: 0, bytes: Int64(n) * 10)) }
        return m
    }

    @Test func blocksStayInNumberOrderWhenAMergeCommitsAfterLaterCuts() throws {
        // Blocks 10-14 were cut while the merge that reserved 9 was writing.
        var m = Self.manifest(blocks: [3, 10, 11, 12, 13, 14])
        m.removeBlocks([3])
        m.addBlock(Manifest.BlockRef(number: 9, level: 1, bytes: 90))
        #expect(m.blocks.map(\.number) == [9, 10, 11, 12, 13, 14])
        let back = try Manifest.decode(m.encoded(), path: "MANIFEST")
        #expect(back == m)
    }

    /// The text a store wrote before `addBlock` kept the order: the merged block last.
    static func text(blocks: [UInt64]) -> [UInt8] {
        var body = "kdelta-manifest 2\nstore-id 000000000000feed\nwal-first-segment 3\nwal-first-lsn 100\n"
        body += "checkpoint-lsn 99\ncatalog 2\nnext-block 20\n"
        for n in blocks { body += "block \(n) 0 \(n * 10)\n" }
        let hex = String(CRC32C.checksum(Array(body.utf8)), radix: 16)
        let crc = "0x" + String(repeating: "0", count: 8 - hex.count) + hex
        return Array((body + "crc32c \(crc)\n").utf8)
    }

    @Test func aManifestWrittenOutOfOrderIsReadInOrder() throws {
        let m = try Manifest.decode(Self.text(blocks: [10, 11, 14, 9]), path: "MANIFEST")
        #expect(m.blocks.map(\.number) == [9, 10, 11, 14])
    }

    @Test func aBlockListedTwiceIsRefused() {
        #expect {
            _ = try Manifest.decode(Self.text(blocks: [10, 9, 10]), path: "MANIFEST")
        } throws: { error in
            (error as? StoreError)?.message.contains("block 10 is listed twice") == true
        }
    }
}
