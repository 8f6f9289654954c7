import KDeltaModel

/// The readings every cell writes, the same for our store and for SQLite: 1,000 keys named
/// like a real deployment (`sensors/site-3/node-042/temperature`), values that look like
/// real sensor decimals (21.37: a random walk in hundredths), and source times that
/// increase along each producer's stream.
///
/// Producer `p`'s reading `i` goes to key `(i + 37 p) mod 1,000`: every producer walks the
/// keys round-robin (a gateway polling its sensors), starting at a different key, so a
/// batch of 1,000 covers every key once and concurrent producers rarely collide on a key.
struct SensorWorkload: Sendable {
    /// Keys written and read.
    static let keyCount = 1000
    /// Values come from a ring of this many precomputed decimals (a power of two, so a
    /// mask picks one): generating them is not what we measure.
    static let valueRingCount = 1 << 16
    /// Source time of every producer's first reading: 2025-01-01T00:00:00Z in Unix ms.
    static let startTimeMs: Int64 = 1_735_689_600_000

    /// The keys, validated once.
    let keys: [Key]
    /// The keys' text, as bound into SQLite.
    let keyTexts: [String]
    /// The value ring.
    let values: [Double]

    /// Builds the keys and the value ring from `seed`.
    init(seed: UInt64 = 0x6B64_656C_7461) {
        var rng = SplitMix64(seed: seed)
        var texts: [String] = []
        texts.reserveCapacity(Self.keyCount)
        for k in 0..<Self.keyCount {
            let node = k % 100
            let nodeText = node < 10 ? "00\(node)" : "0\(node)"
            texts.append("sensors/site-\(k / 100)/node-\(nodeText)/temperature")
        }
        keyTexts = texts
        keys = texts.map { text in
            do { return try Key(text) } catch { preconditionFailure("benchmark key \(text) is invalid: \(error)") }
        }
        var ring: [Double] = []
        ring.reserveCapacity(Self.valueRingCount)
        var cents = 2137
        for _ in 0..<Self.valueRingCount {
            cents += Int(rng.next() % 11) - 5
            cents = min(max(cents, 1500), 3000)
            ring.append(Double(cents) / 100)
        }
        values = ring
    }

    /// The key index of producer `producer`'s reading number `index`.
    @inline(__always)
    func keyIndex(producer: Int, index: Int) -> Int {
        (index &+ producer &* 37) % Self.keyCount
    }

    /// The value of producer `producer`'s reading number `index`.
    @inline(__always)
    func value(producer: Int, index: Int) -> Double {
        values[(index &+ producer &* 7919) & (Self.valueRingCount - 1)]
    }

    /// The source time of reading number `index` of any producer: one millisecond apart,
    /// so each key sees one reading a second from each producer.
    @inline(__always)
    func timeMs(index: Int) -> Int64 {
        Self.startTimeMs + Int64(index)
    }

    /// Producer `producer`'s reading number `index` for our store.
    @inline(__always)
    func reading(producer: Int, index: Int) -> Reading {
        Reading(
            key: keys[keyIndex(producer: producer, index: index)],
            value: .double(value(producer: producer, index: index)),
            sourceTimeMs: timeMs(index: index))
    }
}
