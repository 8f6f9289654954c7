/// Numbers as the report prints them, without Foundation's formatters.
enum NumberText {
    /// `1234567` -> "1,234,567".
    static func grouped(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return n < 0 ? "-" + out : out
    }

    /// `x` rounded to `decimals` places: fixed(3.14159, 2) -> "3.14"; "n/a" when not finite.
    static func fixed(_ x: Double, _ decimals: Int) -> String {
        guard x.isFinite else { return "n/a" }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (x.magnitude * scale).rounded()
        guard scaled < 9e18 else { return x.description }
        let n = UInt64(scaled)
        let p = UInt64(scale)
        var text = String(n / p)
        if decimals > 0 {
            let frac = String(n % p)
            text += "." + String(repeating: "0", count: decimals - frac.count) + frac
        }
        return x < 0 && n != 0 ? "-" + text : text
    }

    /// A rate with thousands separators: 1234567.8 -> "1,234,568".
    static func rate(_ x: Double) -> String {
        guard x.isFinite else { return "n/a" }
        return grouped(Int(x.rounded()))
    }

    /// A ratio for the table: 23.456 -> "23.5x", 0.0812 -> "0.08x".
    static func ratio(_ x: Double) -> String {
        fixed(x, x >= 10 ? 1 : 2) + "x"
    }

    /// Bytes in MiB with one decimal.
    static func mebibytes(_ bytes: Int) -> String {
        fixed(Double(bytes) / 1_048_576, 1) + " MiB"
    }
}
