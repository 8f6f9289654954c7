/// RFC 3339 times to and from Unix milliseconds, without Foundation.
///
/// Foundation's date formatters pull in ICU, which the Pi build does not ship; the
/// arithmetic is Howard Hinnant's days-from-civil, exact for every proleptic Gregorian
/// date.
///
/// Accepted: `YYYY-MM-DD`, a separator `T`, `t` or a space, `hh:mm:ss`, an optional
/// fraction of any length, and an offset `Z`, `z` or `±hh:mm` (`-00:00` is read as UTC).
/// Fractions are truncated to the millisecond, never rounded up: `.9999` is `.999`, so a
/// time never moves into the next second, minute or day. A leap second (`:60`) becomes
/// the last millisecond of its minute (`:59.999`), because Unix time has no leap seconds
/// and this keeps it after every earlier reading of that minute. A time without an offset
/// is refused: its instant depends on a time zone that the text does not name.
public enum RFC3339 {
    /// Parses `text` into Unix milliseconds within `Limits.sourceTimeMsMin...Max`.
    public static func parseMs(_ text: String) throws(RFC3339Error) -> Int64 {
        var text = text
        let result = text.withUTF8 { bytes in capture(bytes) }
        switch result {
        case .success(let ms): return ms
        case .failure(let error): throw error
        }
    }

