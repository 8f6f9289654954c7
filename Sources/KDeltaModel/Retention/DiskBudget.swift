/// How much disk the data directory may use, and what happens when it is full
/// (docs/retention.md).
public struct DiskBudget: Hashable, Sendable {
    /// The most bytes the data directory's files may take; nil for no budget of our own,
    /// when only the file system's free space limits the store.
    public let bytesMax: ByteSize?
    /// What happens when the budget or the disk is full and retention cannot free space.
    /// Applies with or without `bytesMax`: a full disk is the same problem.
    public let overflow: OverflowPolicy

    /// No budget; a full disk stops ingest.
    public static let `default` = DiskBudget(bytesMax: nil, overflow: .default)

    /// Creates a budget.
    public init(bytesMax: ByteSize?, overflow: OverflowPolicy) {
        self.bytesMax = bytesMax
        self.overflow = overflow
    }
}
