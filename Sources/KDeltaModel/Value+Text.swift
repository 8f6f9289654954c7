/// Values from the text people type and files carry, following the InfluxDB line
/// protocol's conventions, which sensor tooling already speaks.
///
/// `Value.parse(text:)` reads, in this order:
/// - `""` (empty): refused; an empty string is written `""`.
/// - `{...}` or `[...]`: a JSON document (`.document`). Invalid JSON is an error, not
///   silently a string: a half-typed document should not be stored as text.
/// - `"..."`: one JSON string (escapes allowed); its content becomes `.string`. Use it for
///   text that would otherwise read as a number or a word below (`"42"`, `"true"`).
/// - a decimal number, optionally signed, with optional fraction and exponent (`21.5`,
///   `-3`, `.5`, `1e-3`), or `NaN`, `Inf`, `+Inf`, `-Inf`, `Infinity` in any case:
///   `.double`, correctly rounded. Like the line protocol, a plain number is a double;
///   a number beyond ±1.8e308 is refused rather than read as infinity, and a non-zero one
///   below the smallest subnormal (`1e-400`) rather than read as zero (`1e-310`, a
///   subnormal, is kept).
/// - a NUL byte in text is refused: no one types one, and a file cut short by a power
///   loss ends in zeroed bytes (`21\0\0\0\0` would be text that prints as `21`).
/// - an integer with the suffix `i` (`42i`, `-7i`): `.int`; it must fit an `Int64`.
/// - `true` or `false` exactly: `.bool` (the line protocol's `t`, `T`, `True`... are text
///   here, to keep the rule short).
/// - anything else: `.string`, as is, whitespace included.
extension Value {
    /// Reads a value from text by the rules above.
    public static func parse(text: String) throws(ValueTextError) -> Value {
        var text = text
        let result = text.withUTF8 { bytes in captureParse(bytes) }
        switch result {
        case .success(let value): return value
        case .failure(let error): throw error
        }
    }

    /// Runs `parse(textBytes:)` where a non-throwing closure needs it: Swift 6.0 types the
    /// error of a do/catch inside a closure as `any Error`, so it travels as a value.
    static func captureParse(_ bytes: UnsafeBufferPointer<UInt8>) -> Result<Value, ValueTextError> {
        do {
            return .success(try parse(textBytes: bytes))
        } catch {
            return .failure(error)
        }
    }

