import KDeltaCodec
import KDeltaModel

extension Store {
    /// Recomputes every version id from its content and its parent's id, in blocks and in
    /// memory, and compares it with the stored ids; names the first broken link of each
    /// key. In blocks only every `BlockFormat.anchorInterval`-th id is stored, so a change
    /// there is reported at the first stored id after it ("at or before" that seq).
    public func verify() -> VerifyReport {
        let hasher = VersionHasher()
        return state.withReadLock {
            var report = VerifyReport(keys: 0, versions: 0, brokenLinks: [])
            for s in hot.series.sorted(by: { $0.key < $1.key }) where s.totalCount > 0 {
                report.keys += 1
                var parent: VersionID? = s.chunks.isEmpty ? s.hotParent : s.chunks[0].entry.parent
                var broken = false
                for c in s.chunks where !broken {
                    let e = c.entry
                    if e.parent != parent {
                        report.brokenLinks.append(BrokenLink(key: s.key, seq: e.firstSeq, storedID: e.parent ?? .zero, computedID: parent ?? .zero))
                        broken = true
                        break
                    }
                    do throws(StoreError) {
                        let r = try c.reader()
                        let computed = try r.versions(0..<r.count, hasher: hasher, recomputeAll: true)
                        report.versions += computed.count - Int(max(e.firstSeq, s.firstSeq) - e.firstSeq)
                        for (p, stored) in r.storedIDs() where computed[p].id != stored {
                            report.brokenLinks.append(BrokenLink(key: s.key, seq: e.firstSeq + UInt64(p), storedID: stored, computedID: computed[p].id))
                            broken = true
                            break
                        }
                        parent = e.lastID
                    } catch {
                        report.unreadable.append(error.message)
                        broken = true
                    }
                }
                if broken { continue }
                for i in 0..<s.count {
                    let v = s.version(at: i)
                    let computed = s.keyUTF8.withUnsafeBytes { key in
                        hasher.id(key: key, parent: parent, seq: v.seq, hlc: v.hlc, sourceTimeMs: v.sourceTimeMs, value: v.value)
                    }
                    report.versions += 1
                    if computed != v.id {
                        report.brokenLinks.append(BrokenLink(key: s.key, seq: v.seq, storedID: v.id, computedID: computed))
                        report.versions += s.count - i - 1
                        break
                    }
                    parent = v.id
                }
            }
            return report
        }
    }
}
