import KDeltaModel
import KDeltaStorage

/// How versions print: one aligned text line, or a JSON object.
enum VersionOutput {
    /// `seq  time  value  hlc  id` as `log` prints it.
    static func line(_ v: Version) -> String {
        let time = RFC3339.format(ms: v.timeMs)
        let marker = v.sourceTimeMs == nil ? "*" : " "
        return pad(String(v.seq), 8) + "  " + time + marker + "  " + pad(v.value.description, 14) + "  " + pad("hlc:\(v.hlc)", 24) + "  " + v.id.short
    }

    /// The header of `line`.
    static let header = pad("SEQ", 8) + "  " + pad("TIME", 25) + "  " + pad("VALUE", 14) + "  " + pad("HLC", 24) + "  ID"

    /// A version as a JSON object (members sorted): key, seq, time, timeMs, sourceTime (when
    /// given), type, value, hlc, lsn, id, parent.
    static func json(_ v: Version) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("key", .string(v.key.rawValue)),
            ("seq", .int(Int64(v.seq))),
            ("time", .string(RFC3339.format(ms: v.timeMs))),
            ("timeMs", .int(v.timeMs)),
            ("hasSourceTime", .bool(v.sourceTimeMs != nil)),
            ("type", .string(v.value.tag.name)),
            ("value", jsonValue(v.value)),
            ("hlc", .string(v.hlc.description)),
            ("lsn", .int(Int64(v.lsn))),
            ("id", .string(v.id.hex)),
        ]
        members.append(("parent", v.parent.map { .string($0.hex) } ?? .null))
        return .object(members)
    }

    /// A value in JSON: numbers as numbers (non-finite doubles as the strings "NaN", "+Inf",
    /// "-Inf", which JSON cannot hold), documents as themselves.
    static func jsonValue(_ value: Value) -> JSONValue {
        switch value {
        case .double(let d): return d.isFinite ? .double(d) : .string(Value.formatDouble(d))
        case .int(let i): return .int(i)
        case .bool(let b): return .bool(b)
        case .string(let s): return .string(s)
        case .document(let j): return j
        }
    }

    static func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s : s + String(repeating: " ", count: width - s.count)
    }
}
