// kdelta-crashwriter DATA_DIR SEED [PRODUCERS]
//
// The child process of the crash test (Tests/CrashTests): opens the store in DATA_DIR with
// fsync=always and small WAL segments, then PRODUCERS threads (default 4) write random
// batches forever. After each batch is acknowledged it prints one line on stdout, with one
// write(2) so that a line is never split (a line stays below PIPE_BUF):
//
//     O <versions recovered> <torn tail cut: 1/0> <incomplete segment removed: 1/0>   once
//     A <first LSN> <producer> <first counter> <k>,<k>,…            per acknowledged batch
//
// Reading i of an `A` batch has LSN first+i, key `crash/kNN` with NN the i-th k, and the
// value and source time `CrashWriter.reading(key:producer:counter:)` gives for counter
// first counter+i: the parent recomputes them and checks that the store holds exactly that
// reading at that LSN. The parent kills this process with SIGKILL at random moments.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import KDeltaModel
import KDeltaStorage

enum CrashWriter {
    /// Keys written: `crash/k00` … `crash/k49`.
    static let keyCount = 50
    /// Readings per batch: 1 to this.
    static let batchReadingsMax = 50
    /// Small segments, so that kills also land in segment rotations.
    static let walSegmentBytes = 256 * 1024

    /// The key of index `k`.
    static func keyName(_ k: Int) -> String { k < 10 ? "crash/k0\(k)" : "crash/k\(k)" }

    /// The value and source time of the reading of key `k` that producer `p` writes as its
    /// `n`th: unique per (p, n), of every kind, so the parent checks value and order.
    static func reading(key k: Int, producer p: Int, counter n: UInt64) -> (value: Value, sourceTimeMs: Int64?) {
        let u = UInt64(p) << 40 | n
        let time: Int64? = k % 2 == 0 ? 1_700_000_000_000 + Int64(u & 0xFFFF_FFFF) : nil
        switch k % 4 {
        case 0: return (.int(Int64(u) &* 7 &+ Int64(k)), time)
        case 1: return (.double(Double(u) + Double(k) / 64), time)
        case 2: return (.string("u\(u)k\(k)"), time)
        default: return (.document(.object([("k", .int(Int64(k))), ("u", .int(Int64(u)))])), time)
        }
    }

    static func main() {
        let args = CommandLine.arguments
        guard args.count >= 3, let seed = UInt64(args[2]) else {
            fail("usage: kdelta-crashwriter DATA_DIR SEED [PRODUCERS]")
        }
        let producers = args.count >= 4 ? Int(args[3]) ?? 4 : 4
        var options = StoreOptions()
        options.fsync = .always
        options.walSegmentBytes = walSegmentBytes
        let store: Store
        do { store = try Store.open(directory: args[1], options: options) } catch {
            fail("open failed: \(error.code): \(error.message)")
        }
        let recovery = store.recovery
        emit("O \(recovery.versions) \(recovery.tornTail == nil ? 0 : 1) \(recovery.incompleteSegment == nil ? 0 : 1)\n")
        let keys = (0..<keyCount).map { Key(validated: keyName($0)) }
        let threads = (0..<max(1, producers)).map { p in
            BackgroundThread(name: "crash-\(p)") {
                produce(store: store, keys: keys, producer: p, seed: seed &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(p))
            }
        }
        for t in threads { t.join() }
    }

    static func produce(store: Store, keys: [Key], producer p: Int, seed: UInt64) {
        var state = seed
        func next(_ bound: Int) -> Int {
            // SplitMix64.
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int((z ^ (z >> 31)) % UInt64(bound))
        }
        var counter: UInt64 = 0
        while true {
            let size = 1 + next(batchReadingsMax)
            var ks: [Int] = []
            var readings: [Reading] = []
            for i in 0..<size {
                let k = next(keyCount)
                let (value, time) = reading(key: k, producer: p, counter: counter + UInt64(i))
                ks.append(k)
                readings.append(Reading(key: keys[k], value: value, sourceTimeMs: time))
            }
            let receipt: WriteReceipt
            do { receipt = try store.putBatch(readings) } catch {
                fail("producer \(p): put failed: \(error.code): \(error.message)")
            }
            emit("A \(receipt.firstLSN) \(p) \(counter) " + ks.map(String.init).joined(separator: ",") + "\n")
            counter += UInt64(size)
        }
    }

    /// Writes a line to stdout with one write(2), unbuffered.
    static func emit(_ line: String) {
        var bytes = Array(line.utf8)
        precondition(bytes.count < 4096, "a line must stay below PIPE_BUF to be written atomically")
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeMutableBytes { write(1, $0.baseAddress! + done, $0.count - done) }
            if n < 0 {
                if errno == EINTR { continue }
                exit(4)
            }
            done += n
        }
        bytes.removeAll()
    }

    static func fail(_ message: String) -> Never {
        let bytes = Array(("kdelta-crashwriter: " + message + "\n").utf8)
        _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
        exit(3)
    }
}

CrashWriter.main()
