import KDeltaCodec
import KDeltaModel
import Testing

/// Values through the WAL's value encoding: exact round trips (NaN payloads, -0.0,
/// infinities, extreme ints, Unicode, documents), whole and cut at every byte.
@Suite struct ValueCodecTests {
    static func encode(_ v: Value) -> [UInt8] {
        var w = ByteWriter()
        ValueCodec.write(v, into: &w)
        return w.bytes
    }

    static func decode(_ bytes: [UInt8], tag: UInt8) throws(CodecError) -> (Value, Int) {
        var result: Result<(Value, Int), CodecError> = .failure(.truncated(offset: 0, needed: 0))
        bytes.withUnsafeBytes { raw in
            var r = ByteReader(raw)
            do throws(CodecError) {
                let v = try ValueCodec.read(tag: tag, from: &r)
                result = .success((v, r.offset))
            } catch {
                result = .failure(error)
            }
        }
        return try result.get()
    }

    static let samples: [Value] = [
        .double(0), .double(-0.0), .double(.nan), .double(Double(nan: 0x2_BEEF, signaling: false)),
        .double(Double(nan: 1, signaling: true)), .double(-.nan), .double(.infinity), .double(-.infinity),
        .double(.leastNonzeroMagnitude), .double(.greatestFiniteMagnitude), .double(21.5),
        .int(0), .int(-1), .int(.min), .int(.max), .int(1_700_000_000_000),
        .bool(true), .bool(false),
        .string(""), .string("open"), .string("température 🌡️ 温度 e\u{301}"), .string("quote \" backslash \\ nul \u{0}"),
        .document(.null), .document(.array([])), .document(.object([JSONMember]())),
        .document(.object([("b", .int(1)), ("a", .array([.double(0.1), .double(-0.0), .string("é"), .bool(false), .null]))])),
        .document(.object([("nested", .object([("deep", .object([("x", .double(1e300))]))]))])),
    ]

    @Test func everySampleRoundTripsExactly() throws {
        for v in Self.samples {
            let bytes = Self.encode(v)
            let (back, end) = try Self.decode(bytes, tag: v.tag.rawValue)
            #expect(back == v, "\(v)")
            #expect(end == bytes.count)
            if case .double(let d) = v, case .double(let e) = back { #expect(d.bitPattern == e.bitPattern) }
        }
    }

    @Test func everyCutOfAnEncodingIsRefused() {
        for v in Self.samples {
            let bytes = Self.encode(v)
            for n in 0..<bytes.count {
                #expect(throws: CodecError.self, "\(v) cut at \(n)") { try Self.decode(Array(bytes.prefix(n)), tag: v.tag.rawValue) }
            }
        }
    }

    @Test func doublesAreEightLittleEndianBytesOfTheirBitPattern() {
        #expect(Self.encode(.double(21.5)) == [0, 0, 0, 0, 0, 0x80, 0x35, 0x40])
        #expect(Self.encode(.double(-0.0)) == [0, 0, 0, 0, 0, 0, 0, 0x80])
        #expect(Self.encode(.int(-3)) == [0x05])
        #expect(Self.encode(.bool(true)) == [1])
        #expect(Self.encode(.string("hé")) == [3, 0x68, 0xC3, 0xA9])
        #expect(Self.encode(.document(.object([("b", .int(1)), ("a", .null)]))) == [16] + Array(#"{"a":null,"b":1}"#.utf8))
    }

    @Test func unknownTagsAndBadBoolsAreMalformed() {
        #expect(throws: CodecError.self) { try Self.decode([0], tag: 0) }
        #expect(throws: CodecError.self) { try Self.decode([0], tag: 6) }
        #expect(throws: CodecError.self) { try Self.decode([2], tag: ValueTag.bool.rawValue) }
        // A length beyond the value limit is refused before reading.
        var w = ByteWriter()
        w.writeVarint(UInt64(Limits.valueBytesMax) + 1)
        #expect(throws: CodecError.self) { try Self.decode(w.bytes, tag: ValueTag.string.rawValue) }
        // A stored document that is not JSON.
        #expect(throws: CodecError.self) { try Self.decode([3] + Array("{x}".utf8), tag: ValueTag.document.rawValue) }
    }
}
