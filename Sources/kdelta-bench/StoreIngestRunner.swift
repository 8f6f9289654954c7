import KDeltaModel
import KDeltaStorage

/// Runs one ingest cell into our store: a fresh store in `directory` with the cell's fsync
/// policy and default options otherwise, `producers` threads each building and writing
/// its own batches with the blocking `putBatch`.
enum StoreIngestRunner {
    /// Runs `cell` and checks that the store holds exactly the readings acknowledged.
    static func run(
        _ cell: IngestCell, budget: CellBudget, workload: SensorWorkload, directory: String
    ) throws -> (IngestMeasurement, StoreCounters) {
        var options = StoreOptions()
        options.fsync = cell.fsync
        let store: Store
        do throws(StoreError) { store = try Store.open(directory: directory, options: options) } catch {
            throw BenchError("opening a store in \(directory): \(error.message)")
        }
        let batchSize = cell.batchSize
        let share = max(batchSize, budget.readingsMax / cell.producers)
        let (tallies, elapsedNs) = ProducerGroup.run(producers: cell.producers, durationNs: budget.durationNs) { p, group in
            var tally = ProducerTally()
            var batch: [Reading] = []
            batch.reserveCapacity(batchSize)
            var index = 0
            let deadline = group.start(p)
            var sentNs = MonotonicClock.nowNs()
            repeat {
                batch.removeAll(keepingCapacity: true)
                for _ in 0..<batchSize {
                    batch.append(workload.reading(producer: p, index: index))
                    index += 1
                }
                do throws(StoreError) { try store.putBatch(batch) } catch {
                    tally.failure = error.message
                    break
                }
                tally.readings += batchSize
                tally.endNs = MonotonicClock.nowNs()
                tally.maxAckNs = max(tally.maxAckNs, tally.endNs - sentNs)
                sentNs = tally.endNs
            } while tally.readings + batchSize <= share && tally.endNs < deadline
            return tally
        }
        let stats = store.stats()
        do throws(StoreError) { try store.close() } catch { throw BenchError("closing the store in \(directory): \(error.message)") }
        if let failure = tallies.compactMap(\.failure).first {
            throw BenchError("cell \(cell.name) failed in our store: \(failure)")
        }
        let readings = tallies.reduce(0) { $0 + $1.readings }
        guard stats.versions == readings, stats.readingsCommitted == readings else {
            throw BenchError("cell \(cell.name): producers were acknowledged \(readings) readings but the store holds \(stats.versions) versions (\(stats.readingsCommitted) committed)")
        }
        let counters = StoreCounters(groupCommits: stats.groupCommits, readingsCommitted: stats.readingsCommitted, fsyncs: stats.fsyncs)
        return (IngestMeasurement(readings: readings, elapsedNs: elapsedNs, maxAckNs: tallies.map(\.maxAckNs).max() ?? 0), counters)
    }
}
