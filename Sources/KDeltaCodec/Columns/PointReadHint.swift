/// Where in an encoded column a point read (`value(_:count:at:)`) will probably read,
/// guessed before its header is read, so that the caller can prefetch those bytes while
/// it does other work: the header with the frame table at the column's start, and the
/// frame holding the value at the place its share of the column suggests (frames are
/// stored in order and are of the default size, docs/format/columns.md). A guess: frames
/// differ in size, so the range is widened by a cache line each side. Never used for
/// decoding.
public struct PointReadHint: Sendable {
    /// The column's first bytes: scheme, codec header and frame table.
    public let header: Range<Int>
    /// From about where the value's frame starts to a line past the value.
    public let frame: Range<Int>

    /// Bytes of the header guessed to hold the frame table.
    static let headerBytes = 64
    /// Widening of the frame guess, each side.
    static let slackBytes = 64

    /// The hint for value `index` of `count` in a column of `columnLength` bytes.
    public init(columnLength: Int, count: Int, at index: Int) {
        let length = max(0, columnLength)
        header = 0..<min(length, Self.headerBytes)
        guard count > 0, index >= 0, index < count else {
            frame = 0..<0
            return
        }
        let frameStart = (index >> ColumnScheme.frameSizeLog2Default) << ColumnScheme.frameSizeLog2Default
        // Proportional guesses, in integers: length * position / count.
        let from = length * frameStart / count - Self.slackBytes
        let to = length * (index + 1) / count + Self.slackBytes
        frame = max(0, from)..<min(length, max(0, to))
    }
}
