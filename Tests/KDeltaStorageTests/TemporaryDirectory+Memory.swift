import Foundation

extension TemporaryDirectory {
    /// A fresh directory on a memory-backed file system (`/dev/shm`) when there is one,
    /// else under the system's temporary folder. Still real POSIX files, but fsync costs
    /// nothing: for the loops that open a store hundreds of times (fault injection).
    static func memoryBacked(_ name: String = "kdelta") -> TemporaryDirectory {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: "/dev/shm", isDirectory: &isDirectory), isDirectory.boolValue,
            FileManager.default.isWritableFile(atPath: "/dev/shm")
        {
            return TemporaryDirectory(path: "/dev/shm/\(name)-\(UUID().uuidString)")
        }
        return TemporaryDirectory(name)
    }

    /// A directory at `path`, created now.
    init(path: String) {
        self.path = path
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
}
