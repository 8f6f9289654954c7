#if canImport(Glibc)
import Glibc
#endif
import SQLiteReference

/// What the figures were measured on, printed with them: a figure without its machine is
/// not comparable.
struct MachineInfo: Sendable {
    /// Online CPUs.
    var cpus: Int
    /// `uname -sr` and the machine: "Linux 6.1.0-18-amd64 x86_64".
    var kernel: String
    /// /proc/cpuinfo's first model name, or "" when it has none (many ARM kernels).
    var cpuModel: String
    /// The 1-minute load average when the run started; above ~0.5 on 2 cores the figures
    /// are noisy.
    var loadAverageStart: Double
    /// `git rev-parse HEAD` in the current directory, if it is a checkout.
    var gitCommit: String?
    /// True when tracked files differ from that commit.
    var gitDirty: Bool
    /// The SQLite library the reference ran with.
    var sqliteVersion: String

    /// Collects the figures of this machine.
    static func current() -> MachineInfo {
        var name = utsname()
        uname(&name)
        func field<T>(_ value: T) -> String {
            withUnsafeBytes(of: value) { raw in String(cString: raw.baseAddress!.assumingMemoryBound(to: CChar.self)) }
        }
        let kernel = "\(field(name.sysname)) \(field(name.release)) \(field(name.machine))"
        var model = ""
        if let info = BenchFiles.readSmallFile("/proc/cpuinfo") {
            for line in info.split(separator: "\n") where line.hasPrefix("model name") {
                if let colon = line.firstIndex(of: ":") {
                    model = String(line[line.index(after: colon)...].drop(while: { $0 == " " }))
                }
                break
            }
        }
        let commit = run("git rev-parse HEAD 2>/dev/null")
        let dirty = commit != nil && !(run("git status --porcelain --untracked-files=no 2>/dev/null") ?? "").isEmpty
        return MachineInfo(
            cpus: Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))), kernel: kernel, cpuModel: model,
            loadAverageStart: loadAverage(), gitCommit: commit, gitDirty: dirty,
            sqliteVersion: SQLiteDatabase.libraryVersion)
    }

    /// The 1-minute load average now (/proc/loadavg).
    static func loadAverage() -> Double {
        guard let text = BenchFiles.readSmallFile("/proc/loadavg"),
            let first = text.split(separator: " ").first, let value = Double(first)
        else { return 0 }
        return value
    }

    /// The first line a shell command prints, or nil when it prints nothing.
    private static func run(_ command: String) -> String? {
        guard let pipe = popen(command, "r") else { return nil }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buffer.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, pipe) }
            if n == 0 { break }
            bytes.append(contentsOf: buffer[0..<n])
        }
        pclose(pipe)
        let text = String(decoding: bytes, as: UTF8.self)
        let line = text.split(separator: "\n").first.map(String.init) ?? ""
        return line.isEmpty ? nil : line
    }
}
