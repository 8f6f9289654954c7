/// The fallback for frames of doubles that are not short decimals (docs/format/columns.md,
/// "XOR frame"): Gorilla's XOR coding of IEEE bit patterns. The first value is stored raw;
/// each next one as '0' when equal to the previous, '10' plus the meaningful bits when the
/// XOR fits the previous window of leading and trailing zeros, else '11', 6 bits of leading
/// zeros, 6 bits of (length - 1) and the meaningful bits. Exact for every bit pattern
/// (NaN payloads, -0.0, infinities, subnormals).
enum XORFrameCode {
    /// Appends the XOR bit stream of `values` (at least one) to `w`.
    static func encode(_ values: UnsafeBufferPointer<Double>, into w: inout BitWriter) {
        var previous = values[0].bitPattern
        w.write(previous, bits: 64)
        var lead = 65
        var trail = 65
        for i in 1..<values.count {
            let bits = values[i].bitPattern
            let x = bits ^ previous
            previous = bits
            if x == 0 {
                w.write(0, bits: 1)
                continue
            }
            let l = x.leadingZeroBitCount
            let t = x.trailingZeroBitCount
            if l >= lead && t >= trail {
                w.write(0b01, bits: 2)
                w.write(x >> UInt64(trail), bits: 64 - lead - trail)
            } else {
                lead = l
                trail = t
                let length = 64 - l - t
                w.write(0b11 | UInt64(l) << 2 | UInt64(length - 1) << 8, bits: 14)
                w.write(x >> UInt64(t), bits: length)
            }
        }
    }

    /// The bits `encode` would write, without writing them.
    static func cost(_ values: UnsafeBufferPointer<Double>) -> Int {
        var previous = values[0].bitPattern
        var bits = 64
        var lead = 65
        var trail = 65
        for i in 1..<values.count {
            let b = values[i].bitPattern
            let x = b ^ previous
            previous = b
            if x == 0 {
                bits += 1
                continue
            }
            let l = x.leadingZeroBitCount
            let t = x.trailingZeroBitCount
            if l >= lead && t >= trail {
                bits += 2 + 64 - lead - trail
            } else {
                lead = l
                trail = t
                bits += 14 + 64 - l - t
            }
        }
        return bits
    }

    /// Reads the first `limit` values into `out`. A truncated stream shows in
    /// `r.isOverrun`, which the caller checks.
    static func decode(_ r: inout BitReader, limit: Int, into out: UnsafeMutablePointer<Double>) throws(CodecError) {
        var previous = r.readWide(64)
        out[0] = Double(bitPattern: previous)
        var trail = 0
        var length = 0
        var windowSet = false
        var i = 1
        while i < limit {
            let head = r.peek()
            if head & 1 == 0 {
                r.skip(1)
            } else if head & 2 == 0 {
                guard windowSet else {
                    throw CodecError(message: "XOR value \(i) reuses a window before any was set")
                }
                r.skip(2)
                previous ^= r.readWide(length) &<< UInt64(truncatingIfNeeded: trail)
            } else {
                let lead = Int(truncatingIfNeeded: (head >> 2) & 63)
                length = Int(truncatingIfNeeded: (head >> 8) & 63) &+ 1
                guard lead + length <= 64 else {
                    throw CodecError(message: "XOR value \(i) has \(lead) leading zeros and \(length) meaningful bits (more than 64)")
                }
                trail = 64 - lead - length
                windowSet = true
                r.skip(14)
                previous ^= r.readWide(length) &<< UInt64(truncatingIfNeeded: trail)
            }
            out[i] = Double(bitPattern: previous)
            i &+= 1
        }
    }
}
