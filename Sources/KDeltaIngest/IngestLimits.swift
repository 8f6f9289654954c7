import KDeltaModel

/// Every bound of ingest, defined once with the reason for its value.
///
/// `IngestLimits.check()` (run by a test) verifies how these relate to each other and to
/// the model's `Limits`.
public enum IngestLimits {
    /// A batch file is read 1 MiB at a time: large enough that `read(2)` costs nothing per
    /// row (a row is about 50 bytes), small enough for a Pi's memory; the whole file is
    /// never loaded.
    public static let batchFileReadBytes = 1 << 20

    /// One line (CSV record or JSON line) of a batch file is at most 1 MiB. It must hold
    /// the largest value (`Limits.valueBytesMax`) even when CSV quoting doubles every quote
    /// in it; anything longer is a file that is not a batch file (a missing closing quote
    /// swallowing the rest of the file, say), refused before it fills memory.
    public static let batchFileLineBytesMax = 1 << 20

    /// Keys remembered by a batch reader, so a repeated key is neither validated nor
    /// allocated again. A typical file cycles over about 1,000 sensors; 4,096 leaves room,
    /// and when a file has more the cache starts over rather than grow.
    public static let batchFileKeyCacheCountMax = 4096

    /// A CSV batch file names at most 64 columns in its header: it needs three, and the
    /// bound keeps a mistaken header (a data row of a wide export) from making a long list.
    public static let batchFileColumnsMax = 64

    /// The offending text an error shows is cut to 80 bytes: enough to recognise the row,
    /// short enough for one terminal line.
    public static let batchFileErrorTextBytesMax = 80

    /// The readings array returned by one `next(maxReadings:)` reserves at most 65,536
    /// entries up front, whatever the caller asks for.
    public static let batchFileReadingsReserveMax = 1 << 16

    /// Checks how the constants relate; a test runs it.
    public static func check() {
        precondition(batchFileReadBytes > 0, "batchFileReadBytes must be positive")
        precondition(
            batchFileLineBytesMax >= 2 * Limits.valueBytesMax + Limits.keyBytesMax + 64,
            "a batch line must hold a key, a time and the largest value with every byte quoted")
        precondition(batchFileKeyCacheCountMax >= 1 && batchFileKeyCacheCountMax <= Int(Int32.max) / 2,
                     "the key cache indexes entries with Int32")
        precondition(batchFileColumnsMax >= 3, "a batch CSV needs the columns key, time and value")
        precondition(batchFileErrorTextBytesMax >= 16)
    }
}
