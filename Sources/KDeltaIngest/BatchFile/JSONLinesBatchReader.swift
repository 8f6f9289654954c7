import Glibc
import KDeltaModel

/// Streams readings from a JSON-lines batch file (`kdelta-edge put --batch data.jsonl`).
///
/// Each line is one object; blank lines are skipped, a line may end in CRLF, and a UTF-8
/// byte order mark at the start is skipped:
///
///     {"key": "sensors/greenhouse/temp1", "time": 1166289840000, "value": 21.5}
///     {"key": "sensors/door", "time": "2006-12-16T17:24:00Z", "value": true}
///     {"key": "sensors/counter", "value": 42, "type": "int"}
///     {"key": "sensors/probe", "value": "NaN", "type": "double"}
///
/// - `key` (required): a string, a valid `Key`.
/// - `time` (optional): Unix milliseconds as an integer or an RFC 3339 string; ten-digit
///   integers are refused as Unix seconds (see `BatchSourceTime`). Without it the
///   reading is stamped at import.
/// - `value` (required): a number is a double, as in the line protocol, unless `type` says
///   `int` (then it must be integral and fit an `Int64`); a string is a string; `true`
///   and `false` are bools; an object or array is a document. `null` is refused.
/// - `type` (optional): `double`, `int`, `bool`, `string` or `document`, to insist on a
///   type. `double` and `int` also read a string with `Value.parse(text:)`'s number rules,
///   which is how `NaN` and `±Inf` (not JSON numbers) get in; `document` takes any JSON
///   value as a document.
/// Any other member is an error naming it, so a misspelt `"tme"` is not silently dropped.
public struct JSONLinesBatchReader {
    let input: BatchInput
    let keys = BatchKeyCache()
    var finished = false

    /// Prepares to read `source`.
    public init(source: any ByteSource) throws(BatchFileError) {
        try self.init(input: BatchInput(source: source))
    }

    init(input: BatchInput) throws(BatchFileError) {
        self.input = input
        try input.skipByteOrderMark()
    }

    /// The line the next call to `next` starts reading at, from 1: every line before it
    /// has been returned (or was blank). After a call that threw, the readings that call
    /// read are lost and it is the line that failed.
    public var nextLine: Int { input.line }

    /// Reads up to `maxReadings` readings; nil once the file is exhausted. The first bad
    /// line throws, naming its line and column.
    public mutating func next(maxReadings: Int) throws(BatchFileError) -> [Reading]? {
        try next(maxReadings: maxReadings, maxBytes: .max, byteCount: { _ in 0 })
    }

    /// Reads up to `maxReadings` readings whose `byteCount`s add up to at most `maxBytes`
    /// (one reading is returned whatever its count, so a call always makes progress); nil
    /// once the file is exhausted. The reading that would go over is left unread, and the
    /// next call starts with it (`nextLine` stays on it). Errors as in `next(maxReadings:)`.
    public mutating func next(
        maxReadings: Int, maxBytes: Int, byteCount: (Reading) -> Int
    ) throws(BatchFileError) -> [Reading]? {
        precondition(maxReadings > 0, "next(maxReadings:) needs a positive count, got \(maxReadings)")
        precondition(maxBytes > 0, "next(maxBytes:) needs a positive byte bound, got \(maxBytes)")
        if finished { return nil }
        var bytesTaken = 0
        var out: [Reading] = []
        out.reserveCapacity(min(maxReadings, IngestLimits.batchFileReadingsReserveMax))
        while out.count < maxReadings {
            let s = input.start
            let available = input.end - s
            let lineEnd: Int
            let next: Int
            if available > 0, let lf = memchr(input.base + s, 0x0A, available) {
                lineEnd = s + (UnsafeMutableRawPointer(lf) - UnsafeMutableRawPointer(input.base + s))
                next = lineEnd + 1
            } else if !input.atEOF {
                if available > IngestLimits.batchFileLineBytesMax { throw lineTooLong() }
                try input.fill()
                continue
            } else if available == 0 {
                finished = true
                break
            } else {
                lineEnd = input.end
                next = input.end
            }
            var e = lineEnd
            if e > s, input.base[e - 1] == 0x0D { e -= 1 }
            if e - s > IngestLimits.batchFileLineBytesMax { throw lineTooLong() }
            let bytes = UnsafeBufferPointer(start: input.base + s, count: e - s)
            if !Self.isBlank(bytes) {
                let r = try reading(bytes)
                let n = byteCount(r)
                if !out.isEmpty && n > maxBytes - bytesTaken { break }
                bytesTaken += n
                out.append(r)
            }
            input.start = next
            input.line += 1
        }
        if out.isEmpty && finished { return nil }
        return out
    }

