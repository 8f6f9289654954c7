import KDeltaModel
import KDeltaStorage
import Testing

/// The writes a store acknowledged, by LSN, and the checks every durability test makes
/// against a reopened store: each acknowledged reading is there, at its LSN, with its key,
/// value (bit-exact) and source time, in order.
struct AcknowledgedWrites {
    struct Entry: Equatable {
        var key: Key
        var value: Value
        var sourceTimeMs: Int64?
    }

    private(set) var byLSN: [UInt64: Entry] = [:]

    var count: Int { byLSN.count }
    var maxLSN: UInt64 { byLSN.keys.max() ?? 0 }

    mutating func record(_ readings: [Reading], _ receipt: WriteReceipt) {
        precondition(receipt.count == readings.count, "receipt of \(receipt.count) for \(readings.count) readings")
        for (i, r) in readings.enumerated() {
            let lsn = receipt.firstLSN + UInt64(i)
            precondition(byLSN[lsn] == nil, "LSN \(lsn) acknowledged twice")
            byLSN[lsn] = Entry(key: r.key, value: r.value, sourceTimeMs: r.sourceTimeMs)
        }
    }

    mutating func record(lsn: UInt64, _ entry: Entry) {
        precondition(byLSN[lsn] == nil, "LSN \(lsn) acknowledged twice")
        byLSN[lsn] = entry
    }

    mutating func merge(_ other: AcknowledgedWrites) {
        for (lsn, e) in other.byLSN {
            precondition(byLSN[lsn] == nil, "LSN \(lsn) acknowledged twice")
            byLSN[lsn] = e
        }
    }

    /// Every version of the store by LSN.
    static func versionsByLSN(_ store: Store) throws -> [UInt64: Version] {
        var out: [UInt64: Version] = [:]
        for key in store.keys() {
            var seq: UInt64 = 1
            while let v = try store.version(key, seq: seq) {
                out[v.lsn] = v
                seq += 1
            }
        }
        return out
    }

    /// Checks that every acknowledged reading is in `store`, and that the store's LSNs are
    /// dense from 1 and per key increase with seq. Returns the store's versions by LSN.
    @discardableResult
    func expectPresent(in store: Store, _ context: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [UInt64: Version] {
        let versions = try Self.versionsByLSN(store)
        let lsns = versions.keys.sorted()
        #expect(lsns.isEmpty || (lsns.first == 1 && lsns.last == UInt64(lsns.count)),
                "\(context): LSNs are not dense from 1 (\(lsns.count) versions, last LSN \(lsns.last ?? 0))", sourceLocation: sourceLocation)
        var missing = 0
        for (lsn, e) in byLSN.sorted(by: { $0.key < $1.key }) {
            guard let v = versions[lsn] else {
                missing += 1
                if missing <= 3 { Issue.record("\(context): acknowledged LSN \(lsn) (\(e.key)) is missing; the store has \(lsns.count) versions", sourceLocation: sourceLocation) }
                continue
            }
            if v.key != e.key || v.value != e.value || v.sourceTimeMs != e.sourceTimeMs {
                Issue.record("\(context): LSN \(lsn) holds \(v.key)=\(v.value) t=\(String(describing: v.sourceTimeMs)), acknowledged \(e.key)=\(e.value) t=\(String(describing: e.sourceTimeMs))", sourceLocation: sourceLocation)
            }
        }
        #expect(missing == 0, "\(context): \(missing) acknowledged readings missing", sourceLocation: sourceLocation)
        for key in store.keys() {
            var lastLSN: UInt64 = 0
            for seq in 1...UInt64(store.versionCount(key)) {
                guard let v = try store.version(key, seq: seq) else {
                    Issue.record("\(context): \(key) has no seq \(seq) of \(store.versionCount(key))", sourceLocation: sourceLocation)
                    break
                }
                #expect(v.lsn > lastLSN, "\(context): \(key) seq \(seq) has LSN \(v.lsn) after \(lastLSN)", sourceLocation: sourceLocation)
                lastLSN = v.lsn
            }
        }
        return versions
    }
}
