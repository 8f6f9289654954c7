import KDeltaModel
import KDeltaStorage

/// What one `putBatch` may hold so that it fits one WAL record
/// (`StorageLimits.walRecordBytesMax`): `put --batch` cuts its batches by this as well as
/// by count, so that any file `--check` accepts imports (150 readings of 60 KB text are
/// 9 MB, more than one record holds). The sizes are the store's own bound
/// (`Store.walBytes(of:)`), which `putBatch` checks a batch against.
enum WALRecordBudget {
    /// The sum of `bytes(of:)` that one batch may reach.
    static let batchBytesMax = StorageLimits.walRecordBytesMax - Store.walRecordFixedBytes

    /// What `reading` takes of a WAL record, at most.
    static func bytes(of reading: Reading) -> Int { Store.walBytes(of: reading) }
}
