#if canImport(Glibc)
import Glibc
#endif

/// Which file system a directory is on: the benchmark prints it, because fsync on a
/// tmpfs costs nothing and would flatter `always` and SQLite FULL alike.
struct FileSystemInfo: Sendable {
    /// The type as the kernel names it in /proc/self/mountinfo: `ext4`, `tmpfs`, `xfs`.
    var type: String
    /// What is mounted: `/dev/mmcblk0p2`, `tmpfs`.
    var source: String
    /// Where it is mounted.
    var mountPoint: String

    /// True for file systems held in memory, where fsync is free.
    var isMemoryBacked: Bool { type == "tmpfs" || type == "ramfs" }

    /// The file system holding `path` (which must exist): the mount in
    /// /proc/self/mountinfo with the longest mount point that contains its real path.
    static func of(_ path: String) -> FileSystemInfo? {
        guard let resolved = realpath(path, nil) else { return nil }
        let real = String(cString: resolved)
        free(resolved)
        guard let text = BenchFiles.readSmallFile("/proc/self/mountinfo") else { return nil }
        var best: FileSystemInfo? = nil
        for line in text.split(separator: "\n") {
            // id parent major:minor root mountpoint options [optional fields...] - type source superoptions
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 7, let dash = fields.firstIndex(of: "-"), dash + 2 < fields.count else { continue }
            let mount = unescape(String(fields[4]))
            let contains = mount == "/" || real == mount || real.hasPrefix(mount + "/")
            if contains && mount.count >= (best?.mountPoint.count ?? -1) {
                best = FileSystemInfo(type: String(fields[dash + 1]), source: String(fields[dash + 2]), mountPoint: mount)
            }
        }
        return best
    }

    /// mountinfo writes a space as `\040`.
    private static func unescape(_ s: String) -> String {
        s.replacing("\\040", with: " ")
    }
}
