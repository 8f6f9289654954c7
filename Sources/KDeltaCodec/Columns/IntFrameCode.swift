/// One frame of 64-bit integers (times, scaled decimals, ints) as a byte header and a bit
/// stream of residual groups (docs/format/columns.md, "Integer frame"): the first value
/// against a base the column predicts, then either deltas or delta-of-deltas (whichever
/// has fewer significant bits in this frame), divided by their greatest common divisor, zigzagged, and
/// coded by `RiceGroups`. All arithmetic wraps, so Int64.min and Int64.max round-trip.
enum IntFrameCode {
    /// Header bits 0-1: the predictor.
    static let predictorDelta: UInt8 = 0
    static let predictorDeltaOfDelta: UInt8 = 1
    /// Header bit 2: a divisor (varint) follows; without it the divisor is 1.
    static let flagDivisor: UInt8 = 4
    /// Header bits that must be zero.
    static let flagsUnused: UInt8 = 0xF8

    /// The greatest common divisor of the magnitudes of `values` (0 when all are 0).
    static func divisor(_ values: UnsafeBufferPointer<Int64>) -> UInt64 {
        var g: UInt64 = 0
        for v in values {
            let m = v.magnitude
            if m == 0 || g == 1 { continue }
            g = g == 0 ? m : gcd(g, m)
        }
        return g
    }

    /// The greatest common divisor of two positive values.
    static func gcdSigned(_ a: Int64, _ b: Int64) -> Int64 {
        Int64(gcd(a.magnitude, b.magnitude))
    }

    /// Binary GCD of two non-zero values.
    static func gcd(_ a: UInt64, _ b: UInt64) -> UInt64 {
        var a = a
        var b = b
        let shift = (a | b).trailingZeroBitCount
        a >>= UInt64(a.trailingZeroBitCount)
        repeat {
            b >>= UInt64(b.trailingZeroBitCount)
            if a > b { swap(&a, &b) }
            b -= a
        } while b != 0
        return a << UInt64(shift)
    }
}

/// Encodes integer frames, reusing its buffers from frame to frame.
struct IntFrameEncoder {
    private var residuals: [Int64] = []
    private var zigzags: [UInt64] = []
    private var bits = BitWriter(capacity: 1024)

    /// Appends the frame of `values` (at least one) to `out`. The decoder must be given the
    /// same `base` and `baseDelta`.
    mutating func encode(_ values: UnsafeBufferPointer<Int64>, base: Int64, baseDelta: Int64, into out: inout ByteWriter) {
        precondition(!values.isEmpty, "an empty integer frame")
        let n = values.count
        let first = values[0] &- base
        if n == 1 {
            out.write(IntFrameCode.predictorDelta)
            out.writeZigzag(first)
            return
        }
        // Deltas against the column's base delta, and delta-of-deltas (whose first delta goes
        // into the header); the predictor whose residuals have fewer significant bits wins.
        let firstDelta = values[1] &- values[0] &- baseDelta
        residuals.removeAll(keepingCapacity: true)
        var deltaCost = 0
        var dodCost = RiceGroups.bitLength(Zigzag.encode(firstDelta))
        for i in 1..<n {
            let e = values[i] &- values[i - 1] &- baseDelta
            residuals.append(e)
            deltaCost += RiceGroups.bitLength(Zigzag.encode(e))
            if i >= 2 {
                dodCost += RiceGroups.bitLength(Zigzag.encode((values[i] &- values[i - 1]) &- (values[i - 1] &- values[i - 2])))
            }
        }
        if dodCost < deltaCost {
            residuals.removeAll(keepingCapacity: true)
            for i in 2..<n { residuals.append((values[i] &- values[i - 1]) &- (values[i - 1] &- values[i - 2])) }
            let divisor = Self.code(residuals, &zigzags, into: &bits)
            out.write(IntFrameCode.predictorDeltaOfDelta | (divisor > 1 ? IntFrameCode.flagDivisor : 0))
            out.writeZigzag(first)
            out.writeZigzag(firstDelta)
            if divisor > 1 { out.writeVarint(divisor) }
        } else {
            let divisor = Self.code(residuals, &zigzags, into: &bits)
            out.write(IntFrameCode.predictorDelta | (divisor > 1 ? IntFrameCode.flagDivisor : 0))
            out.writeZigzag(first)
            if divisor > 1 { out.writeVarint(divisor) }
        }
        bits.finish(into: &out)
    }

