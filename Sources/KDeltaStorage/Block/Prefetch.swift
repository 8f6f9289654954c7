import CMemory

/// The CPU's prefetch hint over a byte range (`CMemory`): nothing is read or checked.
enum Prefetch {
    /// The unit the hint asks for.
    static let cacheLineBytes = 64

    /// Asks for the cache lines of `base[range]`, the range clipped to `0 ..< limit`.
    @inline(__always)
    static func lines(_ base: UnsafeRawPointer, _ range: Range<Int>, within limit: Int) {
        var line = max(0, range.lowerBound) & ~(cacheLineBytes - 1)
        let end = min(range.upperBound, limit)
        while line < end {
            kdelta_prefetch(base + line)
            line += cacheLineBytes
        }
    }
}
