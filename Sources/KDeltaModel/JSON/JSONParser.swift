/// A strict RFC 8259 parser from UTF-8 text to `JSONValue`.
///
/// Strict because a stored document is hashed into its version id: whatever the parser
/// accepts must have exactly one meaning. So:
/// - Integers that fit an `Int64` become `.int`; every other number (a fraction, an
///   exponent, an integer beyond `Int64`, and `-0`, whose sign an integer cannot keep)
///   becomes a correctly rounded `.double`. A number that would round to infinity is
///   refused: JSON has no infinity, and `1e999` is almost always a unit or typing mistake.
///   So is a non-zero number that would round to zero (`1e-400`): storing 0 would change
///   the reading. Subnormal doubles (`1e-310`) are kept.
/// - An object that names a member twice is refused (`duplicateKey`). RFC 8259 leaves the
///   meaning of duplicates to each implementation, and quietly keeping one of two
///   conflicting readings would lose data; the producer has to decide.
/// - Strings must be well-formed UTF-8 with no raw control characters; escapes are the
///   RFC's eight plus `\uXXXX`, and a `\uD800`-`\uDFFF` escape must be half of a
///   surrogate pair.
/// - No comments, no trailing commas, no byte order mark, no `NaN`, and nothing but
///   whitespace after the document.
///
/// Limits: the text is at most `bytesMax` bytes (default `Limits.valueBytesMax`; the batch
/// importer passes its larger line limit) and containers nest at most `depthMax` levels
/// (default `Limits.jsonDepthMax`), which bounds the parser's recursion.
public enum JSONParser {
    /// Parses a document held in a `String`.
    public static func parse(
        _ text: String,
        bytesMax: Int = Limits.valueBytesMax,
        depthMax: Int = Limits.jsonDepthMax
    ) throws(JSONError) -> JSONValue {
        var text = text
        let result = text.withUTF8 { bytes in
            capture(bytes, bytesMax: bytesMax, depthMax: depthMax)
        }
        switch result {
        case .success(let value): return value
        case .failure(let error): throw error
        }
    }

    /// Parses a document from UTF-8 bytes; the fastest entry point.
    public static func parse(
        _ bytes: UnsafeBufferPointer<UInt8>,
        bytesMax: Int = Limits.valueBytesMax,
        depthMax: Int = Limits.jsonDepthMax
    ) throws(JSONError) -> JSONValue {
        var state = JSONParserState(bytes: bytes, depthMax: depthMax)
        if bytes.count > bytesMax {
            throw state.error(
                .tooLarge, at: bytesMax,
                "the document is \(bytes.count) bytes long; at most \(bytesMax) bytes are accepted: split it or store less")
        }
        return try state.parseDocument()
    }

    /// Parses a document from raw bytes (a slice of a file or a WAL record).
    public static func parse(
        _ bytes: UnsafeRawBufferPointer,
        bytesMax: Int = Limits.valueBytesMax,
        depthMax: Int = Limits.jsonDepthMax
    ) throws(JSONError) -> JSONValue {
        try parse(bytes.bindMemory(to: UInt8.self), bytesMax: bytesMax, depthMax: depthMax)
    }

    /// Parses a document from any collection of UTF-8 bytes (an array, a slice).
    public static func parse<Bytes: Collection>(
        _ bytes: Bytes,
        bytesMax: Int = Limits.valueBytesMax,
        depthMax: Int = Limits.jsonDepthMax
    ) throws(JSONError) -> JSONValue where Bytes.Element == UInt8 {
        let contiguous = bytes.withContiguousStorageIfAvailable { buffer in
            capture(buffer, bytesMax: bytesMax, depthMax: depthMax)
        }
        let result = contiguous ?? Array(bytes).withUnsafeBufferPointer { buffer in
            capture(buffer, bytesMax: bytesMax, depthMax: depthMax)
        }
        switch result {
        case .success(let value): return value
        case .failure(let error): throw error
        }
    }

    /// Runs the parser inside a non-throwing closure: Swift 6.0 does not carry typed throws
    /// through the standard library's `with...` closures, so the error travels as a value.
    static func capture(
        _ bytes: UnsafeBufferPointer<UInt8>, bytesMax: Int, depthMax: Int
    ) -> Result<JSONValue, JSONError> {
        do {
            return .success(try parse(bytes, bytesMax: bytesMax, depthMax: depthMax))
        } catch {
            return .failure(error)
        }
    }
}

