/// Where the WAL of a data directory starts, read from its segment headers: what a
/// rebuilt manifest needs of it (`ManifestRebuild`).
struct WALStart {
    /// The store id in the first live segment's header (nil: no segment has a readable one).
    var storeID: UInt64?
    /// The first live segment.
    var firstSegment: UInt64
    /// The LSN it starts at (nil when its header was never completed).
    var firstLSN: UInt64?
    /// Segments before a gap in the numbers: left by a checkpoint whose clean-up was cut
    /// short, wholly before it.
    var leftOver: [String] = []

    /// Reads the headers in `directory`'s WAL folder. The live WAL is one run of
    /// consecutive segment numbers; its first segment's header must check unless it is also
    /// its last (a segment whose creation was cut short).
    static func find(fs: any FileSystem, directory: String) throws(StoreError) -> WALStart {
        let walDir = directory + "/" + WALFormat.directoryName
        guard fs.exists(walDir) else { return WALStart(storeID: nil, firstSegment: 1, firstLSN: nil) }
        let numbers: [UInt64]
        do { numbers = try fs.list(walDir).compactMap(WALFormat.segmentNumber(fileName:)).sorted() } catch {
            throw StoreError.io(error, while: "listing \(walDir)")
        }
        guard var first = numbers.last else { return WALStart(storeID: nil, firstSegment: 1, firstLSN: nil) }
        while let previous = numbers.last(where: { $0 < first }), previous == first - 1 { first = previous }
        var start = WALStart(storeID: nil, firstSegment: first, firstLSN: nil)
        start.leftOver = numbers.filter { $0 < first }.map { walDir + "/" + WALFormat.segmentFileName($0) }
        let path = walDir + "/" + WALFormat.segmentFileName(first)
        let segment = try WALSegmentReader(fs: fs, path: path)
        switch WALSegmentHeader.decode(try segment.bytes(at: 0, count: min(WALFormat.segmentHeaderBytes, segment.count))) {
        case .success(let header):
            start.storeID = header.storeID
            start.firstLSN = header.firstLSN
        case .failure(let failure):
            guard first == numbers.last else {
                let why = switch failure {
                case .incomplete: "it is missing"
                case .invalid(let text): text
                }
                throw StoreError(.corruptFile, "cannot rebuild the manifest of \(directory): the header of WAL segment \(path), where the WAL starts, is damaged (\(why)). Nothing was changed; restore the data directory from a backup.", file: path)
            }
        }
        return start
    }
}
