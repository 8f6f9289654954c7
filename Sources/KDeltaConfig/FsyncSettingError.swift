/// A text that is not an `FsyncSetting`.
public struct FsyncSettingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The text that was refused.
    public let text: String
    /// What is wrong with it.
    public let detail: String

    /// Creates an error.
    public init(text: String, detail: String) {
        self.text = text
        self.detail = detail
    }

    /// "fsync 'sometimes' is not valid: …; write always, interval:1000 (ms) or never".
    public var description: String {
        "fsync '\(text)' is not valid: \(detail); write always, interval:1000 (ms; or interval:1s) or never (docs/durability.md)"
    }
}
