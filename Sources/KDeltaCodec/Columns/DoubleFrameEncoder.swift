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
        if bestBytes <= xorBytes {
            out.write(contentsOf: best.bytes)
        } else {
            out.write(DoubleColumn.kindXOR)
            XORFrameCode.encode(values, into: &xorBits)
            xorBits.finish(into: &out)
        }
    }

    /// Writes the decimal frame of `values` at scale `d` into `trial`; false when no value
    /// fits the scale.
    private mutating func tryDecimal(_ values: UnsafeBufferPointer<Double>, scale d: Int) -> Bool {
        let power = DecimalScale.powers[d]
        scaled.removeAll(keepingCapacity: true)
        exceptions.removeAll(keepingCapacity: true)
        var firstFit: Int64? = nil
        for (i, v) in values.enumerated() {
            let s = scales[i] >= 0 && Int(scales[i]) <= d ? DecimalScale.scaled(v, d, power: power) : nil
            if let s {
                if firstFit == nil { firstFit = s }
                scaled.append(s)
            } else {
                exceptions.append(i)
                // A placeholder that costs nothing: the previous value (a zero delta).
                scaled.append(scaled.last ?? 0)
            }
        }
        guard let firstFit else { return false }
        // Leading exceptions take the first fitting value, for the same reason.
        var i = 0
        while i < exceptions.count && exceptions[i] == i {
            scaled[i] = firstFit
            i += 1
        }
        trial.write(DoubleColumn.kindDecimal)
        trial.write(UInt8(d))
        trial.writeVarint(UInt64(exceptions.count))
        var previous = -1
        for p in exceptions {
            trial.writeVarint(UInt64(p - previous - 1))
            trial.writeLE(values[p].bitPattern)
            previous = p
        }
        scaled.withUnsafeBufferPointer { ints.encode($0, base: 0, baseDelta: 0, into: &trial) }
        return true
    }
}
