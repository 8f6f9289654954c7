import KDeltaModel
import KDeltaStorage
import KDeltaStorageTestSupport
import Testing

/// Concurrent producers under `fsync=always`: every write is acknowledged once durable,
/// groups share fsyncs, and a full queue refuses (or holds back) producers without losing
/// anything acknowledged.
@Suite struct GroupCommitTests {
    @Test func sixteenThreadsOfSinglePutsAreAllAcknowledgedWithDenseSeqsAndUniqueLSNs() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let threads = 16
        let perThread = 150
        let shared = try Key("gc/shared")
        let store = try TestStore.open(directory: dir.path)
        let receipts = Locked<[(thread: Int, i: Int, receipt: WriteReceipt)]>([])
        let failures = Locked<[String]>([])
        onThreads(threads) { t in
            let own = try! Key("gc/thread/\(t)")
            for i in 0..<perThread {
                do {
                    let key = i % 2 == 0 ? own : shared
                    let r = try store.put(key, .int(Int64(t * 1_000_000 + i)))
                    receipts.withLock { $0.append((t, i, r)) }
                } catch {
                    failures.withLock { $0.append("\(t)/\(i): \(error)") }
                }
            }
        }
        #expect(failures.current.isEmpty, "\(failures.current.prefix(3))")
        let all = receipts.current
        let n = threads * perThread
        #expect(all.count == n)
        #expect(all.allSatisfy { $0.receipt.count == 1 })
        #expect(all.map(\.receipt.firstLSN).sorted() == (1...UInt64(n)).map { $0 })

        let stats = store.stats()
        #expect(stats.readingsCommitted == n)
        #expect(stats.fsyncs <= n)
        #expect(stats.groupCommits <= n)
        #expect(stats.durableLSN == UInt64(n))

