import KDeltaCodec
import Testing

/// LEB128 varints and zigzag: round trips over the edges and seeded random values, and
/// malformed input refused with the offset where the bad varint starts.
@Suite struct VarintTests {
    static func encode(_ v: UInt64) -> [UInt8] {
        var w = ByteWriter()
        w.writeVarint(v)
        return w.bytes
    }

    static func decode(_ bytes: [UInt8], at offset: Int = 0) throws(CodecError) -> (UInt64, Int) {
        var result: Result<(UInt64, Int), CodecError> = .failure(.truncated(offset: 0, needed: 0))
        bytes.withUnsafeBytes { raw in
            var r = ByteReader(raw, offset: offset)
            do throws(CodecError) {
                let v = try r.readVarint()
                result = .success((v, r.offset))
            } catch {
                result = .failure(error)
            }
        }
        return try result.get()
    }

    @Test func edgesEncodeToTheirKnownBytes() {
        #expect(Self.encode(0) == [0x00])
        #expect(Self.encode(1) == [0x01])
        #expect(Self.encode(127) == [0x7F])
        #expect(Self.encode(128) == [0x80, 0x01])
        #expect(Self.encode(300) == [0xAC, 0x02])
        #expect(Self.encode(16_383) == [0xFF, 0x7F])
        #expect(Self.encode(16_384) == [0x80, 0x80, 0x01])
        #expect(Self.encode(UInt64(UInt32.max)) == [0xFF, 0xFF, 0xFF, 0xFF, 0x0F])
        #expect(Self.encode(.max) == [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01])
    }

    @Test func valuesRoundTripWithTheirLength() throws {
        var values: [UInt64] = [0, 1, 127, 128, 255, 256, 16_383, 16_384, 1 << 32, (1 << 63) - 1, 1 << 63, .max - 1, .max]
        for shift in 0..<64 { values += [UInt64(1) << UInt64(shift), (UInt64(1) << UInt64(shift)) &- 1] }
        var state: UInt64 = 7
        for _ in 0..<2000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            values.append(state >> (state & 63))
        }
        for v in values {
            let bytes = Self.encode(v)
            let expectedLength = v == 0 ? 1 : (64 - v.leadingZeroBitCount + 6) / 7
            #expect(bytes.count == expectedLength, "\(v)")
            let (back, end) = try Self.decode(bytes)
            #expect(back == v)
            #expect(end == bytes.count)
        }
    }

    @Test func zigzagRoundTripsAndKeepsSmallNegativesShort() {
        #expect(Zigzag.encode(0) == 0)
        #expect(Zigzag.encode(-1) == 1)
        #expect(Zigzag.encode(1) == 2)
        #expect(Zigzag.encode(-2) == 3)
        #expect(Zigzag.encode(.max) == UInt64.max - 1)
        #expect(Zigzag.encode(.min) == UInt64.max)
        for v: Int64 in [0, -1, 1, -64, 63, -65, 64, .min, .max, .min + 1, .max - 1, 1_700_000_000_000, -1_700_000_000_000] {
            #expect(Zigzag.decode(Zigzag.encode(v)) == v)
            var w = ByteWriter()
            w.writeZigzag(v)
            w.bytes.withUnsafeBytes { raw in
                var r = ByteReader(raw)
                #expect((try? r.readZigzag()) == v)
            }
        }
        var w = ByteWriter()
        w.writeZigzag(-64)
        #expect(w.bytes == [0x7F])
    }

    @Test func elevenByteVarintIsMalformedAtItsStart() {
        let bytes: [UInt8] = [0x55, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00]
        do {
            _ = try Self.decode(bytes, at: 1)
            Issue.record("an 11-byte varint was accepted")
        } catch {
            #expect(error.offset == 1, "\(error)")
        }
    }

    @Test func tenthByteAbove1OverflowsAndIsMalformed() {
        let bytes: [UInt8] = [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02]
        #expect(throws: CodecError.self) { try Self.decode(bytes) }
        do { _ = try Self.decode(bytes) } catch {
            #expect(error.offset == 0, "\(error)")
            #expect(error.message.contains("64 bits"), "\(error)")
        }
    }

    @Test func truncatedVarintReportsWhereItStarted() {
        for cut in 0..<10 {
            let bytes = [0x01] + Array(Self.encode(.max).prefix(cut))
            do {
                _ = try Self.decode(bytes, at: 1)
                Issue.record("a varint cut after \(cut) bytes was accepted")
            } catch {
                #expect(error == .truncated(offset: 1, needed: cut + 1), "cut after \(cut) bytes: \(error)")
            }
        }
    }

    @Test func decodingOneByteAtATimeOnlySucceedsWithTheLastByte() throws {
        let bytes = Self.encode(1 << 50)
        for n in 0..<bytes.count {
            #expect(throws: CodecError.self) { try Self.decode(Array(bytes.prefix(n))) }
        }
        #expect(try Self.decode(bytes).0 == 1 << 50)
    }
}
