#if canImport(Glibc)
import Glibc
#endif
import KDeltaStorage

/// Opening stores in tests that run beside the crash test.
///
/// The directory lock is an `flock` on the data directory, which belongs to the open file
/// description; a child made by `posix_spawn` (the crash test's `kdelta-crashwriter`)
/// holds a copy of every descriptor of this process from `clone` until its `execve` closes
/// the close-on-exec ones. A store closed and reopened in that window finds its directory
/// locked by this very process (the kernel names the pid that took the lock) or by nobody
/// it can name. Every store of these tests is in this process, so that refusal can only
/// be this race: retry it briefly. Any other error, and a lock naming another pid, is
/// thrown at once.
enum TestStore {
    /// A refusal that names no holder or this process: the race above.
    static func isSpawnRace(_ error: StoreError) -> Bool {
        error.code == .locked && (error.message.contains("(pid unknown)") || error.message.contains("(pid \(getpid()))"))
    }

    static func open(directory: String, options: StoreOptions = StoreOptions(), fileSystem: any FileSystem = PosixFileSystem()) throws(StoreError) -> Store {
        var attempt = 0
        while true {
            do {
                return try Store.open(directory: directory, options: options, fileSystem: fileSystem)
            } catch where isSpawnRace(error) && attempt < 500 {
                attempt += 1
                sleepMs(2)
            }
        }
    }

    static func repair(directory: String, fileSystem: any FileSystem = PosixFileSystem()) throws(StoreError) -> RepairReport {
        var attempt = 0
        while true {
            do {
                return try Repair.run(directory: directory, fileSystem: fileSystem)
            } catch where isSpawnRace(error) && attempt < 500 {
                attempt += 1
                sleepMs(2)
            }
        }
    }

    /// The `StoreError` that `body` throws, or nil (Swift 6.0's `#expect(throws:)` does
    /// not return the error).
    static func refusal(_ body: () throws -> Void) -> StoreError? {
        do { try body() } catch let e as StoreError { return e } catch {}
        return nil
    }
}