    /// Parses UTF-8 bytes into Unix milliseconds; the batch importer's entry point, which
    /// allocates nothing unless it throws.
    public static func parseMs(_ bytes: UnsafeBufferPointer<UInt8>) throws(RFC3339Error) -> Int64 {
        if let ms = parseCommonMs(bytes) { return ms }
        var p = RFC3339Cursor(bytes: bytes)
        let year = try p.digits(4, "the year (four digits)")
        try p.expect(UInt8(ascii: "-"), "'-' after the year")
        let month = try p.digits(2, "the month (two digits)")
        guard month >= 1 && month <= 12 else { throw p.error(.fieldOutOfRange, at: 5, "month \(pad(month)) is not 01-12") }
        try p.expect(UInt8(ascii: "-"), "'-' after the month")
        let day = try p.digits(2, "the day (two digits)")
        let dayMax = daysInMonth(year: year, month: month)
        guard day >= 1 && day <= dayMax else {
            throw p.error(.fieldOutOfRange, at: 8, "day \(pad(day)) is not 01-\(dayMax) in \(year)-\(pad(month))")
        }
        guard p.pos < bytes.count else {
            throw p.error(.unexpectedEnd, at: p.pos, "the time of day is missing after the date (add T00:00:00Z for midnight UTC)")
        }
        switch bytes[p.pos] {
        case UInt8(ascii: "T"), UInt8(ascii: "t"), UInt8(ascii: " "): p.pos += 1
        default: throw p.error(.unexpectedByte, at: p.pos, "expected 'T' between date and time, found \(p.found(p.pos))")
        }
        let hour = try p.digits(2, "the hour (two digits)")
        guard hour <= 23 else { throw p.error(.fieldOutOfRange, at: p.pos - 2, "hour \(pad(hour)) is not 00-23") }
        try p.expect(UInt8(ascii: ":"), "':' after the hour")
        let minute = try p.digits(2, "the minutes (two digits)")
        guard minute <= 59 else { throw p.error(.fieldOutOfRange, at: p.pos - 2, "minute \(pad(minute)) is not 00-59") }
        try p.expect(UInt8(ascii: ":"), "':' after the minutes (seconds are required)")
        var second = try p.digits(2, "the seconds (two digits)")
        guard second <= 60 else { throw p.error(.fieldOutOfRange, at: p.pos - 2, "second \(pad(second)) is not 00-60") }
        var milli: Int64 = 0
        if p.pos < bytes.count, bytes[p.pos] == UInt8(ascii: ".") {
            p.pos += 1
            guard p.pos < bytes.count, p.isDigit(bytes[p.pos]) else {
                throw p.error(p.pos < bytes.count ? .unexpectedByte : .unexpectedEnd, at: p.pos,
                              "expected a digit after the decimal point, found \(p.found(p.pos))")
            }
            var n = 0
            while p.pos < bytes.count, p.isDigit(bytes[p.pos]) {
                if n < 3 { milli = milli * 10 + Int64(bytes[p.pos] - UInt8(ascii: "0")) }
                n += 1
                p.pos += 1
            }
            while n < 3 {
                milli *= 10
                n += 1
            }
        }
        if second == 60 {
            second = 59
            milli = 999
        }
        guard p.pos < bytes.count else {
            throw p.error(.missingOffset, at: p.pos, "the time has no offset; add Z for UTC or the local offset such as +01:00")
        }
        var offsetMs: Int64 = 0
        switch bytes[p.pos] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            p.pos += 1
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            let sign: Int64 = bytes[p.pos] == UInt8(ascii: "-") ? -1 : 1
            p.pos += 1
            let oh = try p.digits(2, "the offset's hours (two digits)")
            guard oh <= 23 else { throw p.error(.fieldOutOfRange, at: p.pos - 2, "offset hour \(pad(oh)) is not 00-23") }
            try p.expect(UInt8(ascii: ":"), "':' in the offset (write +01:00, not +0100)")
            let om = try p.digits(2, "the offset's minutes (two digits)")
            guard om <= 59 else { throw p.error(.fieldOutOfRange, at: p.pos - 2, "offset minute \(pad(om)) is not 00-59") }
            offsetMs = sign * Int64(oh * 60 + om) * 60_000
        default:
            throw p.error(.missingOffset, at: p.pos, "expected Z or an offset such as +01:00, found \(p.found(p.pos))")
        }
        if p.pos < bytes.count {
            throw p.error(.trailingContent, at: p.pos, "expected the end after the offset, found \(p.found(p.pos))")
        }
        let days = daysFromCivil(year: Int64(year), month: Int64(month), day: Int64(day))
        let local = days * 86_400_000 + Int64(hour) * 3_600_000 + Int64(minute) * 60_000 + Int64(second) * 1000 + milli
        let ms = local - offsetMs
        guard ms >= Limits.sourceTimeMsMin && ms <= Limits.sourceTimeMsMax else {
            throw p.error(.outOfRange, at: 0,
                          "the time is outside the range the store keeps (1970-01-01T00:00:00.000Z to 9999-12-31T23:59:59.999Z)")
        }
        return ms
    }

    /// The fast path for the layout nearly every file uses (`2017-05-01T00:00:00Z`, with
    /// an optional fraction and a `Z` or `±hh:mm` offset): fixed positions, no cursor.
    /// Nil for anything unusual (including every error and leap seconds), which the
    /// general parser then handles and explains.
    @inline(__always)
    static func parseCommonMs(_ b: UnsafeBufferPointer<UInt8>) -> Int64? {
        let n = b.count
        guard n >= 20, let p = b.baseAddress else { return nil }
        guard p[4] == UInt8(ascii: "-"), p[7] == UInt8(ascii: "-"), p[13] == UInt8(ascii: ":"),
              p[16] == UInt8(ascii: ":")
        else { return nil }
        let t = p[10] | 0x20
        guard t == UInt8(ascii: "t") || p[10] == UInt8(ascii: " ") else { return nil }
        var bad: UInt8 = 0
        @inline(__always) func digit(_ i: Int) -> Int {
            let d = p[i] &- UInt8(ascii: "0")
            bad |= d > 9 ? 1 : 0
            return Int(d)
        }
        let year = digit(0) * 1000 + digit(1) * 100 + digit(2) * 10 + digit(3)
        let month = digit(5) * 10 + digit(6)
        let day = digit(8) * 10 + digit(9)
        let hour = digit(11) * 10 + digit(12)
        let minute = digit(14) * 10 + digit(15)
        let second = digit(17) * 10 + digit(18)
        guard bad == 0, month >= 1, month <= 12, day >= 1, hour <= 23, minute <= 59, second <= 59,
              day <= 28 || day <= daysInMonth(year: year, month: month)
        else { return nil }
        var i = 19
        var milli: Int64 = 0
        if p[i] == UInt8(ascii: ".") {
            i += 1
            let first = i
            var scale: Int64 = 100
            while i < n {
                let d = p[i] &- UInt8(ascii: "0")
                if d > 9 { break }
                milli += Int64(d) * scale
                scale /= 10
                i += 1
            }
            guard i > first else { return nil }
        }
        var offsetMs: Int64 = 0
        if i == n - 1, p[i] | 0x20 == UInt8(ascii: "z") {
            // UTC
        } else if i == n - 6, p[i] == UInt8(ascii: "+") || p[i] == UInt8(ascii: "-"), p[i + 3] == UInt8(ascii: ":") {
            let oh = digit(i + 1) * 10 + digit(i + 2)
            let om = digit(i + 4) * 10 + digit(i + 5)
            guard bad == 0, oh <= 23, om <= 59 else { return nil }
            offsetMs = Int64(oh * 60 + om) * 60_000
            if p[i] == UInt8(ascii: "-") { offsetMs = -offsetMs }
        } else {
            return nil
        }
        let days = daysFromCivil(year: Int64(year), month: Int64(month), day: Int64(day))
        let ms = days * 86_400_000 + Int64(hour * 3_600_000 + minute * 60_000 + second * 1000) + milli - offsetMs
        guard ms >= Limits.sourceTimeMsMin && ms <= Limits.sourceTimeMsMax else { return nil }
        return ms
    }

    /// Runs the parser where a non-throwing closure needs it: Swift 6.0 types the error of a
    /// do/catch inside a closure as `any Error`, so it travels as a value.
    static func capture(_ bytes: UnsafeBufferPointer<UInt8>) -> Result<Int64, RFC3339Error> {
        do {
            return .success(try parseMs(bytes))
        } catch {
            return .failure(error)
        }
    }

    /// Formats Unix milliseconds as `2006-12-16T17:24:00.000Z`: always UTC and always
    /// three fraction digits, so the texts of a series sort the way their times do.
    public static func format(ms: Int64) -> String {
        let (days, msOfDay) = floorDivision(ms, 86_400_000)
        let (year, month, day) = civilFromDays(days)
        // Years outside 0...9999 only arise from times the store refuses; they still print.
        guard year >= 0 && year <= 9999 else {
            return "\(year)-\(pad(Int(month)))-\(pad(Int(day)))T" + String(format(ms: msOfDay).dropFirst(11))
        }
        return String(unsafeUninitializedCapacity: 24) { out in
            @inline(__always) func put(_ value: Int64, _ width: Int, at start: Int) {
                var v = value
                var i = start + width - 1
                while i >= start {
                    out[i] = UInt8(ascii: "0") + UInt8(v % 10)
                    v /= 10
                    i -= 1
                }
            }
            put(year, 4, at: 0)
            out[4] = UInt8(ascii: "-")
            put(month, 2, at: 5)
            out[7] = UInt8(ascii: "-")
            put(day, 2, at: 8)
            out[10] = UInt8(ascii: "T")
            put(msOfDay / 3_600_000, 2, at: 11)
            out[13] = UInt8(ascii: ":")
            put(msOfDay / 60_000 % 60, 2, at: 14)
            out[16] = UInt8(ascii: ":")
            put(msOfDay / 1000 % 60, 2, at: 17)
            out[19] = UInt8(ascii: ".")
            put(msOfDay % 1000, 3, at: 20)
            out[23] = UInt8(ascii: "Z")
            return 24
        }
    }

    /// Days from 1970-01-01 to the given proleptic Gregorian date (Hinnant's
    /// `days_from_civil`); negative before 1970.
    public static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The date `days` after 1970-01-01 (Hinnant's `civil_from_days`).
    public static func civilFromDays(_ days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    static func floorDivision(_ a: Int64, _ b: Int64) -> (Int64, Int64) {
        let q = a / b
        let r = a % b
        return r < 0 ? (q - 1, r + b) : (q, r)
    }

    static func pad(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
}

/// The parser's position in one text; makes errors that name it.
struct RFC3339Cursor {
    let bytes: UnsafeBufferPointer<UInt8>
    var pos = 0

    init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    @inline(__always)
    func isDigit(_ b: UInt8) -> Bool { b &- UInt8(ascii: "0") < 10 }

    /// Reads exactly `count` digits; `what` names them for the error.
    @inline(__always)
    mutating func digits(_ count: Int, _ what: String) throws(RFC3339Error) -> Int {
        var v = 0
        for i in 0..<count {
            guard pos + i < bytes.count else {
                throw error(.unexpectedEnd, at: pos + i, "expected \(what), found the end of the text")
            }
            let b = bytes[pos + i]
            guard isDigit(b) else { throw error(.unexpectedByte, at: pos + i, "expected \(what), found \(found(pos + i))") }
            v = v * 10 + Int(b - UInt8(ascii: "0"))
        }
        pos += count
        return v
    }

    @inline(__always)
    mutating func expect(_ byte: UInt8, _ what: String) throws(RFC3339Error) {
        guard pos < bytes.count else { throw error(.unexpectedEnd, at: pos, "expected \(what), found the end of the text") }
        guard bytes[pos] == byte else { throw error(.unexpectedByte, at: pos, "expected \(what), found \(found(pos))") }
        pos += 1
    }

    func found(_ i: Int) -> String {
        guard i < bytes.count else { return "the end of the text" }
        let b = bytes[i]
        if b >= 0x21 && b < 0x7F { return "'\(Character(Unicode.Scalar(b)))'" }
        if b == 0x20 { return "a space" }
        return "byte \(b)"
    }

    func error(_ code: RFC3339Error.Code, at offset: Int, _ detail: String) -> RFC3339Error {
        let shown = bytes.count > 64 ? UnsafeBufferPointer(rebasing: bytes[0..<64]) : bytes
        return RFC3339Error(code: code, text: String(decoding: shown, as: UTF8.self), byteOffset: offset, detail: detail)
    }
}
