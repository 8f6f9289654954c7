import ArgumentParser
import KDeltaIngest
import KDeltaModel
import KDeltaStorage

/// `put --batch FILE|-`: streams a CSV or JSON-lines file into the store in batches.
///
/// Memory stays bounded whatever the file's size: the reader holds one read buffer, and
/// each chunk of `chunkReadings` is committed (one WAL record, one fsync under `always`)
/// before the next is parsed. A bad line stops the import: every chunk before it is
/// stored, nothing from the bad line's chunk on; the message says how many readings that is
/// and which line to fix. `--check` parses the whole file and stores nothing.
struct BatchImport {
    /// Readings per committed batch: large enough that fsync and record framing are
    /// amortised, small enough that a WAL record stays far below its 8 MiB bound.
    static let chunkReadings = 8192

    let location: StoreLocation
    let write: WriteOptions
    let path: String
    let format: String?
    let checkOnly: Bool

    func run() throws {
        var chosen: BatchFileFormat? = nil
        if let format {
            switch format {
            case "csv": chosen = .csv
            case "jsonl", "json", "ndjson": chosen = .jsonLines
            default: throw failure("--format '\(format)' is not csv or jsonl")
            }
        }
        let started = MonotonicClock.nowNs()
        var reader: BatchFileReader
        do { reader = try BatchFileReader.open(path: path, format: chosen) } catch { throw failure(error.description) }
        let store = checkOnly ? nil : try location.openForWriting(write)
        var readings = 0
        var firstLSN: UInt64? = nil
        var lastLSN: UInt64 = 0
        while true {
            let chunk: [Reading]?
            do { chunk = try reader.next(maxReadings: Self.chunkReadings) } catch {
                try? store?.close()
                let stored = checkOnly ? "nothing was stored (--check)"
                    : readings == 0 ? "nothing was stored"
                    : "the \(readings) readings before it were stored (LSN \(firstLSN!)-\(lastLSN)); fix the line and import the rest"
                throw failure("\(error.description); \(stored)")
            }
            guard let chunk else { break }
            if let store {
                do {
                    let receipt = try store.putBatch(chunk)
                    if firstLSN == nil { firstLSN = receipt.firstLSN }
                    lastLSN = receipt.lastLSN
                } catch {
                    try? store.close()
                    throw failure(error)
                }
            }
            readings += chunk.count
        }
        do { try store?.close() } catch { throw failure(error) }
        let seconds = Double(MonotonicClock.nowNs() - started) / 1e9
        let rate = seconds > 0 ? Int(Double(readings) / seconds) : 0
        if location.json {
            print(JSONValue.object([
                ("readings", .int(Int64(readings))), ("stored", .bool(!checkOnly)),
                ("firstLSN", firstLSN.map { .int(Int64($0)) } ?? .null), ("lastLSN", .int(Int64(lastLSN))),
                ("seconds", .double(seconds)), ("format", .string(reader.format.rawValue)),
            ]).canonicalText)
        } else if checkOnly {
            print("checked \(readings) readings in \(path): all valid (nothing stored)")
        } else {
            print("stored \(readings) readings from \(path) in \(Value.formatDouble((seconds * 1000).rounded() / 1000)) s (\(rate) readings/s), LSN \(firstLSN.map(String.init) ?? "-")-\(lastLSN), fsync \(store?.options.fsync.description ?? "-")")
        }
    }
}
