/// Encodes frames of a `DoubleColumn`, choosing per frame between the decimal scheme at
/// the cheapest scale and the XOR fallback (docs/format/columns.md, "DoubleColumn"). Its
/// buffers are reused from frame to frame.
struct DoubleFrameEncoder {
    private var scales: [Int8]
    private var histogram = [Int](repeating: 0, count: DecimalScale.scaleMax + 1)
    private var scaled: [Int64]
    private var exceptions: [Int]
    private var trial = ByteWriter(capacity: 2048)
    private var best = ByteWriter(capacity: 2048)
    private var xorBits = BitWriter(capacity: 2048)
    private var ints = IntFrameEncoder()

    /// An encoder for frames of at most `frameSize` values.
    init(frameSize: Int) {
        scales = []
        scales.reserveCapacity(frameSize)
        scaled = []
        scaled.reserveCapacity(frameSize)
        exceptions = []
        exceptions.reserveCapacity(frameSize)
    }

    /// Appends the frame of `values` (at least one) to `out`.
    mutating func encode(_ values: UnsafeBufferPointer<Double>, into out: inout ByteWriter) {
        let n = values.count
        for d in histogram.indices { histogram[d] = 0 }
        scales.removeAll(keepingCapacity: true)
        var hint = -1
        for v in values {
            let d = DecimalScale.minimalScale(v, hint: hint)
            scales.append(Int8(d))
            if d >= 0 {
                histogram[d] += 1
                hint = d
            }
        }
        let xorBytes = 1 + (XORFrameCode.cost(values) + 7) / 8
        var bestBytes = Int.max
        best.removeAll()
        // Candidate scales: the smallest that covers half the values, the smallest that
        // covers nine in ten, and the one that covers every decimal value.
        var covered = 0
        var candidates: [Int] = []
        var decimalCount = 0
        for d in 0...DecimalScale.scaleMax { decimalCount += histogram[d] }
        for d in 0...DecimalScale.scaleMax where histogram[d] > 0 {
            covered += histogram[d]
            if candidates.isEmpty && 2 * covered >= n { candidates.append(d) }
            if 10 * covered >= 9 * n && (candidates.last ?? -1) < d && candidates.count < 2 { candidates.append(d) }
            if covered == decimalCount && (candidates.last ?? -1) < d && !candidates.isEmpty { candidates.append(d) }
        }
        for d in candidates {
            trial.removeAll()
            guard tryDecimal(values, scale: d) else { continue }
            if trial.count < bestBytes && trial.count < xorBytes {
                bestBytes = trial.count
                swap(&best, &trial)
            }
        }
        // Long decimals that are fractions: try numerators over small denominators at the
        // largest scale, when the frame still costs more than 2 bytes a value.
        if let d = candidates.last, d >= RationalScale.frameScaleMin, min(bestBytes, xorBytes) > 2 * n {
            // The significant digits most values were printed with.
            var digitsSeen = [Int](repeating: 0, count: 20)
            for (i, v) in values.enumerated() {
                let p = RationalScale.significantDigits(v, scale: Int(scales[i]))
                if p > 0 && p < digitsSeen.count { digitsSeen[p] += 1 }
            }
            var digits = 0
            for p in digitsSeen.indices where digitsSeen[p] > digitsSeen[digits] { digits = p }
            for (b, q) in RationalScale.candidates(values) where b < d {
                if bestBytes <= n { break }
                if promising(values, scale: d, base: b, denominator: q) {
                    trial.removeAll()
                    if tryRational(values, scale: d, base: b, denominator: q, digits: 0), trial.count < bestBytes, trial.count < xorBytes {
                        bestBytes = trial.count
                        swap(&best, &trial)
                    }
                }
                if digits > b && promising(values, digits: digits, base: b, denominator: q) {
                    trial.removeAll()
                    if tryRational(values, scale: 0, base: b, denominator: q, digits: digits), trial.count < bestBytes, trial.count < xorBytes {
                        bestBytes = trial.count
                        swap(&best, &trial)
                    }
                }
            }
        }
        if bestBytes <= xorBytes {
            out.write(contentsOf: best.bytes)
        } else {
            out.write(DoubleColumn.kindXOR)
            XORFrameCode.encode(values, into: &xorBits)
            xorBits.finish(into: &out)
        }
    }

