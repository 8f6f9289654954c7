import KDeltaCodec
import KDeltaModel

extension Store {
    /// Recomputes every version id from its content and its parent's stored id and compares
    /// it with the stored id; names the first broken link of each key.
    public func verify() -> VerifyReport {
        let hasher = VersionHasher()
        return state.withReadLock {
            var report = VerifyReport(keys: 0, versions: 0, brokenLinks: [])
            for s in hot.series.sorted(by: { $0.key < $1.key }) {
                report.keys += 1
                var parent: VersionID? = nil
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
