import KDeltaCodec
import Testing

/// Every read past the end throws `truncated` with its offset and leaves the reader usable.
@Suite struct ByteReaderTests {
    @Test func fixedWidthReadsAreBoundsChecked() {
        let bytes: [UInt8] = [1, 2, 3, 4, 5, 6, 7]
        bytes.withUnsafeBytes { raw in
            var r = ByteReader(raw)
            #expect((try? r.readLE(UInt32.self)) == 0x0403_0201)
            #expect(r.offset == 4)
            #expect(r.remaining == 3)
            do throws(CodecError) {
                _ = try r.readLE(UInt32.self)
                Issue.record("read past the end")
            } catch {
                #expect(error == .truncated(offset: 4, needed: 4))
            }
            #expect(r.offset == 4)
            #expect((try? r.readBE(UInt16.self)) == 0x0506)
            #expect((try? r.readByte()) == 7)
            #expect(r.isAtEnd)
            #expect(throws: CodecError.self) { try r.readByte() }
        }
    }

    @Test func byteRangesAreBoundsChecked() {
        let bytes = Array("héllo".utf8)
        bytes.withUnsafeBytes { raw in
            var r = ByteReader(raw)
            #expect(throws: CodecError.self) { try r.readBytes(-1) }
            #expect(throws: CodecError.self) { try r.readBytes(bytes.count + 1) }
            #expect((try? r.readUTF8(bytes.count)) == "héllo")
            #expect((try? r.readBytes(0))?.count == 0)
        }
    }

    @Test func invalidUTF8IsMalformedAtItsOffset() {
        let bytes: [UInt8] = [0x41, 0xC3, 0x28]
        bytes.withUnsafeBytes { raw in
            var r = ByteReader(raw, offset: 1)
            do throws(CodecError) {
                _ = try r.readUTF8(2)
                Issue.record("invalid UTF-8 accepted")
            } catch {
                #expect(error.offset == 1, "\(error)")
            }
        }
    }

    @Test func writerPatchesLittleEndianInPlace() {
        var w = ByteWriter(capacity: 16)
        w.writeLE(UInt32(0))
        w.writeBE(UInt16(0x0102))
        w.patchLE(0xAABB_CCDD, at: 0)
        #expect(w.bytes == [0xDD, 0xCC, 0xBB, 0xAA, 0x01, 0x02])
        w.removeAll()
        #expect(w.count == 0)
        w.write(utf8: "ok")
        #expect(w.bytes == [0x6F, 0x6B])
    }
}
