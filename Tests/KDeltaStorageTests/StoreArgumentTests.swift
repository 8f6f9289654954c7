import KDeltaModel
import KDeltaStorage
import KDeltaStorageTestSupport
import Testing

/// What the store refuses before touching the WAL, each with its code and a message saying
/// what to do.
@Suite struct StoreArgumentTests {
    @Test func invalidOptionsAreRefusedAtOpen() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        var small = StoreOptions()
        small.walSegmentBytes = 1024
        var group = StoreOptions()
        group.groupReadingsMax = 0
        var queue = StoreOptions()
        queue.queueReadingsMax = 0
        var wait = StoreOptions()
        wait.groupWaitMs = -1
        for options in [small, group, queue, wait] {
            do {
                _ = try TestStore.open(directory: dir.path, options: options)
                Issue.record("invalid options were accepted")
            } catch {
                #expect(error.code == .invalidArgument)
            }
        }
    }

    @Test func readOnlyOpenOfAMissingStoreIsNotFound() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        var options = StoreOptions()
        options.readOnly = true
        do {
            _ = try TestStore.open(directory: dir.path + "/nothing", options: options)
            Issue.record("opened a store that does not exist")
        } catch {
            #expect(error.code == .notFound)
        }
    }

    @Test func badBatchesAreRefusedWithoutWriting() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let store = try TestStore.open(directory: dir.path)
        let key = try Key("arg/k")
        func code(_ body: () throws -> Void) -> StoreError.Code? {
            do { try body() } catch let error as StoreError { return error.code } catch { return nil }
            return nil
        }
        #expect(code { try store.putBatch([]) } == .invalidArgument)
        #expect(code { try store.put(key, .int(1), sourceTimeMs: -1) } == .invalidArgument)
        #expect(code { try store.put(key, .int(1), sourceTimeMs: Limits.sourceTimeMsMax + 1) } == .invalidArgument)
        #expect(code { try store.put(key, .string(String(repeating: "x", count: Limits.valueBytesMax + 1))) } == .invalidArgument)
        #expect(code { try store.putBatch(Array(repeating: Reading(key: key, value: .int(1)), count: StorageLimits.batchReadingsMax + 1)) } == .batchTooLarge)
        let big = String(repeating: "y", count: Limits.valueBytesMax)
        #expect(code { try store.putBatch(Array(repeating: Reading(key: key, value: .string(big)), count: 200)) } == .batchTooLarge)
        #expect(store.versionCount(key) == 0)
        // The edges themselves are accepted.
        try store.put(key, .int(1), sourceTimeMs: 0)
        try store.put(key, .int(2), sourceTimeMs: Limits.sourceTimeMsMax)
        try store.put(key, .string(big))
        #expect(store.versionCount(key) == 3)
        try store.close()
        #expect(code { try store.put(key, .int(3)) } == .closed)
        // Closing twice is harmless.
        try store.close()
    }
}
