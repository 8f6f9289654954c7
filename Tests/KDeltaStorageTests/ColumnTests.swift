@testable import KDeltaStorage
import KDeltaModel
import KDeltaStorageTestSupport
import Testing

/// `Column`: a hot-tier column grown and shrunk with `realloc` keeps every value in place
/// through growth, cuts of any size and regrowth.
@Suite struct ColumnTests {
    @Test func valuesSurviveGrowthCutsAndRegrowth() {
        var g = SplitMix64(seed: 5)
        var column = Column<Int64>()
        defer { column.deallocate() }
        var ids = Column<VersionID>()
        defer { ids.deallocate() }
        var reference: [Int64] = []
        for round in 0..<40 {
            for _ in 0..<Int(g.next() % 3000) {
                let v = Int64(bitPattern: g.next())
                column.append(v)
                ids.append(VersionID(w0: UInt64(bitPattern: v), w1: 1, w2: 2, w3: 3))
                reference.append(v)
            }
            #expect(column.count == reference.count)
            #expect(column.capacity >= column.count)
            // Cut a prefix: none, some, or all of it.
            let n = [0, reference.count / 3, reference.count][round % 3]
            column.removeFirst(n)
            ids.removeFirst(n)
            reference.removeFirst(n)
            #expect(column.count == reference.count)
            #expect(column.memoryBytes == column.capacity * 8)
            #expect((0..<column.count).allSatisfy { column[$0] == reference[$0] }, "round \(round)")
            #expect((0..<ids.count).allSatisfy { ids[$0].w0 == UInt64(bitPattern: reference[$0]) }, "round \(round)")
        }
    }
}
