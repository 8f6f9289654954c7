#if canImport(Glibc)
import Glibc
#endif

/// Whole files as bytes: plain files through `read(2)`, `.xz` files through `xz -dc`
/// (the xz-utils package), so no decompression library is linked for test data.
enum FileBytes {
    /// The bytes of `path`, decompressed when it ends in `.xz`.
    static func read(_ path: String) throws(SensorDataError) -> [UInt8] {
        if path.hasSuffix(".xz") { return try decompressXZ(path) }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw SensorDataError("cannot open \(path): \(errnoText())") }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n < 0 { throw SensorDataError("cannot read \(path): \(errnoText())") }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
        }
        return bytes
    }

    /// The output of `xz -dc PATH`.
    static func decompressXZ(_ path: String) throws(SensorDataError) -> [UInt8] {
        let quoted = "'" + path.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "'\\''") + "'"
        guard let pipe = popen("xz -dc -- " + quoted, "r") else {
            throw SensorDataError("cannot run xz for \(path): \(errnoText()) (install xz-utils)")
        }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, pipe) }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
        }
        let status = pclose(pipe)
        if status != 0 {
            throw SensorDataError("xz -dc \(path) failed (status \(status)); is xz-utils installed and the file intact?")
        }
        return bytes
    }

    /// `strerror(errno)`.
    static func errnoText() -> String { String(cString: strerror(errno)) }
}
