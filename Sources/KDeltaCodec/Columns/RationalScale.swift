/// Values that are fractions printed as long decimals: averages of 3 readings shown with 15
/// significant digits ("46.6933333333333" = 140.08 / 3), linear interpolations between
/// hourly readings (steps of 1/6). At their decimal scale (13) their integers jump by
/// about 10^11 from value to value; as numerators m over a small denominator q at the
/// readings' own scale b they move by a few units (docs/format/columns.md, "DoubleColumn
/// frames", rational).
///
/// A value is `Double(s) / 10^d` with `s = round(m x 10^(d-b) / q)`, rounded half away
/// from zero in integer arithmetic; the encoder keeps a value only when that gives back its
/// exact bit pattern.
enum RationalScale {
    /// Denominators and base scales tried, cheapest first: halves to twelfths at 0 to 3
    /// decimals (averages of 2, 3, 4 or 6 readings; interpolation at 10 minutes of hourly
    /// data).
    static let candidates: [(base: Int, denominator: Int64)] = {
        var list: [(Int, Int64)] = []
        for b in 0...3 {
            for q: Int64 in [2, 3, 4, 6, 12] { list.append((b, q)) }
        }
        return list
    }()
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

