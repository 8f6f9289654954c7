@testable import kdelta_edge
import Foundation
import KDeltaModel
import KDeltaStorage
import Testing

/// `put --batch` cuts batches by `WALRecordBudget`; a batch packed to the budget with the
/// largest keys and values the model allows must go into one WAL record, or an import of
/// a file `--check` accepts would fail with "one record holds 8388608: split it".
@Suite struct WALRecordBudgetTests {
    /// Readings as `BatchFileReader.next(maxReadings:maxBytes:byteCount:)` packs them: as
    /// many as fit the budget, at least one.
    static func packed(_ make: (Int) -> Reading) -> [Reading] {
        var batch: [Reading] = []
        var bytes = 0
        while true {
            let r = make(batch.count)
            let n = WALRecordBudget.bytes(of: r)
            if !batch.isEmpty && n > WALRecordBudget.batchBytesMax - bytes { return batch }
            bytes += n
            batch.append(r)
        }
    }

    /// A key of `Limits.keyBytesMax` bytes, one of 16, so each batch also defines keys.
    static func longKey(_ i: Int) -> Key {
        let suffix = "/\(i % 16)"
        return try! Key(String(repeating: "k", count: Limits.keyBytesMax - suffix.utf8.count) + suffix)
    }

    @Test func batchesPackedToTheBudgetFitOneWALRecord() throws {
        let dir = NSTemporaryDirectory() + "kdelta-budget-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var options = StoreOptions()
        options.fsync = .never
        let store = try Store.open(directory: dir, options: options)
        defer { try? store.close() }

        let text = String(repeating: "x", count: Limits.valueBytesMax)
        let strings = Self.packed { Reading(key: Self.longKey($0), value: .string(text), sourceTimeMs: Limits.sourceTimeMsMax) }
        #expect(strings.count > 100, "a batch of the longest values holds \(strings.count)")
        _ = try store.putBatch(strings)

        // A document counts in its canonical text: {"a":"…"} is 8 bytes more than the string.
        let json = JSONValue.object([("a", .string(String(repeating: "y", count: Limits.valueBytesMax - 8)))])
        #expect(json.canonicalText.utf8.count == Limits.valueBytesMax)
        _ = try store.putBatch(Self.packed { Reading(key: Self.longKey($0), value: .document(json)) })

        // Numbers: the count bound (8,192) comes first, far below the byte budget.
        let numbers = (0..<BatchImport.chunkReadings).map { Reading(key: Self.longKey($0), value: .double(Double($0))) }
        #expect(numbers.reduce(0) { $0 + WALRecordBudget.bytes(of: $1) } < WALRecordBudget.batchBytesMax)
        _ = try store.putBatch(numbers)
    }

    @Test func theBudgetLeavesRoomForTheRecordAndHoldsTheLargestReading() {
        #expect(WALRecordBudget.batchBytesMax < StorageLimits.walRecordBytesMax)
        let largest = Reading(key: Self.longKey(0), value: .string(String(repeating: "x", count: Limits.valueBytesMax)))
        #expect(WALRecordBudget.bytes(of: largest) * 100 < WALRecordBudget.batchBytesMax)
    }
}
