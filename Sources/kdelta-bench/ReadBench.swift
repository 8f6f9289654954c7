import KDeltaModel
import KDeltaStorage

/// Loads `versions` versions over the workload's 1,000 keys into a fresh store (fsync
/// never, the largest batches, source times increasing one second per key per round), then
/// times `latest` of random keys and `get(key, at: .timeMs(t))` of random keys and times
/// on one thread.
enum ReadBench {
    /// Random (key, time) probes are drawn from a table of this many (a power of two),
    /// made before timing.
    static let probeCount = 1 << 16
    /// Readings per `putBatch` of the load: a multiple of the key count, and as large as
    /// one WAL record takes (8 MiB; the store reserves about 125 bytes per reading of
    /// these keys, so 100,000, the batch limit, would not fit).
    static let loadBatchReadings = 50_000

    /// Runs the load and both read loops.
    static func run(
        workload: SensorWorkload, versions: Int, latestOps: Int, getAtOps: Int, directory: String,
        progress: (String) -> Void
    ) throws -> ReadFigures {
        let keyCount = SensorWorkload.keyCount
        precondition(versions % keyCount == 0, "versions must be a multiple of \(keyCount)")
        let rounds = versions / keyCount
        let batchSize = loadBatchReadings
        let store = try RoundLoader.openStore(directory: directory)
        let peakWasReset = ProcessMemory.resetPeak()
        let baseline = ProcessMemory.current().rssBytes

        // Load: round r gives every key one version at time start + r seconds.
        let loadStart = MonotonicClock.nowNs()
        var lastReport = loadStart
        try RoundLoader.load(workload, rounds: rounds, into: store, batchReadings: batchSize, directory: directory) { written in
            let now = MonotonicClock.nowNs()
            if now - lastReport > 5_000_000_000 {
                progress("  loaded \(NumberText.grouped(written)) of \(NumberText.grouped(versions)) versions")
                lastReport = now
            }
        }
        let loadNs = MonotonicClock.nowNs() - loadStart
        let memory = ProcessMemory.current()
        let stats = store.stats()
        guard stats.versions == versions else {
            throw BenchError("the read store holds \(stats.versions) versions after loading \(versions)")
        }

        var rng = SplitMix64(seed: 0x7265_6164)
        let keyProbes = (0..<probeCount).map { _ in Int(rng.next() % UInt64(keyCount)) }
        let lastTime = SensorWorkload.startTimeMs + Int64(rounds - 1) * 1000
        let span = UInt64(lastTime - SensorWorkload.startTimeMs + 1000)
        let timeProbes = (0..<probeCount).map { _ in SensorWorkload.startTimeMs + Int64(rng.next() % span) }
        let mask = probeCount - 1
        let keys = workload.keys

        // Warm up both paths, then time them.
        var sink: UInt64 = 0
        for i in 0..<min(10_000, latestOps) { sink &+= store.latest(keys[keyProbes[i & mask]])?.seq ?? 0 }
        var start = MonotonicClock.nowNs()
        for i in 0..<latestOps {
            guard let v = store.latest(keys[keyProbes[i & mask]]) else {
                throw BenchError("latest(\(keys[keyProbes[i & mask]])) found nothing in the loaded store")
            }
            sink &+= v.seq
        }
        let latestNs = MonotonicClock.nowNs() - start

        for i in 0..<min(10_000, getAtOps) {
            sink &+= try store.get(keys[keyProbes[i & mask]], at: .timeMs(timeProbes[i & mask]))?.seq ?? 0
        }
        start = MonotonicClock.nowNs()
        for i in 0..<getAtOps {
            // Keys and times are drawn independently (the shift decorrelates the tables).
            let key = keys[keyProbes[i & mask]]
            let t = timeProbes[(i &+ (i >> 16)) & mask]
            guard let v = try store.get(key, at: .timeMs(t)) else {
                throw BenchError("get(\(key), at: \(t)) found nothing in the loaded store")
            }
            sink &+= v.seq
        }
        let getAtNs = MonotonicClock.nowNs() - start
        if sink == 0 { progress("  (no versions read)") }

        do throws(StoreError) { try store.close() } catch { throw BenchError("closing the read store: \(error.message)") }
        return ReadFigures(
            versions: versions, keys: keyCount, loadBatchSize: batchSize, loadNs: loadNs,
            latestOps: latestOps, latestNsPerOp: Double(latestNs) / Double(max(1, latestOps)),
            getAtOps: getAtOps, getAtNsPerOp: Double(getAtNs) / Double(max(1, getAtOps)),
            memoryBytes: stats.memoryBytes, baselineRSSBytes: baseline, peakRSSBytes: memory.peakRSSBytes,
            peakWasReset: peakWasReset)
    }
}
