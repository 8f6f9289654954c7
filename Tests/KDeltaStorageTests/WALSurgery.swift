import Foundation

/// Reads and edits WAL segment files behind the store's back, from docs/format/wal.md
/// alone: segment header of 48 bytes, then frames `[crc u32 LE][len u32 LE][type u8]
/// [3 zero bytes][payload]` whose CRC-32C covers bytes 4..<12+len of the frame.
enum WALSurgery {
    static let segmentHeaderBytes = 48
    static let recordHeaderBytes = 12

    /// One record frame in a segment.
    struct Frame: Equatable {
        /// Where the frame starts.
        var offset: Int
        /// Payload bytes.
        var length: Int
        /// Where the frame ends (the next one starts).
        var end: Int { offset + WALSurgery.recordHeaderBytes + length }
    }

    /// The segment files of a data directory, oldest first.
    static func segments(_ dataDirectory: String) -> [String] {
        let wal = dataDirectory + "/wal"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: wal)) ?? []
        return names.filter { $0.hasSuffix(".wal") }.sorted().map { wal + "/" + $0 }
    }

    static func read(_ path: String) -> [UInt8] {
        [UInt8](FileManager.default.contents(atPath: path) ?? Data())
    }

    /// Rewrites a file in place (same inode), as damage on the disk would.
    static func overwrite(_ path: String, _ bytes: [UInt8]) {
        let fd = open(path, O_WRONLY | O_TRUNC)
        precondition(fd >= 0, "cannot open \(path)")
        let n = bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        precondition(n == bytes.count, "short write to \(path)")
        close(fd)
    }

    /// Writes `bytes` at `offset` of an existing file.
    static func patch(_ path: String, at offset: Int, _ bytes: [UInt8]) {
        let fd = open(path, O_WRONLY)
        precondition(fd >= 0, "cannot open \(path)")
        let n = bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, off_t(offset)) }
        precondition(n == bytes.count, "short write to \(path)")
        close(fd)
    }

    /// Sets a file's length.
    static func truncateFile(_ path: String, to length: Int) {
        precondition(truncate(path, off_t(length)) == 0, "truncate \(path) failed")
    }

    /// The valid frames from the segment header on, stopping at the first frame that is
    /// zero or does not check.
    static func frames(_ bytes: [UInt8]) -> [Frame] {
        var out: [Frame] = []
        var o = segmentHeaderBytes
        while o + recordHeaderBytes <= bytes.count {
            let crc = le32(bytes, o)
            let length = Int(le32(bytes, o + 4))
            guard bytes[o + 8] == 1, length > 0, o + recordHeaderBytes + length <= bytes.count else { break }
            guard crc == crc32c(bytes[(o + 4)..<(o + recordHeaderBytes + length)]) else { break }
            out.append(Frame(offset: o, length: length))
            o += recordHeaderBytes + length
        }
        return out
    }

    /// Recomputes a frame's checksum after its content was changed.
    static func reseal(_ bytes: inout [UInt8], _ frame: Frame) {
        let crc = crc32c(bytes[(frame.offset + 4)..<frame.end])
        for i in 0..<4 { bytes[frame.offset + i] = UInt8(truncatingIfNeeded: crc >> (8 * UInt32(i))) }
    }

    static func le32(_ b: [UInt8], _ o: Int) -> UInt32 {
        UInt32(b[o]) | UInt32(b[o + 1]) << 8 | UInt32(b[o + 2]) << 16 | UInt32(b[o + 3]) << 24
    }

    /// Bit-at-a-time CRC-32C (reflected polynomial 0x82F63B78): slow, obviously right, and
    /// independent of the engine's table-driven one.
    static func crc32c<C: Collection>(_ bytes: C) -> UInt32 where C.Element == UInt8 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in bytes {
            c ^= UInt32(b)
            for _ in 0..<8 { c = c & 1 != 0 ? (c >> 1) ^ 0x82F6_3B78 : c >> 1 }
        }
        return ~c
    }

    /// Offsets where `needle` occurs in `haystack`.
    static func occurrences(of needle: [UInt8], in haystack: [UInt8]) -> [Int] {
        guard !needle.isEmpty, haystack.count >= needle.count else { return [] }
        var out: [Int] = []
        for i in 0...(haystack.count - needle.count) where haystack[i] == needle[0] {
            if haystack[i..<(i + needle.count)].elementsEqual(needle) { out.append(i) }
        }
        return out
    }
}
