#if canImport(Glibc)
import Glibc
#endif

/// Parses a decimal cell such as `-0.7978159`, `19.890000000000001` or
/// `6.5999999999999996e+00` to the correctly rounded double, and counts its decimals.
enum DecimalText {
    /// The parse of one cell.
    enum Cell {
        /// `?`, `NA`, `NaN` text or an empty cell: no reading.
        case missing
        /// A value and the digits after its decimal point.
        case value(Double, decimals: Int)
        /// Text that is not a number.
        case invalid
    }

    /// 10^0 ... 10^22: the powers of ten that are exact doubles.
    static let powers: [Double] = {
        var p: [Double] = []
        var x = 1.0
        for _ in 0...22 {
            p.append(x)
            x *= 10
        }
        return p
    }()

    /// Parses `b`, surrounding spaces allowed.
    static func parse(_ b: UnsafeBufferPointer<UInt8>) -> Cell {
        var start = 0
        var end = b.count
        while start < end && b[start] == UInt8(ascii: " ") { start += 1 }
        while end > start && (b[end - 1] == UInt8(ascii: " ") || b[end - 1] == UInt8(ascii: "\r")) { end -= 1 }
        if start == end { return .missing }
        if end - start == 1 && b[start] == UInt8(ascii: "?") { return .missing }
        var i = start
        var negative = false
        if b[i] == UInt8(ascii: "-") || b[i] == UInt8(ascii: "+") {
            negative = b[i] == UInt8(ascii: "-")
            i += 1
        }
        // Fast path (Clinger): at most 15 digits and no exponent; an exact integer divided by
        // an exact power of ten is correctly rounded.
        var mantissa: UInt64 = 0
        var digits = 0
        var decimals = 0
        var seenPoint = false
        var simple = true
        while i < end {
            let c = b[i]
            if c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") {
                mantissa = mantissa &* 10 &+ UInt64(c - UInt8(ascii: "0"))
                digits += 1
                if seenPoint { decimals += 1 }
            } else if c == UInt8(ascii: ".") && !seenPoint {
                seenPoint = true
            } else {
                simple = false
                break
            }
            i += 1
        }
        if simple && digits > 0 && digits <= 15 {
            let magnitude = Double(mantissa) / powers[decimals]
            return .value(negative ? -magnitude : magnitude, decimals: decimals)
        }
        if simple && digits == 0 { return .invalid }
        // Exponents, long mantissas, words: the C library decides.
        let text = String(decoding: UnsafeBufferPointer(rebasing: b[start..<end]), as: UTF8.self)
        let lower = text.lowercased()
        if lower == "na" || lower == "nan" || lower == "null" { return .missing }
        var afterPoint = 0
        if let dot = text.firstIndex(of: ".") {
            afterPoint = text[text.index(after: dot)...].prefix(while: { $0.isNumber }).count
        }
        var consumed = 0
        let value = text.withCString { p -> Double in
            var endPointer: UnsafeMutablePointer<CChar>? = nil
            let v = strtod(p, &endPointer)
            consumed = endPointer.map { $0 - UnsafeMutablePointer(mutating: p) } ?? 0
            return v
        }
        guard consumed == text.utf8.count else { return .invalid }
        return .value(value, decimals: afterPoint)
    }
}
