import KDeltaCodec

/// The reference our column codecs are measured against: Facebook's Gorilla
/// (Pelkonen et al., "Gorilla: A Fast, Scalable, In-Memory Time Series Database", VLDB
/// 2015, section 4.1), implemented here as the paper describes it, timestamps and values
/// interleaved in one bit stream:
/// - timestamps: the first raw (64 bits), then the delta-of-delta D coded as '0' (D = 0),
///   '10' + 7 bits (-63...64), '110' + 9 bits (-255...256), '1110' + 12 bits
///   (-2047...2048), else '1111' + the value. The paper's last bucket has 32 bits for
///   second timestamps; ours are milliseconds, whose gaps overflow 32 bits after 24 days,
///   so the last bucket holds 64 bits (as Prometheus does). The paper's 14-bit first
///   delta is coded as a delta-of-delta from 0 instead, equally cheap.
/// - values: the first raw; then '0' when the XOR with the previous is zero, else '1' and
///   either '0' + the meaningful bits inside the previous window of leading and trailing
///   zeros, or '1' + 5 bits of leading zeros (capped at 31) + 6 bits of meaningful length
///   (64 written as 0) + the meaningful bits.
/// The whole series is one stream (the paper cuts two-hour blocks, which would only add
/// headers), so these sizes flatter Gorilla slightly.
enum GorillaReference {
    /// The encoded stream and how many of its bits code values (the rest code times).
    struct Encoded {
        var bytes: [UInt8]
        var valueBits: Int
        var timeBits: Int
    }

    /// Encodes the pairs (times[i], values[i]).
    static func encode(times: [Int64], values: [Double]) -> Encoded {
        precondition(times.count == values.count)
        var w = BitWriter(capacity: times.count * 2 + 16)
        var valueBits = 0
        var timeBits = 0
        if times.isEmpty { return Encoded(bytes: [], valueBits: 0, timeBits: 0) }
        w.write(UInt64(bitPattern: times[0]), bits: 64)
        w.write(values[0].bitPattern, bits: 64)
        timeBits += 64
        valueBits += 64
        var previousTime = times[0]
        var previousDelta: Int64 = 0
        var previousBits = values[0].bitPattern
        var lead = Int.max
        var trail = 0
        for i in 1..<times.count {
            let delta = times[i] &- previousTime
            let dod = delta &- previousDelta
            previousTime = times[i]
            previousDelta = delta
            let before = w.bitCount
            if dod == 0 {
                w.write(0, bits: 1)
            } else if dod >= -63 && dod <= 64 {
                w.write(0b01, bits: 2)
                w.write(UInt64(bitPattern: dod) & 0x7F, bits: 7)
            } else if dod >= -255 && dod <= 256 {
                w.write(0b011, bits: 3)
                w.write(UInt64(bitPattern: dod) & 0x1FF, bits: 9)
            } else if dod >= -2047 && dod <= 2048 {
                w.write(0b0111, bits: 4)
                w.write(UInt64(bitPattern: dod) & 0xFFF, bits: 12)
            } else {
                w.write(0b1111, bits: 4)
                w.write(UInt64(bitPattern: dod), bits: 64)
            }
            let middle = w.bitCount
            timeBits += middle - before
            let bits = values[i].bitPattern
            let x = bits ^ previousBits
            previousBits = bits
            if x == 0 {
                w.write(0, bits: 1)
            } else {
                let l = min(31, x.leadingZeroBitCount)
                let t = x.trailingZeroBitCount
                if lead != Int.max && l >= lead && t >= trail {
                    w.write(0b01, bits: 2)
                    w.write(x >> UInt64(trail), bits: 64 - lead - trail)
                } else {
                    lead = l
                    trail = t
                    let length = 64 - l - t
                    w.write(0b11, bits: 2)
                    w.write(UInt64(l), bits: 5)
                    w.write(UInt64(length & 63), bits: 6)
                    w.write(x >> UInt64(t), bits: length)
                }
            }
            valueBits += w.bitCount - middle
        }
        return Encoded(bytes: w.finish(), valueBits: valueBits, timeBits: timeBits)
    }

    /// Decodes `count` pairs.
    static func decode(_ bytes: [UInt8], count: Int) -> (times: [Int64], values: [Double]) {
        var times = [Int64](repeating: 0, count: count)
        var values = [Double](repeating: 0, count: count)
        if count == 0 { return (times, values) }
        bytes.withUnsafeBytes { raw in
            var r = BitReader(raw)
            var t = Int64(bitPattern: r.readWide(64))
            var bits = r.readWide(64)
            times[0] = t
            values[0] = Double(bitPattern: bits)
            var delta: Int64 = 0
            var lead = 0
            var trail = 0
            for i in 1..<count {
                let head = r.peek()
                if head & 1 == 0 {
                    r.skip(1)
                } else if head & 2 == 0 {
                    delta &+= signExtend((head >> 2) & 0x7F, 7)
                    r.skip(9)
                } else if head & 4 == 0 {
                    delta &+= signExtend((head >> 3) & 0x1FF, 9)
                    r.skip(12)
                } else if head & 8 == 0 {
                    delta &+= signExtend((head >> 4) & 0xFFF, 12)
                    r.skip(16)
                } else {
                    r.skip(4)
                    delta &+= Int64(bitPattern: r.readWide(64))
                }
                t &+= delta
                times[i] = t
                let v = r.peek()
                if v & 1 == 0 {
                    r.skip(1)
                } else if v & 2 == 0 {
                    r.skip(2)
                    bits ^= r.readWide(64 - lead - trail) << UInt64(trail)
                } else {
                    lead = Int((v >> 2) & 31)
                    var length = Int((v >> 7) & 63)
                    if length == 0 { length = 64 }
                    trail = 64 - lead - length
                    r.skip(13)
                    bits ^= r.readWide(length) << UInt64(trail)
                }
                values[i] = Double(bitPattern: bits)
            }
        }
        return (times, values)
    }

    /// The `width`-bit two's complement field `u` as an Int64. The buckets' upper ends
    /// (64, 256, 2048) are written in the same bits as their negatives' range would
    /// wrap to, so the positive extreme is mapped back here.
    @inline(__always)
    static func signExtend(_ u: UInt64, _ width: Int) -> Int64 {
        let shift = UInt64(64 - width)
        let v = Int64(bitPattern: u << shift) >> Int64(shift)
        // -64, -256, -2048 never occur (outside the buckets): they stand for +64, +256, +2048.
        return v == -(Int64(1) << Int64(width - 1)) ? -v : v
    }
}
