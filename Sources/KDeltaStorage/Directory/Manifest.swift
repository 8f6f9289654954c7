import KDeltaCodec

/// The data directory's manifest: which store this is and where its live WAL begins
/// (docs/format/manifest.md). Replaced only by atomic rename, so a crash leaves the old
/// manifest or the new one.
public struct Manifest: Sendable, Equatable {
    /// File name inside the data directory.
    public static let fileName = "MANIFEST"
    /// The first line; names the format and its version.
    public static let header = "kdelta-manifest 2"
    /// Version 1 (no blocks, no checkpoint) is still read.
    static let headerVersion1 = "kdelta-manifest 1"

    /// A block file the store consists of.
    public struct BlockRef: Sendable, Equatable {
        public var number: UInt64
        public var level: UInt8
        public var bytes: Int64
        public init(number: UInt64, level: UInt8, bytes: Int64) {
            self.number = number
            self.level = level
            self.bytes = bytes
        }
    }

    /// Random id written into every WAL segment header.
    public var storeID: UInt64
    /// Number of the oldest live WAL segment.
    public var walFirstSegment: UInt64
    /// LSN of the first version in that segment.
    public var walFirstLSN: UInt64
    /// Every version with an LSN up to this one is in the blocks (or was dropped by
    /// retention); replay skips those records. 0: no checkpoint yet.
    public var checkpointLSN: UInt64 = 0
    /// Generation of the series catalog written with the checkpoint (0: none).
    public var catalogGeneration: UInt64 = 0
    /// The number the next block file gets.
    public var nextBlockNumber: UInt64 = 1
    /// The live block files, in number order (`addBlock` keeps it).
    public private(set) var blocks: [BlockRef] = []

    /// Creates a manifest.
    public init(storeID: UInt64, walFirstSegment: UInt64, walFirstLSN: UInt64) {
        self.storeID = storeID
        self.walFirstSegment = walFirstSegment
        self.walFirstLSN = walFirstLSN
    }

    /// Adds a block file in its place by number. A block's number is reserved when its
    /// writing starts, so a merge that took a while commits after cuts that took later
    /// numbers: appending put the list out of order.
    public mutating func addBlock(_ ref: BlockRef) {
        let at = blocks.firstIndex { $0.number > ref.number } ?? blocks.endIndex
        blocks.insert(ref, at: at)
    }

    /// Removes the block files whose numbers `dropped` holds.
    public mutating func removeBlocks(_ dropped: Set<UInt64>) {
        blocks.removeAll { dropped.contains($0.number) }
    }

    /// The file's text: `name value` lines, then a CRC-32C of everything before it.
    public func encoded() -> [UInt8] {
        var text = Self.header + "\n"
        text += "store-id \(hex64(storeID))\n"
        text += "wal-first-segment \(walFirstSegment)\n"
        text += "wal-first-lsn \(walFirstLSN)\n"
        text += "checkpoint-lsn \(checkpointLSN)\n"
        text += "catalog \(catalogGeneration)\n"
        text += "next-block \(nextBlockNumber)\n"
        for b in blocks { text += "block \(b.number) \(b.level) \(b.bytes)\n" }
        let body = Array(text.utf8)
        return body + Array("crc32c \(hex(CRC32C.checksum(body)))\n".utf8)
    }

    /// Whether `bytes` begin like a manifest of a later format than this build reads
    /// (`kdelta-manifest N`, N above 2): such a file is not damaged, and `repair` must not
    /// replace it.
    public static func isLaterFormat(_ bytes: [UInt8]) -> Bool {
        let firstLine = bytes.prefix { $0 != UInt8(ascii: "\n") }
        guard let text = String(validating: firstLine, as: UTF8.self), text.hasPrefix("kdelta-manifest "),
              let version = Int(text.dropFirst("kdelta-manifest ".count)) else { return false }
        return version > 2
    }

