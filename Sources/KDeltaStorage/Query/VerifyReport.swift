import KDeltaModel

/// The result of walking every key's hash chain.
public struct VerifyReport: Sendable, Equatable {
    /// Keys checked.
    public var keys: Int
    /// Versions whose id was recomputed.
    public var versions: Int
    /// The first broken link of each damaged key, in key order; empty when history is intact.
    public var brokenLinks: [BrokenLink]
    /// Block chunks that could not be read at all (checksum or format damage), one message
    /// each naming the file, key and offset.
    public var unreadable: [String] = []

    public init(keys: Int, versions: Int, brokenLinks: [BrokenLink], unreadable: [String] = []) {
        self.keys = keys
        self.versions = versions
        self.brokenLinks = brokenLinks
        self.unreadable = unreadable
    }

    /// True when every recomputed id matches the stored one and every block was readable.
    public var isIntact: Bool { brokenLinks.isEmpty && unreadable.isEmpty }
}

/// A version whose stored id does not match the hash of its content and its parent's id:
/// this version, or the one before it, was changed after it was written.
public struct BrokenLink: Sendable, Equatable, CustomStringConvertible {
    /// The key.
    public var key: Key
    /// The version's seq.
    public var seq: UInt64
    /// The id the store holds.
    public var storedID: VersionID
    /// The id its content hashes to.
    public var computedID: VersionID

    public var description: String {
        "\(key) version \(seq): content hashes to \(computedID.short), the store holds \(storedID.short); this version or its parent was changed after it was written"
    }
}
