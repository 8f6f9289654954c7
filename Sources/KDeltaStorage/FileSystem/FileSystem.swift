/// The one layer through which the storage engine touches files.
///
/// Every syscall the engine makes goes through a `FileSystem`, so a test can make the Nth
/// write, fsync, rename or truncate fail (`FaultInjectingFileSystem`) or forget everything
/// not yet synced (`PowerCutFileSystem`), as swift-system's syscall mocking and LevelDB's
/// fault-injection Env do. `PosixFileSystem` is the real one.
public protocol FileSystem: Sendable {
    /// Opens `path`. The corresponding C function is `open`.
    func open(_ path: String, _ mode: OpenMode) throws(FileSystemError) -> FileDescriptor
    /// Closes a descriptor; errors are ignored, as the data was synced or is given up.
    func close(_ fd: FileDescriptor)
    /// Writes all of `bytes` at `offset`. The corresponding C function is `pwrite`.
    func write(_ fd: FileDescriptor, _ bytes: UnsafeRawBufferPointer, at offset: Int64) throws(FileSystemError)
    /// Reads up to `buffer.count` bytes at `offset`; returns how many (0 at end of file).
    /// The corresponding C function is `pread`.
    func read(_ fd: FileDescriptor, into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws(FileSystemError) -> Int
    /// Makes a file's data durable. The corresponding C function is `fdatasync`.
    func sync(_ fd: FileDescriptor) throws(FileSystemError)
    /// Makes a directory's entries (creations, renames, removals) durable: `fsync` of the
    /// directory.
    func syncDirectory(_ path: String) throws(FileSystemError)
    /// Sets a file's length. The corresponding C function is `ftruncate`.
    func truncate(_ fd: FileDescriptor, to length: Int64) throws(FileSystemError)
    /// Reserves `length` bytes of disk for a file so later writes cannot fail for space.
    /// The corresponding C function is `posix_fallocate`.
    func preallocate(_ fd: FileDescriptor, length: Int64) throws(FileSystemError)
    /// A file's current length. The corresponding C function is `fstat`.
    func size(_ fd: FileDescriptor) throws(FileSystemError) -> Int64
    /// Renames atomically, replacing `to`. The corresponding C function is `rename`.
    func rename(_ from: String, to: String) throws(FileSystemError)
    /// Removes a file. The corresponding C function is `unlink`.
    func remove(_ path: String) throws(FileSystemError)
    /// Creates a directory; succeeds if it exists. The corresponding C function is `mkdir`.
    func createDirectory(_ path: String) throws(FileSystemError)
    /// Names in a directory, without `.` and `..`. The corresponding C functions are
    /// `opendir`/`readdir`.
    func list(_ path: String) throws(FileSystemError) -> [String]
    /// Whether `path` exists.
    func exists(_ path: String) -> Bool
    /// The whole file, read-only, for the life of the result. The corresponding C function
    /// is `mmap` (`PosixFileSystem`); the default reads the file into memory.
    func mapReadOnly(_ path: String) throws(FileSystemError) -> MappedFile
}

extension FileSystem {
    public func mapReadOnly(_ path: String) throws(FileSystemError) -> MappedFile {
        MappedFile(path: path, copying: try readFile(path))
    }
}

/// How to open a file.
public enum OpenMode: Sendable, Equatable {
    /// Read only; the file must exist.
    case read
    /// Read and write; the file must exist.
    case readWrite
    /// Read and write; creates the file, failing if it exists.
    case createNew
    /// Read and write; creates the file or truncates it.
    case createOrTruncate
}

/// An open file descriptor of a `FileSystem`.
public struct FileDescriptor: Hashable, Sendable {
    /// The raw descriptor number (a real fd for `PosixFileSystem`).
    public let raw: Int32
    /// Wraps a raw descriptor.
    public init(raw: Int32) { self.raw = raw }
}

/// A failed file operation: which operation, on what path, with which errno.
public struct FileSystemError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The operation that failed, as the C function's name (`pwrite`, `fdatasync`, …).
    public let operation: String
    /// The path involved, when known.
    public let path: String
    /// The C errno value.
    public let errno: Int32

    /// Creates an error.
    public init(operation: String, path: String, errno: Int32) {
        self.operation = operation
        self.path = path
        self.errno = errno
    }

    /// True for "no space left on device" (ENOSPC) and "quota exceeded" (EDQUOT).
    public var isOutOfSpace: Bool { errno == 28 || errno == 122 }

    public var description: String {
        "\(operation) of \(path) failed: \(ErrnoText.describe(errno))"
    }
}