/// The parser's cursor over one text. Internal: callers use `JSONParser`.
struct JSONParserState {
    let bytes: UnsafeBufferPointer<UInt8>
    let depthMax: Int
    var pos = 0
    /// Reused for strings with escapes or non-ASCII bytes.
    var scratch: [UInt8] = []

    init(bytes: UnsafeBufferPointer<UInt8>, depthMax: Int) {
        self.bytes = bytes
        self.depthMax = depthMax
    }

    mutating func parseDocument() throws(JSONError) -> JSONValue {
        skipWhitespace()
        let value = try parseValue(depth: 0)
        skipWhitespace()
        if pos < bytes.count {
            throw error(.trailingContent, at: pos, "expected the end of the document, found \(found(pos)); a document holds one value")
        }
        return value
    }

    @inline(__always)
    mutating func skipWhitespace() {
        while pos < bytes.count {
            switch bytes[pos] {
            case 0x20, 0x09, 0x0A, 0x0D: pos += 1
            default: return
            }
        }
    }

    mutating func parseValue(depth: Int) throws(JSONError) -> JSONValue {
        guard pos < bytes.count else {
            throw error(.unexpectedEnd, at: pos, "expected a JSON value (object, array, string, number, true, false or null), found the end of the text")
        }
        switch bytes[pos] {
        case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
        case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        default:
            throw error(.unexpectedByte, at: pos, "expected a JSON value (object, array, string, number, true, false or null), found \(found(pos))")
        }
    }

    mutating func expectLiteral(_ word: StaticString) throws(JSONError) {
        let count = word.utf8CodeUnitCount
        let text = word.utf8Start
        for i in 0..<count {
            guard pos + i < bytes.count, bytes[pos + i] == text[i] else {
                throw error(.unexpectedByte, at: pos, "expected a JSON value, found \(found(pos)); the only bare words are true, false and null, and strings need double quotes")
            }
        }
        pos += count
    }

    mutating func enter(depth: Int) throws(JSONError) {
        if depth > depthMax {
            throw error(.tooDeep, at: pos, "objects and arrays nest more than \(depthMax) levels deep here; flatten the document")
        }
    }

