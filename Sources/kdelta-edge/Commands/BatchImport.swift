import ArgumentParser
import KDeltaIngest
import KDeltaModel
import KDeltaStorage

/// `put --batch FILE|-`: streams a CSV or JSON-lines file into the store in batches.
///
/// Memory stays bounded whatever the file's size: the reader holds one read buffer, and
/// each batch (at most `chunkReadings` readings, and at most what one WAL record holds:
/// `WALRecordBudget`) is committed (one WAL record, one fsync under `always`) before the
/// next is parsed. A bad line stops the import: every batch before it is stored, nothing
/// from the bad line's batch on; the message says which lines are stored, under which
/// LSNs, and the line to import from (`BatchImportProgress`). A store error (a full disk
/// budget, say) stops it the same way. `--check` parses the whole file and stores nothing.
struct BatchImport {
    /// Readings per committed batch, at most: large enough that fsync and record framing
    /// are amortised. Batches of long values are cut sooner, by `WALRecordBudget`.
    static let chunkReadings = 8192

    let location: StoreLocation
    let write: WriteOptions
    let path: String
    let format: BatchFileFormat?
    let checkOnly: Bool

    func run() throws {
        let started = MonotonicClock.nowNs()
        var reader: BatchFileReader
        do { reader = try BatchFileReader.open(path: path, format: format) } catch { throw failure(error.description) }
        let store = checkOnly ? nil : try location.openForWriting(write)
        var progress = BatchImportProgress(path: path, format: reader.format, firstLine: reader.nextLine)
        var readings = 0
        while true {
            let chunk: [Reading]?
            do {
                chunk = try reader.next(
                    maxReadings: Self.chunkReadings, maxBytes: WALRecordBudget.batchBytesMax, byteCount: WALRecordBudget.bytes(of:))
            } catch {
                try? store?.close()
                let stored = checkOnly ? "nothing was stored (--check)" : progress.afterBadLine(error.line)
                throw failure("\(error.description); \(stored)")
            }
            guard let chunk else { break }
            if let store {
                do {
                    let receipt = try store.putBatch(chunk)
                    progress.stored(firstLSN: receipt.firstLSN, count: receipt.count, nextLine: reader.nextLine)
                } catch {
                    try? store.close()
                    throw failure(error, adding: progress.afterStoreError(error, batchEndLine: reader.nextLine))
                }
            }
            readings += chunk.count
        }
        do { try store?.close() } catch { throw failure(error) }
        if store != nil && readings > 0 {
            StandardOutput.madeChanges("\(counted(readings, "reading")) from \(path) \(readings == 1 ? "is" : "are") stored (\(progress.lsnRange))")
        }
        let seconds = Double(MonotonicClock.nowNs() - started) / 1e9
        let rate = seconds > 0 ? Int(Double(readings) / seconds) : 0
        if location.json {
            try StandardOutput.line(JSONValue.object([
                ("readings", .int(Int64(readings))), ("stored", .bool(!checkOnly)),
                ("firstLSN", progress.firstLSN.map { .int(Int64($0)) } ?? .null),
                ("lastLSN", progress.lastLSN.map { .int(Int64($0)) } ?? .null),
                ("seconds", .double(seconds)), ("format", .string(reader.format.rawValue)),
            ]).canonicalText)
        } else if checkOnly {
            try StandardOutput.line("checked \(counted(readings, "reading")) in \(path): all valid (nothing stored)")
        } else if readings == 0 {
            try StandardOutput.line("stored 0 readings: \(path) holds none\(reader.format == .csv ? " (only a header)" : "")")
        } else {
            try StandardOutput.line("stored \(counted(readings, "reading")) from \(path) in \(Value.formatDouble((seconds * 1000).rounded() / 1000)) s (\(rate) readings/s), \(progress.lsnRange), fsync \(store?.options.fsync.description ?? "-")")
        }
    }
}