    /// Reads a value from UTF-8 bytes by the rules of `parse(text:)`; the batch importer's
    /// entry point, which allocates nothing for numbers, ints and bools.
    public static func parse(textBytes bytes: UnsafeBufferPointer<UInt8>) throws(ValueTextError) -> Value {
        let n = bytes.count
        guard n > 0 else { throw ValueTextError(code: .empty, text: "", byteOffset: 0) }
        let first = bytes[0]
        switch first {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
             UInt8(ascii: "I"), UInt8(ascii: "i"), UInt8(ascii: "N"), UInt8(ascii: "n"):
            if let d = parseNumberFast(bytes) {
                if d.isInfinite, !isInfinityWord(bytes) {
                    throw ValueTextError(code: .numberOutOfRange, text: shortText(bytes), byteOffset: 0)
                }
                if d == 0, underflowsToZero(bytes) {
                    throw ValueTextError(code: .numberTooSmall, text: shortText(bytes), byteOffset: 0)
                }
                return .double(d)
            }
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            guard n <= Limits.valueBytesMax else {
                throw ValueTextError(code: .tooLong, text: shortText(bytes), byteOffset: Limits.valueBytesMax)
            }
            let document: JSONValue
            do {
                document = try JSONParser.parse(bytes, bytesMax: Limits.valueBytesMax)
            } catch {
                throw ValueTextError(code: .invalidDocument, text: shortText(bytes), byteOffset: error.byteOffset, json: error)
            }
            // The canonical text is what is stored, and it can be longer than the input
            // (`1e2` is `100.0`), so the limit applies to it as well.
            var canonical: [UInt8] = []
            canonical.reserveCapacity(n)
            document.writeCanonical(into: &canonical)
            guard canonical.count <= Limits.valueBytesMax else {
                throw ValueTextError(code: .tooLong, text: shortText(bytes), byteOffset: 0)
            }
            return .document(document)
        case UInt8(ascii: "\""):
            do {
                // The quotes add two bytes to the content's limit.
                let json = try JSONParser.parse(bytes, bytesMax: Limits.valueBytesMax + 2)
                guard case .string(let s) = json else {
                    preconditionFailure("JSON text starting with '\"' parsed as \(json)")
                }
                return .string(s)
            } catch {
                throw ValueTextError(code: .invalidString, text: shortText(bytes), byteOffset: error.byteOffset, json: error)
            }
        default:
            break
        }
        if n >= 2, bytes[n - 1] == UInt8(ascii: "i") {
            let body = UnsafeBufferPointer(rebasing: bytes[0..<n - 1])
            switch parseInteger(body) {
            case .value(let i): return .int(i)
            case .overflow: throw ValueTextError(code: .integerOutOfRange, text: shortText(bytes), byteOffset: 0)
            case .notInteger:
                if parseNumberFast(body) != nil {
                    throw ValueTextError(code: .notAnInteger, text: shortText(bytes), byteOffset: 0)
                }
            }
        }
        if n == 4, bytes[0] == UInt8(ascii: "t"), bytes[1] == UInt8(ascii: "r"), bytes[2] == UInt8(ascii: "u"),
           bytes[3] == UInt8(ascii: "e") {
            return .bool(true)
        }
        if n == 5, bytes[0] == UInt8(ascii: "f"), bytes[1] == UInt8(ascii: "a"), bytes[2] == UInt8(ascii: "l"),
           bytes[3] == UInt8(ascii: "s"), bytes[4] == UInt8(ascii: "e") {
            return .bool(false)
        }
        guard n <= Limits.valueBytesMax else {
            throw ValueTextError(code: .tooLong, text: shortText(bytes), byteOffset: Limits.valueBytesMax)
        }
        if let nul = bytes.firstIndex(of: 0) {
            throw ValueTextError(code: .nulByte, text: shortText(bytes), byteOffset: nul)
        }
        let s = String(decoding: bytes, as: UTF8.self)
        if let bad = firstInvalidUTF8Offset(bytes, decoded: s) {
            throw ValueTextError(code: .invalidUTF8, text: shortText(bytes), byteOffset: bad)
        }
        return .string(s)
    }

    /// Reads a value typed on the command line: as `parse(text:)`, but blanks around what
    /// would otherwise read as a number, a bool or JSON (`' 21.5'`, `'true '`) are refused
    /// (`blankAroundValue`, at the first blank) rather than stored as text that prints
    /// like the number and that every aggregation skips. A typo is likelier than such
    /// text, and trimming silently would store something else than was typed; text is
    /// still written JSON-quoted (`'" 21.5"'`). Blanks are whitespace and the characters
    /// a terminal does not show (`DisplayText.isHidden`).
    public static func parse(argument text: String) throws(ValueTextError) -> Value {
        let value = try parse(text: text)
        guard case .string = value else { return value }
        let core = trimmingBlanks(Substring(text))
        guard core.utf8.count != text.utf8.count, !core.isEmpty, reads(core, asOtherThan: core) else { return value }
        let blank = isBlank(text.unicodeScalars.first!) ? text.startIndex : core.endIndex
        throw ValueTextError(
            code: .blankAroundValue, text: shortText(text), byteOffset: text.utf8.distance(from: text.startIndex, to: blank),
            scalar: text.unicodeScalars[blank])
    }

    /// The first 64 bytes of `text`, for an error.
    static func shortText(_ text: String) -> String {
        var text = text
        return text.withUTF8 { shortText($0) }
    }

