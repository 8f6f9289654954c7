/// A decimal, rational or significant-digit frame's header in a `DoubleColumn`, read and
/// checked (docs/format/columns.md, "DoubleColumn"): the scale, the rational base and
/// denominator, where the exception list and the integer frame start.
struct DecimalFrameHeader {
    /// `DoubleColumn.kindDecimal`, `kindRational` or `kindRationalDigits`.
    let kind: UInt8
    /// The scale (significant digits for `kindRationalDigits`).
    let scale: Int
    /// The rational frames' base scale (the scale for decimal frames) and denominator.
    let base: Int
    let denominator: Int64
    /// Exceptions, and where their list starts.
    let exceptionCount: Int
    let listStart: Int
    /// Where the integer frame of scaled values starts.
    let intsStart: Int

    /// Reads the header after the kind byte of a frame of `count` values, walking the
    /// exception list to find the integer frame.
    init(_ bytes: UnsafeRawBufferPointer, kind: UInt8, count: Int) throws(CodecError) {
        var header = ByteReader(bytes, offset: 1)
        self.kind = kind
        // kindRationalDigits: this byte is the significant digits, not a scale.
        scale = Int(try header.readByte())
        guard scale <= DecimalScale.scaleMax else {
            throw CodecError(message: "decimal scale \(scale) is above \(DecimalScale.scaleMax)", offset: 1)
        }
        var base = scale
        var denominator: Int64 = 1
        if kind != DoubleColumn.kindDecimal {
            base = Int(try header.readByte())
            let q = try header.readVarint()
            guard base < scale && q >= 2 && q <= RationalScale.denominatorMax else {
                throw CodecError(message: "rational frame with base scale \(base), scale or digits \(scale), denominator \(q)", offset: 2)
            }
            denominator = Int64(q)
        }
        self.base = base
        self.denominator = denominator
        let exceptionsAt = header.offset
        let exceptions = try header.readVarint()
        guard exceptions < UInt64(count) else {
            throw CodecError(message: "\(exceptions) exceptions in a frame of \(count) values (at least one must be decimal)", offset: exceptionsAt)
        }
        exceptionCount = Int(exceptions)
        // The exceptions come first; the integer frame follows them.
        listStart = header.offset
        var position = -1
        for _ in 0..<exceptionCount {
            let gap = try header.readVarint()
            guard gap < UInt64(count) else {
                throw CodecError(message: "exception gap \(gap) is outside the frame's \(count) values", offset: header.offset)
            }
            position += Int(gap) + 1
            guard position < count else {
                throw CodecError(message: "exception position \(position) is outside the frame's \(count) values", offset: header.offset)
            }
            _ = try header.readBytes(DoubleColumn.exceptionValueBytes)
        }
        intsStart = header.offset
    }

    /// The exceptions before position `limit`, in order: (position, raw bits).
    func forEachException(in bytes: UnsafeRawBufferPointer, before limit: Int, _ body: (Int, UInt64) -> Void) throws(CodecError) {
        var list = ByteReader(bytes, offset: listStart)
        var position = -1
        for _ in 0..<exceptionCount {
            position += Int(try list.readVarint()) + 1
            let bits = try list.readLE(UInt64.self)
            if position >= limit { break }
            body(position, bits)
        }
    }

    /// The double a scaled integer `m` stands for (one value; the decode loops inline
    /// these formulas per kind).
    func double(_ m: Int64) -> Double {
        let power = DecimalScale.powers[scale]
        switch kind {
        case DoubleColumn.kindDecimal: return Double(m) / power
        case DoubleColumn.kindRational:
            return RationalScale.value(m, factor: RationalScale.integerPowers[scale - base], denominator: denominator, power: power)
        default: return RationalScale.value(m, base: base, denominator: denominator, digits: scale)
        }
    }
}
