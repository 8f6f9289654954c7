import KDeltaStorage

/// Runs producer threads that start together: each sets itself up (opens its connection,
/// prepares statements), then waits at the start line; the clock starts when the last one
/// is ready, so set-up is never timed. Producers run on their own OS threads: they block
/// in `putBatch` and in SQLite, which must not happen on Swift's cooperative pool.
final class ProducerGroup: @unchecked Sendable {
    private let mutex = PThreadMutex()
    private let changed = PThreadCondition()
    private var ready = 0
    private var arrived: [Bool]
    private var startNs: UInt64 = 0
    private var deadlineNs: UInt64 = 0
    private var started = false
    private var tallies: [ProducerTally]

    private init(producers: Int) {
        arrived = Array(repeating: false, count: producers)
        tallies = Array(repeating: ProducerTally(), count: producers)
    }

    /// Runs `producers` threads of `body` and returns their tallies and the time from the
    /// common start to the last acknowledgement. `body(p, group)` sets up, calls
    /// `group.start(p)` once (which returns the deadline), writes until the deadline or
    /// its share of the budget, and returns its tally; it tears down after recording
    /// `endNs`, so closing is not timed either.
    static func run(
        producers: Int, durationNs: UInt64,
        body: @escaping @Sendable (_ producer: Int, _ group: ProducerGroup) -> ProducerTally
    ) -> (tallies: [ProducerTally], elapsedNs: UInt64) {
        precondition(producers >= 1, "at least one producer")
        let group = ProducerGroup(producers: producers)
        var threads: [BackgroundThread] = []
        for p in 0..<producers {
            threads.append(BackgroundThread(name: "bench-p\(p)") {
                let tally = body(p, group)
                group.finish(p, tally)
            })
        }
        group.mutex.lock()
        while group.ready < producers { group.changed.wait(group.mutex) }
        group.startNs = MonotonicClock.nowNs()
        group.deadlineNs = group.startNs + durationNs
        group.started = true
        group.changed.broadcast()
        group.mutex.unlock()
        for t in threads { t.join() }
        let tallies = group.mutex.withLock { group.tallies }
        let lastNs = tallies.map(\.endNs).max() ?? 0
        return (tallies, lastNs > group.startNs ? lastNs - group.startNs : 0)
    }

    /// Marks producer `p` ready and waits for the common start; returns the deadline.
    func start(_ p: Int) -> UInt64 {
        mutex.lock()
        defer { mutex.unlock() }
        arrive(p)
        while !started { changed.wait(mutex) }
        return deadlineNs
    }

    /// Records `p`'s tally; a producer that failed before `start` still counts as ready,
    /// so the others are not held at the start line forever.
    private func finish(_ p: Int, _ tally: ProducerTally) {
        mutex.withLock {
            arrive(p)
            tallies[p] = tally
        }
    }

    /// Called with `mutex` held.
    private func arrive(_ p: Int) {
        if arrived[p] { return }
        arrived[p] = true
        ready += 1
        changed.broadcast()
    }
}