    /// Divides `residuals` by their common divisor, zigzags and codes them into `bits`;
    /// returns the divisor (1 when none helps).
    private static func code(_ residuals: [Int64], _ zigzags: inout [UInt64], into bits: inout BitWriter) -> UInt64 {
        bits.reset()
        var g = residuals.withUnsafeBufferPointer { IntFrameCode.divisor($0) }
        if g == 0 || g > UInt64(Int64.max) { g = 1 }
        zigzags.removeAll(keepingCapacity: true)
        if g == 1 {
            for r in residuals { zigzags.append(Zigzag.encode(r)) }
        } else {
            let d = Int64(g)
            for r in residuals { zigzags.append(Zigzag.encode(r / d)) }
        }
        zigzags.withUnsafeBufferPointer { RiceGroups.encode($0, into: &bits) }
        return g
    }

}

/// An integer frame's header, read and checked: the predictor, the first value against the
/// base, the first delta (delta-of-delta frames), the divisor, and where the residual
/// stream starts.
struct IntFrameHeader {
    let predictor: UInt8
    let first: Int64
    let firstDelta: Int64
    let divisor: Int64
    let streamStart: Int

    /// Reads the header of a frame of `count` values; a one-value frame must end after it.
    init(_ bytes: UnsafeRawBufferPointer, count: Int) throws(CodecError) {
        var header = ByteReader(bytes)
        let flags: UInt8
        do throws(CodecError) {
            flags = try header.readByte()
            first = try header.readZigzag()
        } catch {
            throw CodecError(message: "integer frame header: \(error.message)", offset: error.offset)
        }
        guard flags & IntFrameCode.flagsUnused == 0 else {
            throw CodecError(message: "integer frame header has unknown flags 0x\(String(flags, radix: 16))", offset: 0)
        }
        predictor = flags & 3
        guard predictor <= IntFrameCode.predictorDeltaOfDelta else {
            throw CodecError(message: "integer frame has unknown predictor \(predictor)", offset: 0)
        }
        if count == 1 {
            if header.remaining != 0 {
                throw CodecError(message: "\(header.remaining) bytes after a one-value integer frame", offset: header.offset)
            }
            firstDelta = 0
            divisor = 1
            streamStart = header.offset
            return
        }
        var firstDelta: Int64 = 0
        var divisor: Int64 = 1
        do throws(CodecError) {
            if predictor == IntFrameCode.predictorDeltaOfDelta { firstDelta = try header.readZigzag() }
            if flags & IntFrameCode.flagDivisor != 0 {
                let g = try header.readVarint()
                guard g >= 2 && g <= UInt64(Int64.max) else {
                    throw CodecError(message: "integer frame divisor \(g) is outside 2...Int64.max", offset: header.offset)
                }
                divisor = Int64(g)
            }
        } catch {
            throw CodecError(message: "integer frame header: \(error.message)", offset: error.offset)
        }
        self.firstDelta = firstDelta
        self.divisor = divisor
        streamStart = header.offset
    }

    /// Residuals in a frame of `count` values, and those that values `0..<limit` need.
    func residuals(count: Int, limit: Int) -> (total: Int, needed: Int) {
        predictor == IntFrameCode.predictorDelta ? (count - 1, limit - 1) : (count - 2, max(0, limit - 2))
    }
}

