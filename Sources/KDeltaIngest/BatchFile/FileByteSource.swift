import Glibc

/// Reads a batch file from a path, or from standard input for `-`, with plain `read(2)`.
///
/// The reader asks for `IngestLimits.batchFileReadBytes` at a time into its own buffer, so
/// memory stays bounded whatever the file's size. The source owns the descriptor it opened
/// and closes it when released; standard input is never closed.
public final class FileByteSource: ByteSource {
    /// The path as given, or `-` for standard input.
    public let name: String
    /// The descriptor read from.
    public let descriptor: Int32
    private let ownsDescriptor: Bool

    /// Opens `path` for reading; `-` means standard input (descriptor 0). The
    /// corresponding C function is `open(2)` with `O_RDONLY | O_CLOEXEC`.
    public init(path: String) throws(BatchFileError) {
        name = path
        if path == "-" {
            descriptor = 0
            ownsDescriptor = false
            return
        }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            throw BatchFileError(
                code: .io, fileName: path, line: 0, column: 0, text: "",
                message: "cannot open the file (\(Self.describe(errno: code))); \(Self.advice(errno: code))")
        }
        descriptor = fd
        ownsDescriptor = true
    }

    /// Reads from a descriptor the caller opened and keeps open (a pipe from a test).
    public init(descriptor: Int32, name: String) {
        self.name = name
        self.descriptor = descriptor
        ownsDescriptor = false
    }

    deinit {
        if ownsDescriptor { _ = close(descriptor) }
    }

    /// Reads once, retrying when a signal interrupts. The corresponding C function is
    /// `read(2)`.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(BatchFileError) -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        while true {
            let n = Glibc.read(descriptor, base, buffer.count)
            if n >= 0 { return n }
            let code = errno
            if code == EINTR { continue }
            throw BatchFileError(
                code: .io, fileName: name, line: 0, column: 0, text: "",
                message: "cannot read the file (\(Self.describe(errno: code))); \(Self.advice(errno: code))")
        }
    }

    static func describe(errno code: Int32) -> String {
        guard let text = strerror(code) else { return "errno \(code)" }
        return "\(String(cString: text)), errno \(code)"
    }

    static func advice(errno code: Int32) -> String {
        switch code {
        case ENOENT: return "check the path, or give - to read standard input"
        case EACCES, EPERM: return "check the file's permissions for the user running kdelta-edge"
        case EISDIR: return "give a file, not a directory"
        default: return "check the file and the device it is on"
        }
    }
}
