/// Why a combination of retention settings is refused, naming the setting to change.
public struct RetentionPolicyError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The setting the message is about, by its configuration name.
    public enum Field: String, Sendable {
        case keepLast = "keep-last"
        case keepFor = "keep-for"
        case keepAll = "keep-all"
        case downsampleAfter = "downsample-after"
        case every = "every"
        case keepRollupsFor = "keep-rollups-for"
    }

    /// Whether one value is wrong by itself, or values contradict each other.
    public enum Kind: String, Sendable {
        /// The named value is out of range or malformed.
        case value
        /// The named value contradicts another setting of the same policy.
        case combination
    }

    /// The setting to change.
    public let field: Field
    /// Whether the value alone or the combination is wrong.
    public let kind: Kind
    /// What is wrong and what to do.
    public let message: String

    /// Creates an error about `field`.
    public init(_ field: Field, _ message: String, kind: Kind = .value) {
        self.field = field
        self.kind = kind
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
