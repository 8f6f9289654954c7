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
        let newCapacity = max(16, capacity * 2)
        let p = UnsafeMutablePointer<T>.allocate(capacity: newCapacity)
        if let old = base {
            p.moveInitialize(from: old, count: count)
            old.deallocate()
        }
        base = p
        capacity = newCapacity
    }

    /// The value at `i`.
    @inline(__always)
    subscript(i: Int) -> T {
        precondition(i >= 0 && i < count, "column index \(i) outside 0..<\(count)")
        return base![i]
    }

    /// The last value, if any.
    var last: T? { count > 0 ? base![count - 1] : nil }

    /// Frees the buffer. Call once, from the owner's `deinit`.
    mutating func deallocate() {
        base?.deallocate()
        base = nil
        count = 0
        capacity = 0
    }

    /// Heap bytes held.
    var memoryBytes: Int { capacity * MemoryLayout<T>.stride }

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
