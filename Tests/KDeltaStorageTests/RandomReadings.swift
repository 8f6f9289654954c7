import KDeltaModel
import KDeltaStorageTestSupport

/// Seeded random keys, values and readings covering the edges the store must give back
/// bit-exact: NaN with a payload, ±infinity, -0.0, subnormals, the extreme ints, Unicode
/// strings, nested JSON documents.
struct RandomReadings {
    var rng: SplitMix64

    init(seed: UInt64) { rng = SplitMix64(seed: seed) }

    mutating func next(_ bound: Int) -> Int { Int(rng.next(below: UInt64(bound))) }
    mutating func chance(_ percent: Int) -> Bool { next(100) < percent }

    /// Keys with ASCII and non-ASCII segments.
    static func keys(_ count: Int, prefix: String = "sensors") -> [Key] {
        let words = ["greenhouse", "température", "温度", "sauna-🌡️", "крыша", "β-line", "pump_7", "ahu.3"]
        return (0..<count).map { i in try! Key("\(prefix)/\(words[i % words.count])/\(i)") }
    }

    mutating func double() -> Double {
        switch next(14) {
        case 0: return Double(nan: UInt64(next(1 << 20)) + 1, signaling: false)
        case 1: return -Double(nan: 0x5_1234, signaling: false)
        case 2: return .infinity
        case 3: return -.infinity
        case 4: return -0.0
        case 5: return 0.0
        case 6: return .leastNonzeroMagnitude
        case 7: return -.greatestFiniteMagnitude
        case 8: return Double(bitPattern: rng.next())  // anything, NaNs included
        default: return Double(next(2_000_001) - 1_000_000) / 1000
        }
    }

    mutating func int() -> Int64 {
        switch next(6) {
        case 0: return .min
        case 1: return .max
        case 2: return 0
        case 3: return Int64(bitPattern: rng.next())
        default: return Int64(next(20_001) - 10_000)
        }
    }

    mutating func string() -> String {
        let pieces = ["", "open", "closed", "é", "ü", "日本語", "🌡️", "👩‍🚀", "e\u{301}", "\"quoted\"", "tab\tline\nbreak", "\\", "Ω≈ç√∫", "null"]
        var s = ""
        for _ in 0..<next(4) { s += pieces[next(pieces.count)] }
        return s
    }

    mutating func json(depth: Int = 0) -> JSONValue {
        let kind = depth >= 3 ? next(5) : next(7)
        switch kind {
        case 0: return .null
        case 1: return .bool(chance(50))
        case 2: return .int(int())
        case 3:
            // JSON holds finite doubles only.
            let d = [0.1, -0.0, 2.0, 1e300, -2.5e-308, 1e16, 123.456][next(7)]
            return .double(d)
        case 4: return .string(string())
        case 5: return .array((0..<next(4)).map { _ in json(depth: depth + 1) })
        default:
            let names = ["battery", "state", "a/b", "m~n", "é", "update", "x", "linkquality"]
            return .object((0..<next(5)).map { _ in (names[next(names.count)], json(depth: depth + 1)) })
        }
    }

    mutating func value() -> Value {
        switch next(10) {
        case 0, 1, 2, 3: return .double(double())
        case 4, 5: return .int(int())
        case 6: return .bool(chance(50))
        case 7, 8: return .string(string())
        default: return .document(json())
        }
    }
}
