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

/// The sum of the zigzag-decoded residuals, each weighted by `weightBase - i` (or by 1
/// when `weighted` is false): what one value of a delta (plain sum) or delta-of-delta
/// (residual `i` moves the `n - 1 - i` values after its own) frame needs
/// (`IntFrameCode.decodeLast`). Wrapping arithmetic, as the decoder's.
struct ResidualSum: ResidualSink {
    let weighted: Bool
    let weightBase: Int64
    var sum: Int64 = 0

    init(weighted: Bool, weightBase: Int64) {
        self.weighted = weighted
        self.weightBase = weightBase
    }

    @inline(__always)
    mutating func value(_ i: Int, _ u: UInt64) {
        let d = Zigzag.decode(u)
        sum = sum &+ (weighted ? d &* (weightBase &- Int64(truncatingIfNeeded: i)) : d)
    }

    @inline(__always)
    mutating func zeros(_ range: Range<Int>) {}
}
