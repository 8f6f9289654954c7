import Glibc
import KDeltaModel

/// Maps the bytes of a key, as they appear in a batch file, to its validated `Key`, so a
/// file that cycles over a thousand sensors validates and allocates each key once.
/// Internal: owned by one reader.
///
/// An open-addressing table over a byte arena, all allocated once: at most
/// `IngestLimits.batchFileKeyCacheCountMax` keys of at most `Limits.keyBytesMax` bytes.
/// Only valid keys enter it. When it is full it starts over instead of growing.
final class BatchKeyCache {
    let countMax = IngestLimits.batchFileKeyCacheCountMax
    let slotMask: Int
    /// Entry index + 1 per slot; 0 is empty.
    let slots: UnsafeMutablePointer<Int32>
    let hashes: UnsafeMutablePointer<UInt64>
    let offsets: UnsafeMutablePointer<Int32>
    let lengths: UnsafeMutablePointer<Int32>
    let keys: UnsafeMutablePointer<Key>
    let arena: UnsafeMutablePointer<UInt8>
    private(set) var count = 0
    private var arenaUsed = 0
    /// How many times the cache was full and started over, for tests and measurements.
    private(set) var resets = 0

    init() {
        var slotCount = 1
        while slotCount < 2 * countMax { slotCount <<= 1 }
        slotMask = slotCount - 1
        slots = .allocate(capacity: slotCount)
        slots.initialize(repeating: 0, count: slotCount)
        hashes = .allocate(capacity: countMax)
        offsets = .allocate(capacity: countMax)
        lengths = .allocate(capacity: countMax)
        keys = .allocate(capacity: countMax)
        arena = .allocate(capacity: countMax * Limits.keyBytesMax)
    }

    deinit {
        keys.deinitialize(count: count)
        keys.deallocate()
        slots.deallocate()
        hashes.deallocate()
        offsets.deallocate()
        lengths.deallocate()
        arena.deallocate()
    }

    /// A 64-bit hash of the bytes, eight at a time; not for untrusted adversaries, but the
    /// file is the user's own and a bad case only costs probing in a bounded table.
    @inline(__always)
    static func hash(_ p: UnsafePointer<UInt8>, _ n: Int) -> UInt64 {
        let raw = UnsafeRawPointer(p)
        var h: UInt64 = 0x243F_6A88_85A3_08D3 ^ UInt64(truncatingIfNeeded: n)
        if n >= 8 {
            var i = 0
            while i + 8 < n {
                h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0x9E37_79B9_7F4A_7C15
                h ^= h >> 29
                i += 8
            }
            // The last eight bytes, overlapping what came before: no byte loop for the tail.
            h = (h ^ raw.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)) &* 0x9E37_79B9_7F4A_7C15
        } else {
            var w: UInt64 = 0
            for i in 0..<n { w |= UInt64(p[i]) << UInt64(8 * i) }
            h = (h ^ w) &* 0x9E37_79B9_7F4A_7C15
        }
        h ^= h >> 29
        return h &* 0xBF58_476D_1CE4_E5B9
    }

    /// Whether `n` bytes at `a` and `b` are equal, eight at a time.
    @inline(__always)
    static func equal(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        if n < 8 { return memcmp(a, b, n) == 0 }
        let ra = UnsafeRawPointer(a)
        let rb = UnsafeRawPointer(b)
        var i = 0
        while i + 8 < n {
            if ra.loadUnaligned(fromByteOffset: i, as: UInt64.self) != rb.loadUnaligned(fromByteOffset: i, as: UInt64.self) {
                return false
            }
            i += 8
        }
        return ra.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self) == rb.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
    }

    /// The cached key spelled by these bytes, if any.
    @inline(__always)
    func lookup(_ p: UnsafePointer<UInt8>, _ n: Int, hash h: UInt64) -> Key? {
        var slot = Int(truncatingIfNeeded: h >> 7) & slotMask
        while true {
            let entry = Int(slots[slot])
            if entry == 0 { return nil }
            let e = entry - 1
            if hashes[e] == h, Int(lengths[e]) == n, Self.equal(arena + Int(offsets[e]), p, n) {
                return keys[e]
            }
            slot = (slot + 1) & slotMask
        }
    }

    /// Remembers a key that was just validated from these bytes.
    func insert(_ p: UnsafePointer<UInt8>, _ n: Int, hash h: UInt64, key: Key) {
        precondition(n <= Limits.keyBytesMax, "only valid keys (at most \(Limits.keyBytesMax) bytes) enter the key cache, got \(n) bytes")
        if count == countMax { reset() }
        let e = count
        hashes[e] = h
        offsets[e] = Int32(arenaUsed)
        lengths[e] = Int32(n)
        (keys + e).initialize(to: key)
        arena.advanced(by: arenaUsed).update(from: p, count: n)
        arenaUsed += n
        count += 1
        var slot = Int(truncatingIfNeeded: h >> 7) & slotMask
        while slots[slot] != 0 { slot = (slot + 1) & slotMask }
        slots[slot] = Int32(e + 1)
    }

    /// Validates bytes as a key: well-formed UTF-8 first (decoding with repair changes the
    /// bytes exactly when they are not), then `Key`'s rules.
    static func validate(_ bytes: UnsafeBufferPointer<UInt8>) throws(BatchFieldProblem) -> Key {
        let text = String(decoding: bytes, as: UTF8.self)
        var k = 0
        for b in text.utf8 {
            if k == bytes.count || bytes[k] != b {
                throw BatchFieldProblem(offset: k, message: "the key is not valid UTF-8 at byte \(k + 1); save the file as UTF-8")
            }
            k += 1
        }
        do {
            return try Key(text)
        } catch {
            throw BatchFieldProblem(offset: error.byteOffset ?? 0, message: error.description)
        }
    }

    private func reset() {
        keys.deinitialize(count: count)
        slots.update(repeating: 0, count: slotMask + 1)
        count = 0
        arenaUsed = 0
        resets += 1
    }
}