    /// What a damaged-manifest error ends with: what to do about it.
    static func repairAdvice(path: String) -> String {
        ". Run `kdelta-edge repair --data-dir \(parentDirectory(of: path))`: it sets the file aside and rebuilds the manifest from the series catalog, the block files and the WAL. Nothing was changed."
    }

    /// Parses and checks a manifest; `path` names the file in errors.
    public static func decode(_ bytes: [UInt8], path: String) throws(StoreError) -> Manifest {
        func bad(_ why: String) -> StoreError {
            StoreError(.corruptFile, "manifest \(path) is damaged: \(why)" + repairAdvice(path: path), file: path)
        }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw bad("it is not UTF-8 text") }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        guard let first = lines.first else { throw bad("it is empty") }
        guard first.hasPrefix("kdelta-manifest ") else { throw bad("the first line is '\(first.prefix(40))', expected '\(header)'") }
        guard first == header || first == headerVersion1 else {
            throw StoreError(.corruptFile, "manifest \(path) has format '\(first)'; this kdelta-edge reads '\(header)': upgrade kdelta-edge", file: path)
        }
        guard let crcLine = lines.last, crcLine.hasPrefix("crc32c ") else { throw bad("the crc32c line is missing") }
        let bodyText = lines.dropLast().joined(separator: "\n") + "\n"
        let actual = hex(CRC32C.checksum(Array(bodyText.utf8)))
        guard crcLine == "crc32c \(actual)" else { throw bad("checksum is '\(crcLine.dropFirst(7))', computed \(actual)") }
        var fields: [String: String] = [:]
        var blocks: [BlockRef] = []
        for line in lines.dropFirst().dropLast() {
            let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { throw bad("line '\(line.prefix(40))' is not 'name value'") }
            if parts[0] == "block" {
                let f = parts[1].split(separator: " ").map(String.init)
                guard f.count == 3, let n = UInt64(f[0]), let level = UInt8(f[1]), let bytes = Int64(f[2]) else {
                    throw bad("line '\(line.prefix(60))' is not 'block NUMBER LEVEL BYTES'")
                }
                blocks.append(BlockRef(number: n, level: level, bytes: bytes))
                continue
            }
            fields[parts[0]] = parts[1]
        }
        guard let id = fields["store-id"].flatMap({ UInt64($0, radix: 16) }) else { throw bad("store-id is missing or not hex") }
        guard let seg = fields["wal-first-segment"].flatMap({ UInt64($0) }) else { throw bad("wal-first-segment is missing") }
        guard let lsn = fields["wal-first-lsn"].flatMap({ UInt64($0) }) else { throw bad("wal-first-lsn is missing") }
        var m = Manifest(storeID: id, walFirstSegment: seg, walFirstLSN: lsn)
        if first == header {
            guard let c = fields["checkpoint-lsn"].flatMap({ UInt64($0) }) else { throw bad("checkpoint-lsn is missing") }
            guard let g = fields["catalog"].flatMap({ UInt64($0) }) else { throw bad("catalog is missing") }
            guard let nb = fields["next-block"].flatMap({ UInt64($0) }) else { throw bad("next-block is missing") }
            // Number order is what the writer keeps; a list out of order (written before
            // `addBlock` kept it: a merge committed after later cuts) is read in order.
            blocks.sort { $0.number < $1.number }
            for (a, b) in zip(blocks, blocks.dropFirst()) where a.number == b.number {
                throw bad("block \(a.number) is listed twice")
            }
            if let last = blocks.last, last.number >= nb { throw bad("block \(last.number) is listed but next-block is \(nb)") }
            if c > 0 && g == 0 { throw bad("a checkpoint at LSN \(c) names no catalog") }
            m.checkpointLSN = c
            m.catalogGeneration = g
            m.nextBlockNumber = nb
            m.blocks = blocks
        }
        return m
    }
}

func hex64(_ v: UInt64) -> String {
    let s = String(v, radix: 16)
    return String(repeating: "0", count: max(0, 16 - s.count)) + s
}
