/// A count with its noun, in the singular for one: "1 version", "2 versions", "0 keys".
/// Nouns that end in "s" ("series") are the same in the plural.
func counted(_ n: some BinaryInteger, _ noun: String) -> String {
    n == 1 || noun.hasSuffix("s") ? "\(n) \(noun)" : "\(n) \(noun)s"
}
