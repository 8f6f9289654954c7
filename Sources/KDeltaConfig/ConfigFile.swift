#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads the configuration file with POSIX calls (no Foundation: the Pi build avoids it)
/// and checks its size and encoding.
enum ConfigFile {
    /// The file's text; errors name the path and what to do.
    static func read(path: String) throws(ConfigError) -> String {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            let e = errno
            var hint = "check the path and its permissions"
            if e == ENOENT { hint = "create it (systemd/kdelta-edge.example.yaml is a commented example) or pass another path" }
            if e == EACCES { hint = "make it readable by the user kdelta-edge runs as" }
            throw ConfigError(code: .unreadable, source: path, message: "cannot open the configuration file: \(describe(errno: e)); \(hint)")
        }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = chunk.withUnsafeMutableBytes { systemRead(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                let e = errno
                if e == EINTR { continue }
                var hint = "check the file"
                if e == EISDIR { hint = "give the path of a file, not of a folder" }
                throw ConfigError(code: .unreadable, source: path, message: "cannot read the configuration file: \(describe(errno: e)); \(hint)")
            }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
            if bytes.count > ConfigLimits.fileBytesMax {
                throw ConfigError(code: .tooLarge, source: path, message: "the configuration file is larger than \(ConfigLimits.fileBytesMax) bytes; is it the right file?")
            }
        }
        return try text(of: bytes, source: path)
    }

    /// `bytes` as a String, or an error naming the line and column of the first byte that
    /// is not UTF-8.
    static func text(of bytes: [UInt8], source: String) throws(ConfigError) -> String {
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var line = 1
        var column = 1
        var lineStart = 0
        var offset = 0
        loop: while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded):
                if encoded.count == 1 && encoded.first == UInt8(ascii: "\n") {
                    line += 1
                    column = 1
                    lineStart = offset + 1
                } else {
                    column += 1
                }
                offset += encoded.count
            case .error:
                let shown = String(decoding: bytes[lineStart..<offset], as: UTF8.self)
                throw ConfigError(code: .notUTF8, source: source, line: line, column: column,
                                  message: "byte \(offset) (0x\(String(bytes[offset], radix: 16, uppercase: true))) is not UTF-8; save the file as UTF-8",
                                  sourceLine: shown)
            case .emptyInput:
                break loop
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `strerror` text with the errno name's number.
    static func describe(errno e: Int32) -> String {
        "\(String(cString: strerror(e))) (errno \(e))"
    }
}

/// The C library's `read`, named apart from `ConfigFile.read(path:)`.
private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    read(fd, buffer, count)
}
