import KDeltaModel

/// The date-time formats of the datasets in shared/data, parsed to Unix milliseconds:
/// - `2022-01-20 00:00:00-07:00` and `2016-01-11 17:00:00` (ISO order; `T` or space; an
///   optional `Z` or `±HH:MM` offset; no offset means UTC);
/// - `2/1/2019 0:05` (slash dates; month first unless the data shows a day above 12 first);
/// - `16/12/2006` + `17:24:00` in two columns (household power: day first).
enum TimeText {
    /// Which field of a slash date is the day.
    enum SlashOrder { case monthFirst, dayFirst }

    /// Parses `bytes` (a date, optionally followed by a time) or returns nil.
    static func parse(_ b: UnsafeBufferPointer<UInt8>, order: SlashOrder) -> Int64? {
        var i = 0
        skipSpaces(b, &i)
        guard let (days, _) = date(b, &i, order: order) else { return nil }
        var ms: Int64 = 0
        if i < b.count && (b[i] == UInt8(ascii: " ") || b[i] == UInt8(ascii: "T")) {
            i += 1
            skipSpaces(b, &i)
            guard let t = timeOfDay(b, &i) else { return nil }
            ms = t
            guard let offset = zone(b, &i) else { return nil }
            ms -= offset
        }
        skipSpaces(b, &i)
        guard i == b.count else { return nil }
        return days * 86_400_000 + ms
    }

    /// Parses a time of day alone (`17:24:00`), as milliseconds after midnight.
    static func parseTimeOfDay(_ b: UnsafeBufferPointer<UInt8>) -> Int64? {
        var i = 0
        skipSpaces(b, &i)
        guard let t = timeOfDay(b, &i) else { return nil }
        skipSpaces(b, &i)
        return i == b.count ? t : nil
    }

    /// The first two fields of a slash date (to tell the order from the data).
    static func slashFields(_ b: UnsafeBufferPointer<UInt8>) -> (Int, Int)? {
        var i = 0
        skipSpaces(b, &i)
        guard let a = number(b, &i, maxDigits: 2), i < b.count, b[i] == UInt8(ascii: "/") else { return nil }
        i += 1
        guard let c = number(b, &i, maxDigits: 2) else { return nil }
        return (a, c)
    }

    private static func skipSpaces(_ b: UnsafeBufferPointer<UInt8>, _ i: inout Int) {
        while i < b.count && (b[i] == UInt8(ascii: " ") || b[i] == UInt8(ascii: "\t")) { i += 1 }
    }

    private static func number(_ b: UnsafeBufferPointer<UInt8>, _ i: inout Int, maxDigits: Int) -> Int? {
        var n = 0
        var digits = 0
        while i < b.count && digits < maxDigits, b[i] >= UInt8(ascii: "0") && b[i] <= UInt8(ascii: "9") {
            n = n * 10 + Int(b[i] - UInt8(ascii: "0"))
            digits += 1
            i += 1
        }
        return digits == 0 ? nil : n
    }

    private static func date(_ b: UnsafeBufferPointer<UInt8>, _ i: inout Int, order: SlashOrder) -> (Int64, Bool)? {
        let start = i
        guard let first = number(b, &i, maxDigits: 4), i < b.count else { return nil }
        var year = 0, month = 0, day = 0
        if b[i] == UInt8(ascii: "-") && i - start == 4 {
            year = first
            i += 1
            guard let m = number(b, &i, maxDigits: 2), i < b.count, b[i] == UInt8(ascii: "-") else { return nil }
            i += 1
            guard let d = number(b, &i, maxDigits: 2) else { return nil }
            month = m
            day = d
        } else if b[i] == UInt8(ascii: "/") && i - start <= 2 {
            i += 1
            guard let second = number(b, &i, maxDigits: 2), i < b.count, b[i] == UInt8(ascii: "/") else { return nil }
            i += 1
            let yearStart = i
            guard let y = number(b, &i, maxDigits: 4), i - yearStart == 4 else { return nil }
            year = y
            (month, day) = order == .monthFirst ? (first, second) : (second, first)
        } else {
            return nil
        }
        guard month >= 1 && month <= 12 && day >= 1 && day <= 31 else { return nil }
        return (RFC3339.daysFromCivil(year: Int64(year), month: Int64(month), day: Int64(day)), true)
    }

    private static func timeOfDay(_ b: UnsafeBufferPointer<UInt8>, _ i: inout Int) -> Int64? {
        guard let h = number(b, &i, maxDigits: 2), i < b.count, b[i] == UInt8(ascii: ":") else { return nil }
        i += 1
        guard let m = number(b, &i, maxDigits: 2) else { return nil }
        var s = 0
        var ms = 0
        if i < b.count && b[i] == UInt8(ascii: ":") {
            i += 1
            guard let sec = number(b, &i, maxDigits: 2) else { return nil }
            s = sec
            if i < b.count && b[i] == UInt8(ascii: ".") {
                i += 1
                var scale = 100
                while i < b.count, b[i] >= UInt8(ascii: "0") && b[i] <= UInt8(ascii: "9") {
                    ms += Int(b[i] - UInt8(ascii: "0")) * scale
                    scale /= 10
                    i += 1
                }
            }
        }
        guard h <= 24 && m <= 59 && s <= 60 else { return nil }
        return Int64(((h * 60 + m) * 60 + s) * 1000 + ms)
    }

    /// A zone suffix as milliseconds east of UTC (0 when absent), or nil when malformed.
    private static func zone(_ b: UnsafeBufferPointer<UInt8>, _ i: inout Int) -> Int64? {
        guard i < b.count else { return 0 }
        if b[i] == UInt8(ascii: "Z") {
            i += 1
            return 0
        }
        guard b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") else { return 0 }
        let sign: Int64 = b[i] == UInt8(ascii: "-") ? -1 : 1
        i += 1
        guard let h = number(b, &i, maxDigits: 2) else { return nil }
        var m = 0
        if i < b.count && b[i] == UInt8(ascii: ":") { i += 1 }
        if let mm = number(b, &i, maxDigits: 2) { m = mm }
        return sign * Int64(h * 60 + m) * 60_000
    }
}
