/// The adaptive code every numeric column uses for its residuals (zigzagged deltas,
/// delta-of-deltas, run lengths): unsigned values in groups of 16, each group coded with the
/// cheaper of Golomb-Rice with parameter k (0...39) or a fixed bit width (0...64), chosen
/// per group by exact cost. A group of zeros costs its header alone, so runs of zero
/// delta-of-delta cost one bit per 16 values. Layout: docs/format/columns.md,
/// "Residual groups".
enum RiceGroups {
    /// Values per group: small enough to follow a changing signal, large enough that the
    /// group header (1 bit when the mode repeats, 8 when it changes) stays below 0.5 bit a
    /// value.
    static let groupSize = 16
    /// A quotient at or above this is an escape: the value follows as a 6-bit length and
    /// its bits, so one outlier costs 22 + its bit length instead of a long unary run.
    static let escapeQuotient = 16
    /// The largest Rice parameter: quotient, stop bit and remainder then fit the 57 bits
    /// one `BitReader.peek()` yields (16 + 1 + 39 = 56).
    static let riceParameterMax = 39
    /// Modes 0...39 are Rice parameters; modes 40...104 fixed widths 0...64.
    static let fixedWidthModeBase = 40
    /// The largest defined mode (fixed width 64).
    static let modeMax = 104
    /// Bits of an explicit mode.
    static let modeBits = 7
    /// The mode before a run's first group: fixed width 0, so an all-zero first group costs
    /// one bit.
    static let initialMode = fixedWidthModeBase

    /// The bit length of `u` (0 for 0).
    @inline(__always)
    static func bitLength(_ u: UInt64) -> Int { 64 - u.leadingZeroBitCount }

    /// Appends `values` to `w`.
    static func encode(_ values: UnsafeBufferPointer<UInt64>, into w: inout BitWriter) {
        var previousMode = initialMode
        var start = 0
        while start < values.count {
            let end = min(start + groupSize, values.count)
            let group = UnsafeBufferPointer(rebasing: values[start..<end])
            let mode = bestMode(group, previousMode: previousMode)
            if mode == previousMode {
                w.write(0, bits: 1)
            } else {
                w.write(1 | UInt64(mode) << 1, bits: 1 + modeBits)
            }
            if mode < fixedWidthModeBase {
                let k = mode
                for u in group {
                    let q = u >> UInt64(k)
                    if q < UInt64(escapeQuotient) {
                        let low = u & BitReader.mask(k)
                        w.write(UInt64(1) << q | low << (q + 1), bits: Int(q) + 1 + k)
                    } else {
                        let n = bitLength(u)
                        w.write(UInt64(n - 1) << UInt64(escapeQuotient), bits: escapeQuotient + 6)
                        w.write(u, bits: n)
                    }
                }
            } else {
                let width = mode - fixedWidthModeBase
                if width > 0 {
                    for u in group { w.write(u, bits: width) }
                }
            }
            previousMode = mode
            start = end
        }
    }

    /// The cheapest mode for `group`, counting the header it needs after `previousMode`.
    static func bestMode(_ group: UnsafeBufferPointer<UInt64>, previousMode: Int) -> Int {
        var maxValue: UInt64 = 0
        var sum: UInt64 = 0
        var overflow = false
        for u in group {
            maxValue = max(maxValue, u)
            let (s, o) = sum.addingReportingOverflow(u)
            sum = s
            overflow = overflow || o
        }
        func header(_ mode: Int) -> Int { mode == previousMode ? 1 : 1 + modeBits }
        let width = bitLength(maxValue)
        var best = fixedWidthModeBase + width
        var bestCost = header(best) + width * group.count
        if width == 0 { return best }
        let meanBits = overflow ? 63 : bitLength(sum / UInt64(group.count))
        let low = max(0, meanBits - 2)
        let high = min(riceParameterMax, meanBits + 1)
        if low <= high {
            for k in low...high {
                var cost = header(k) + (1 + k) * group.count
                for u in group {
                    let q = u >> UInt64(k)
                    cost += q < UInt64(escapeQuotient) ? Int(q) : escapeQuotient + 5 - k + bitLength(u)
                }
                if cost < bestCost || (cost == bestCost && k == previousMode) {
                    best = k
                    bestCost = cost
                }
            }
        }
        return best
    }

    /// Reads `count` values into `out`. Throws on an undefined mode; a truncated stream
    /// reads zeros and shows in `r.isOverrun`, which the caller checks.
    @inline(__always)
    static func decode(_ r: inout BitReader, count: Int, into out: UnsafeMutablePointer<UInt64>) throws(CodecError) {
        var sink = ResidualArray(out: out)
        try visit(&r, count: count, into: &sink)
    }

