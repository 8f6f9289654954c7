/// A column of doubles that are mostly short decimals, as sensors report them
/// (docs/format/columns.md, "DoubleColumn").
///
/// Each frame picks the cheaper of two schemes:
/// - decimal: a scale d (0...18) at which the values are integers, `Double(s) / 10^d`
///   giving back the exact bit pattern; the scaled integers are coded as an integer frame
///   (deltas or delta-of-deltas, common divisor, adaptive Rice groups). Values that do not
///   fit the scale (NaN, infinities, -0.0, float noise) are exceptions stored raw. The
///   scale is chosen per frame by exact cost among three candidates: the smallest scales
///   that cover half and nine in ten of the values, and the one that covers them all.
/// - rational: long decimals that are fractions ("46.6933333333333" = 140.08 / 3) as
///   numerators over a small denominator found per frame (see `RationalScale`), at the
///   frame's scale or, in significant-digit frames, at each value's own scale; same
///   exceptions. Tried only for frames that still cost more than 2 bytes a value.
/// - XOR: Gorilla's XOR of IEEE bit patterns, for frames that are not decimal.
/// Every double round-trips bit for bit.
public enum DoubleColumn {
    /// Frame kinds (the frame's first byte).
    static let kindDecimal: UInt8 = 0
    static let kindXOR: UInt8 = 1
    static let kindRational: UInt8 = 2
    /// Rational with a scale per value from P significant digits (the byte after the kind
    /// is P, not a scale).
    static let kindRationalDigits: UInt8 = 3
    /// Bytes an exception costs besides its position varint: the raw 64 bits.
    static let exceptionValueBytes = 8

    /// Encodes `values` in frames of 128.
    public static func encode(_ values: [Double]) -> [UInt8] {
        encode(values, frameSizeLog2: ColumnScheme.frameSizeLog2Default)
    }

    /// Encodes `values` in frames of `1 << frameSizeLog2` values (3...12).
    public static func encode(_ values: [Double], frameSizeLog2: Int) -> [UInt8] {
        var column = ColumnWriter(scheme: .double, frameSizeLog2: frameSizeLog2, count: values.count)
        var encoder = DoubleFrameEncoder(frameSize: column.frameSize)
        values.withUnsafeBufferPointer { all in
            var start = 0
            while start < all.count {
                let end = min(start + column.frameSize, all.count)
                encoder.encode(UnsafeBufferPointer(rebasing: all[start..<end]), into: &column.frames)
                column.endFrame()
                start = end
            }
        }
        return column.finish()
    }

    /// Decodes all `count` values.
    public static func decode(_ bytes: UnsafeRawBufferPointer, count: Int) throws(CodecError) -> [Double] {
        try decode(bytes, count: count, range: 0..<max(0, count))
    }

    /// Decodes the values in `range` (within `0..<count`), reading only the frames that
    /// cover it.
    public static func decode(_ bytes: UnsafeRawBufferPointer, count: Int, range: Range<Int>) throws(CodecError) -> [Double] {
        var column = try ColumnReader(bytes, count: count, scheme: .double)
        try column.readTable()
        return try column.decode(range: range) { (k, frame, limit, out) throws(CodecError) in
            try decodeFrame(frame, count: column.values(ofFrame: k).count, limit: limit, into: out)
        }
    }

    /// Decodes the value at `index` (within `0..<count`) alone: one frame up to the value,
    /// without allocating. What a point read (`get(at:)`) uses.
    public static func value(_ bytes: UnsafeRawBufferPointer, count: Int, at index: Int) throws(CodecError) -> Double {
        var column = try ColumnReader(bytes, count: count, scheme: .double)
        try column.readTable()
        return try column.decodeLast(at: index) { (k, frame, limit) throws(CodecError) -> Double in
            try decodeLast(frame, count: column.values(ofFrame: k).count, limit: limit)
        }
    }