    mutating func parseObject(depth: Int) throws(JSONError) -> JSONValue {
        try enter(depth: depth)
        pos += 1  // {
        var members: [(key: String, value: JSONValue, offset: Int)] = []
        skipWhitespace()
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "}") {
            pos += 1
            return .object([JSONMember]())
        }
        while true {
            guard pos < bytes.count, bytes[pos] == UInt8(ascii: "\"") else {
                let hint = pos < bytes.count && bytes[pos] == UInt8(ascii: "}") ? " (JSON allows no trailing comma)" : ""
                throw error(pos < bytes.count ? .unexpectedByte : .unexpectedEnd, at: pos,
                            "expected a member name in double quotes, found \(found(pos))\(hint)")
            }
            let keyOffset = pos
            let key = try parseString()
            skipWhitespace()
            guard pos < bytes.count, bytes[pos] == UInt8(ascii: ":") else {
                throw error(pos < bytes.count ? .unexpectedByte : .unexpectedEnd, at: pos,
                            "expected ':' after the member name, found \(found(pos))")
            }
            pos += 1
            skipWhitespace()
            let value = try parseValue(depth: depth)
            members.append((key, value, keyOffset))
            skipWhitespace()
            guard pos < bytes.count else {
                throw error(.unexpectedEnd, at: pos, "expected ',' or '}' after an object member, found the end of the text")
            }
            if bytes[pos] == UInt8(ascii: ",") {
                pos += 1
                skipWhitespace()
                continue
            }
            if bytes[pos] == UInt8(ascii: "}") {
                pos += 1
                break
            }
            throw error(.unexpectedByte, at: pos, "expected ',' or '}' after an object member, found \(found(pos))")
        }
        return .object(try sortedMembers(members))
    }

    /// Sorts members by the UTF-8 bytes of their names (the canonical order of
    /// `JSONValue.object`) and refuses a repeated name, pointing at its second occurrence.
    mutating func sortedMembers(
        _ members: [(key: String, value: JSONValue, offset: Int)]
    ) throws(JSONError) -> [JSONMember] {
        var sorted = members
        if sorted.count > 1 {
            // Bytes, not String ==: Swift's String equality folds canonically equivalent
            // forms ("é" and "e\u{301}"), which are different names in JSON.
            sorted.sort { a, b in
                if a.key.utf8.elementsEqual(b.key.utf8) { return a.offset < b.offset }
                return a.key.utf8.lexicographicallyPrecedes(b.key.utf8)
            }
        }
        var out: [JSONMember] = []
        out.reserveCapacity(sorted.count)
        for i in sorted.indices {
            if i > 0, sorted[i].key.utf8.elementsEqual(sorted[i - 1].key.utf8) {
                throw error(.duplicateKey, at: sorted[i].offset,
                            "the member name \"\(Self.shorten(sorted[i].key))\" appears twice in one object; keep one of them")
            }
            out.append(JSONMember(sorted[i].key, sorted[i].value))
        }
        return out
    }

    mutating func parseArray(depth: Int) throws(JSONError) -> JSONValue {
        try enter(depth: depth)
        pos += 1  // [
        var elements: [JSONValue] = []
        skipWhitespace()
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "]") {
            pos += 1
            return .array([])
        }
        while true {
            if pos < bytes.count, bytes[pos] == UInt8(ascii: "]") {
                throw error(.unexpectedByte, at: pos, "expected an array element, found ']' (JSON allows no trailing comma)")
            }
            elements.append(try parseValue(depth: depth))
            skipWhitespace()
            guard pos < bytes.count else {
                throw error(.unexpectedEnd, at: pos, "expected ',' or ']' after an array element, found the end of the text")
            }
            if bytes[pos] == UInt8(ascii: ",") {
                pos += 1
                skipWhitespace()
                continue
            }
            if bytes[pos] == UInt8(ascii: "]") {
                pos += 1
                break
            }
            throw error(.unexpectedByte, at: pos, "expected ',' or ']' after an array element, found \(found(pos))")
        }
        return .array(elements)
    }

    // MARK: Strings

    /// Parses a string starting at its opening quote.
    mutating func parseString() throws(JSONError) -> String {
        let open = pos
        pos += 1
        let start = pos
        // Fast path: plain ASCII without escapes, the usual member name.
        while pos < bytes.count {
            let b = bytes[pos]
            if b == UInt8(ascii: "\"") {
                let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<pos]), as: UTF8.self)
                pos += 1
                return text
            }
            if b == UInt8(ascii: "\\") || b < 0x20 || b >= 0x80 { break }
            pos += 1
        }
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<pos]))
        while true {
            guard pos < bytes.count else {
                throw error(.unexpectedEnd, at: open, "the string that starts here has no closing '\"'")
            }
            let b = bytes[pos]
            if b == UInt8(ascii: "\"") {
                pos += 1
                // Every byte was validated above, so decoding repairs nothing.
                return String(decoding: scratch, as: UTF8.self)
            }
            if b == UInt8(ascii: "\\") {
                try parseEscape()
                continue
            }
            if b < 0x20 {
                throw error(.controlCharacter, at: pos,
                            "found control character U+00\(Self.hex2(b)) inside a string; write it as an escape such as \\n, \\t or \\u00\(Self.hex2(b))")
            }
            if b < 0x80 {
                scratch.append(b)
                pos += 1
                continue
            }
            let width = try utf8SequenceWidth(at: pos)
            scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[pos..<pos + width]))
            pos += width
        }
    }

    /// Parses one backslash escape at `pos` and appends what it means to `scratch`.
    mutating func parseEscape() throws(JSONError) {
        let escapeStart = pos
        guard pos + 1 < bytes.count else {
            throw error(.unexpectedEnd, at: pos, "the text ends inside an escape sequence")
        }
        let c = bytes[pos + 1]
        pos += 2
        switch c {
        case UInt8(ascii: "\""): scratch.append(0x22)
        case UInt8(ascii: "\\"): scratch.append(0x5C)
        case UInt8(ascii: "/"): scratch.append(0x2F)
        case UInt8(ascii: "b"): scratch.append(0x08)
        case UInt8(ascii: "f"): scratch.append(0x0C)
        case UInt8(ascii: "n"): scratch.append(0x0A)
        case UInt8(ascii: "r"): scratch.append(0x0D)
        case UInt8(ascii: "t"): scratch.append(0x09)
        case UInt8(ascii: "u"):
            let unit = try hex4(at: escapeStart)
            var scalar: UInt32
            if unit >= 0xD800 && unit <= 0xDBFF {
                // A high surrogate must be followed by an escaped low surrogate.
                guard pos + 1 < bytes.count, bytes[pos] == UInt8(ascii: "\\"), bytes[pos + 1] == UInt8(ascii: "u") else {
                    throw error(.loneSurrogate, at: escapeStart,
                                "\\u\(Self.hex4Text(unit)) is the first half of a surrogate pair but no \\uDC00-\\uDFFF escape follows; escape the whole character or write it as UTF-8")
                }
                let lowStart = pos
                pos += 2
                let low = try hex4(at: lowStart)
                guard low >= 0xDC00 && low <= 0xDFFF else {
                    throw error(.loneSurrogate, at: lowStart,
                                "\\u\(Self.hex4Text(unit)) must be followed by a low surrogate \\uDC00-\\uDFFF, found \\u\(Self.hex4Text(low))")
                }
                scalar = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
            } else if unit >= 0xDC00 && unit <= 0xDFFF {
                throw error(.loneSurrogate, at: escapeStart,
                            "\\u\(Self.hex4Text(unit)) is the second half of a surrogate pair without a first half; escape the whole character or write it as UTF-8")
            } else {
                scalar = unit
            }
            Self.appendUTF8(scalar, to: &scratch)
        default:
            throw error(.invalidEscape, at: escapeStart,
                        "\\\(Self.printable(c)) is not a JSON escape; use one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX")
        }
    }

    /// Reads the four hex digits after `\u` (pos points at the first digit).
    mutating func hex4(at escapeStart: Int) throws(JSONError) -> UInt32 {
        var v: UInt32 = 0
        for i in 0..<4 {
            guard pos + i < bytes.count else {
                throw error(.unexpectedEnd, at: escapeStart, "the text ends inside a \\u escape; it needs four hex digits")
            }
            let c = bytes[pos + i]
            let d: UInt32
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(c - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(c - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(c - UInt8(ascii: "A") + 10)
            default:
                throw error(.invalidEscape, at: pos + i, "a \\u escape needs four hex digits, found \(found(pos + i))")
            }
            v = v << 4 | d
        }
        pos += 4
        return v
    }

    /// The length of the well-formed UTF-8 sequence at `at`, whose first byte is >= 0x80
    /// (Unicode Table 3-7: no overlong forms, no surrogates, nothing above U+10FFFF).
    func utf8SequenceWidth(at i: Int) throws(JSONError) -> Int {
        let b0 = bytes[i]
        var width: Int
        var lo: UInt8 = 0x80
        var hi: UInt8 = 0xBF
        switch b0 {
        case 0xC2...0xDF: width = 2
        case 0xE0: width = 3; lo = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: width = 3
        case 0xED: width = 3; hi = 0x9F
        case 0xF0: width = 4; lo = 0x90
        case 0xF1...0xF3: width = 4
        case 0xF4: width = 4; hi = 0x8F
        default:
            throw error(.invalidUTF8, at: i, "byte 0x\(Self.hex2(b0)) cannot start a UTF-8 character; the text must be UTF-8")
        }
        for k in 1..<width {
            guard i + k < bytes.count else {
                throw error(.invalidUTF8, at: i, "the text ends inside a UTF-8 character; the text must be UTF-8")
            }
            let b = bytes[i + k]
            let (l, h) = k == 1 ? (lo, hi) : (0x80, 0xBF)
            guard b >= l && b <= h else {
                throw error(.invalidUTF8, at: i + k, "byte 0x\(Self.hex2(b)) is not a valid continuation of a UTF-8 character; the text must be UTF-8")
            }
        }
        return width
    }

    static func appendUTF8(_ scalar: UInt32, to out: inout [UInt8]) {
        switch scalar {
        case 0..<0x80:
            out.append(UInt8(scalar))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | scalar >> 6))
            out.append(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | scalar >> 12))
            out.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            out.append(UInt8(0x80 | scalar & 0x3F))
        default:
            out.append(UInt8(0xF0 | scalar >> 18))
            out.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            out.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            out.append(UInt8(0x80 | scalar & 0x3F))
        }
    }

    // MARK: Numbers

    /// Parses a number per RFC 8259's grammar, then picks `.int` or `.double`.
    mutating func parseNumber() throws(JSONError) -> JSONValue {
        let start = pos
        var negative = false
        if bytes[pos] == UInt8(ascii: "-") {
            negative = true
            pos += 1
        }
        guard pos < bytes.count, isDigit(bytes[pos]) else {
            throw error(.invalidNumber, at: pos, "expected a digit after '-', found \(found(pos))")
        }
        var magnitude: UInt64 = 0
        var overflow = false
        if bytes[pos] == UInt8(ascii: "0") {
            pos += 1
            if pos < bytes.count, isDigit(bytes[pos]) {
                throw error(.invalidNumber, at: start, "numbers may not have leading zeros; write \(Self.withoutLeadingZeros(bytes, start, pos))")
            }
        } else {
            while pos < bytes.count, isDigit(bytes[pos]) {
                let (m1, o1) = magnitude.multipliedReportingOverflow(by: 10)
                let (m2, o2) = m1.addingReportingOverflow(UInt64(bytes[pos] - UInt8(ascii: "0")))
                magnitude = m2
                overflow = overflow || o1 || o2
                pos += 1
            }
        }
        var integral = true
        if pos < bytes.count, bytes[pos] == UInt8(ascii: ".") {
            integral = false
            pos += 1
            guard pos < bytes.count, isDigit(bytes[pos]) else {
                throw error(.invalidNumber, at: pos, "expected a digit after the decimal point, found \(found(pos))")
            }
            while pos < bytes.count, isDigit(bytes[pos]) { pos += 1 }
        }
        if pos < bytes.count, bytes[pos] | 0x20 == UInt8(ascii: "e") {
            integral = false
            pos += 1
            if pos < bytes.count, bytes[pos] == UInt8(ascii: "+") || bytes[pos] == UInt8(ascii: "-") { pos += 1 }
            guard pos < bytes.count, isDigit(bytes[pos]) else {
                throw error(.invalidNumber, at: pos, "expected a digit in the exponent, found \(found(pos))")
            }
            while pos < bytes.count, isDigit(bytes[pos]) { pos += 1 }
        }
        if integral && !overflow {
            if !negative, magnitude <= UInt64(Int64.max) { return .int(Int64(magnitude)) }
            if negative, magnitude != 0, magnitude <= UInt64(Int64.max) + 1 {
                return .int(Int64(truncatingIfNeeded: 0 &- magnitude))
            }
        }
        let text = UnsafeBufferPointer(rebasing: bytes[start..<pos])
        guard let d = Value.parseNumberFast(text) else {
            preconditionFailure("JSON number grammar accepted text that Value.parseNumberFast refuses at byte \(start)")
        }
        if d.isInfinite {
            throw error(.numberOutOfRange, at: start,
                        "the number \(Self.shorten(String(decoding: text, as: UTF8.self))) is beyond the range of a double (about ±1.8e308)")
        }
        if d == 0, Value.underflowsToZero(text) {
            throw error(.numberTooSmall, at: start,
                        "the number \(Self.shorten(String(decoding: text, as: UTF8.self))) is too small for a double (the smallest is about 4.9e-324) and would read as 0; write it as a string (\"1e-400\") to keep it as text, or scale it to a larger unit")
        }
        return .double(d)
    }

    @inline(__always)
    func isDigit(_ b: UInt8) -> Bool { b &- UInt8(ascii: "0") < 10 }

    // MARK: Errors

    /// Makes an error at byte `offset`, counting its line and column.
    func error(_ code: JSONError.Code, at offset: Int, _ detail: String) -> JSONError {
        var line = 1
        var lineStart = 0
        let end = min(offset, bytes.count)
        for i in 0..<end where bytes[i] == 0x0A {
            line += 1
            lineStart = i + 1
        }
        return JSONError(code: code, detail: detail, byteOffset: offset, line: line, column: offset - lineStart + 1)
    }

    /// Describes the byte at `i` for a message: `'x'`, `byte 0xC3`, or the end of the text.
    func found(_ i: Int) -> String {
        guard i < bytes.count else { return "the end of the text" }
        let b = bytes[i]
        if b >= 0x21 && b < 0x7F { return "'\(Character(Unicode.Scalar(b)))'" }
        if b == 0x20 { return "a space" }
        return "byte 0x\(Self.hex2(b))"
    }

    static func printable(_ b: UInt8) -> String {
        b >= 0x21 && b < 0x7F ? String(Character(Unicode.Scalar(b))) : "x\(hex2(b))"
    }

    static func hex2(_ b: UInt8) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        return String(decoding: [digits[Int(b >> 4)], digits[Int(b & 15)]], as: UTF8.self)
    }

    static func hex4Text(_ v: UInt32) -> String {
        hex2(UInt8(truncatingIfNeeded: v >> 8)) + hex2(UInt8(truncatingIfNeeded: v))
    }

    static func shorten(_ s: String) -> String {
        s.utf8.count > 40 ? String(s.prefix(37)) + "..." : s
    }

    static func withoutLeadingZeros(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ digitsAt: Int) -> String {
        var end = digitsAt
        while end < bytes.count, bytes[end] &- UInt8(ascii: "0") < 10 { end += 1 }
        var text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
        let negative = text.hasPrefix("-")
        if negative { text.removeFirst() }
        while text.count > 1, text.hasPrefix("0") { text.removeFirst() }
        return shorten((negative ? "-" : "") + text)
    }
}