    /// Reads `count` values, handing value `i` to `sink.value(i, u)`, except that a group
    /// coded at fixed width 0 (all zeros: a regular series' delta-of-deltas) goes to
    /// `sink.zeros` whole, so a point read that only sums residuals skips it in one step.
    /// (A sink rather than closures: its state stays in registers, where a captured
    /// variable went through memory on every value.) Throws on an undefined mode; a
    /// truncated stream reads zeros and shows in `r.isOverrun`, which the caller checks.
    @inline(__always)
    static func visit<S: ResidualSink>(_ r: inout BitReader, count: Int, into sink: inout S) throws(CodecError) {
        var mode = initialMode
        var i = 0
        while i < count {
            let head = r.peek()
            if head & 1 == 0 {
                r.skip(1)
            } else {
                mode = Int(truncatingIfNeeded: (head >> 1) & BitReader.mask(modeBits))
                r.skip(1 + modeBits)
                if mode > modeMax {
                    throw CodecError(message: "residual group \(i / groupSize) has undefined mode \(mode)")
                }
            }
            let end = min(i &+ groupSize, count)
            if mode < fixedWidthModeBase {
                riceGroup(&r, k: mode, from: i, to: end, into: &sink)
                i = end
            } else {
                let width = mode &- fixedWidthModeBase
                if width == 0 {
                    sink.zeros(i..<end)
                    i = end
                } else if width <= 56 {
                    let fieldMask = BitReader.mask(width)
                    var word = r.peek()
                    var valid = 64 &- (r.position & 7)
                    var used = 0
                    while i < end {
                        if valid < width {
                            r.skip(used)
                            used = 0
                            word = r.peek()
                            valid = 64 &- (r.position & 7)
                        }
                        sink.value(i, word & fieldMask)
                        word = word &>> UInt64(truncatingIfNeeded: width)
                        valid &-= width
                        used &+= width
                        i &+= 1
                    }
                    r.skip(used)
                } else {
                    while i < end {
                        sink.value(i, r.readWide(width))
                        i &+= 1
                    }
                }
            }
        }
    }

    /// Reads values `start ..< end`, a group coded with Rice parameter `k`, into `sink`.
    /// The bits stay in a register between values and are reloaded only when fewer remain
    /// than the longest non-escaped code, so the loop's dependency chain is a count of
    /// trailing zeros and a shift, not a memory load. A function of its own (not inlined)
    /// so that its few variables all stay in registers: inlined into a decoder they were
    /// spilled to the stack on every value.
    @inline(never)
    static func riceGroup<S: ResidualSink>(_ reader: inout BitReader, k: Int, from start: Int, to end: Int, into output: inout S) {
        // Local copies, written back at the end: through the `inout`s the sum and the
        // position were stored to memory on every value, a store-to-load chain longer
        // than the decoding itself.
        var r = reader
        var sink = output
        defer {
            reader = r
            output = sink
        }
        let lowMask = BitReader.mask(k)
        let shiftK = UInt64(truncatingIfNeeded: k)
        let longest = escapeQuotient &+ 1 &+ k
        var i = start
        var word = r.peek()
        // Bits consumed from `word` since it was loaded; past `reload`, fewer than
        // `longest` remain and it is loaded again.
        var used = 0
        var reload = 64 &- (r.position & 7) &- longest
        while i < end {
            if used > reload {
                r.skip(used)
                word = r.peek()
                used = 0
                reload = 64 &- (r.position & 7) &- longest
            }
            let q = (word | UInt64(1) << UInt64(escapeQuotient)).trailingZeroBitCount
            if q < escapeQuotient {
                sink.value(i, UInt64(truncatingIfNeeded: q) &<< shiftK | (word &>> UInt64(truncatingIfNeeded: q &+ 1)) & lowMask)
                let length = q &+ 1 &+ k
                word = word &>> UInt64(truncatingIfNeeded: length)
                used &+= length
            } else {
                // The length field may lie beyond the bits left in `word`: read it from
                // the stream.
                r.skip(used &+ escapeQuotient)
                let n = Int(truncatingIfNeeded: r.read(6)) &+ 1
                sink.value(i, r.readWide(n))
                word = r.peek()
                used = 0
                reload = 64 &- (r.position & 7) &- longest
            }
            i &+= 1
        }
        r.skip(used)
    }
}
