/// Values that are fractions printed as long decimals: averages of 3 readings shown with 15
/// significant digits ("46.6933333333333" = 140.08 / 3), linear interpolations between
/// hourly readings (steps of 1/6). At their decimal scale (13) their integers jump by
/// about 10^11 from value to value; as numerators m over a small denominator q at the
/// readings' own scale b they move by a few units (docs/format/columns.md, "DoubleColumn
/// frames", rational).
///
/// A value is `Double(s) / 10^d` with `s = round(m x 10^(d-b) / q)`, rounded half away
/// from zero in integer arithmetic; the encoder keeps a value only when that gives back its
/// exact bit pattern. The scale d is the frame's, or, in significant-digit frames, each
/// value's own: the text had P significant digits, so d = P - 1 - floor(log10 |v|), which
/// the decoder computes from m (values crossing 10 or 1 keep fitting).
enum RationalScale {
    /// Denominators looked for per value: averages of up to 36 readings, and sixths of
    /// interpolated hourly data.
    static let denominatorSearchMax: Int64 = 36
    /// A frame's denominator (the least common multiple of its values') at most this.
    static let frameDenominatorMax: Int64 = 3_600
    /// Values of a frame examined to find its denominators.
    static let detectionValues = 32

    /// Candidate (base scale, denominator) pairs for a frame: for each base scale b in
    /// 0...3, the least common multiple of the smallest q (up to 36) that makes each of
    /// the first values times 10^b q an integer, when at least three quarters of them
    /// have one and the multiple stays at most 3,600.
    static func candidates(_ values: UnsafeBufferPointer<Double>) -> [(base: Int, denominator: Int64)] {
        var out: [(base: Int, denominator: Int64)] = []
        let checked = min(values.count, detectionValues)
        for b in 0...3 {
            var multiple: Int64 = 1
            var misses = 0
            for i in 0..<checked {
                let v = values[i] * DecimalScale.powers[b]
                guard v.isFinite, v.magnitude < 1e12 else {
                    misses += 1
                    continue
                }
                var found: Int64 = 0
                var q: Int64 = 1
                while q <= denominatorSearchMax {
                    let x = v * Double(q)
                    if (x - x.rounded()).magnitude < 1e-6 {
                        found = q
                        break
                    }
                    q += 1
                }
                if found == 0 {
                    misses += 1
                } else {
                    multiple = multiple / IntFrameCode.gcdSigned(multiple, found) * found
                    if multiple > frameDenominatorMax { break }
                }
            }
            if 4 * misses <= checked && multiple >= 2 && multiple <= frameDenominatorMax {
                out.append((b, multiple))
            }
        }
        return out
    }
    /// Only frames whose decimal scale is at least this try rational scales: short decimals
    /// never need them.
    static let frameScaleMin = 6
    /// The largest denominator a decoder accepts.
    static let denominatorMax: UInt64 = 1_000_000
    /// |m x 10^(d-b)| must stay below this, so the product cannot wrap.
    static let productLimit = Int64(1) << 62

    /// 10^0 ... 10^18 as integers.
    static let integerPowers: [Int64] = {
        var p: [Int64] = []
        var x: Int64 = 1
        for i in 0...18 {
            p.append(x)
            if i < 18 { x *= 10 }
        }
        return p
    }()

    /// Decimal digits of `u` (0 for 0).
    @inline(__always)
    static func digitCount(_ u: UInt64) -> Int {
        var n = 0
        var x = u
        while x >= 10_000 {
            x /= 10_000
            n &+= 4
        }
        while x > 0 {
            x /= 10
            n &+= 1
        }
        return n
    }

    /// The scale of numerator `m` in a frame of `p` significant digits: P - 1 -
    /// floor(log10 |m / (q 10^b)|), kept within b...18.
    @inline(__always)
    static func significantScale(_ m: Int64, base b: Int, denominator q: Int64, digits p: Int) -> Int {
        let whole = m.magnitude / UInt64(truncatingIfNeeded: q)
        return min(DecimalScale.scaleMax, max(b, p &+ b &- digitCount(whole)))
    }

    /// The decoded value of numerator `m` in a frame of `p` significant digits.
    @inline(__always)
    static func value(_ m: Int64, base b: Int, denominator q: Int64, digits p: Int) -> Double {
        let d = significantScale(m, base: b, denominator: q, digits: p)
        return value(m, factor: integerPowers[d &- b], denominator: q, power: DecimalScale.powers[d])
    }

    /// The numerator of `v` in a frame of `p` significant digits, base scale `b` and
    /// denominator `q`, if it round-trips bit for bit.
    @inline(__always)
    static func numerator(_ v: Double, digits p: Int, base b: Int, denominator q: Int64) -> Int64? {
        guard v.isFinite else { return nil }
        let x = (v * DecimalScale.powers[b] * Double(q)).rounded()
        guard x.magnitude < 1e15 else { return nil }
        let m = Int64(x)
        let d = significantScale(m, base: b, denominator: q, digits: p)
        guard m.magnitude < UInt64(productLimit / integerPowers[d - b]) else { return nil }
        return value(m, base: b, denominator: q, digits: p).bitPattern == v.bitPattern ? m : nil
    }

    /// The significant digits of `v` written at `scale` decimals: scale + 1 +
    /// floor(log10 |v|) (0 for 0 and values without a scale).
    static func significantDigits(_ v: Double, scale: Int) -> Int {
        guard scale >= 0, v != 0, v.isFinite else { return 0 }
        var e = 0
        var x = v.magnitude
        while x >= 10 {
            x /= 10
            e += 1
        }
        while x < 1 {
            x *= 10
            e -= 1
        }
        return scale + 1 + e
    }

    /// `p / q` rounded half away from zero (q > 0); never traps.
    @inline(__always)
    static func roundedQuotient(_ p: Int64, _ q: Int64) -> Int64 {
        let (s, r) = p.quotientAndRemainder(dividingBy: q)
        if r.magnitude &* 2 >= q.magnitude { return p < 0 ? s &- 1 : s &+ 1 }
        return s
    }

    /// The decoded value of numerator `m`.
    @inline(__always)
    static func value(_ m: Int64, factor: Int64, denominator q: Int64, power: Double) -> Double {
        Double(roundedQuotient(m &* factor, q)) / power
    }

    /// The numerator of `v` at scale `d`, base scale `b` and denominator `q`, if it
    /// round-trips bit for bit.
    @inline(__always)
    static func numerator(_ v: Double, scale d: Int, base b: Int, denominator q: Int64) -> Int64? {
        guard v.isFinite else { return nil }
        let x = (v * DecimalScale.powers[b] * Double(q)).rounded()
        guard x.magnitude < 1e15 else { return nil }
        let m = Int64(x)
        let factor = integerPowers[d - b]
        guard m.magnitude < UInt64(productLimit / factor) else { return nil }
        let back = value(m, factor: factor, denominator: q, power: DecimalScale.powers[d])
        return back.bitPattern == v.bitPattern ? m : nil
    }
}

