/// The first byte of every encoded column: which codec wrote it, in which version
/// (docs/format/columns.md, "Column header"). A decoder checks it before anything else and
/// names the byte it found, so a column handed to the wrong decoder, or a newer format,
/// fails with a clear message instead of decoding noise.
enum ColumnScheme: UInt8, Sendable {
    /// `TimeColumn`, version 1 ('T').
    case time = 0x54
    /// `DoubleColumn`, version 1 ('D').
    case double = 0x44
    /// `IntColumn`, version 1 ('I').
    case int = 0x49
    /// `BoolColumn`, version 1 ('B').
    case bool = 0x42
    /// `BytesColumn`, version 1 ('Z').
    case bytes = 0x5A

    /// The codec's type name, for messages.
    var name: String {
        switch self {
        case .time: return "TimeColumn"
        case .double: return "DoubleColumn"
        case .int: return "IntColumn"
        case .bool: return "BoolColumn"
        case .bytes: return "BytesColumn"
        }
    }

    /// Values per frame when the caller does not choose: 128. Decoding one value costs at
    /// most one frame (about 0.1-0.3 µs), and the per-frame cost (a table entry and a
    /// header of 2-4 bytes) stays near 0.25 bit a value.
    static let frameSizeLog2Default = 7
    /// Frame sizes a column may declare: 8 to 4,096 values (the decoder keeps one frame's
    /// residuals on its stack).
    static let frameSizeLog2Range = 3...12
    /// Values a column may hold: the caller's count above this is refused as corrupt.
    static let valuesMax = 1 << 31
    /// Widest frame-table entry in bits: frame areas up to 1 TiB.
    static let tableWidthMax = 40
}
