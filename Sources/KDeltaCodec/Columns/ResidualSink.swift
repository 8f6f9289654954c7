/// Where `RiceGroups.visit` puts the residuals it reads: each value with its index, and
/// each all-zero group as a range.
protocol ResidualSink {
    mutating func value(_ i: Int, _ u: UInt64)
    mutating func zeros(_ range: Range<Int>)
}

/// Residuals into memory, zeros included (`RiceGroups.decode`).
struct ResidualArray: ResidualSink {
    let out: UnsafeMutablePointer<UInt64>

    @inline(__always)
    mutating func value(_ i: Int, _ u: UInt64) { out[i] = u }

    @inline(__always)
    mutating func zeros(_ range: Range<Int>) {
        var i = range.lowerBound
        while i < range.upperBound {
            out[i] = 0
            i &+= 1
        }
    }
}

/// The sum of the zigzag-decoded residuals: what one value of a delta frame needs
/// (`IntFrameCode.decodeLast`). Wrapping arithmetic, as the decoder's.
struct ResidualSum: ResidualSink {
    var sum: Int64 = 0

    @inline(__always)
    mutating func value(_ i: Int, _ u: UInt64) { sum = sum &+ Zigzag.decode(u) }

    @inline(__always)
    mutating func zeros(_ range: Range<Int>) {}
}

/// The sum of the running sums of the zigzag-decoded residuals, that is residual `i` of
/// `n` weighted by `n - i`: what one value of a delta-of-delta frame needs (residual `i`
/// moves every value after its own; `IntFrameCode.decodeLast`). Two additions a residual,
/// no multiplication. Wrapping arithmetic, as the decoder's.
struct RunningResidualSum: ResidualSink {
    /// The sum of the residuals so far: the delta they add up to.
    var delta: Int64 = 0
    /// The sum of `delta` after each residual.
    var sum: Int64 = 0

    @inline(__always)
    mutating func value(_ i: Int, _ u: UInt64) {
        delta = delta &+ Zigzag.decode(u)
        sum = sum &+ delta
    }

    @inline(__always)
    mutating func zeros(_ range: Range<Int>) {
        sum = sum &+ delta &* Int64(truncatingIfNeeded: range.count)
    }
}
