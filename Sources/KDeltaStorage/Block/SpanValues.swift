import KDeltaModel

/// The values of a span of a chunk's versions in their column's own type, so that
/// hashing a chain of numbers (`ChunkReader.versions`) makes a `Value` for one version at
/// a time instead of an array of them.
enum SpanValues {
    case doubles([Double])
    case ints([Int64])
    case bools([Bool])
    /// Text, documents, and chunks of mixed types.
    case values([Value])

    /// Value `j` of the span.
    subscript(j: Int) -> Value {
        switch self {
        case .doubles(let all): return .double(all[j])
        case .ints(let all): return .int(all[j])
        case .bools(let all): return .bool(all[j])
        case .values(let all): return all[j]
        }
    }
}
