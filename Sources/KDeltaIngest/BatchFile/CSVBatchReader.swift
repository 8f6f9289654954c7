import KDeltaModel

/// Streams readings from a CSV batch file (`kdelta-edge put --batch data.csv`).
///
/// The file is RFC 4180 CSV: fields separated by commas, optionally in double quotes
/// (a quote inside a quoted field is doubled), records ended by LF or CRLF, the last one
/// optionally; a UTF-8 byte order mark at the start and blank lines are skipped. Spaces
/// and tabs around an unquoted field are dropped, because spreadsheets and `printf` pad
/// numbers; a quoted field keeps every byte.
///
/// The first record is a header naming the columns `key`, `value` and optionally `time`,
/// in any order and any case. Any other column is an error naming it: a column the store
/// cannot keep should not vanish silently. Without a `time` column, readings carry no
/// source time and are stamped at import.
///
/// Fields, after CSV unquoting:
/// - `key`: a valid `Key`.
/// - `time`: Unix milliseconds as an integer, or an RFC 3339 time; ten-digit integers are
///   refused as Unix seconds (see `BatchSourceTime`).
/// - `value`: as `Value.parse(text:)` reads it: `21.5` is a double, `42i` an int, `true` a
///   bool, `{"a":1}` a document, `"text"` (JSON-quoted) or plain text a string. CSV
///   quoting comes first, so the JSON string `"open"` is written `"""open"""` in a file.
///   An empty value is an error.
///
/// Fast because it parses straight from the read buffer: the only allocations per row are
/// the readings array's growth and a string value's text; a key seen before is found in a
/// bounded cache by its bytes (`BatchKeyCache`), numbers take `Value.parseNumberFast`.
/// Memory is bounded by `IngestLimits.batchFileReadBytes` plus one line of at most
/// `IngestLimits.batchFileLineBytesMax`.
public struct CSVBatchReader {
    /// The header's column names, trimmed and lower-cased, in file order.
    public let columns: [String]
    /// The line the next call to `next` starts reading at, from 1: every line before it
    /// has been returned (or was the header, or blank). After a call that threw, the
    /// readings that call read are lost and it is the first line of the failed record.
    public var nextLine: Int { input.line }
    let input: BatchInput
    let scanner: CSVRecordScanner
    let keys = BatchKeyCache()
    let keyColumn: Int
    /// -1 when the file has no time column.
    let timeColumn: Int
    let valueColumn: Int
    var finished = false
    var times = BatchTimeMemo()

    /// Reads the header from `source`; errors in it are thrown here, before any reading.
    public init(source: any ByteSource) throws(BatchFileError) {
        try self.init(input: BatchInput(source: source))
    }

    init(input: BatchInput) throws(BatchFileError) {
        self.input = input
        scanner = CSVRecordScanner(input: input)
        try input.skipByteOrderMark()
        // The header is the first record that is not blank.
        var record = CSVRecordScanner.Record(next: 0, fieldCount: 0, newlines: 0)
        while true {
            if input.start == input.end {
                if input.atEOF {
                    throw BatchFileError(
                        code: .missingHeader, fileName: input.name, line: input.line, column: 0, text: "",
                        message: "the file has no header row; a batch CSV starts with the line key,time,value (time is optional) followed by one reading per line")
                }
                try input.fill()
                continue
            }
            record = try scanner.scan(from: input.start, line: input.line)
            if record.next < 0 {
                try scanner.checkIncompleteLength(from: input.start, line: input.line)
                try input.fill()
                continue
            }
            try scanner.checkLength(record, from: input.start, line: input.line)
            if scanner.isBlank(record) {
                input.start = record.next
                input.line += 1 + record.newlines
                continue
            }
            break
        }
        let s = input.start
        let line = input.line
        if record.fieldCount > IngestLimits.batchFileColumnsMax {
            throw scanner.error(.header, at: s, recordStart: s, line: line, text: input.lineText(from: s),
                                "the header has \(record.fieldCount) columns; a batch CSV has the columns key, time (optional) and value")
        }
        var names: [String] = []
        var key = -1
        var time = -1
        var value = -1
        var unknown: [(name: String, offset: Int)] = []
        for c in 0..<record.fieldCount {
            let field = scanner.fields[c]
            let bytes = scanner.content(of: field, recordStart: s)
            let name = String(decoding: bytes, as: UTF8.self).lowercased()
            names.append(name)
            let column: Int
            switch name {
            case "key": column = key; key = c
            case "time": column = time; time = c
            case "value": column = value; value = c
            default:
                unknown.append((name.isEmpty ? "(empty)" : name, field.start))
                continue
            }
            if column >= 0 {
                throw scanner.error(.header, at: field.start, recordStart: s, line: line, text: input.lineText(from: s),
                                    "the header names the column '\(name)' twice; keep one")
            }
        }
        if let first = unknown.first {
            let list = unknown.map { "'\($0.name)'" }.joined(separator: ", ")
            let hint = key < 0 && value < 0
                ? "; if this line is already data, add the header line key,time,value above it"
                : "; remove the other columns"
            throw scanner.error(.header, at: first.offset, recordStart: s, line: line, text: input.lineText(from: s),
                                "the header has the column\(unknown.count > 1 ? "s" : "") \(list), which a batch file cannot hold: a batch CSV has the columns key, time (optional) and value, in any order\(hint)")
        }
        if key < 0 || value < 0 {
            let missing = key < 0 ? "key" : "value"
            throw scanner.error(.header, at: s, recordStart: s, line: line, text: input.lineText(from: s),
                                "the header has no '\(missing)' column; a batch CSV has the columns key, time (optional) and value, in any order")
        }
        columns = names
        keyColumn = key
        timeColumn = time
        valueColumn = value
        input.start = record.next
        input.line += 1 + record.newlines
    }