    /// Reads a decimal number (`21.5`, `-3`, `.5`, `5.`, `1e-3`, `+2E+08`) or `NaN`, `Inf`,
    /// `Infinity` (any case; the infinities optionally signed) into the nearest double, and
    /// nil for any other text. Overflow gives ±infinity and underflow ±0, as
    /// `Double(String)` does, whose results this matches bit for bit.
    ///
    /// Fast because sensor values are short decimals: up to 19 significant digits are
    /// gathered into a `UInt64`, and when that mantissa is at most 2^53 and the decimal
    /// exponent within ±22 (Clinger's fast path), one multiplication or division by an
    /// exactly representable power of ten is correctly rounded. Longer mantissas with an
    /// exponent within ±19 (`19.890000000000001`, as exports print values) take exact 128-bit
    /// integer arithmetic (`longMantissaDouble`). Anything else (more than 19 significant
    /// digits, large exponents) goes to the C library's correctly rounded `strtod` through
    /// `Double(String)`.
    public static func parseNumberFast(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        let n = bytes.count
        guard n > 0 else { return nil }
        var i = 0
        var negative = false
        if bytes[0] == UInt8(ascii: "-") {
            negative = true
            i = 1
        } else if bytes[0] == UInt8(ascii: "+") {
            i = 1
        }
        guard i < n else { return nil }
        let lead = bytes[i] | 0x20
        if lead == UInt8(ascii: "i") || lead == UInt8(ascii: "n") {
            return parseSpecial(bytes, from: i, negative: negative, signed: i == 1)
        }
        var mantissa: UInt64 = 0
        var significant = 0
        var exp10 = 0
        var exact = true
        var sawDigit = false
        while i < n {
            let d = bytes[i] &- UInt8(ascii: "0")
            guard d < 10 else { break }
            sawDigit = true
            if significant < 19 {
                if mantissa != 0 || d != 0 {
                    mantissa = mantissa &* 10 &+ UInt64(d)
                    significant += 1
                }
            } else {
                exp10 += 1
                if d != 0 { exact = false }
            }
            i += 1
        }
        if i < n, bytes[i] == UInt8(ascii: ".") {
            i += 1
            while i < n {
                let d = bytes[i] &- UInt8(ascii: "0")
                guard d < 10 else { break }
                sawDigit = true
                if significant < 19 {
                    if mantissa != 0 || d != 0 {
                        mantissa = mantissa &* 10 &+ UInt64(d)
                        significant += 1
                    }
                    exp10 -= 1
                } else if d != 0 {
                    exact = false
                }
                i += 1
            }
        }
        guard sawDigit else { return nil }
        if i < n, bytes[i] | 0x20 == UInt8(ascii: "e") {
            i += 1
            var expNegative = false
            if i < n, bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+") {
                expNegative = bytes[i] == UInt8(ascii: "-")
                i += 1
            }
            var e = 0
            var sawExpDigit = false
            while i < n {
                let d = bytes[i] &- UInt8(ascii: "0")
                guard d < 10 else { break }
                sawExpDigit = true
                if e < 1_000_000 { e = e * 10 + Int(d) }
                i += 1
            }
            guard sawExpDigit else { return nil }
            exp10 += expNegative ? -e : e
        }
        guard i == n else { return nil }
        if mantissa == 0 { return negative ? -0.0 : 0.0 }
        if exact, mantissa <= 1 << 53 {
            var m = mantissa
            var e = exp10
            if e > 22, e <= 22 + 15 {
                // 12e25 is 12000e22: move exponent into the mantissa while it stays exact.
                let (scaled, overflow) = m.multipliedReportingOverflow(by: powersOfTenInt[e - 22])
                if !overflow, scaled <= 1 << 53 {
                    m = scaled
                    e = 22
                }
            }
            if e >= -22 && e <= 22 {
                var d = Double(m)
                if e > 0 { d *= powersOfTen[e] } else if e < 0 { d /= powersOfTen[-e] }
                return negative ? -d : d
            }
        }
        if exact, exp10 >= -19, exp10 <= 19 {
            // Long mantissas, as exports print them (19.890000000000001): exact integer
            // arithmetic on 128 bits, rounded once.
            let d = longMantissaDouble(mantissa, exp10)
            return negative ? -d : d
        }
        // Rare: correctly rounded by the C library (strtod_l in the C locale).
        return Double(String(decoding: bytes, as: UTF8.self))
    }

    /// `mantissa` × 10^`exp10`, correctly rounded, for a mantissa below 10^19 and an exponent
    /// within ±19, where 10^|exp10| fits a `UInt64`.
    ///
    /// A non-negative exponent is one exact 64 × 64 → 128-bit product. A negative one is
    /// the quotient of the mantissa, shifted left until the quotient has 56 or 57 bits, by
    /// 10^-exp10: one 128 / 64-bit division whose remainder says whether anything was cut
    /// off. Either way the 128-bit integer is then rounded to 53 bits, half to even.
    static func longMantissaDouble(_ mantissa: UInt64, _ exp10: Int) -> Double {
        if exp10 >= 0 {
            let (hi, lo) = mantissa.multipliedFullWidth(by: powersOfTenUInt64[exp10])
            return roundedDouble(hi: hi, lo: lo, sticky: false, binaryExponent: 0)
        }
        let divisor = powersOfTenUInt64[-exp10]
        let mantissaBits = 64 - mantissa.leadingZeroBitCount
        let divisorBits = 64 - divisor.leadingZeroBitCount
        // mantissa << shift >= 2^55 * divisor, so the quotient has at least 56 bits; it has
        // at most 57, so it fits a UInt64 and `hi < divisor` holds for the division.
        let shift = max(0, 56 + divisorBits - mantissaBits)
        let hi: UInt64
        let lo: UInt64
        if shift == 0 {
            (hi, lo) = (0, mantissa)
        } else if shift < 64 {
            (hi, lo) = (mantissa >> UInt64(64 - shift), mantissa << UInt64(shift))
        } else {
            (hi, lo) = (mantissa << UInt64(shift - 64), 0)
        }
        let (quotient, remainder) = divisor.dividingFullWidth((high: hi, low: lo))
        return roundedDouble(hi: 0, lo: quotient, sticky: remainder != 0, binaryExponent: -shift)
    }

    /// The 128-bit integer `hi:lo` (plus a sticky bit for anything below it) rounded to 53
    /// bits, half to even, times 2^`binaryExponent`. The callers' values are normal doubles.
    static func roundedDouble(hi: UInt64, lo: UInt64, sticky: Bool, binaryExponent: Int) -> Double {
        let bits = hi != 0 ? 128 - hi.leadingZeroBitCount : 64 - lo.leadingZeroBitCount
        if bits <= 53 {
            return Double(sign: .plus, exponent: binaryExponent, significand: Double(lo))
        }
        let cut = bits - 53
        @inline(__always) func shiftedRight(_ n: Int) -> UInt64 {
            if n == 0 { return lo }
            if n < 64 { return lo >> UInt64(n) | hi << UInt64(64 - n) }
            return hi >> UInt64(n - 64)
        }
        var significand = shiftedRight(cut)
        let roundBit = shiftedRight(cut - 1) & 1 == 1
        let belowRound: Bool
        if cut - 1 >= 64 {
            belowRound = lo != 0 || hi & ((1 << UInt64(cut - 1 - 64)) - 1) != 0
        } else {
            belowRound = lo & ((1 << UInt64(cut - 1)) - 1) != 0
        }
        if roundBit && (belowRound || sticky || significand & 1 == 1) { significand += 1 }
        return Double(sign: .plus, exponent: binaryExponent + cut, significand: Double(significand))
    }

    /// 10^0 ... 10^19: every power of ten a `UInt64` holds.
    static let powersOfTenUInt64: [UInt64] = [
        1, 10, 100, 1000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000,
        1_000_000_000, 10_000_000_000, 100_000_000_000, 1_000_000_000_000,
        10_000_000_000_000, 100_000_000_000_000, 1_000_000_000_000_000,
        10_000_000_000_000_000, 100_000_000_000_000_000, 1_000_000_000_000_000_000,
        10_000_000_000_000_000_000
    ]

    /// Reads a decimal number from a string; see the buffer overload.
    public static func parseNumberFast(_ text: String) -> Double? {
        var text = text
        return text.withUTF8 { parseNumberFast($0) }
    }

    /// Reads a decimal number from any collection of bytes; see the buffer overload.
    public static func parseNumberFast<Bytes: Collection>(_ bytes: Bytes) -> Double? where Bytes.Element == UInt8 {
        if let d = bytes.withContiguousStorageIfAvailable({ parseNumberFast($0) }) { return d }
        return Array(bytes).withUnsafeBufferPointer { parseNumberFast($0) }
    }

    /// 10^0 ... 10^22: the powers of ten that a double holds exactly.
    static let powersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22
    ]

    /// 10^0 ... 10^15 as integers, for shifting exponent into a short mantissa.
    static let powersOfTenInt: [UInt64] = [
        1, 10, 100, 1000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000,
        1_000_000_000, 10_000_000_000, 100_000_000_000, 1_000_000_000_000,
        10_000_000_000_000, 100_000_000_000_000, 1_000_000_000_000_000
    ]

    /// `nan`, `inf`, `infinity` in any case after an optional sign; NaN takes no sign.
    static func parseSpecial(_ bytes: UnsafeBufferPointer<UInt8>, from i: Int, negative: Bool, signed: Bool) -> Double? {
        let rest = UnsafeBufferPointer(rebasing: bytes[i...])
        if !signed, matchesLowercased(rest, "nan") { return .nan }
        if matchesLowercased(rest, "inf") || matchesLowercased(rest, "infinity") {
            return negative ? -.infinity : .infinity
        }
        return nil
    }

    static func matchesLowercased(_ bytes: UnsafeBufferPointer<UInt8>, _ word: StaticString) -> Bool {
        guard bytes.count == word.utf8CodeUnitCount else { return false }
        let w = word.utf8Start
        for k in 0..<bytes.count where bytes[k] | 0x20 != w[k] { return false }
        return true
    }

    /// Whether a number that read as zero was written with a non-zero digit in its
    /// mantissa (`1e-400`, `-2.5e-330`): a value too small for a double, not zero.
    static func underflowsToZero(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        for b in bytes {
            if b | 0x20 == UInt8(ascii: "e") { return false }
            if b &- UInt8(ascii: "1") < 9 { return true }
        }
        return false
    }

    /// Whether the text spells infinity rather than a number that overflowed.
    static func isInfinityWord(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        for b in bytes where b &- UInt8(ascii: "0") < 10 { return false }
        return true
    }

    /// The result of reading an optionally signed decimal integer.
    enum IntegerText {
        case value(Int64)
        case overflow
        case notInteger
    }

    /// Reads `[+-]?[0-9]+` into an `Int64`.
    static func parseInteger(_ bytes: UnsafeBufferPointer<UInt8>) -> IntegerText {
        var i = 0
        var negative = false
        if let first = bytes.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
            negative = first == UInt8(ascii: "-")
            i = 1
        }
        guard i < bytes.count else { return .notInteger }
        var magnitude: UInt64 = 0
        var overflow = false
        while i < bytes.count {
            let d = bytes[i] &- UInt8(ascii: "0")
            guard d < 10 else { return .notInteger }
            let (m1, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (m2, o2) = m1.addingReportingOverflow(UInt64(d))
            magnitude = m2
            overflow = overflow || o1 || o2
            i += 1
        }
        if overflow { return .overflow }
        if negative {
            guard magnitude <= UInt64(Int64.max) + 1 else { return .overflow }
            return .value(Int64(truncatingIfNeeded: 0 &- magnitude))
        }
        guard magnitude <= UInt64(Int64.max) else { return .overflow }
        return .value(Int64(magnitude))
    }

    /// The offset of the first byte that is not well-formed UTF-8, given the text decoded
    /// with repair: decoding changes the bytes exactly when they were not well-formed.
    public static func firstInvalidUTF8Offset(_ bytes: UnsafeBufferPointer<UInt8>, decoded: String) -> Int? {
        var k = 0
        for b in decoded.utf8 {
            if k == bytes.count || bytes[k] != b { return k }
            k += 1
        }
        return k == bytes.count ? nil : k
    }

    /// The first 64 bytes of a refused text, for its error.
    static func shortText(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[0..<min(bytes.count, 64)]), as: UTF8.self)
    }
}