    /// Value `limit - 1` of a frame of `count` values alone: a decimal frame sums its
    /// integers' residuals up to it (`IntFrameCode.decodeLast`) and converts that one; an
    /// XOR frame decodes up to it.
    static func decodeLast(_ bytes: UnsafeRawBufferPointer, count: Int, limit: Int) throws(CodecError) -> Double {
        var header = ByteReader(bytes)
        let kind = try header.readByte()
        guard kind != kindXOR else {
            return try Scratch.last(Double.self, count: limit) { (out) throws(CodecError) in
                try decodeFrame(bytes, count: count, limit: limit, into: out)
            }
        }
        guard kind == kindDecimal || kind == kindRational || kind == kindRationalDigits else {
            throw CodecError(message: "unknown frame kind \(kind)", offset: 0)
        }
        let h = try DecimalFrameHeader(bytes, kind: kind, count: count)
        var raw: UInt64? = nil
        try h.forEachException(in: bytes, before: limit) { p, bits in if p == limit - 1 { raw = bits } }
        let m = try IntFrameCode.decodeLast(
            UnsafeRawBufferPointer(rebasing: bytes[h.intsStart...]), count: count, limit: limit, base: 0, baseDelta: 0)
        if let raw { return Double(bitPattern: raw) }
        return h.double(m)
    }

    /// Decodes the first `limit` of a frame's `count` values.
    static func decodeFrame(
        _ bytes: UnsafeRawBufferPointer, count: Int, limit: Int, into out: UnsafeMutablePointer<Double>
    ) throws(CodecError) {
        var header = ByteReader(bytes)
        let kind = try header.readByte()
        switch kind {
        case kindXOR:
            var r = BitReader(UnsafeRawBufferPointer(rebasing: bytes[1...]))
            try XORFrameCode.decode(&r, limit: limit, into: out)
            if r.isOverrun {
                throw CodecError(message: "XOR stream runs past the frame's end (truncated or corrupt)", offset: 1)
            }
            if limit == count && r.bitCapacity - r.bitPosition >= 8 {
                throw CodecError(message: "\((r.bitCapacity - r.bitPosition) / 8) bytes after the XOR stream's end (corrupt frame)", offset: 1)
            }
        case kindDecimal, kindRational, kindRationalDigits:
            let h = try DecimalFrameHeader(bytes, kind: kind, count: count)
            // The integers are decoded into the output's memory, then replaced by their
            // doubles in place: raw loads and stores, and the memory bound back to Double.
            let raw = UnsafeMutableRawPointer(out)
            let ints = raw.bindMemory(to: Int64.self, capacity: limit)
            try IntFrameCode.decode(
                UnsafeRawBufferPointer(rebasing: bytes[h.intsStart...]), count: count, limit: limit, base: 0, baseDelta: 0,
                into: ints)
            _ = raw.bindMemory(to: Double.self, capacity: limit)
            let scale = h.scale, base = h.base, denominator = h.denominator
            let power = DecimalScale.powers[scale]
            var i = 0
            if kind == kindDecimal {
                while i < limit {
                    let m = raw.load(fromByteOffset: i &* 8, as: Int64.self)
                    raw.storeBytes(of: Double(m) / power, toByteOffset: i &* 8, as: Double.self)
                    i &+= 1
                }
            } else if kind == kindRational {
                let factor = RationalScale.integerPowers[scale - base]
                while i < limit {
                    let m = raw.load(fromByteOffset: i &* 8, as: Int64.self)
                    raw.storeBytes(of: RationalScale.value(m, factor: factor, denominator: denominator, power: power), toByteOffset: i &* 8, as: Double.self)
                    i &+= 1
                }
            } else {
                while i < limit {
                    let m = raw.load(fromByteOffset: i &* 8, as: Int64.self)
                    raw.storeBytes(of: RationalScale.value(m, base: base, denominator: denominator, digits: scale), toByteOffset: i &* 8, as: Double.self)
                    i &+= 1
                }
            }
            try h.forEachException(in: bytes, before: limit) { p, bits in out[p] = Double(bitPattern: bits) }
        default:
            throw CodecError(message: "unknown frame kind \(kind)", offset: 0)
        }
    }
}
