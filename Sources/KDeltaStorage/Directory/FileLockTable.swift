#if canImport(Glibc)
import Glibc
#endif

/// The kernel's table of file locks, `/proc/locks`: which processes hold an exclusive
/// `flock` on a file. It answers "is a writer live, and which pid is it?" without taking a
/// lock (a reader that took one, even shared, would make a writer starting at that moment
/// fail) and without the LOCK file, which `rm` can take away.
///
/// A line looks like `3: FLOCK  ADVISORY  WRITE 4242 fe:00:1234567 0 EOF` (kernel
/// `fs/locks.c`, `lock_get_status`): an `flock` (not a POSIX or OFD lock), `WRITE` for
/// `LOCK_EX` (`READ` for `LOCK_SH`), the pid that took it, and the file as `FileIdentity`.
/// A waiter's line has `->` after the number and holds nothing. Under user-mode qemu the
/// file is the host's and `flock` passes through to the host kernel, so it reads the same.
enum FileLockTable {
    /// Where the kernel shows the table.
    static let path = "/proc/locks"
    /// Bytes read at a time. The table is read as a stream, a line at a time, so memory
    /// stays at this however many locks the machine holds.
    static let readBytes = 16 * 1024
    /// A line is about 60 bytes; a longer one is not one we can parse, and is skipped.
    static let lineBytesMax = 512

    /// The pids holding an exclusive `flock` on `file` (0 when the kernel does not show the
    /// pid, e.g. a process in another pid namespace): empty when none does; nil when the
    /// table cannot be read (no `/proc`).
    static func exclusiveFlockHolders(of file: FileIdentity) -> [Int32]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var holders: [Int32] = []
        var line: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: readBytes)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, readBytes) }
            if n < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if n == 0 { break }
            for byte in buffer[0..<n] {
                if byte == UInt8(ascii: "\n") {
                    if let h = exclusiveFlockHolder(line: line, of: file) { holders.append(h) }
                    line.removeAll(keepingCapacity: true)
                } else if line.count < lineBytesMax {
                    line.append(byte)
                }
            }
        }
        if let h = exclusiveFlockHolder(line: line, of: file) { holders.append(h) }
        return holders
    }

    /// The holder's pid (0 when not shown) when `line` is an exclusive `flock` held on
    /// `file`; nil for any other line.
    static func exclusiveFlockHolder(line: [UInt8], of file: FileIdentity) -> Int32? {
        let fields = line.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: true)
            .map { String(decoding: $0, as: UTF8.self) }
        // "N:", "FLOCK", "ADVISORY", "WRITE", pid, "MAJ:MIN:INO", start, end.
        guard fields.count >= 6, fields[1] == "FLOCK", fields[3] == "WRITE",
              let id = identity(fields[5]), id == file else { return nil }
        guard let pid = Int32(fields[4]), pid > 0 else { return 0 }
        return pid
    }

    /// `fe:00:1234567` (hex major, hex minor, decimal inode) as a `FileIdentity`.
    static func identity(_ text: String) -> FileIdentity? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 3, let major = UInt32(parts[0], radix: 16), let minor = UInt32(parts[1], radix: 16),
              let inode = UInt64(parts[2]) else { return nil }
        return FileIdentity(major: major, minor: minor, inode: inode)
    }
}
