/// The formats `kdelta-edge put --batch` reads.
public enum BatchFileFormat: String, Sendable, CaseIterable {
    /// RFC 4180 CSV with a header naming `key`, `time` (optional) and `value`.
    case csv
    /// One JSON object per line: `{"key": ..., "time": ..., "value": ..., "type": ...}`.
    case jsonLines

    /// The format a file name implies: `.csv` is CSV; `.jsonl`, `.ndjson` and `.json` are
    /// JSON lines (case-insensitive); nil for anything else, including `-`, so the
    /// content decides.
    public init?(pathExtensionOf path: String) {
        guard let dot = path.lastIndex(of: "."),
              !path[path.index(after: dot)...].contains("/")
        else { return nil }
        switch path[path.index(after: dot)...].lowercased() {
        case "csv": self = .csv
        case "jsonl", "ndjson", "json": self = .jsonLines
        default: return nil
        }
    }

    /// The format the first bytes imply: JSON lines when the first byte that is not a byte
    /// order mark or whitespace is `{`, CSV otherwise (a CSV header starts with a column
    /// name or a quote).
    public static func detect(firstBytes: UnsafeRawBufferPointer) -> BatchFileFormat {
        var i = 0
        if firstBytes.count >= 3, firstBytes[0] == 0xEF, firstBytes[1] == 0xBB, firstBytes[2] == 0xBF { i = 3 }
        while i < firstBytes.count {
            switch firstBytes[i] {
            case 0x20, 0x09, 0x0A, 0x0D: i += 1
            case UInt8(ascii: "{"): return .jsonLines
            default: return .csv
            }
        }
        return .csv
    }
}
