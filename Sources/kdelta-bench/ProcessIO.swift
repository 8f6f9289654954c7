/// This process's I/O counters, from /proc/self/io (Linux): `wchar` is every byte passed to
/// write-like system calls (pwrite, write), whatever the file system, so two engines
/// measured around their own work compare like for like (preallocation does not count).
struct ProcessIO: Sendable {
    var writtenBytes: Int64

    /// Reads `wchar`; zero where /proc is not there.
    static func current() -> ProcessIO {
        guard let text = BenchFiles.readSmallFile("/proc/self/io") else { return ProcessIO(writtenBytes: 0) }
        for line in text.split(separator: "\n") where line.hasPrefix("wchar:") {
            return ProcessIO(writtenBytes: Int64(line.dropFirst(6).trimmingPrefix(" ")) ?? 0)
        }
        return ProcessIO(writtenBytes: 0)
    }
}
