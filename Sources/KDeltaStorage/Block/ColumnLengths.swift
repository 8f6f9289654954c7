/// The byte length of each of a chunk's columns, in `ChunkEntry.Column` order, held inline
/// (ten 32-bit words) rather than as an array: one of these stays in memory per series per
/// block, and an array would add a heap object of ~112 bytes to each.
public struct ColumnLengths: Sendable, Equatable {
    private var words: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32)

    /// The lengths of `lengths`, one per column (each below 4 GiB).
    public init(_ lengths: [Int]) {
        precondition(lengths.count == ChunkEntry.Column.allCases.count, "\(lengths.count) column lengths for \(ChunkEntry.Column.allCases.count) columns")
        precondition(lengths.allSatisfy { $0 >= 0 && $0 <= Int(UInt32.max) }, "a column length outside 0...UInt32.max")
        let w = lengths.map { UInt32($0) }
        words = (w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7], w[8], w[9])
    }

    public subscript(_ column: ChunkEntry.Column) -> Int {
        withUnsafeBytes(of: words) { Int($0.load(fromByteOffset: column.rawValue * 4, as: UInt32.self)) }
    }

    /// The lengths, in column order.
    public var array: [Int] { ChunkEntry.Column.allCases.map { self[$0] } }

    public static func == (a: ColumnLengths, b: ColumnLengths) -> Bool { a.array == b.array }
}