    static func isBlank(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        for b in bytes where b != 0x20 && b != 0x09 && b != 0x0D { return false }
        return true
    }

    /// The reading one line describes.
    func reading(_ line: UnsafeBufferPointer<UInt8>) throws(BatchFileError) -> Reading {
        let json: JSONValue
        do {
            json = try JSONParser.parse(line, bytesMax: IngestLimits.batchFileLineBytesMax, depthMax: Limits.jsonDepthMax + 1)
        } catch {
            throw BatchFileError(
                code: .json, fileName: input.name, line: input.line + error.line - 1, column: error.column,
                text: BatchFileError.shorten(line),
                message: "\(error.detail); each line of a JSON-lines batch file is one object such as {\"key\":\"sensors/temp1\",\"time\":1166289840000,\"value\":21.5}")
        }
        guard case .object(let members) = json else {
            throw fail(.json, line, member: nil, "the line is JSON but not an object; write {\"key\":...,\"time\":...,\"value\":...}")
        }
        var keyJSON: JSONValue?
        var timeJSON: JSONValue?
        var valueJSON: JSONValue?
        var typeJSON: JSONValue?
        for m in members {
            switch m.key {
            case "key": keyJSON = m.value
            case "time": timeJSON = m.value
            case "value": valueJSON = m.value
            case "type": typeJSON = m.value
            default:
                throw fail(.json, line, member: m.key,
                           "the member \"\(m.key)\" is not one a batch line can hold; a line holds key, time (optional), value and type (optional): remove it")
            }
        }
        guard let keyJSON else { throw fail(.key, line, member: nil, "the line has no \"key\" member; add the series name, such as \"key\":\"sensors/temp1\"") }
        guard case .string(let keyText) = keyJSON else {
            throw fail(.key, line, member: "key", "\"key\" must be a string such as \"sensors/temp1\"")
        }
        let key = try self.key(keyText, line)
        var time: Int64?
        if let timeJSON { time = try self.time(timeJSON, line) }
        guard let valueJSON else { throw fail(.value, line, member: nil, "the line has no \"value\" member; add one, such as \"value\":21.5") }
        var type: ValueTag?
        if let typeJSON {
            guard case .string(let name) = typeJSON, let tag = Self.tag(named: name) else {
                throw fail(.value, line, member: "type", "\"type\" must be one of \"double\", \"int\", \"bool\", \"string\" or \"document\"")
            }
            type = tag
        }
        let value = try self.value(valueJSON, type: type, line)
        return Reading(key: key, value: value, sourceTimeMs: time)
    }

    static func tag(named name: String) -> ValueTag? {
        switch name {
        case "double": return .double
        case "int": return .int
        case "bool": return .bool
        case "string": return .string
        case "document": return .document
        default: return nil
        }
    }

    func key(_ text: String, _ line: UnsafeBufferPointer<UInt8>) throws(BatchFileError) -> Key {
        var text = text
        let found: Result<Key, BatchFieldProblem> = text.withUTF8 { bytes in lookupOrValidate(bytes) }
        switch found {
        case .success(let key): return key
        case .failure(let problem): throw fail(.key, line, member: "key", problem.message)
        }
    }

    /// The cached key for these bytes, or a newly validated one (then cached).
    func lookupOrValidate(_ bytes: UnsafeBufferPointer<UInt8>) -> Result<Key, BatchFieldProblem> {
        guard let p = bytes.baseAddress else {
            return .failure(BatchFieldProblem(offset: 0, message: KeyError(code: .empty, text: "").description))
        }
        let hash = BatchKeyCache.hash(p, bytes.count)
        if let key = keys.lookup(p, bytes.count, hash: hash) { return .success(key) }
        do {
            let key = try BatchKeyCache.validate(bytes)
            keys.insert(p, bytes.count, hash: hash, key: key)
            return .success(key)
        } catch {
            return .failure(error)
        }
    }

