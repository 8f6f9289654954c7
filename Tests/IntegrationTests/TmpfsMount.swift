import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A tmpfs of a set size mounted on a fresh directory: a small real disk that fills up,
/// for full-disk tests (issue 18). Mounting needs root (CAP_SYS_ADMIN) and a kernel that
/// allows it; an unprivileged container refuses it, and the tests that need one are then
/// skipped with that reason.
struct TmpfsMount {
    /// Where it is mounted.
    let path: String

    /// A failed mount: the directory, and the errno text.
    struct MountFailed: Error, CustomStringConvertible {
        let path: String
        let reason: String
        var description: String { "mounting a tmpfs on \(path) failed: \(reason)" }
    }

    /// Mounts a tmpfs of `sizeMiB` MiB on `path` (created if missing); the equivalent of
    /// `mount -t tmpfs -o size=<sizeMiB>m tmpfs <path>`. The corresponding C function is
    /// `mount`.
    init(sizeMiB: Int, at path: String) throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        guard mount("tmpfs", path, "tmpfs", 0, "size=\(sizeMiB)m") == 0 else {
            throw MountFailed(path: path, reason: String(cString: strerror(errno)))
        }
        self.path = path
    }

    /// Unmounts (lazily if a file is still open there, so a failed test cannot leave it
    /// mounted) and removes the directory. The corresponding C function is `umount2`.
    func unmount() {
        if umount2(path, 0) != 0 { _ = umount2(path, Int32(MNT_DETACH)) }
        _ = rmdir(path)
    }

    /// Whether a tmpfs can be mounted here: mounts a 1 MiB one and unmounts it. Run when a
    /// test that needs one is about to run, not when tests are listed.
    static func canMount() -> Bool {
        let probe = NSTemporaryDirectory() + "kdelta-tmpfs-probe-\(getpid())"
        do {
            try TmpfsMount(sizeMiB: 1, at: probe).unmount()
            return true
        } catch {
            _ = rmdir(probe)
            return false
        }
    }
}
