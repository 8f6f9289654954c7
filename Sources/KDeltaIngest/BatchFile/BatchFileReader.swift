import KDeltaModel

/// Reads a batch file in whichever format it is: what `kdelta-edge put --batch FILE|-`
/// uses.
///
/// The format is the one given, else the one the file name's extension implies
/// (`BatchFileFormat(pathExtensionOf:)`), else the one the first bytes imply (`{` means
/// JSON lines). Both formats stream with bounded memory; see `CSVBatchReader` and
/// `JSONLinesBatchReader` for what each accepts.
public struct BatchFileReader {
    /// The format being read.
    public let format: BatchFileFormat
    private var csv: CSVBatchReader?
    private var jsonLines: JSONLinesBatchReader?

    /// Opens `path` (`-` for standard input) and reads its header, if it has one.
    public static func open(path: String, format: BatchFileFormat? = nil) throws(BatchFileError) -> BatchFileReader {
        let source = try FileByteSource(path: path)
        return try BatchFileReader(source: source, format: format ?? BatchFileFormat(pathExtensionOf: path))
    }

    /// Reads from `source`; with no `format`, the first bytes decide.
    public init(source: any ByteSource, format: BatchFileFormat? = nil) throws(BatchFileError) {
        let input = BatchInput(source: source)
        let chosen: BatchFileFormat
        if let format {
            chosen = format
        } else {
            // Read until the first byte that is not whitespace or a byte order mark shows;
            // offsets are relative to `start`, which a refill moves.
            var scanned = 0
            while true {
                while input.start + scanned < input.end, Self.isLeadingFiller(input.base[input.start + scanned]) {
                    scanned += 1
                }
                if input.start + scanned < input.end || input.atEOF || scanned > IngestLimits.batchFileLineBytesMax { break }
                try input.fill()
            }
            chosen = BatchFileFormat.detect(firstBytes: UnsafeRawBufferPointer(start: input.base + input.start, count: input.end - input.start))
        }
        self.format = chosen
        switch chosen {
        case .csv: csv = try CSVBatchReader(input: input)
        case .jsonLines: jsonLines = try JSONLinesBatchReader(input: input)
        }
    }

    /// Whitespace and the bytes of a byte order mark, which may precede the first line.
    static func isLeadingFiller(_ b: UInt8) -> Bool {
        switch b {
        case 0x20, 0x09, 0x0A, 0x0D, 0xEF, 0xBB, 0xBF: return true
        default: return false
        }
    }

    /// The line the next call to `next` starts reading at, from 1: every line before it
    /// has been returned, or was a CSV header or blank. Before the first call it is the
    /// first line after the header; after a call that threw, the line that failed (the
    /// readings that call read are lost). An import that stores each call's readings
    /// resumes from here.
    public var nextLine: Int { csv?.nextLine ?? jsonLines!.nextLine }

    /// Reads up to `maxReadings` readings; nil once the file is exhausted.
    public mutating func next(maxReadings: Int) throws(BatchFileError) -> [Reading]? {
        if csv != nil { return try csv!.next(maxReadings: maxReadings) }
        return try jsonLines!.next(maxReadings: maxReadings)
    }

    /// Reads up to `maxReadings` readings whose `byteCount`s add up to at most `maxBytes`,
    /// but at least one; nil once the file is exhausted. The reading that would go over is
    /// read again by the next call. `put --batch` bounds each batch by what one WAL record
    /// holds this way.
    public mutating func next(
        maxReadings: Int, maxBytes: Int, byteCount: (Reading) -> Int
    ) throws(BatchFileError) -> [Reading]? {
        if csv != nil { return try csv!.next(maxReadings: maxReadings, maxBytes: maxBytes, byteCount: byteCount) }
        return try jsonLines!.next(maxReadings: maxReadings, maxBytes: maxBytes, byteCount: byteCount)
    }
}
