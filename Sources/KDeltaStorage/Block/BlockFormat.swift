/// The block file's on-disk constants, one per field of docs/format/block.md. Readers
/// check the magic and version first and name the value they found in the error.
public enum BlockFormat {
    /// Block files start with these 8 bytes.
    public static let magic: [UInt8] = Array("KDBLOCK1".utf8)
    /// ... and end with these 8.
    public static let trailerMagic: [UInt8] = Array("KDBLKEND".utf8)
    /// The format version this code writes and reads.
    public static let version: UInt16 = 1
    /// Header: magic 8, version 2, level 1, reserved 1, store id 8, block number 8,
    /// reserved 4, CRC-32C 4.
    public static let headerBytes = 36
    /// Trailer: directory offset 8, directory length 4, directory CRC-32C 4, magic 8.
    public static let trailerBytes = 24
    /// A version id is kept for every `anchorInterval`-th version of a chunk (and the last
    /// one); the others are recomputed from the nearest anchor before them (at most
    /// `anchorInterval - 1` SHA-256 computations, 31.5 on average: ~2.4 µs of a ~5 µs
    /// point read on a SHA-NI machine, BENCHMARKS.md).
    public static let anchorInterval = 64
    /// Folder of the block files inside the data directory.
    public static let directoryName = "blocks"
    /// Block files are named by their number, zero-padded to 20 digits, with this suffix.
    public static let fileSuffix = ".kdb"
    /// Level of a block cut from the hot tier (warm); compaction writes higher levels (cold).
    public static let levelWarm: UInt8 = 0
    /// Level of a block written by compaction from warm (or cold) blocks.
    public static let levelCold: UInt8 = 1
    /// Level of a block of rollup chunks, written by retention's downsampling.
    public static let levelRollup: UInt8 = 2

    /// The file name of block `number`: `00000000000000000001.kdb`.
    public static func fileName(_ number: UInt64) -> String {
        let digits = String(number)
        return String(repeating: "0", count: max(0, 20 - digits.count)) + digits + fileSuffix
    }

    /// The block number in a file name, or nil for other files.
    public static func number(fileName: String) -> UInt64? {
        guard fileName.hasSuffix(fileSuffix) else { return nil }
        let stem = fileName.dropLast(fileSuffix.count)
        guard stem.count == 20, stem.allSatisfy({ $0 >= "0" && $0 <= "9" }) else { return nil }
        return UInt64(stem)
    }
}