extension IntFrameCode {
    /// Decodes the first `limit` of the frame's `count` values from `bytes` into `out`.
    /// With `limit == count` it also checks that the bit stream ends with the frame.
    static func decode(
        _ bytes: UnsafeRawBufferPointer, count: Int, limit: Int, base: Int64, baseDelta: Int64,
        into out: UnsafeMutablePointer<Int64>
    ) throws(CodecError) {
        let h = try IntFrameHeader(bytes, count: count)
        let x0 = base &+ h.first
        out[0] = x0
        if count == 1 { return }
        let (residualCount, needed) = h.residuals(count: count, limit: limit)
        let streamStart = h.streamStart
        var r = BitReader(UnsafeRawBufferPointer(rebasing: bytes[streamStart...]))
        var failure: CodecError? = nil
        Scratch.with(UInt64.self, count: max(1, needed)) { residuals in
            let u = residuals.baseAddress!
            var reader = r
            do throws(CodecError) {
                try RiceGroups.decode(&reader, count: needed, into: u)
            } catch {
                failure = error
                return
            }
            r = reader
            // Locals, not captured variables: the loops below must keep them in registers.
            var x = x0
            let divisor = h.divisor
            if h.predictor == IntFrameCode.predictorDelta {
                let step = baseDelta
                var i = 1
                while i < limit {
                    x = x &+ step &+ Zigzag.decode(u[i &- 1]) &* divisor
                    out[i] = x
                    i &+= 1
                }
            } else {
                var delta = baseDelta &+ h.firstDelta
                if limit > 1 {
                    x = x &+ delta
                    out[1] = x
                }
                var i = 2
                while i < limit {
                    delta = delta &+ Zigzag.decode(u[i &- 2]) &* divisor
                    x = x &+ delta
                    out[i] = x
                    i &+= 1
                }
            }
        }
        if let failure { throw CodecError(message: failure.message, offset: streamStart) }
        if r.isOverrun {
            throw CodecError(message: "residual stream runs past the frame's end (truncated or corrupt)", offset: streamStart)
        }
        if limit == count && residualCount == needed && r.bitCapacity - r.bitPosition >= 8 {
            throw CodecError(
                message: "\((r.bitCapacity - r.bitPosition) / 8) bytes after the residual stream's end (corrupt frame)", offset: streamStart)
        }
    }

    /// Value `limit - 1` of the frame alone, as `decode` would put it in `out[limit - 1]`,
    /// without an array: the residuals before it are summed as they are read (weighted by
    /// how many values each one moves, for delta-of-deltas), and groups of zeros are skipped
    /// whole, so a regular series' time costs a few group headers. What point reads use.
    static func decodeLast(
        _ bytes: UnsafeRawBufferPointer, count: Int, limit: Int, base: Int64, baseDelta: Int64
    ) throws(CodecError) -> Int64 {
        let h = try IntFrameHeader(bytes, count: count)
        let x0 = base &+ h.first
        if count == 1 || limit == 1 { return x0 }
        let needed = h.residuals(count: count, limit: limit).needed
        var r = BitReader(UnsafeRawBufferPointer(rebasing: bytes[h.streamStart...]))
        let steps = Int64(limit - 1)
        // Delta: x[n] = x0 + n * step + divisor * (r[0] + ... + r[n - 1]).
        // Delta-of-delta: x[n] = x0 + n * delta1 + divisor * sum over j of (n - 1 - j) * r[j]
        // (residual j changes the delta of values j + 2 ... n).
        let isDelta = h.predictor == IntFrameCode.predictorDelta
        let sum: Int64
        do throws(CodecError) {
            if isDelta {
                var sink = ResidualSum()
                try RiceGroups.visit(&r, count: needed, into: &sink)
                sum = sink.sum
            } else {
                var sink = RunningResidualSum()
                try RiceGroups.visit(&r, count: needed, into: &sink)
                sum = sink.sum
            }
        } catch {
            throw CodecError(message: error.message, offset: h.streamStart)
        }
        let x = x0 &+ steps &* (isDelta ? baseDelta : baseDelta &+ h.firstDelta) &+ sum &* h.divisor
        if r.isOverrun {
            throw CodecError(message: "residual stream runs past the frame's end (truncated or corrupt)", offset: h.streamStart)
        }
        return x
    }
}
