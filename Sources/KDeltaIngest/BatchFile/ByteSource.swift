/// Where a batch reader gets its bytes: a file, standard input, or a test's buffer.
///
/// A protocol so that tests can feed the readers one byte at a time or everything at once
/// and check that both give the same readings, as a pipe or a slow disk might split them.
public protocol ByteSource {
    /// The name errors show: the path as given, or `-` for standard input.
    var name: String { get }

    /// Reads up to `buffer.count` bytes into `buffer` and returns how many; 0 means the end
    /// of the input. It may return fewer bytes than asked at any time.
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(BatchFileError) -> Int
}
