import KDeltaModel
import KDeltaStorage

/// Loads the workload's keys round by round into a store, for the read benchmarks: round
/// `r` gives every key one double reading at source time start + r seconds (values from
/// the workload's ring), written with `putBatch` in batches of whole rounds.
enum RoundLoader {
    /// A fresh store in `directory` with fsync `never` and the other options at their
    /// defaults (the 64 MiB hot budget among them).
    static func openStore(directory: String) throws -> Store {
        var options = StoreOptions()
        options.fsync = .never
        do throws(StoreError) { return try Store.open(directory: directory, options: options) } catch {
            throw BenchError("opening a store in \(directory): \(error.message)")
        }
    }

    /// Loads `rounds` rounds in batches of at most `batchReadings` readings;
    /// `afterBatch(written)` runs after each batch with the readings written so far.
    static func load(
        _ workload: SensorWorkload, rounds: Int, into store: Store, batchReadings: Int, directory: String,
        afterBatch: (Int) throws -> Void
    ) throws {
        let keyCount = SensorWorkload.keyCount
        var batch: [Reading] = []
        batch.reserveCapacity(batchReadings)
        var written = 0
        for r in 0..<rounds {
            let t = SensorWorkload.startTimeMs + Int64(r) * 1000
            for k in 0..<keyCount {
                let value = workload.values[(r &* keyCount &+ k) & (SensorWorkload.valueRingCount - 1)]
                batch.append(Reading(key: workload.keys[k], value: .double(value), sourceTimeMs: t))
            }
            if batch.count + keyCount > batchReadings || r == rounds - 1 {
                do throws(StoreError) { try store.putBatch(batch) } catch {
                    throw BenchError("loading versions into \(directory): \(error.message)")
                }
                written += batch.count
                batch.removeAll(keepingCapacity: true)
                try afterBatch(written)
            }
        }
    }
}
