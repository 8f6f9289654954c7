/// A mapping of the configuration file whose keys were checked (`ConfigNode.mapping`):
/// look values up by key, in file order.
struct ConfigMapping {
    /// One `key: value` line.
    struct Entry {
        let key: String
        /// The key itself, for errors about the whole entry.
        let keyNode: ConfigNode
        let value: ConfigNode
    }

    /// The mapping as a whole, for errors about a missing key.
    let node: ConfigNode
    let entries: [Entry]

    /// The value of `key`, or nil when it is not given.
    subscript(_ key: String) -> ConfigNode? {
        entries.first { $0.key == key }?.value
    }
}
