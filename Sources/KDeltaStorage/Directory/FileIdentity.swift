#if canImport(Glibc)
import Glibc
#endif

/// Which file a path or descriptor names, the way the kernel's lock table names it: the
/// device's major and minor numbers and the inode number (`/proc/locks` prints them as
/// `MAJOR:MINOR:INODE`, hex:hex:decimal; `FileLockTable`). A path can be renamed or
/// removed; the identity of the directory a writer locked is what the lock is on.
struct FileIdentity: Equatable, Sendable {
    var major: UInt32
    var minor: UInt32
    var inode: UInt64

    init(major: UInt32, minor: UInt32, inode: UInt64) {
        self.major = major
        self.minor = minor
        self.inode = inode
    }

    /// Splits a `dev_t` as glibc's `major()` and `minor()` do (`gnu_dev_major`): the same
    /// numbers the kernel prints, on every architecture glibc supports (aarch64 included).
    init(device: UInt64, inode: UInt64) {
        let major = (device & 0x0000_0000_000f_ff00) >> 8 | (device & 0xffff_f000_0000_0000) >> 32
        let minor = (device & 0x0000_0000_0000_00ff) | (device & 0x0000_0fff_fff0_0000) >> 12
        self.init(major: UInt32(truncatingIfNeeded: major), minor: UInt32(truncatingIfNeeded: minor), inode: inode)
    }

    /// The identity of the file at `path`, or nil when it cannot be looked up (it does not
    /// exist). The corresponding C function is `stat`.
    init?(path: String) {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        self.init(device: UInt64(st.st_dev), inode: UInt64(st.st_ino))
    }

    /// The identity of the file open as `fd`, or nil when `fstat` fails. The corresponding
    /// C function is `fstat`.
    init?(fd: Int32) {
        var st = stat()
        guard fstat(fd, &st) == 0 else { return nil }
        self.init(device: UInt64(st.st_dev), inode: UInt64(st.st_ino))
    }
}