    /// True when most of the first 16 values fit `digits` significant digits: worth a trial.
    private func promising(_ values: UnsafeBufferPointer<Double>, digits p: Int, base b: Int, denominator q: Int64) -> Bool {
        var fits = 0
        let checked = min(values.count, 16)
        for i in 0..<checked where RationalScale.numerator(values[i], digits: p, base: b, denominator: q) != nil { fits += 1 }
        return 4 * fits >= 3 * checked
    }

    /// True when most of the first 16 values fit the rational scale: worth a trial.
    private func promising(_ values: UnsafeBufferPointer<Double>, scale d: Int, base b: Int, denominator q: Int64) -> Bool {
        var fits = 0
        let checked = min(values.count, 16)
        for i in 0..<checked where RationalScale.numerator(values[i], scale: d, base: b, denominator: q) != nil { fits += 1 }
        return 4 * fits >= 3 * checked
    }

    /// Writes the rational frame of `values` into `trial`, at scale `d`, or with `digits`
    /// significant digits when that is not 0; false when no value fits.
    private mutating func tryRational(_ values: UnsafeBufferPointer<Double>, scale d: Int, base b: Int, denominator q: Int64, digits: Int) -> Bool {
        let anyFit = scale(values) { _, v in
            digits == 0
                ? RationalScale.numerator(v, scale: d, base: b, denominator: q)
                : RationalScale.numerator(v, digits: digits, base: b, denominator: q)
        }
        guard anyFit else { return false }
        if digits == 0 {
            trial.write(DoubleColumn.kindRational)
            trial.write(UInt8(d))
        } else {
            trial.write(DoubleColumn.kindRationalDigits)
            trial.write(UInt8(digits))
        }
        trial.write(UInt8(b))
        trial.writeVarint(UInt64(q))
        writeExceptionsAndIntegers(values)
        return true
    }

    /// Fills `scaled` with `fit` of each value (given its position), in order, and `exceptions` with the
    /// positions of values that do not fit; false when none fits. An exception's place in
    /// `scaled` takes a placeholder that costs nothing: the previous value (a zero delta),
    /// or for leading exceptions the first value that fits.
    @inline(__always)
    private mutating func scale(_ values: UnsafeBufferPointer<Double>, _ fit: (Int, Double) -> Int64?) -> Bool {
        scaled.removeAll(keepingCapacity: true)
        exceptions.removeAll(keepingCapacity: true)
        var firstFit: Int64? = nil
        for (i, v) in values.enumerated() {
            if let m = fit(i, v) {
                if firstFit == nil { firstFit = m }
                scaled.append(m)
            } else {
                exceptions.append(i)
                scaled.append(scaled.last ?? 0)
            }
        }
        guard let firstFit else { return false }
        var i = 0
        while i < exceptions.count && exceptions[i] == i {
            scaled[i] = firstFit
            i += 1
        }
        return true
    }

    /// Appends the exception list and the integer frame of `scaled` to `trial`.
    private mutating func writeExceptionsAndIntegers(_ values: UnsafeBufferPointer<Double>) {
        trial.writeVarint(UInt64(exceptions.count))
        var previous = -1
        for p in exceptions {
            trial.writeVarint(UInt64(p - previous - 1))
            trial.writeLE(values[p].bitPattern)
            previous = p
        }
        scaled.withUnsafeBufferPointer { ints.encode($0, base: 0, baseDelta: 0, into: &trial) }
    }

    /// Writes the decimal frame of `values` at scale `d` into `trial`; false when no value
    /// fits the scale.
    private mutating func tryDecimal(_ values: UnsafeBufferPointer<Double>, scale d: Int) -> Bool {
        let power = DecimalScale.powers[d]
        let scales = self.scales
        let anyFit = scale(values) { i, v in
            scales[i] >= 0 && Int(scales[i]) <= d ? DecimalScale.scaled(v, d, power: power) : nil
        }
        guard anyFit else { return false }
        trial.write(DoubleColumn.kindDecimal)
        trial.write(UInt8(d))
        writeExceptionsAndIntegers(values)
        return true
    }
}
