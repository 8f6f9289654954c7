import KDeltaModel

/// Prints a numeric change the way the values were written: sensor values are short
/// decimals, and `5.5 - 4.8` in binary floating point is `-0.7000000000000002`. The delta
/// is rounded to the larger number of decimals of the two values (the JSON output keeps the
/// exact double).
enum DeltaFormatting {
    static func text(from a: Value, to b: Value, delta: Double) -> String {
        let sign = delta >= 0 ? "+" : ""
        guard let da = decimals(a), let db = decimals(b), delta.isFinite else { return sign + Value.formatDouble(delta) }
        let d = max(da, db)
        guard d <= 15 else { return sign + Value.formatDouble(delta) }
        var scale = 1.0
        for _ in 0..<d { scale *= 10 }
        let rounded = (delta * scale).rounded() / scale
        return sign + Value.formatDouble(rounded == 0 ? 0 : rounded)
    }

    /// Digits after the decimal point in the value's shortest text; nil for exponent forms.
    static func decimals(_ v: Value) -> Int? {
        let text: String
        switch v {
        case .int: return 0
        case .double(let d): text = Value.formatDouble(d)
        default: return nil
        }
        if text.contains("e") || text.contains("n") || text.contains("I") { return nil }
        guard let dot = text.firstIndex(of: ".") else { return 0 }
        return text.distance(from: text.index(after: dot), to: text.endIndex)
    }
}
