import KDeltaIngest
import KDeltaModel
import Testing

/// SplitMix64: a tiny deterministic generator, so every random test replays from its seed.
struct SeededRandom: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A byte source over an array that hands out at most `chunkBytes` per read, to show that
/// readers give the same result however the input is split (one byte at a time, as a slow
/// pipe might, or everything at once).
struct MemoryByteSource: ByteSource {
    let name: String
    let bytes: [UInt8]
    let chunkBytes: Int
    var offset = 0

    init(_ text: String, name: String = "test.csv", chunkBytes: Int = Int.max) {
        self.init(bytes: Array(text.utf8), name: name, chunkBytes: chunkBytes)
    }

    init(bytes: [UInt8], name: String = "test.csv", chunkBytes: Int = Int.max) {
        self.name = name
        self.bytes = bytes
        self.chunkBytes = chunkBytes
    }

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(BatchFileError) -> Int {
        let n = min(buffer.count, chunkBytes, bytes.count - offset)
        if n == 0 { return 0 }
        bytes[offset..<offset + n].withUnsafeBytes { buffer.copyMemory(from: $0) }
        offset += n
        return n
    }
}

/// A byte source that fails on its first read, as a disk error would.
struct FailingByteSource: ByteSource {
    let name = "broken.csv"

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(BatchFileError) -> Int {
        throw BatchFileError(code: .io, fileName: name, line: 0, column: 0, text: "", message: "cannot read the file (Input/output error, errno 5)")
    }
}

/// Everything a CSV reader yields, in calls of `batch` readings.
func readAllCSV(_ source: any ByteSource, batch: Int = 1000) throws -> [Reading] {
    var reader = try CSVBatchReader(source: source)
    var out: [Reading] = []
    while let readings = try reader.next(maxReadings: batch) {
        #expect(!readings.isEmpty && readings.count <= batch)
        out += readings
    }
    #expect(try reader.next(maxReadings: batch) == nil)
    return out
}

/// Everything a JSON-lines reader yields, in calls of `batch` readings.
func readAllJSONLines(_ source: any ByteSource, batch: Int = 1000) throws -> [Reading] {
    var reader = try JSONLinesBatchReader(source: source)
    var out: [Reading] = []
    while let readings = try reader.next(maxReadings: batch) {
        #expect(!readings.isEmpty && readings.count <= batch)
        out += readings
    }
    return out
}

/// The error reading `text` as CSV throws, or nil.
func csvFailure(_ text: String, chunkBytes: Int = Int.max) -> BatchFileError? {
    do {
        _ = try readAllCSV(MemoryByteSource(text, chunkBytes: chunkBytes))
        return nil
    } catch let error as BatchFileError {
        return error
    } catch {
        Issue.record("unexpected error type: \(error)")
        return nil
    }
}

/// The error reading `text` as JSON lines throws, or nil.
func jsonLinesFailure(_ text: String) -> BatchFileError? {
    do {
        _ = try readAllJSONLines(MemoryByteSource(text, name: "test.jsonl"))
        return nil
    } catch let error as BatchFileError {
        return error
    } catch {
        Issue.record("unexpected error type: \(error)")
        return nil
    }
}

func key(_ text: String) -> Key { try! Key(text) }
