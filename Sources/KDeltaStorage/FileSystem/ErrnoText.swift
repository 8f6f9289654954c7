#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Text for errno values, with the symbolic name first (`ENOSPC: No space left on device`).
public enum ErrnoText {
    /// `NAME: message` for `code`.
    public static func describe(_ code: Int32) -> String {
        let message = strerror(code).map { String(cString: $0) } ?? "errno \(code)"
        if let name = names[code] { return "\(name): \(message)" }
        return message
    }

    // EWOULDBLOCK is EAGAIN on Linux: listing both would be a duplicate key.
    static let names: [Int32: String] = [
        EPERM: "EPERM", ENOENT: "ENOENT", EINTR: "EINTR", EIO: "EIO", EBADF: "EBADF",
        EAGAIN: "EAGAIN", ENOMEM: "ENOMEM", EACCES: "EACCES", EEXIST: "EEXIST",
        ENOTDIR: "ENOTDIR", EISDIR: "EISDIR", EINVAL: "EINVAL", EMFILE: "EMFILE",
        EFBIG: "EFBIG", ENOSPC: "ENOSPC", EROFS: "EROFS", EDQUOT: "EDQUOT", ENOTEMPTY: "ENOTEMPTY",
    ]
}
