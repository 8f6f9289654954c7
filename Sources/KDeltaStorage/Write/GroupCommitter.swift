/// The bounded ingest queue and the group commit over it.
///
/// Producers enqueue a `PendingWrite` and sleep. The producer at the head of the queue,
/// when no commit is running, becomes the leader (as in LevelDB's `BuildBatchGroup`): it
/// takes up to `groupReadingsMax` readings and `walRecordBytesMax` bytes from the queue,
/// has them committed (one WAL record, one fsync under `always`), wakes their producers and
/// hands leadership to the next head. Writers that queue while a commit runs share the next
/// fsync. A lone producer never switches threads: it commits its own batch.
///
/// The queue is bounded by readings: when full, producers wait (or fail at once with
/// `QueueFullBehavior.fail`); every refusal and every wait is counted.
final class GroupCommitter: @unchecked Sendable {
    private let mutex = PThreadMutex()
    private let roomAvailable = PThreadCondition()
    private let arrived = PThreadCondition()
    private var queue: [PendingWrite] = []
    private var queuedReadings = 0
    private var leaderActive = false
    private var closed = false

    let groupReadingsMax: Int
    let groupWaitNs: UInt64
    let queueReadingsMax: Int
    let fullBehavior: QueueFullBehavior
    /// Commits a group: sets `result` on each member. Runs without the mutex.
    private let commit: ([PendingWrite]) -> Void

    /// Counters (under `mutex`).
    private(set) var groupsCommitted = 0
    private(set) var readingsCommitted = 0
    private(set) var queueFullRefusals = 0
    private(set) var queueFullWaits = 0

    init(groupReadingsMax: Int, groupWaitMs: Int, queueReadingsMax: Int, fullBehavior: QueueFullBehavior,
         commit: @escaping ([PendingWrite]) -> Void) {
        precondition(groupReadingsMax >= 1, "groupReadingsMax must be at least 1")
        precondition(queueReadingsMax >= 1, "queueReadingsMax must be at least 1")
        self.groupReadingsMax = groupReadingsMax
        self.groupWaitNs = UInt64(max(0, groupWaitMs)) * 1_000_000
        self.queueReadingsMax = queueReadingsMax
        self.fullBehavior = fullBehavior
        self.commit = commit
    }

    /// Queues `pending`, waits until its group is committed and returns the outcome.
    func submit(_ pending: PendingWrite) throws(StoreError) -> WriteReceipt {
        let n = pending.readings.count
        mutex.lock()
        // Back-pressure: a batch larger than the whole queue is let in when the queue is
        // empty, so it cannot wait forever.
        while !closed && queuedReadings > 0 && queuedReadings + n > queueReadingsMax {
            if fullBehavior == .fail {
                queueFullRefusals += 1
                let queued = queuedReadings
                mutex.unlock()
                throw StoreError(
                    .queueFull,
                    "the ingest queue is full (\(queued) of \(queueReadingsMax) readings waiting for the writer); retry later, or raise queueReadingsMax")
            }
            queueFullWaits += 1
            roomAvailable.wait(mutex)
        }
        if closed {
            mutex.unlock()
            throw StoreError(.closed, "the store is closed; reopen it to write")
        }
        queue.append(pending)
        queuedReadings += n
        arrived.signal()
        while pending.result == nil {
            if !leaderActive && queue.first === pending { break }
            pending.wakeup.wait(mutex)
        }
        if let result = pending.result {
            mutex.unlock()
            return try result.get()
        }
        lead()
        let result = pending.result!
        mutex.unlock()
        return try result.get()
    }

    /// Runs one commit as leader. Called and returns with `mutex` held.
    private func lead() {
        leaderActive = true
        if groupWaitNs > 0 && queuedReadings < groupReadingsMax {
            let deadline = MonotonicClock.nowNs() + groupWaitNs
            while queuedReadings < groupReadingsMax && !closed {
                if !arrived.wait(mutex, untilNs: deadline) { break }
            }
        }
        var group: [PendingWrite] = []
        var readings = 0
        var bytes = 0
        var taken = 0
        for p in queue {
            let r = p.readings.count
            if taken > 0 && (readings + r > groupReadingsMax || bytes + p.estimatedBytes > StorageLimits.walRecordBytesMax) {
                break
            }
            group.append(p)
            readings += r
            bytes += p.estimatedBytes
            taken += 1
        }
        queue.removeFirst(taken)
        queuedReadings -= readings
        roomAvailable.broadcast()
        mutex.unlock()
        commit(group)
        mutex.lock()
        groupsCommitted += 1
        readingsCommitted += readings
        for p in group {
            precondition(p.result != nil, "commit left a write without a result")
            p.wakeup.signal()
        }
        leaderActive = false
        queue.first?.wakeup.signal()
    }

    /// Refuses new writes and waits until queued ones are committed.
    func close() {
        mutex.lock()
        closed = true
        roomAvailable.broadcast()
        arrived.broadcast()
        // Queued writers still lead their own commits; wait until none is left.
        while leaderActive || !queue.isEmpty {
            mutex.unlock()
            usleepMs(1)
            mutex.lock()
        }
        mutex.unlock()
    }

    /// Counters as one value.
    var counters: (groups: Int, readings: Int, refusals: Int, waits: Int, queued: Int) {
        mutex.withLock { (groupsCommitted, readingsCommitted, queueFullRefusals, queueFullWaits, queuedReadings) }
    }
}
