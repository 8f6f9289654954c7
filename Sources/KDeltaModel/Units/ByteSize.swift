/// A number of bytes as people write it in configuration: `64MiB`, `2GB`, `1_000_000`.
///
/// Units (docs/config.md), case-sensitive:
/// - binary, powers of 1024: `KiB`, `MiB`, `GiB`, `TiB` (what memory and most tools mean);
/// - decimal, powers of 1000: `kB`, `MB`, `GB`, `TB` (what disk vendors print);
/// - `B` or no unit: bytes.
///
/// `KB`, `K`, `M`, `G` are refused because half the world reads them as 1024 and half as
/// 1000: the error asks for `KiB`/`MiB`/`GiB` or `kB`/`MB`/`GB`. Lower-case `b` is bits
/// (`Mb`, `Gb`) and refused too. `_` may separate digits and one space may precede the
/// unit. A fraction is allowed when the result is a whole number of bytes (`1.5GiB`, not
/// `0.1KiB`), and every result fits an `Int64`.
public struct ByteSize: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The number of bytes.
    public let bytes: Int64

    /// A size of `bytes` bytes.
    public init(bytes: Int64) {
        precondition(bytes >= 0, "a byte size is not negative")
        self.bytes = bytes
    }

    /// The units with their factors, the binary ones first.
    static let units: [(suffix: String, factor: Int64)] = [
        ("B", 1),
        ("KiB", 1 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30), ("TiB", 1 << 40),
        ("kB", 1000), ("MB", 1_000_000), ("GB", 1_000_000_000), ("TB", 1_000_000_000_000),
    ]

    /// Parses a size by the rules above.
    public init(parsing text: String) throws(ByteSizeError) {
        let scalars = Array(text.unicodeScalars)
        var i = 0
        func fail(_ code: ByteSizeError.Code, at index: Int, _ detail: String) -> ByteSizeError {
            var bytes = 0
            for s in scalars[0..<min(index, scalars.count)] { bytes += UTF8.width(s) }
            return ByteSizeError(code: code, text: text, byteOffset: bytes, detail: detail)
        }
        func isDigit(_ s: Unicode.Scalar) -> Bool { s.value >= 48 && s.value <= 57 }
        if scalars.isEmpty { throw fail(.empty, at: 0, "the size is empty") }
        // Integer part and fraction, gathered as one integer `mantissa` / 10^`fractionDigits`.
        var mantissa: Int64 = 0
        var digits = 0
        var fractionDigits = 0
        var sawPoint = false
        while i < scalars.count, isDigit(scalars[i]) || scalars[i] == "_" || (scalars[i] == "." && !sawPoint) {
            let s = scalars[i]
            if s == "." {
                sawPoint = true
            } else if s != "_" {
                let (a, o1) = mantissa.multipliedReportingOverflow(by: 10)
                let (b, o2) = a.addingReportingOverflow(Int64(s.value - 48))
                if o1 || o2 { throw fail(.overflow, at: 0, "the number is too large") }
                mantissa = b
                digits += 1
                if sawPoint { fractionDigits += 1 }
                if fractionDigits > 18 { throw fail(.fractionalBytes, at: i, "too many decimals; use a smaller unit") }
            }
            i += 1
        }
        if digits == 0 || (sawPoint && fractionDigits == 0) {
            let found = i < scalars.count ? "'\(Character(scalars[i]))'" : "the end"
            throw fail(.expectedNumber, at: i, "expected a number, found \(found)")
        }
        if i < scalars.count, scalars[i] == " " { i += 1 }
        let unitStart = i
        let unit = String(String.UnicodeScalarView(scalars[i...]))
        let factor: Int64
        if unit.isEmpty {
            factor = 1
        } else if let known = Self.units.first(where: { $0.suffix == unit }) {
            factor = known.factor
        } else {
            throw fail(Self.isAmbiguous(unit) ? .ambiguousUnit : .unknownUnit, at: unitStart, Self.unitProblem(unit))
        }
        let (scaled, overflow) = mantissa.multipliedReportingOverflow(by: factor)
        if overflow { throw fail(.overflow, at: 0, "the size does not fit 64 bits (at most 8 EiB)") }
        var divisor: Int64 = 1
        for _ in 0..<fractionDigits { divisor *= 10 }
        if scaled % divisor != 0 {
            throw fail(.fractionalBytes, at: 0, "that is not a whole number of bytes; use a smaller unit (1.5GiB is fine, 0.1KiB is not)")
        }
        self.bytes = scaled / divisor
    }

    public static func < (a: ByteSize, b: ByteSize) -> Bool { a.bytes < b.bytes }

    /// The shortest exact text: `64MiB`, `2GB`, `1500B`. Binary units win a tie, since
    /// budgets are usually powers of two.
    public var description: String {
        if bytes == 0 { return "0B" }
        var best = "\(bytes)B"
        for (suffix, factor) in [("TiB", Int64(1) << 40), ("TB", 1_000_000_000_000), ("GiB", 1 << 30), ("GB", 1_000_000_000),
                                 ("MiB", 1 << 20), ("MB", 1_000_000), ("KiB", 1 << 10), ("kB", 1000)]
        where bytes % factor == 0 {
            let text = "\(bytes / factor)\(suffix)"
            if text.count < best.count { best = text }
        }
        return best
    }

    static func isAmbiguous(_ unit: String) -> Bool {
        ["K", "M", "G", "T", "KB", "k", "m", "g", "t"].contains(unit)
    }

    /// What is wrong with a unit, and what to write instead.
    static func unitProblem(_ unit: String) -> String {
        switch unit {
        case "K", "KB", "k": return "'\(unit)' is ambiguous: write KiB (1024 bytes) or kB (1000 bytes)"
        case "M", "m": return "'\(unit)' is ambiguous: write MiB (1024² bytes) or MB (1000² bytes)"
        case "G", "g": return "'\(unit)' is ambiguous: write GiB (1024³ bytes) or GB (1000³ bytes)"
        case "T", "t": return "'\(unit)' is ambiguous: write TiB (1024⁴ bytes) or TB (1000⁴ bytes)"
        case "Kb", "kb", "Mb", "mb", "Gb", "gb", "Tb", "tb", "b", "Kib", "Mib", "Gib", "Tib":
            return "'\(unit)' reads as bits; sizes are in bytes: write B, KiB, MiB, GiB, TiB (or kB, MB, GB, TB)"
        default:
            let lowered = unit.lowercased()
            if let match = units.first(where: { $0.suffix.lowercased() == lowered }) {
                return "'\(unit)' is not a unit; did you mean \(match.suffix)? Units are case-sensitive: B, KiB, MiB, GiB, TiB (1024) or kB, MB, GB, TB (1000)"
            }
            return "'\(unit)' is not a unit; write B, KiB, MiB, GiB, TiB (powers of 1024) or kB, MB, GB, TB (powers of 1000)"
        }
    }
}
