import KDeltaCodec

/// The column codecs behind one interface, so the round-trip, range and corruption tests
/// run the same checks on each. Doubles compare by bit pattern.
protocol ColumnCoding {
    associatedtype Value
    static var name: String { get }
    static func encode(_ values: [Value]) -> [UInt8]
    static func encode(_ values: [Value], frameSizeLog2: Int) -> [UInt8]
    static func decode(_ bytes: UnsafeRawBufferPointer, count: Int) throws(CodecError) -> [Value]
    static func decode(_ bytes: UnsafeRawBufferPointer, count: Int, range: Range<Int>) throws(CodecError) -> [Value]
    static func same(_ a: [Value], _ b: [Value]) -> Bool
    /// `value(_:count:at:)`, or nil for codecs without it (BytesColumn).
    static func value(_ bytes: UnsafeRawBufferPointer, count: Int, at index: Int) throws(CodecError) -> Value?
}

extension ColumnCoding {
    /// Decodes `bytes` (all values, or `range`).
    static func decode(_ bytes: [UInt8], count: Int, range: Range<Int>? = nil) throws(CodecError) -> [Value] {
        var result: Result<[Value], CodecError> = .success([])
        bytes.withUnsafeBytes { raw in
            do throws(CodecError) {
                if let range {
                    result = .success(try decode(raw, count: count, range: range))
                } else {
                    result = .success(try decode(raw, count: count))
                }
            } catch {
                result = .failure(error)
            }
        }
        return try result.get()
    }

    /// Encodes, decodes, and returns the decoded values with the encoded size.
    static func roundTrip(_ values: [Value], frameSizeLog2: Int = 7) throws(CodecError) -> (decoded: [Value], bytes: [UInt8]) {
        let bytes = encode(values, frameSizeLog2: frameSizeLog2)
        return (try decode(bytes, count: values.count), bytes)
    }
}

extension ColumnCoding {
    /// The value at `index` through `value(_:count:at:)`.
    static func value(_ bytes: [UInt8], count: Int, at index: Int) throws(CodecError) -> Value? {
        var result: Result<Value?, CodecError> = .success(nil)
        bytes.withUnsafeBytes { raw in
            do throws(CodecError) { result = .success(try value(raw, count: count, at: index)) } catch { result = .failure(error) }
        }
        return try result.get()
    }
}

extension ColumnCoding where Value: Equatable {
    static func same(_ a: [Value], _ b: [Value]) -> Bool { a == b }
}

struct TimeCoding: ColumnCoding {
    static func value(_ bytes: UnsafeRawBufferPointer, count: Int, at index: Int) throws(CodecError) -> Int64? {
        try TimeColumn.value(bytes, count: count, at: index)
    }
    static let name = "TimeColumn"
    static func encode(_ values: [Int64]) -> [UInt8] { TimeColumn.encode(values) }
    static func encode(_ values: [Int64], frameSizeLog2: Int) -> [UInt8] { TimeColumn.encode(values, frameSizeLog2: frameSizeLog2) }
    static func decode(_ bytes: UnsafeRawBufferPointer, count: Int) throws(CodecError) -> [Int64] { try TimeColumn.decode(bytes, count: count) }
    static func decode(_ bytes: UnsafeRawBufferPointer, count: Int, range: Range<Int>) throws(CodecError) -> [Int64] {
        try TimeColumn.decode(bytes, count: count, range: range)
    }
}

struct IntCoding: ColumnCoding {
    static func value(_ bytes: UnsafeRawBufferPointer, count: Int, at index: Int) throws(CodecError) -> Int64? {
        try IntColumn.value(bytes, count: count, at: index)
    }
    static let name = "IntColumn"
    static func encode(_ values: [Int64]) -> [UInt8] { IntColumn.encode(values) }
    static func encode(_ values: [Int64], frameSizeLog2: Int) -> [UInt8] { IntColumn.encode(values, frameSizeLog2: frameSizeLog2) }
    static func decode(_ bytes: UnsafeRawBufferPointer, count: Int) throws(CodecError) -> [Int64] { try IntColumn.decode(bytes, count: count) }
    static func decode(_ bytes: UnsafeRawBufferPointer, count: Int, range: Range<Int>) throws(CodecError) -> [Int64] {
        try IntColumn.decode(bytes, count: count, range: range)
    }
}

struct DoubleCoding: ColumnCoding {
    static func value(_ bytes: UnsafeRawBufferPointer, count: Int, at index: Int) throws(CodecError) -> Double? {
        try DoubleColumn.value(bytes, count: count, at: index)
    }
    static let name = "DoubleColumn"
    static func encode(_ values: [Double]) -> [UInt8] { DoubleColumn.encode(values) }
    static func encode(_ values: [Double], frameSizeLog2: Int) -> [UInt8] { DoubleColumn.encode(values, frameSizeLog2: frameSizeLog2) }
    static func decode(_ bytes: UnsafeRawBufferPointer, count: Int) throws(CodecError) -> [Double] { try DoubleColumn.decode(bytes, count: count) }
    static func decode(_ bytes: UnsafeRawBufferPointer, count: Int, range: Range<Int>) throws(CodecError) -> [Double] {
        try DoubleColumn.decode(bytes, count: count, range: range)
    }
    static func same(_ a: [Double], _ b: [Double]) -> Bool { a.map(\.bitPattern) == b.map(\.bitPattern) }
}

struct BoolCoding: ColumnCoding {
    static func value(_ bytes: UnsafeRawBufferPointer, count: Int, at index: Int) throws(CodecError) -> Bool? {
        try BoolColumn.value(bytes, count: count, at: index)
    }
    static let name = "BoolColumn"
    static func encode(_ values: [Bool]) -> [UInt8] { BoolColumn.encode(values) }
    static func encode(_ values: [Bool], frameSizeLog2: Int) -> [UInt8] { BoolColumn.encode(values, frameSizeLog2: frameSizeLog2) }
    static func decode(_ bytes: UnsafeRawBufferPointer, count: Int) throws(CodecError) -> [Bool] { try BoolColumn.decode(bytes, count: count) }
    static func decode(_ bytes: UnsafeRawBufferPointer, count: Int, range: Range<Int>) throws(CodecError) -> [Bool] {
        try BoolColumn.decode(bytes, count: count, range: range)
    }
}

struct BytesCoding: ColumnCoding {
    static func value(_ bytes: UnsafeRawBufferPointer, count: Int, at index: Int) throws(CodecError) -> [UInt8]? { nil }
    static let name = "BytesColumn"
    static func encode(_ values: [[UInt8]]) -> [UInt8] { BytesColumn.encode(values) }
    static func encode(_ values: [[UInt8]], frameSizeLog2: Int) -> [UInt8] { BytesColumn.encode(values, frameSizeLog2: frameSizeLog2) }
    static func decode(_ bytes: UnsafeRawBufferPointer, count: Int) throws(CodecError) -> [[UInt8]] { try BytesColumn.decode(bytes, count: count) }
    static func decode(_ bytes: UnsafeRawBufferPointer, count: Int, range: Range<Int>) throws(CodecError) -> [[UInt8]] {
        try BytesColumn.decode(bytes, count: count, range: range)
    }
}