    /// Reads up to `maxReadings` readings; nil once the file is exhausted. Blank lines are
    /// skipped; the first bad line throws, naming its line and column, and the readings
    /// before it in this call are not returned (import is all or nothing per call).
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
        let columnCount = columns.count
        while out.count < maxReadings {
            let s = input.start
            if s == input.end {
                if input.atEOF {
                    finished = true
                    break
                }
                try input.fill()
                continue
            }
            let line = input.line
            let record = try scanner.scan(from: s, line: line)
            if record.next < 0 {
                try scanner.checkIncompleteLength(from: s, line: line)
                try input.fill()
                continue
            }
            try scanner.checkLength(record, from: s, line: line)
            if record.fieldCount != columnCount {
                if !scanner.isBlank(record) {
                    throw scanner.error(
                        .fieldCount, at: s, recordStart: s, line: line, text: input.lineText(from: s),
                        "this line has \(record.fieldCount) field\(record.fieldCount == 1 ? "" : "s") but the header names \(columnCount) (\(columns.joined(separator: ","))); quote a field that contains a comma")
                }
            } else {
                let r = try reading(recordStart: s, line: line)
                let n = byteCount(r)
                if !out.isEmpty && n > maxBytes - bytesTaken { break }
                bytesTaken += n
                out.append(r)
            }
            input.start = record.next
            input.line = line + 1 + record.newlines
        }
        if out.isEmpty && finished { return nil }
        return out
    }

    /// Builds the reading of the record whose fields the scanner holds.
    @inline(__always)
    mutating func reading(recordStart s: Int, line: Int) throws(BatchFileError) -> Reading {
        let keyField = scanner.fields[keyColumn]
        let keyBytes = scanner.content(of: keyField, recordStart: s)
        let key = try self.key(keyBytes, field: keyField, recordStart: s, line: line)
        var time: Int64?
        if timeColumn >= 0 {
            let field = scanner.fields[timeColumn]
            do {
                time = try times.parse(scanner.content(of: field, recordStart: s))
            } catch {
                throw scanner.error(.time, at: field.start + (field.escaped ? 0 : error.offset), recordStart: s, line: line,
                                    text: scanner.text(of: field), error.message)
            }
        }
        let field = scanner.fields[valueColumn]
        let value: Value
        do {
            value = try Value.parse(textBytes: scanner.content(of: field, recordStart: s))
        } catch {
            throw scanner.error(.value, at: field.start + (field.escaped ? 0 : error.byteOffset), recordStart: s, line: line,
                                text: scanner.text(of: field), error.description)
        }
        return Reading(key: key, value: value, sourceTimeMs: time)
    }

    /// The key these bytes spell, from the cache or validated now.
    @inline(__always)
    func key(_ bytes: UnsafeBufferPointer<UInt8>, field: CSVField, recordStart s: Int, line: Int) throws(BatchFileError) -> Key {
        let p = bytes.baseAddress ?? UnsafePointer(input.base)
        let hash = BatchKeyCache.hash(p, bytes.count)
        if let key = keys.lookup(p, bytes.count, hash: hash) { return key }
        let key: Key
        do {
            key = try BatchKeyCache.validate(bytes)
        } catch {
            throw scanner.error(.key, at: field.start + (field.escaped ? 0 : error.offset), recordStart: s, line: line,
                                text: scanner.text(of: field), error.message)
        }
        keys.insert(p, bytes.count, hash: hash, key: key)
        return key
    }
}

