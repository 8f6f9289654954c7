/// This process's resident memory, from /proc/self/status (Linux).
struct ProcessMemory: Sendable {
    /// VmRSS: resident now.
    var rssBytes: Int
    /// VmHWM: the peak resident size ("high water mark") since start or the last reset.
    var peakRSSBytes: Int

    /// Reads VmRSS and VmHWM; zero where /proc is not there.
    static func current() -> ProcessMemory {
        var m = ProcessMemory(rssBytes: 0, peakRSSBytes: 0)
        guard let text = BenchFiles.readSmallFile("/proc/self/status") else { return m }
        for line in text.split(separator: "\n") {
            if line.hasPrefix("VmRSS:") { m.rssBytes = kilobytes(line) * 1024 }
            if line.hasPrefix("VmHWM:") { m.peakRSSBytes = kilobytes(line) * 1024 }
        }
        return m
    }

    /// Resets VmHWM to the current RSS (writing 5 to /proc/self/clear_refs, Linux 4.0+);
    /// false where that is not allowed.
    static func resetPeak() -> Bool {
        BenchFiles.writeSmallFile("/proc/self/clear_refs", "5")
    }

    /// "VmHWM:    12345 kB" -> 12345.
    private static func kilobytes(_ line: Substring) -> Int {
        let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
        return fields.count >= 2 ? Int(fields[1]) ?? 0 : 0
    }
}
