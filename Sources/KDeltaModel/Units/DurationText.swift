/// Durations as people write them in configuration: `90s`, `15m`, `1h`, `7d`, `2w`, `1y`,
/// and combinations from the largest unit to the smallest, `1h30m` or `1d 12h`.
///
/// Units (docs/config.md): `ms` milliseconds, `s` seconds, `m` minutes, `h` hours, `d` days
/// (86,400 s: Unix time has no leap seconds and no daylight saving time), `w` weeks (7 d),
/// `y` years (365 d, so `1y` is not a calendar year). There are no months: their length
/// varies, write `30d`. Each number is a whole non-negative decimal (`_` may separate
/// digits); fractions are refused (`1.5h` is `1h30m`), so every text names an exact number
/// of milliseconds. Each unit appears at most once and units go from the largest to the
/// smallest, so `30m1h` (probably a typo) is refused. Spaces between parts, and between a
/// number and its unit, are allowed (`1h 30m`, `7 d`).
///
/// Not named `Duration`: that is the standard library's type, which this does not replace.
public enum DurationText {
    /// One unit: its suffix and its length in milliseconds, largest first.
    static let units: [(suffix: String, ms: Int64)] = [
        ("y", 365 * 86_400_000),
        ("w", 7 * 86_400_000),
        ("d", 86_400_000),
        ("h", 3_600_000),
        ("m", 60_000),
        ("s", 1000),
        ("ms", 1),
    ]

    /// Parses `text` into milliseconds (`0s` is 0); callers check the range they need.
    public static func parseMs(_ text: String) throws(DurationTextError) -> Int64 {
        let scalars = Array(text.unicodeScalars)
        var i = 0
        var total: Int64 = 0
        var lastUnitIndex = -1
        var parts = 0
        func offset(_ index: Int) -> Int {
            var bytes = 0
            for s in scalars[0..<min(index, scalars.count)] { bytes += UTF8.width(s) }
            return bytes
        }
        func skipSpaces() {
            while i < scalars.count, scalars[i] == " " { i += 1 }
        }
        skipSpaces()
        if i == scalars.count { throw DurationTextError(code: .empty, text: text, byteOffset: 0, detail: "the duration is empty") }
        while i < scalars.count {
            // The number.
            let numberStart = i
            var number: Int64 = 0
            var digits = 0
            while i < scalars.count, scalars[i] == "_" || ("0"..."9").contains(scalars[i]) {
                if scalars[i] != "_" {
                    let digit = Int64(scalars[i].value - 48)
                    let (times10, o1) = number.multipliedReportingOverflow(by: 10)
                    let (sum, o2) = times10.addingReportingOverflow(digit)
                    if o1 || o2 {
                        throw DurationTextError(code: .overflow, text: text, byteOffset: offset(numberStart),
                                                detail: "the number is too large")
                    }
                    number = sum
                    digits += 1
                }
                i += 1
            }
            if digits == 0 {
                let found = i < scalars.count ? Self.describe(scalars[i]) : "the end"
                throw DurationTextError(code: .expectedNumber, text: text, byteOffset: offset(i),
                                        detail: "expected a number, found \(found)")
            }
            if i < scalars.count, scalars[i] == "." || scalars[i] == "," {
                throw DurationTextError(code: .fraction, text: text, byteOffset: offset(i),
                                        detail: "fractions are not allowed; combine units instead (1h30m, not 1.5h)")
            }
            // The unit (after optional spaces: `7 d`): letters up to the next digit, space or end.
            skipSpaces()
            let unitStart = i
            var unit = ""
            while i < scalars.count, scalars[i] != " ", !("0"..."9").contains(scalars[i]) {
                unit.unicodeScalars.append(scalars[i])
                i += 1
            }
            if unit.isEmpty {
                throw DurationTextError(code: .missingUnit, text: text, byteOffset: offset(unitStart),
                                        detail: "the number has no unit; add one of ms, s, m, h, d, w, y (for example \(number)s)")
            }
            guard let unitIndex = units.firstIndex(where: { $0.suffix == unit }) else {
                throw DurationTextError(code: .unknownUnit, text: text, byteOffset: offset(unitStart),
                                        detail: "'\(unit)' is not a unit" + Self.hint(unit) + "; units are ms, s, m, h, d, w, y")
            }
            if unitIndex <= lastUnitIndex {
                throw DurationTextError(code: .unitOrder, text: text, byteOffset: offset(unitStart),
                                        detail: "'\(unit)' comes after a unit no larger than it; write each unit once, largest first (1h30m)")
            }
            lastUnitIndex = unitIndex
            let (ms, o1) = number.multipliedReportingOverflow(by: units[unitIndex].ms)
            let (sum, o2) = total.addingReportingOverflow(ms)
            if o1 || o2 {
                throw DurationTextError(code: .overflow, text: text, byteOffset: offset(numberStart),
                                        detail: "the duration does not fit 64-bit milliseconds (about 292 million years)")
            }
            total = sum
            parts += 1
            skipSpaces()
        }
        return total
    }

    /// The shortest text `parseMs` reads back as `ms`: `1h30m`, `7d`, `0s`. Whole weeks
    /// print as `w` and whole 365-day years as `y`, as they would be written.
    public static func format(ms: Int64) -> String {
        precondition(ms >= 0, "durations are not negative")
        if ms == 0 { return "0s" }
        var rest = ms
        var text = ""
        for unit in units where rest >= unit.ms {
            text += "\(rest / unit.ms)\(unit.suffix)"
            rest %= unit.ms
        }
        return text
    }

    /// A did-you-mean for units people write out of habit.
    static func hint(_ unit: String) -> String {
        switch unit {
        case "M", "mo", "mon", "month", "months":
            return " (months vary in length: write days, such as 30d)"
        case "min", "mins", "minute", "minutes": return " (write m for minutes)"
        case "sec", "secs", "second", "seconds", "S": return " (write s for seconds)"
        case "hr", "hrs", "hour", "hours", "H": return " (write h for hours)"
        case "day", "days", "D": return " (write d for days)"
        case "week", "weeks", "W": return " (write w for weeks)"
        case "yr", "yrs", "year", "years", "Y": return " (write y for 365-day years)"
        case "msec", "millis", "MS": return " (write ms for milliseconds)"
        default: return ""
        }
    }

    static func describe(_ scalar: Unicode.Scalar) -> String {
        scalar.value < 0x21 || scalar.value == 0x7F ? "U+\(String(scalar.value, radix: 16, uppercase: true))" : "'\(Character(scalar))'"
    }
}