/// One field of a CSV record: its content's bounds in the read buffer (inside the quotes
/// for a quoted field), and whether doubled quotes in it still need undoing. Internal.
struct CSVField {
    var start: Int
    var end: Int
    var quoted: Bool
    var escaped: Bool
}

/// Finds the fields of one CSV record in a `BatchInput`'s buffer. Internal: the CSV
/// reader's lexer, kept apart so the header and the data rows share it.
final class CSVRecordScanner {
    /// Where a record ends: `next` is the offset after its line end, or -1 when the buffer
    /// ends first and more input may follow.
    struct Record {
        var next: Int
        var fieldCount: Int
        var newlines: Int
    }

    let input: BatchInput
    /// The first `IngestLimits.batchFileColumnsMax` fields of the last record scanned.
    let fields: UnsafeMutablePointer<CSVField>

    init(input: BatchInput) {
        self.input = input
        fields = .allocate(capacity: IngestLimits.batchFileColumnsMax)
    }

    deinit { fields.deallocate() }

    static let quote = UInt8(ascii: "\"")
    static let comma = UInt8(ascii: ",")
    static let lineFeed: UInt8 = 0x0A
    static let carriageReturn: UInt8 = 0x0D

    /// Scans the record at `s`. At the end of the input, the end of the buffer ends the
    /// record; before it, running out of bytes returns `next == -1`.
    @inline(__always)
    func scan(from s: Int, line: Int) throws(BatchFileError) -> Record {
        let p = input.base
        let end = input.end
        let eof = input.atEOF
        let quote = Self.quote, comma = Self.comma, lf = Self.lineFeed, cr = Self.carriageReturn
        let fieldsMax = IngestLimits.batchFileColumnsMax
        var i = s
        var count = 0
        var newlines = 0
        while true {
            var fs = i
            var fe: Int
            var escaped = false
            let quoted = i < end && p[i] == quote
            if quoted {
                let open = i
                i += 1
                fs = i
                while true {
                    if i >= end {
                        if eof {
                            throw error(.quoting, at: open, recordStart: s, line: line, text: input.lineText(from: open),
                                        "this quoted field is never closed; add the closing quote, and double any quote inside the field (\"\")")
                        }
                        return Record(next: -1, fieldCount: 0, newlines: 0)
                    }
                    let b = p[i]
                    if b == quote {
                        if i + 1 < end {
                            if p[i + 1] == quote {
                                escaped = true
                                i += 2
                                continue
                            }
                            break
                        }
                        if eof { break }
                        return Record(next: -1, fieldCount: 0, newlines: 0)
                    }
                    if b == lf { newlines += 1 }
                    i += 1
                }
                fe = i
                i += 1
                if i < end, p[i] != comma, p[i] != lf, p[i] != cr {
                    throw error(.quoting, at: i, recordStart: s, line: line, text: input.lineText(from: open),
                                "text follows the closing quote of a field; a quoted field ends at its closing quote, so put everything inside the quotes and double the quotes within (\"\")")
                }
            } else {
                // Eight bytes at a time to the first byte that ends or breaks the field.
                while i + 8 <= end {
                    let special = Self.specialBytes(UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self))
                    if special != 0 {
                        i += special.trailingZeroBitCount >> 3
                        break
                    }
                    i += 8
                }
                while i < end {
                    let b = p[i]
                    if b == comma || b == lf || b == cr { break }
                    if b == quote {
                        throw error(.quoting, at: i, recordStart: s, line: line, text: input.lineText(from: fs),
                                    "a double quote inside an unquoted field; quote the whole field and double the quotes inside it, as in \"say \"\"hi\"\"\"")
                    }
                    i += 1
                }
                if i >= end && !eof { return Record(next: -1, fieldCount: 0, newlines: 0) }
                fe = i
                while fs < fe, p[fs] == 0x20 || p[fs] == 0x09 { fs += 1 }
                while fe > fs, p[fe - 1] == 0x20 || p[fe - 1] == 0x09 { fe -= 1 }
            }
            if count < fieldsMax { fields[count] = CSVField(start: fs, end: fe, quoted: quoted, escaped: escaped) }
            count += 1
            if i >= end { return Record(next: i, fieldCount: count, newlines: newlines) }
            let d = p[i]
            if d == comma {
                i += 1
                continue
            }
            if d == lf { return Record(next: i + 1, fieldCount: count, newlines: newlines) }
            // A carriage return: only as half of CRLF.
            if i + 1 < end {
                if p[i + 1] == lf { return Record(next: i + 2, fieldCount: count, newlines: newlines) }
                throw error(.quoting, at: i, recordStart: s, line: line, text: input.lineText(from: s),
                            "a carriage return without a line feed; end lines with LF or CRLF, or quote a field that contains a line break")
            }
            if eof { return Record(next: i + 1, fieldCount: count, newlines: newlines) }
            return Record(next: -1, fieldCount: 0, newlines: 0)
        }
    }

    /// A mask with the high bit set in each byte of `word` (little-endian) that is a comma,
    /// a quote, CR or LF; exact for the lowest such byte, which is all the scan uses.
    /// (Mycroft's "has zero byte" test on the word XOR each pattern.)
    @inline(__always)
    static func specialBytes(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        @inline(__always) func zeroBytes(_ x: UInt64) -> UInt64 { (x &- ones) & ~x & highs }
        let w = UInt64(littleEndian: word)
        return zeroBytes(w ^ (ones &* 0x2C)) | zeroBytes(w ^ (ones &* 0x22))
            | zeroBytes(w ^ (ones &* 0x0A)) | zeroBytes(w ^ (ones &* 0x0D))
    }

    /// Whether the record is an empty line (or only spaces).
    @inline(__always)
    func isBlank(_ record: Record) -> Bool {
        record.fieldCount == 1 && !fields[0].quoted && fields[0].start == fields[0].end
    }

    /// Refuses a complete record longer than the line limit.
    @inline(__always)
    func checkLength(_ record: Record, from s: Int, line: Int) throws(BatchFileError) {
        if record.next - s > IngestLimits.batchFileLineBytesMax + 2 {
            throw lineTooLong(from: s, line: line)
        }
    }

    /// Refuses an incomplete record that already exceeds the line limit.
    func checkIncompleteLength(from s: Int, line: Int) throws(BatchFileError) {
        if input.end - s > IngestLimits.batchFileLineBytesMax {
            throw lineTooLong(from: s, line: line)
        }
    }

    func lineTooLong(from s: Int, line: Int) -> BatchFileError {
        error(.lineTooLong, at: s, recordStart: s, line: line, text: input.lineText(from: s),
              "this line is longer than \(IngestLimits.batchFileLineBytesMax) bytes, the longest a batch file may have; look for a quote that is never closed, or split the value")
    }

    /// The field's content: the buffer itself, or for a field with doubled quotes a copy
    /// with them undone, in the scratch buffer at the same offset as in the record.
    @inline(__always)
    func content(of field: CSVField, recordStart s: Int) -> UnsafeBufferPointer<UInt8> {
        let p = input.base
        if !field.escaped {
            return UnsafeBufferPointer(start: p + field.start, count: field.end - field.start)
        }
        let out = input.scratch + (field.start - s)
        var n = 0
        var i = field.start
        while i < field.end {
            out[n] = p[i]
            n += 1
            i += p[i] == Self.quote ? 2 : 1
        }
        return UnsafeBufferPointer(start: out, count: n)
    }

    /// The field's raw text, for an error.
    func text(of field: CSVField) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: input.base + field.start, count: field.end - field.start)
    }

    /// An error at buffer offset `offset` of the record starting at `recordStart` on `line`.
    func error(
        _ code: BatchFileError.Code, at offset: Int, recordStart: Int, line: Int,
        text: UnsafeBufferPointer<UInt8>, _ message: String
    ) -> BatchFileError {
        var l = line
        var lineStart = recordStart
        var i = recordStart
        while i < offset && i < input.end {
            if input.base[i] == Self.lineFeed {
                l += 1
                lineStart = i + 1
            }
            i += 1
        }
        return BatchFileError(code: code, fileName: input.name, line: l, column: offset - lineStart + 1,
                              text: BatchFileError.shorten(text), message: message)
    }
}
