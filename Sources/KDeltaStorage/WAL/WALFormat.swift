/// The WAL's on-disk constants, one per field of docs/format/wal.md. Readers check the
/// magic and version first and name the value they found in the error.
public enum WALFormat {
    /// Segment files start with these 8 bytes.
    public static let segmentMagic: [UInt8] = Array("KDELTWAL".utf8)
    /// The segment format version this code writes and reads.
    public static let segmentVersion: UInt32 = 1
    /// Bytes of the segment header: magic 8, version 4, header size 4, store id 8, segment
    /// number 8, first LSN 8, reserved 4, CRC-32C 4.
    public static let segmentHeaderBytes = 48
    /// Bytes of a record header: CRC-32C 4, payload length 4, type 1, reserved 3.
    public static let recordHeaderBytes = 12
    /// Record type: a group-commit batch of versions (and the keys they introduce).
    public static let recordTypeBatch: UInt8 = 1
    /// Folder of the segments inside the data directory.
    public static let directoryName = "wal"
    /// Segment files are named by their number, zero-padded to 20 digits, with this suffix.
    public static let segmentSuffix = ".wal"

    /// The file name of segment `number`: `00000000000000000001.wal`.
    public static func segmentFileName(_ number: UInt64) -> String {
        let digits = String(number)
        return String(repeating: "0", count: max(0, 20 - digits.count)) + digits + segmentSuffix
    }

    /// The segment number in a file name, or nil for other files.
    public static func segmentNumber(fileName: String) -> UInt64? {
        guard fileName.hasSuffix(segmentSuffix) else { return nil }
        let stem = fileName.dropLast(segmentSuffix.count)
        guard stem.count == 20, stem.allSatisfy({ $0 >= "0" && $0 <= "9" }) else { return nil }
        return UInt64(stem)
    }
}
