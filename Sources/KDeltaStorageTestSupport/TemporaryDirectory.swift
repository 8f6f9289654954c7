import Foundation

/// A fresh, empty directory for one test, removed by `remove()`.
///
/// Made by `mkdtemp`, which creates the directory and fails rather than reuse one that
/// exists: two tests running at once can never share a directory, whatever the random
/// source. (`createDirectory(withIntermediateDirectories: true)` succeeds on an existing
/// directory and would hide such a collision.)
public struct TemporaryDirectory: Sendable {
    public let path: String

    /// A directory named `NAME-XXXXXX` under the system's temporary folder.
    public init(_ name: String = "kdelta") {
        self.init(parent: NSTemporaryDirectory(), name: name)
    }

    /// A directory named `NAME-XXXXXX` under `parent`.
    public init(parent: String, name: String) {
        let base = parent.hasSuffix("/") ? parent : parent + "/"
        var template = Array((base + name + "-XXXXXX").utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) != nil }
        precondition(made, "mkdtemp under \(base) failed: errno \(errno)")
        path = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// A directory on a memory-backed file system (`/dev/shm`) when there is one, else
    /// under the system's temporary folder. Still real POSIX files, but fsync costs
    /// nothing: for the loops that open a store hundreds of times (fault injection).
    public static func memoryBacked(_ name: String = "kdelta") -> TemporaryDirectory {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: "/dev/shm", isDirectory: &isDirectory), isDirectory.boolValue,
            FileManager.default.isWritableFile(atPath: "/dev/shm")
        {
            return TemporaryDirectory(parent: "/dev/shm", name: name)
        }
        return TemporaryDirectory(name)
    }

    /// Removes the directory and everything in it.
    public func remove() { try? FileManager.default.removeItem(atPath: path) }
}
