import KDeltaModel

/// A problem inside one field of a batch line, located within the field; the reader adds
/// the file, line and column. Internal.
struct BatchFieldProblem: Error {
    /// Offset of the offending byte within the field, from 0.
    let offset: Int
    /// What was wrong and what to do.
    let message: String
}

/// Reads the time of a batch line: Unix milliseconds as an integer, or an RFC 3339 time.
/// Internal: shared by the CSV and JSON-lines readers.
///
/// A batch file's times come from exports and scripts, where the classic mistake is the
/// unit. So an integer of ten digits (1,000,000,000 to 9,999,999,999) is refused: as Unix
/// milliseconds it would fall in January to April 1970, while as Unix seconds it is any
/// time from 2001-09-09 to 2286-11-20, which is surely what was meant. Integers past
/// `Limits.sourceTimeMsMax` are refused too, with a hint when they look like micro- or
/// nanoseconds. Smaller integers (tests counting from 0) are taken as milliseconds.
enum BatchSourceTime {
    /// Integers the size of Unix seconds.
    static let secondsLike: ClosedRange<Int64> = 1_000_000_000...9_999_999_999

    static let formats = "write Unix milliseconds (1166289840000) or an RFC 3339 time (2006-12-16T17:24:00Z, 2006-12-16T17:24:00.250+01:00)"

    /// Parses a time field's bytes.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(BatchFieldProblem) -> Int64 {
        guard !bytes.isEmpty else {
            throw BatchFieldProblem(offset: 0, message: "the time is empty; \(formats), or leave the time column out to stamp readings at import")
        }
        // Digits only: Unix milliseconds.
        var ms: Int64 = 0
        var i = 0
        while i < bytes.count {
            let d = bytes[i] &- UInt8(ascii: "0")
            if d >= 10 { break }
            // Saturate: anything that large is refused below anyway.
            ms = ms > (Int64.max - 9) / 10 ? Int64.max : ms * 10 + Int64(d)
            i += 1
        }
        if i == bytes.count { return try check(ms: ms) }
        do {
            return try RFC3339.parseMs(bytes)
        } catch {
            // "-5", "1.7e12", "1700000000.5": numbers, but not integer milliseconds.
            if bytes.count < 40, Value.parseNumberFast(bytes) != nil {
                if bytes[0] == UInt8(ascii: "-") {
                    throw BatchFieldProblem(offset: 0, message: "the time is negative; only times from 1970-01-01 on are kept: \(formats)")
                }
                throw BatchFieldProblem(offset: 0, message: "the time is a number but not an integer; \(formats)")
            }
            throw BatchFieldProblem(
                offset: error.byteOffset,
                message: "the time is not Unix milliseconds nor an RFC 3339 time: at byte \(error.byteOffset + 1) of the field, \(error.detail); \(formats)")
        }
    }

    /// Checks an integer time in milliseconds.
    static func check(ms: Int64) throws(BatchFieldProblem) -> Int64 {
        if secondsLike.contains(ms) {
            throw BatchFieldProblem(
                offset: 0,
                message: "the time \(ms) has ten digits and looks like Unix seconds (\(RFC3339.format(ms: ms * 1000))), but times are Unix milliseconds: multiply by 1000 (append 000) or write an RFC 3339 time")
        }
        if ms > Limits.sourceTimeMsMax {
            let unit = ms >= 1_000_000_000_000_000_000 ? "nanoseconds" : ms >= 1_000_000_000_000_000 ? "microseconds" : nil
            let hint = unit.map { " and looks like Unix \($0); divide it down to milliseconds" } ?? "; \(formats)"
            let shown = ms == Int64.max ? "" : " \(ms)"
            throw BatchFieldProblem(offset: 0, message: "the time\(shown) is after 9999-12-31, the last day the store keeps,\(hint)")
        }
        if ms < Limits.sourceTimeMsMin {
            throw BatchFieldProblem(offset: 0, message: "the time \(ms) is before 1970-01-01; only times from 1970 on are kept")
        }
        return ms
    }
}

/// Remembers the last time field a reader parsed, by its exact bytes. Internal.
///
/// Batch exports list every sensor of one instant before the next instant, so the same
/// time text repeats hundreds of times in a row; comparing up to 32 bytes costs a few
/// instructions where parsing RFC 3339 costs a few hundred.
struct BatchTimeMemo {
    private var w0: UInt64 = 0
    private var w1: UInt64 = 0
    private var w2: UInt64 = 0
    private var w3: UInt64 = 0
    private var count = -1
    private var ms: Int64 = 0

    /// The time `bytes` spell, from the memo or parsed now (then remembered).
    @inline(__always)
    mutating func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(BatchFieldProblem) -> Int64 {
        let n = bytes.count
        guard n >= 8, n <= 32, let p = bytes.baseAddress else { return try BatchSourceTime.parse(bytes) }
        // Four words covering [0, n) with overlap, so no byte outside the field is read.
        let raw = UnsafeRawPointer(p)
        let a = raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self)
        let b = raw.loadUnaligned(fromByteOffset: min(8, n - 8), as: UInt64.self)
        let c = raw.loadUnaligned(fromByteOffset: min(16, n - 8), as: UInt64.self)
        let d = raw.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
        if n == count, a == w0, b == w1, c == w2, d == w3 { return ms }
        let parsed = try BatchSourceTime.parse(bytes)
        (w0, w1, w2, w3, count, ms) = (a, b, c, d, n, parsed)
        return parsed
    }
}
