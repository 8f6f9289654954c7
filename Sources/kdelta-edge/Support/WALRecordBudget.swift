import KDeltaModel
import KDeltaStorage

/// What one `putBatch` may hold so that it fits one WAL record
/// (`StorageLimits.walRecordBytesMax`): `put --batch` cuts its batches by this as well as
/// by count, so that any file `--check` accepts imports (150 readings of 60 KB text are
/// 9 MB, more than one record holds).
///
/// The store refuses a batch whose estimate (`Store.estimateRecordBytes`, internal to
/// KDeltaStorage) is over the bound. `bytes(of:)` counts at least what that estimate
/// counts for a reading (78 bytes of fields, a key definition's 10, the key, and the
/// value: 10 for a number or bool, its UTF-8 or canonical JSON text plus 5), with room to
/// spare so that a small change to the record format does not make the importer fail;
/// `WALRecordBudgetTests` packs batches to the budget and stores them.
enum WALRecordBudget {
    /// Bytes counted for a reading besides its key and value text: the estimate's 88 for
    /// a number (78 + 10) rounded up with room for new fields.
    static let readingOverheadBytes = 128

    /// Bytes kept for the record's header and fixed payload fields (36 bytes today).
    static let recordFixedBytes = 4096

    /// The sum of `bytes(of:)` that one batch may reach.
    static let batchBytesMax = StorageLimits.walRecordBytesMax - recordFixedBytes

    /// What `reading` takes of a WAL record, at least as much as the store counts.
    static func bytes(of reading: Reading) -> Int {
        let valueBytes: Int
        switch reading.value {
        case .string(let s): valueBytes = s.utf8.count
        case .document(let j): valueBytes = j.canonicalText.utf8.count
        case .double, .int, .bool: valueBytes = 0
        }
        return readingOverheadBytes + reading.key.rawValue.utf8.count + valueBytes
    }
}
