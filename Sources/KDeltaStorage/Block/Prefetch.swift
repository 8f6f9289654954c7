import CMemory
import KDeltaCodec

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

    /// Asks for what a point read of value `p` of `count` will decode from the encoded
    /// column at `column`: its header and the frame its share of the column suggests
    /// (`PointReadHint`).
    @inline(__always)
    static func pointRead(_ column: UnsafeRawBufferPointer, count: Int, at p: Int) {
        guard let base = column.baseAddress else { return }
        let hint = PointReadHint(columnLength: column.count, count: count, at: p)
        lines(base, hint.header, within: column.count)
        lines(base, hint.frame, within: column.count)
    }
}
