import Glibc

/// A growable column of plain values owned by one series: a raw buffer that doubles when
/// full. Not an `Array`, because the write path appends to seven columns per version and
/// profiling showed Array's copy-on-write uniqueness check and the dynamic exclusivity
/// check of class properties costing more than the hashing (BENCHMARKS.md). No
/// copy-on-write: the owner (`Series`) frees it in `deinit` and never copies it.
struct Column<T: BitwiseCopyable> {
    private(set) var base: UnsafeMutablePointer<T>?
    private(set) var count = 0
    private(set) var capacity = 0

    /// Appends a value, growing by doubling (from 16).
    @inline(__always)
    mutating func append(_ v: T) {
        if count == capacity { grow() }
        (base! + count).initialize(to: v)
        count += 1
    }

    @inline(never)
    private mutating func grow() {
        resize(to: max(16, capacity * 2))
    }

    /// Gives the buffer room for `newCapacity` values (at least `count`) with `realloc`,
    /// not a new buffer beside the old one: the allocator grows or shrinks a large buffer
    /// in place or by remapping its pages, so a resize does not hold both. (Series written
    /// in step grow their columns in the same batch: with allocate-copy-free, the hot tier
    /// briefly held its old columns, freed but still resident, beside the new ones.)
    private mutating func resize(to newCapacity: Int) {
        precondition(newCapacity >= count, "resizing a column of \(count) values to \(newCapacity)")
        guard let raw = realloc(UnsafeMutableRawPointer(base), newCapacity * MemoryLayout<T>.stride) else {
            fatalError("out of memory: a column of \(newCapacity) values (\(newCapacity * MemoryLayout<T>.stride) bytes)")
        }
        base = raw.bindMemory(to: T.self, capacity: newCapacity)
        capacity = newCapacity
    }

    /// The value at `i`.
    @inline(__always)
    subscript(i: Int) -> T {
        precondition(i >= 0 && i < count, "column index \(i) outside 0..<\(count)")
        return base![i]
    }

    /// Removes the first `n` values and shrinks the buffer to fit what is left (doubling
    /// from 16), so memory freed by a cut goes back to the allocator.
    mutating func removeFirst(_ n: Int) {
        precondition(n >= 0 && n <= count, "removeFirst(\(n)) of a column of \(count)")
        let left = count - n
        var newCapacity = 16
        while newCapacity < left { newCapacity *= 2 }
        if let b = base, left > 0, n > 0 { (b as UnsafeMutablePointer<T>).moveInitialize(from: b + n, count: left) }
        count = left
        resize(to: newCapacity)
    }

    /// Sets the value at `i`.
    mutating func set(_ i: Int, _ v: T) {
        precondition(i >= 0 && i < count, "column index \(i) outside 0..<\(count)")
        base![i] = v
    }

    /// The last value, if any.
    var last: T? { count > 0 ? base![count - 1] : nil }

    /// Frees the buffer. Call once, from the owner's `deinit`.
    mutating func deallocate() {
        free(base)
        base = nil
        count = 0
        capacity = 0
    }

    /// Heap bytes held.
    var memoryBytes: Int { capacity * MemoryLayout<T>.stride }

    /// First position whose value is greater than `v`, for an ascending column of times.
    ///
    /// Sensor timestamps are near-linear in position (a reading every N seconds), so the
    /// position is first guessed by linear interpolation between the ends of the remaining
    /// range: a regular series is found in two probes instead of log2(n) cache misses. After
    /// four guesses that do not converge (bursty data) it finishes as a binary search, so the
    /// worst case stays O(log n).
    func interpolatedUpperBound(_ v: T) -> Int where T == Int64 {
        guard let b = base, count > 0 else { return 0 }
        var lo = 0, hi = count
        var guesses = 0
        while hi - lo > 8 && guesses < 4 {
            let lv = b[lo], hv = b[hi - 1]
            if v < lv { return lo }
            if v >= hv { return hi }
            let span = Double(hv) - Double(lv)
            var mid = lo + Int(Double(hi - 1 - lo) * ((Double(v) - Double(lv)) / span))
            mid = Swift.min(Swift.max(mid, lo), hi - 1)
            if b[mid] <= v {
                lo = mid + 1
                // Probe the next slot too: on regular data it ends the search.
                if lo < hi && b[lo] > v { return lo }
            } else {
                hi = mid
            }
            guesses += 1
        }
        while lo < hi {
            let mid = (lo + hi) &>> 1
            if b[mid] <= v { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// First position whose value is greater than `v`, for an ascending column.
    func upperBound(_ v: T) -> Int where T: Comparable {
        var lo = 0, hi = count
        guard let b = base else { return 0 }
        while lo < hi {
            let mid = (lo + hi) &>> 1
            if b[mid] <= v { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}