        // Each thread's own key holds its puts in order, seqs dense from 1.
        for t in 0..<threads {
            let own = try Key("gc/thread/\(t)")
            let versions = try (1...UInt64(store.versionCount(own))).compactMap { try store.version(own, seq: $0) }
            #expect(versions.map(\.value) == stride(from: 0, to: perThread, by: 2).map { .int(Int64(t * 1_000_000 + $0)) })
        }
        // The shared key: dense seqs, and each thread's values appear in its own order.
        let sharedVersions = try (1...UInt64(store.versionCount(shared))).compactMap { try store.version(shared, seq: $0) }
        #expect(sharedVersions.count == threads * perThread / 2)
        #expect(sharedVersions.map(\.seq) == (1...UInt64(sharedVersions.count)).map { $0 })
        var lastByThread: [Int: Int64] = [:]
        for v in sharedVersions {
            guard case .int(let x) = v.value else { continue }
            let t = Int(x / 1_000_000)
            #expect(x > lastByThread[t, default: -1], "thread \(t)'s writes to the shared key are out of order")
            lastByThread[t] = x
        }
        // The LSN of each receipt is where the version is.
        var acked = AcknowledgedWrites()
        for (t, i, r) in all {
            let key = i % 2 == 0 ? try Key("gc/thread/\(t)") : shared
            acked.record([Reading(key: key, value: .int(Int64(t * 1_000_000 + i)))], r)
        }
        try acked.expectPresent(in: store, "live")
        try store.close()
        let reopened = try TestStore.open(directory: dir.path)
        defer { try? reopened.close() }
        try acked.expectPresent(in: reopened, "reopened")
        #expect(reopened.verify().isIntact)
    }

    @Test func fullQueueFailsAtOnceWithQueueFullWhenAskedNotToWait() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        // Gate the WAL append, not the fsync: `stats()` waits for an fsync in flight.
        let fs = GatedFileSystem(gating: .writes)
        var options = StoreOptions()
        options.queueReadingsMax = 2
        options.queueFullBehavior = .fail
        let store = try TestStore.open(directory: dir.path, options: options, fileSystem: fs)
        let key = try Key("bp/k")
        let outcomes = Locked<[String: Result<WriteReceipt, StoreError>]>([:])

        // The leader blocks inside its WAL append; two more producers fill the queue behind it.
        fs.closeGate()
        let leader = onThread {
            let r = Result { () throws(StoreError) in try store.put(key, .int(1)) }
            outcomes.withLock { $0["a"] = r }
        }
        #expect(fs.waitForWaiters(1))
        let second = onThread {
            let r = Result { () throws(StoreError) in try store.put(key, .int(2)) }
            outcomes.withLock { $0["b"] = r }
        }
        let third = onThread {
            let r = Result { () throws(StoreError) in try store.put(key, .int(3)) }
            outcomes.withLock { $0["c"] = r }
        }
        var queued = 0
        for _ in 0..<20_000 where queued < 2 {
            queued = store.stats().queuedReadings
            if queued < 2 { sleepMs(1) }
        }
        guard queued == 2 else {
            fs.openGate()
            leader.join()
            second.join()
            third.join()
            Issue.record("the producers behind the leader never filled the queue (\(queued) readings queued)")
            return
        }

        // The queue is full: a single put and a batch are refused at once.
        do {
            try store.put(key, .int(4))
            Issue.record("put into a full queue succeeded")
        } catch {
            #expect(error.code == .queueFull)
            #expect(error.message.contains("queue"))
        }
        #expect(throws: StoreError.self) { try store.putBatch([Reading(key: key, value: .int(5))]) }
        #expect(store.stats().queueFullRefusals == 2)

        fs.openGate()
        leader.join()
        second.join()
        third.join()
        var acked = AcknowledgedWrites()
        for (name, value) in [("a", 1), ("b", 2), ("c", 3)] as [(String, Int64)] {
            let r = try #require(outcomes.current[name]).get()
            acked.record([Reading(key: key, value: .int(value))], r)
        }
        try store.close()
        let reopened = try TestStore.open(directory: dir.path)
        defer { try? reopened.close() }
        try acked.expectPresent(in: reopened, "reopened")
        // The refused readings were never written.
        #expect(reopened.versionCount(key) == 3)
    }

    @Test func slowDiskWithFailingQueueNeverLosesAnAcknowledgedWrite() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let fs = GatedFileSystem(gating: .syncs)
        var options = StoreOptions()
        options.queueReadingsMax = 4
        options.queueFullBehavior = .fail
        let store = try TestStore.open(directory: dir.path, options: options, fileSystem: fs)
        fs.setSyncDelay(ms: 3)
        let acked = Locked(AcknowledgedWrites())
        let refused = Locked(0)
        let other = Locked<[String]>([])
        onThreads(8) { t in
            let key = try! Key("bp/slow/\(t % 3)")
            for i in 0..<40 {
                let r = Reading(key: key, value: .int(Int64(t * 1000 + i)))
                do throws(StoreError) {
                    let receipt = try store.putBatch([r])
                    acked.withLock { $0.record([r], receipt) }
                } catch where error.code == .queueFull {
                    refused.withLock { $0 += 1 }
                } catch {
                    other.withLock { $0.append("\(error)") }
                }
            }
        }
        #expect(other.current.isEmpty)
        #expect(acked.current.count + refused.current == 8 * 40)
        #expect(store.stats().queueFullRefusals == refused.current)
        try store.close()
        let reopened = try TestStore.open(directory: dir.path)
        defer { try? reopened.close() }
        try acked.current.expectPresent(in: reopened, "reopened")
        // Exactly the acknowledged readings were stored: a refusal writes nothing.
        #expect(reopened.stats().versions == acked.current.count)
    }

    @Test func fullQueueHoldsProducersBackWhenAskedToWait() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let fs = GatedFileSystem(gating: .syncs)
        var options = StoreOptions()
        options.queueReadingsMax = 3
        options.queueFullBehavior = .wait
        let store = try TestStore.open(directory: dir.path, options: options, fileSystem: fs)
        fs.setSyncDelay(ms: 1)
        let acked = Locked(AcknowledgedWrites())
        let failures = Locked(0)
        onThreads(8) { t in
            let key = try! Key("bp/wait/\(t)")
            for i in 0..<25 {
                let batch = (0..<(1 + i % 3)).map { Reading(key: key, value: .int(Int64(i * 10 + $0))) }
                do {
                    let receipt = try store.putBatch(batch)
                    acked.withLock { $0.record(batch, receipt) }
                } catch {
                    failures.withLock { $0 += 1 }
                }
            }
        }
        #expect(failures.current == 0)
        #expect(store.stats().queueFullRefusals == 0)
        try acked.current.expectPresent(in: store, "live")
        try store.close()
    }
}