    func time(_ json: JSONValue, _ line: UnsafeBufferPointer<UInt8>) throws(BatchFileError) -> Int64 {
        let result: Result<Int64, BatchFieldProblem>
        switch json {
        case .int(let ms):
            result = Self.checkTime(ms)
        case .string(let text):
            var text = text
            result = text.withUTF8 { bytes in Self.parseTime(bytes) }
        default:
            result = .failure(BatchFieldProblem(
                offset: 0, message: "\"time\" must be an integer of Unix milliseconds or an RFC 3339 string; \(BatchSourceTime.formats)"))
        }
        switch result {
        case .success(let ms): return ms
        case .failure(let problem): throw fail(.time, line, member: "time", problem.message)
        }
    }

    static func checkTime(_ ms: Int64) -> Result<Int64, BatchFieldProblem> {
        do {
            return .success(try BatchSourceTime.check(ms: ms))
        } catch {
            return .failure(error)
        }
    }

    static func parseTime(_ bytes: UnsafeBufferPointer<UInt8>) -> Result<Int64, BatchFieldProblem> {
        do {
            return .success(try BatchSourceTime.parse(bytes))
        } catch {
            return .failure(error)
        }
    }

    func value(_ json: JSONValue, type: ValueTag?, _ line: UnsafeBufferPointer<UInt8>) throws(BatchFileError) -> Value {
        let value: Value
        switch (json, type) {
        case (.null, _):
            throw fail(.value, line, member: "value", "\"value\" is null; leave the line out when there is no reading")
        case (_, .document?):
            value = .document(json)
        case (.int(let i), nil), (.int(let i), .double?):
            value = .double(Double(i))
        case (.int(let i), .int?):
            value = .int(i)
        case (.double(let d), nil), (.double(let d), .double?):
            value = .double(d)
        case (.double(let d), .int?):
            guard d == d.rounded(), d >= -9.223_372_036_854_775_808e18, d < 9.223_372_036_854_775_808e18 else {
                throw fail(.value, line, member: "value", "\"type\":\"int\" needs an integer that fits 64 bits, but the value is \(d); drop the type to store a double")
            }
            value = .int(Int64(d))
        case (.bool(let b), nil), (.bool(let b), .bool?):
            value = .bool(b)
        case (.string(let s), nil), (.string(let s), .string?):
            guard s.utf8.count <= Limits.valueBytesMax else {
                throw fail(.value, line, member: "value", "the string is \(s.utf8.count) bytes long; values are at most \(Limits.valueBytesMax) bytes")
            }
            value = .string(s)
        case (.string(let s), .double?), (.string(let s), .int?):
            let parsed: Value
            do {
                parsed = try Value.parse(text: type == .int && !s.hasSuffix("i") ? s + "i" : s)
            } catch {
                throw fail(.value, line, member: "value", error.description)
            }
            guard parsed.tag == type else {
                throw fail(.value, line, member: "value", "\"type\":\"\(type?.name ?? "")\" but the string \"\(s)\" is not such a number")
            }
            value = parsed
        case (.array, nil), (.object, nil):
            value = .document(json)
        default:
            throw fail(.value, line, member: "value",
                       "\"type\":\"\(type?.name ?? "")\" does not match the value \(json.canonicalText.prefix(40)); drop the type or fix the value")
        }
        if case .document(let doc) = value {
            var text: [UInt8] = []
            doc.writeCanonical(into: &text)
            if text.count > Limits.valueBytesMax {
                throw fail(.value, line, member: "value", "the document is \(text.count) bytes long once compacted; values are at most \(Limits.valueBytesMax) bytes")
            }
        }
        return value
    }

    /// An error about this line; the column is that of the member's name when it is given
    /// and found, else 1.
    func fail(_ code: BatchFileError.Code, _ line: UnsafeBufferPointer<UInt8>, member: String?, _ message: String) -> BatchFileError {
        var column = 1
        if let member {
            let needle = Array("\"\(member)\"".utf8)
            if line.count >= needle.count {
                for i in 0...(line.count - needle.count) where line[i] == needle[0] {
                    if (0..<needle.count).allSatisfy({ line[i + $0] == needle[$0] }) {
                        column = i + 1
                        break
                    }
                }
            }
        }
        return BatchFileError(code: code, fileName: input.name, line: input.line, column: column,
                              text: BatchFileError.shorten(line), message: message)
    }

    func lineTooLong() -> BatchFileError {
        BatchFileError(code: .lineTooLong, fileName: input.name, line: input.line, column: 1,
                       text: BatchFileError.shorten(UnsafeBufferPointer(start: input.base + input.start, count: min(input.end - input.start, 100))),
                       message: "this line is longer than \(IngestLimits.batchFileLineBytesMax) bytes, the longest a batch file may have; split the value, or check that the file has one object per line")
    }
}
