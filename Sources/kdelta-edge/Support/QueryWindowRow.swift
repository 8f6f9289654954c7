import KDeltaModel
import KDeltaStorage

/// One aggregated window in query output: the key and its `WindowValue`.
struct QueryWindowRow: Equatable {
    /// The series.
    var key: Key
    /// The window's range, aggregate and count.
    var window: WindowValue

    /// Creates a row.
    init(key: Key, window: WindowValue) {
        self.key = key
        self.window = window
    }
}
