/// A bad last record that recovery takes for a torn write: the record being appended when
/// the process or the power stopped (docs/format/wal.md, "Torn or damaged").
///
/// "Torn" is a judgement made from the bytes, not a fact: a record damaged after it was
/// written can look the same (see `Sign.looksComplete`). So an open for writing copies the
/// tail's data under `repair/` and syncs the copy before it cuts the record off
/// (`keptAt`), and nothing it cuts is lost.
public struct TornTail: Sendable, Equatable {
    /// Why the bytes at `offset` are taken for a write that never finished.
    public enum Sign: String, Sendable, Equatable {
        /// The record header is incomplete or garbled (zeros, an unknown type, non-zero
        /// reserved bytes, an impossible length): the write stopped inside it.
        case incompleteHeader
        /// The header's length runs past the data written: the bytes the record would end
        /// with are the segment's preallocated zeros, or the file ends first.
        case runsPastData
        /// A zero record header is followed by data: part of a write reached the disk
        /// without its start.
        case dataAfterZeros
        /// Data follows the record's declared end, over the preallocated zeros that
        /// follow the last record of a segment.
        case dataAfterEnd
        /// The record looks complete (a sound header, data up to its declared end, zeros
        /// after it) yet fails its checksum in more than one bit. Either the write in
        /// flight ended in garbage (a page torn while being programmed) or a complete record
        /// was damaged in several bits; the format cannot tell which.
        case looksComplete

        /// The sign in words, for messages.
        public var explanation: String {
            switch self {
            case .incompleteHeader: "its header is incomplete, as a write stopped inside it leaves it"
            case .runsPastData: "its length runs past the data written, as a write that stopped part-way leaves it"
            case .dataAfterZeros: "the zeros where the next record would start are followed by data, as a write whose start never reached the disk leaves them"
            case .dataAfterEnd: "data follows its end over the segment's preallocated zeros, as a write torn with garbage leaves it"
            case .looksComplete: "its bytes look complete yet fail the checksum in more than one bit: the write in flight ended in garbage, or a complete record was damaged; the format cannot tell which"
            }
        }
    }

    /// The segment file.
    public var file: String
    /// Where the bad record starts: the segment is cut here.
    public var offset: Int64
    /// Bytes from `offset` to the end of the segment file, preallocated zeros included.
    public var bytes: Int64
    /// What was wrong with the record.
    public var reason: String
    /// Why it is taken for a torn write rather than damage.
    public var sign: Sign
    /// The tail's data: from the bad record's start (or, when the tail begins with
    /// zeros, its first non-zero byte) to its last non-zero byte (the rest is the
    /// preallocated zeros, which are not kept).
    public var dataOffset: Int64
    public var dataBytes: Int64
    /// Where an open for writing kept the data before cutting the segment
    /// (`repair/<time>/<segment>.tail-at-<dataOffset>`); nil for a read-only open, which
    /// neither copies nor cuts.
    public var keptAt: String? = nil
}
