#if canImport(Glibc)
import Glibc
#endif

/// The benchmark's files: a fresh run directory, a fresh data directory per cell, and
/// removing them again. Uses POSIX calls directly (no Foundation in the bench).
enum BenchFiles {
    /// The parent used when `--dir` is not given: /var/tmp first, because /tmp is often a
    /// tmpfs where fsync costs nothing, then /tmp.
    static func defaultParent() -> String {
        for candidate in ["/var/tmp", "/tmp"] {
            if let fs = FileSystemInfo.of(candidate), !fs.isMemoryBacked { return candidate }
        }
        return "/var/tmp"
    }

    /// Creates `parent` if needed and a new `parent/kdelta-bench.XXXXXX` in it.
    static func makeRunDirectory(parent: String) throws -> String {
        if mkdir(parent, 0o755) != 0 && errno != EEXIST {
            throw BenchError("cannot create \(parent): \(errnoText()); pass --dir with a writable directory")
        }
        var template = Array((parent + "/kdelta-bench.XXXXXX").utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buffer in mkdtemp(buffer.baseAddress!) }
        guard made != nil else {
            throw BenchError("cannot create a run directory in \(parent): \(errnoText()); pass --dir with a writable directory")
        }
        return template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    /// Creates the directory `path` (its parent must exist).
    static func makeDirectory(_ path: String) throws {
        if mkdir(path, 0o755) != 0 {
            throw BenchError("cannot create \(path): \(errnoText())")
        }
    }

    /// Removes `path` and everything under it, if it exists.
    static func removeTree(_ path: String) {
        var st = stat()
        guard lstat(path, &st) == 0 else { return }
        if (st.st_mode & S_IFMT) == S_IFDIR {
            if let dir = opendir(path) {
                var names: [String] = []
                while let entry = readdir(dir) {
                    let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                        String(cString: raw.baseAddress!.assumingMemoryBound(to: CChar.self))
                    }
                    if name != "." && name != ".." { names.append(name) }
                }
                closedir(dir)
                for name in names { removeTree(path + "/" + name) }
            }
            rmdir(path)
        } else {
            unlink(path)
        }
    }

    /// The whole contents of a (small) file such as /proc/self/status, or nil. Files in
    /// /proc report size 0, so this reads until end of file.
    static func readSmallFile(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
            if bytes.count > 4 * 1024 * 1024 { break }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Writes `text` to an existing file such as /proc/self/clear_refs; false on failure.
    static func writeSmallFile(_ path: String, _ text: String) -> Bool {
        let fd = open(path, O_WRONLY | O_CLOEXEC)
        if fd < 0 { return false }
        defer { close(fd) }
        var copy = text
        return copy.withUTF8 { write(fd, $0.baseAddress, $0.count) == $0.count }
    }

    /// Creates or truncates `path` and writes `text` to it; false on failure.
    static func writeNewFile(_ path: String, _ text: String) -> Bool {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        if fd < 0 { return false }
        defer { close(fd) }
        var copy = text
        return copy.withUTF8 { buffer in
            var done = 0
            while done < buffer.count {
                let n = write(fd, buffer.baseAddress! + done, buffer.count - done)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return false }
                done += n
            }
            return true
        }
    }

    /// `strerror(errno)`.
    static func errnoText() -> String {
        String(cString: strerror(errno))
    }
}
