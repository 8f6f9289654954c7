import KDeltaCodec
import KDeltaModel

/// Every series of the store as of a checkpoint: its id, key, the first seq still kept,
/// and where its hash chain stood (docs/format/catalog.md). Written at each checkpoint
/// before the manifest that names it, so a series whose blocks retention has removed
/// still continues its seq and its chain when it writes again, and WAL records after the
/// checkpoint can name series defined in segments that were removed.
struct Catalog: Sendable, Equatable {
    struct Entry: Sendable, Equatable {
        var seriesID: UInt32
        var key: Key
        /// The first seq still kept (older versions were dropped by retention).
        var firstSeq: UInt64
        /// The seq the first version after the checkpoint gets: versions `firstSeq ..<
        /// nextSeq` are in blocks (or were dropped), later ones in the WAL.
        var nextSeq: UInt64
        /// The id of version `nextSeq - 1`, if there is one.
        var lastID: VersionID?
        /// What was dropped, by reason (version 2; zero in version 1 files).
        var drops = DropCounts()
        /// Rollups starting before this were dropped (version 2; `Int64.min` in version 1).
        var rollupFloorMs: Int64 = .min
    }

    /// Version 2 adds each series' drop counts and rollup floor.
    static let magic: [UInt8] = Array("KDCATLG2".utf8)
    /// Version 1 (no drop counts) is still read.
    static let magicVersion1: [UInt8] = Array("KDCATLG1".utf8)
    static let prefix = "catalog-"
    static let suffix = ".kdc"

    var entries: [Entry]

    static func fileName(_ generation: UInt64) -> String {
        let digits = String(generation)
        return prefix + String(repeating: "0", count: max(0, 20 - digits.count)) + digits + suffix
    }

    static func generation(fileName: String) -> UInt64? {
        guard fileName.hasPrefix(prefix), fileName.hasSuffix(suffix) else { return nil }
        let stem = fileName.dropFirst(prefix.count).dropLast(suffix.count)
        guard stem.count == 20, stem.allSatisfy({ $0 >= "0" && $0 <= "9" }) else { return nil }
        return UInt64(stem)
    }

    func encoded() -> [UInt8] {
        var w = ByteWriter(capacity: 64 + entries.count * 80)
        w.write(contentsOf: Self.magic)
        w.writeLE(UInt32(entries.count))
        for e in entries {
            w.writeLE(e.seriesID)
            let key = Array(e.key.rawValue.utf8)
            w.writeLE(UInt16(key.count))
            w.write(contentsOf: key)
            w.writeLE(e.firstSeq)
            w.writeLE(e.nextSeq)
            w.write(e.lastID == nil ? 0 : 1)
            w.write(contentsOf: (e.lastID ?? .zero).bytes)
            w.writeLE(e.drops.retention)
            w.writeLE(e.drops.downsampled)
            w.writeLE(e.drops.overflow)
            w.writeLE(e.drops.rollupsExpired)
            w.writeLE(e.rollupFloorMs)
        }
        w.writeLE(CRC32C.checksum(w.bytes))
        return w.bytes
    }

    /// The advice that ends a damaged catalog's message.
    static let backupAdvice = "; restore the data directory from a backup."

    /// A damaged catalog's message without `backupAdvice`, to be combined with another.
    static func withoutAdvice(_ message: String) -> String {
        message.hasSuffix(backupAdvice) ? String(message.dropLast(backupAdvice.count)) : message
    }

    static func decode(_ bytes: [UInt8], path: String) throws(StoreError) -> Catalog {
        func bad(_ offset: Int, _ why: String) -> StoreError {
            StoreError(.corruptFile, "series catalog \(path) is damaged at offset \(offset) (\(why))\(backupAdvice)", file: path, offset: Int64(offset))
        }
        guard bytes.count >= 16 else { throw bad(0, "it has \(bytes.count) bytes") }
        let version2 = Array(bytes[0..<8]) == magic
        guard version2 || Array(bytes[0..<8]) == magicVersion1 else { throw bad(0, "the magic is not 'KDCATLG2' or 'KDCATLG1'") }
        let body = Array(bytes[0..<(bytes.count - 4)])
        let stored = UInt32(bytes[bytes.count - 4]) | UInt32(bytes[bytes.count - 3]) << 8
            | UInt32(bytes[bytes.count - 2]) << 16 | UInt32(bytes[bytes.count - 1]) << 24
        let computed = CRC32C.checksum(body)
        guard stored == computed else { throw bad(bytes.count - 4, "checksum \(hex(stored)), computed \(hex(computed))") }
        var entries: [Entry] = []
        let result: Result<Void, CodecError> = body.withUnsafeBytes { raw in
            var r = ByteReader(raw, offset: 8)
            do throws(CodecError) {
                let count = Int(try r.readLE(UInt32.self))
                for _ in 0..<count {
                    let id = try r.readLE(UInt32.self)
                    let keyText = try r.readUTF8(Int(try r.readLE(UInt16.self)))
                    guard let key = try? Key(keyText) else { throw CodecError.malformed(offset: r.offset, what: "invalid key '\(keyText.prefix(60))'") }
                    let firstSeq = try r.readLE(UInt64.self)
                    let nextSeq = try r.readLE(UInt64.self)
                    let hasID = try r.readByte()
                    let id32 = VersionID(bytes: try r.readBytes(32))
                    var drops = DropCounts()
                    var rollupFloorMs = Int64.min
                    if version2 {
                        drops.retention = try r.readLE(UInt64.self)
                        drops.downsampled = try r.readLE(UInt64.self)
                        drops.overflow = try r.readLE(UInt64.self)
                        drops.rollupsExpired = try r.readLE(UInt64.self)
                        rollupFloorMs = try r.readLE(Int64.self)
                    }
                    guard firstSeq >= 1, firstSeq <= nextSeq else {
                        throw CodecError.malformed(offset: r.offset, what: "series \(key) keeps seq \(firstSeq) ..< \(nextSeq)")
                    }
                    entries.append(Entry(seriesID: id, key: key, firstSeq: firstSeq, nextSeq: nextSeq, lastID: hasID == 1 ? id32 : nil,
                                         drops: drops, rollupFloorMs: rollupFloorMs))
                }
                guard r.offset == raw.count else { throw CodecError.malformed(offset: r.offset, what: "bytes after the last entry") }
                return .success(())
            } catch { return .failure(error) }
        }
        if case .failure(let e) = result {
            throw bad(e.offset ?? 0, "\(e)")
        }
        for (i, e) in entries.enumerated() where Int(e.seriesID) != i {
            throw bad(8, "entry \(i) has series id \(e.seriesID)")
        }
        return Catalog(entries: entries)
    }
}
