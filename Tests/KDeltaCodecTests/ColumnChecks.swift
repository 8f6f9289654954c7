import KDeltaCodec
import KDeltaStorageTestSupport
import Testing

/// The checks every column codec must pass, written once (see `ColumnCoding`).
enum ColumnChecks {
    /// Values round-trip exactly, at the default frame size and at 8 and 4,096.
    static func roundTrips<C: ColumnCoding>(_: C.Type, _ values: [C.Value], _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        for log2 in [7, 3, 12] {
            do {
                let (decoded, _) = try C.roundTrip(values, frameSizeLog2: log2)
                #expect(C.same(decoded, values), "\(C.name) \(what), frames of 2^\(log2): decoded values differ", sourceLocation: sourceLocation)
            } catch {
                Issue.record("\(C.name) \(what), frames of 2^\(log2): \(error)", sourceLocation: sourceLocation)
            }
        }
    }

    /// `decode(range:)` equals the slice of `decode` for every range in `ranges`, and
    /// `value(at:)` equals each value (for the codecs that have it).
    static func rangesMatch<C: ColumnCoding>(_: C.Type, _ values: [C.Value], ranges: [Range<Int>], sourceLocation: SourceLocation = #_sourceLocation) {
        let bytes = C.encode(values)
        for r in ranges {
            do {
                let part = try C.decode(bytes, count: values.count, range: r)
                #expect(C.same(part, Array(values[r])), "\(C.name) range \(r) of \(values.count)", sourceLocation: sourceLocation)
            } catch {
                Issue.record("\(C.name) range \(r) of \(values.count): \(error)", sourceLocation: sourceLocation)
            }
        }
        for i in values.indices {
            do {
                if let one = try C.value(bytes, count: values.count, at: i) {
                    #expect(C.same([one], [values[i]]), "\(C.name) value(at: \(i))", sourceLocation: sourceLocation)
                }
            } catch {
                Issue.record("\(C.name) value(at: \(i)): \(error)", sourceLocation: sourceLocation)
            }
        }
    }

    /// Ranges to check on a column of `count` values: every single value near frame
    /// edges, whole frames, spans across frames, the empty range and everything.
    static func ranges(count: Int, random: inout SplitMix64) -> [Range<Int>] {
        var out: [Range<Int>] = [0..<0, 0..<count]
        for edge in stride(from: 0, through: count, by: 128) {
            for i in [edge - 1, edge, edge + 1] where i >= 0 && i < count { out.append(i..<(i + 1)) }
        }
        for _ in 0..<40 where count > 0 {
            let a = Int.random(in: 0..<count, using: &random)
            let b = Int.random(in: a...count, using: &random)
            out.append(a..<b)
        }
        return out
    }

    /// Every strict prefix of the encoding throws, and flipping any byte either throws or
    /// decodes to something, for whole and ranged decodes: never a crash.
    static func corruptionIsCaught<C: ColumnCoding>(_: C.Type, _ values: [C.Value], sourceLocation: SourceLocation = #_sourceLocation) {
        let bytes = C.encode(values)
        let n = values.count
        for cut in 0..<bytes.count {
            #expect(throws: CodecError.self, "\(C.name): a prefix of \(cut) of \(bytes.count) bytes decoded", sourceLocation: sourceLocation) {
                _ = try C.decode(Array(bytes.prefix(cut)), count: n)
            }
        }
        let middle = n / 2
        for offset in 0..<bytes.count {
            for mask: UInt8 in [0xFF, 0x01, 0x80] {
                var damaged = bytes
                damaged[offset] ^= mask
                _ = try? C.decode(damaged, count: n)
                _ = try? C.decode(damaged, count: n, range: middle..<min(n, middle + 1))
                _ = try? C.decode(damaged, count: n, range: max(0, n - 3)..<n)
                if n > 0 { _ = try? C.value(damaged, count: n, at: n - 1) }
            }
        }
        // A wrong count is refused or decodes something, never crashes.
        let tooMany: Int = 1 << 31
        let wrongCounts: [Int] = [0, 1, n - 1, n + 1, n * 2, tooMany, -1]
        for wrong in wrongCounts where wrong != n {
            _ = try? C.decode(bytes, count: wrong)
        }
    }
}
