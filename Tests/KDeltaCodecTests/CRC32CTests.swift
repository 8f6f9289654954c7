import KDeltaCodec
import Testing

/// CRC-32C against the published vectors and a bit-at-a-time reference, on every length
/// and alignment the slice-by-8 loop distinguishes.
@Suite struct CRC32CTests {
    /// Bit-at-a-time CRC-32C, reflected polynomial 0x82F63B78: slow and obviously right.
    static func reference(_ bytes: ArraySlice<UInt8>, continuing crc: UInt32 = 0) -> UInt32 {
        var c = ~crc
        for b in bytes {
            c ^= UInt32(b)
            for _ in 0..<8 { c = c & 1 != 0 ? (c >> 1) ^ 0x82F6_3B78 : c >> 1 }
        }
        return ~c
    }

    /// RFC 3720 (iSCSI), appendix B.4.
    @Test func matchesTheRFC3720Vectors() {
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
        #expect(CRC32C.checksum((0..<32).map { UInt8($0) }) == 0x46DD_794E)
        #expect(CRC32C.checksum((0..<32).reversed().map { UInt8($0) }) == 0x113F_DB5C)
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([]) == 0)
    }

    @Test func equalsTheBitwiseReferenceOnEveryLengthUpTo300AndEveryAlignment() {
        var state: UInt64 = 0x1234_5678
        func nextByte() -> UInt8 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 33)
        }
        let buffer = (0..<320).map { _ in nextByte() }
        for length in 0...300 {
            for start in 0..<8 where start + length <= buffer.count {
                let slice = buffer[start..<(start + length)]
                let got = slice.withUnsafeBytes { CRC32C.checksum($0) }
                #expect(got == Self.reference(slice), "length \(length) at offset \(start)")
            }
        }
    }

    @Test func continuingAChecksumEqualsTheChecksumOfTheConcatenation() {
        var state: UInt64 = 99
        let buffer = (0..<300).map { _ -> UInt8 in
            state = state &* 6_364_136_223_846_793_005 &+ 1
            return UInt8(truncatingIfNeeded: state >> 40)
        }
        let whole = CRC32C.checksum(buffer)
        for split in 0...buffer.count {
            let first = CRC32C.checksum(Array(buffer[..<split]))
            let second = CRC32C.checksum(Array(buffer[split...]), continuing: first)
            #expect(second == whole, "split at \(split)")
            #expect(Self.reference(buffer[split...], continuing: first) == whole)
        }
    }

    @Test func everySingleBitFlipChangesTheChecksum() {
        let record = (0..<64).map { UInt8(truncatingIfNeeded: $0 &* 37) }
        let original = CRC32C.checksum(record)
        for bit in 0..<(record.count * 8) {
            var damaged = record
            damaged[bit / 8] ^= 1 << UInt8(bit % 8)
            #expect(CRC32C.checksum(damaged) != original, "bit \(bit)")
        }
    }
}
