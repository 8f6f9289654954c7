import KDeltaCodec

/// The data directory's manifest: which store this is and where its live WAL begins
/// (docs/format/manifest.md). Replaced only by atomic rename, so a crash leaves the old
/// manifest or the new one.
public struct Manifest: Sendable, Equatable {
    /// File name inside the data directory.
    public static let fileName = "MANIFEST"
    /// The first line; names the format and its version.
    public static let header = "kdelta-manifest 1"

    /// Random id written into every WAL segment header.
    public var storeID: UInt64
    /// Number of the oldest live WAL segment.
    public var walFirstSegment: UInt64
    /// LSN of the first version in that segment.
    public var walFirstLSN: UInt64

    /// Creates a manifest.
    public init(storeID: UInt64, walFirstSegment: UInt64, walFirstLSN: UInt64) {
        self.storeID = storeID
        self.walFirstSegment = walFirstSegment
        self.walFirstLSN = walFirstLSN
    }

    /// The file's text: `name value` lines, then a CRC-32C of everything before it.
    public func encoded() -> [UInt8] {
        var text = Self.header + "\n"
        text += "store-id \(hex64(storeID))\n"
        text += "wal-first-segment \(walFirstSegment)\n"
        text += "wal-first-lsn \(walFirstLSN)\n"
        let body = Array(text.utf8)
        return body + Array("crc32c \(hex(CRC32C.checksum(body)))\n".utf8)
    }

    /// Parses and checks a manifest; `path` names the file in errors.
    public static func decode(_ bytes: [UInt8], path: String) throws(StoreError) -> Manifest {
        func bad(_ why: String) -> StoreError {
            StoreError(.corruptFile, "manifest \(path) is damaged: \(why). Restore it from a backup, or run `kdelta-edge repair` to rebuild it from the WAL.", file: path)
        }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw bad("it is not UTF-8 text") }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        guard let first = lines.first else { throw bad("it is empty") }
        guard first.hasPrefix("kdelta-manifest ") else { throw bad("the first line is '\(first.prefix(40))', expected '\(header)'") }
        guard first == header else {
            throw StoreError(.corruptFile, "manifest \(path) has format '\(first)'; this kdelta-edge reads '\(header)': upgrade kdelta-edge", file: path)
        }
        guard let crcLine = lines.last, crcLine.hasPrefix("crc32c ") else { throw bad("the crc32c line is missing") }
        let bodyText = lines.dropLast().joined(separator: "\n") + "\n"
        let actual = hex(CRC32C.checksum(Array(bodyText.utf8)))
        guard crcLine == "crc32c \(actual)" else { throw bad("checksum is '\(crcLine.dropFirst(7))', computed \(actual)") }
        var fields: [String: String] = [:]
        for line in lines.dropFirst().dropLast() {
            let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { throw bad("line '\(line.prefix(40))' is not 'name value'") }
            fields[parts[0]] = parts[1]
        }
        guard let id = fields["store-id"].flatMap({ UInt64($0, radix: 16) }) else { throw bad("store-id is missing or not hex") }
        guard let seg = fields["wal-first-segment"].flatMap({ UInt64($0) }) else { throw bad("wal-first-segment is missing") }
        guard let lsn = fields["wal-first-lsn"].flatMap({ UInt64($0) }) else { throw bad("wal-first-lsn is missing") }
        return Manifest(storeID: id, walFirstSegment: seg, walFirstLSN: lsn)
    }
}

func hex64(_ v: UInt64) -> String {
    let s = String(v, radix: 16)
    return String(repeating: "0", count: max(0, 16 - s.count)) + s
}
