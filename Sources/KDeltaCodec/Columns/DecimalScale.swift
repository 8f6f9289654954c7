/// Finds the decimal scale of doubles: the smallest d (0...18) such that v is exactly the
/// double the decoder computes from an integer, `Double(s) / 10^d` with
/// `s = (v * 10^d).rounded()` (the test ALP and VictoriaMetrics use). Sensor values are
/// short decimals: "19.890000000000001" in a CSV is the double 19.89, scale 2.
/// Bit patterns are compared, so -0.0, NaN and infinities never pass and go to exceptions.
enum DecimalScale {
    /// The largest scale tried: 10^18 is exact as a double and 10^18 x |v| < 2^63 leaves
    /// room for values up to about 9.2.
    static let scaleMax = 18
    /// Scaled magnitudes must stay below this (2^63 less margin) to convert to Int64.
    static let scaledMagnitudeLimit = 9.2e18

    /// 10^0 ... 10^18, exact doubles.
    static let powers: [Double] = {
        var p: [Double] = []
        var x = 1.0
        for _ in 0...scaleMax {
            p.append(x)
            x *= 10
        }
        return p
    }()

    /// The integer `v` scales to at scale `d`, if it round-trips bit for bit.
    @inline(__always)
    static func scaled(_ v: Double, _ d: Int, power: Double) -> Int64? {
        let x = (v * power).rounded()
        guard x.magnitude < scaledMagnitudeLimit else { return nil }
        let s = Int64(x)
        return (Double(s) / power).bitPattern == v.bitPattern ? s : nil
    }

    /// True when `v` round-trips at scale `d`.
    @inline(__always)
    static func fits(_ v: Double, _ d: Int) -> Bool {
        let power = powers[d]
        let x = (v * power).rounded()
        return x.magnitude < scaledMagnitudeLimit && (Double(Int64(x)) / power).bitPattern == v.bitPattern
    }

    /// The smallest scale at which `v` round-trips, or -1 when none does (NaN, infinities,
    /// -0.0, non-decimal noise, huge magnitudes). `hint` (the previous value's scale) is
    /// tried first: when `v` fits it and not one below, that is the answer, so a series of
    /// one scale costs two checks a value instead of a search.
    static func minimalScale(_ v: Double, hint: Int = -1) -> Int {
        guard v.isFinite else { return -1 }
        if hint >= 0 && fits(v, hint) && (hint == 0 || !fits(v, hint - 1)) { return hint }
        for d in 0...scaleMax {
            let power = powers[d]
            let x = (v * power).rounded()
            if !(x.magnitude < scaledMagnitudeLimit) { return -1 }
            if (Double(Int64(x)) / power).bitPattern == v.bitPattern { return d }
        }
        return -1
    }
}
