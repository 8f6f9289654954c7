import KDeltaCodec

/// Compressed sizes of CSV texts at a zstd level, kept in a small tab-separated file so a
/// second run does not spend minutes again: zstd -19 of the household file's 125 MB takes
/// about 4 CPU minutes here. The key is the text's length and CRC-32C with the level, so
/// a changed file or level is compressed afresh; the size is deterministic for a given
/// libzstd version, which is part of the key too.
struct ZstdSizeCache {
    let path: String?
    private var entries: [String: Int] = [:]

    /// Loads `path` when given and present.
    init(path: String?) {
        self.path = path
        guard let path, let text = BenchFiles.readSmallFile(path) else { return }
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: "\t")
            if fields.count == 2, let n = Int(fields[1]) { entries[String(fields[0])] = n }
        }
    }

    static func key(_ text: [UInt8], level: Int32) -> String {
        "\(text.count)-\(CRC32C.checksum(text))-L\(level)-zstd\(Zstd.libraryVersion)"
    }

    /// The compressed size of `text` at `level`, and whether it came from the cache.
    mutating func size(of text: [UInt8], level: Int32) throws -> (bytes: Int, cached: Bool) {
        let key = Self.key(text, level: level)
        if let n = entries[key] { return (n, true) }
        let n: Int
        do { n = try Zstd.compress(text, level: level).count } catch { throw BenchError("zstd: \(error)") }
        entries[key] = n
        if let path {
            let body = entries.sorted { $0.key < $1.key }.map { "\($0.key)\t\($0.value)" }.joined(separator: "\n") + "\n"
            _ = BenchFiles.writeNewFile(path, body)
        }
        return (n, false)
    }
}
