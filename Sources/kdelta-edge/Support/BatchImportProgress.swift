import KDeltaIngest
import KDeltaStorage

/// How far `put --batch` got: which lines of the file are stored, under which LSNs, and
/// where an import that stopped resumes, so that a second run neither loses nor repeats
/// readings (docs/cli.md, "Batch files").
///
/// Batches are stored whole or not at all, and each one is the lines the reader went
/// through for it, so "stored" is always a whole range of lines: from the first line
/// after the header to just before `resumeLine`.
struct BatchImportProgress {
    /// The file as the user named it (`-` for standard input).
    let path: String
    /// The file's format, for the resume command.
    let format: BatchFileFormat
    /// The first line after the header (1 for JSON lines).
    let firstLine: Int
    /// Readings stored.
    private(set) var readings = 0
    /// The LSNs of the first and last reading stored.
    private(set) var firstLSN: UInt64? = nil
    private(set) var lastLSN: UInt64? = nil
    /// The first line not stored: every reading before it is.
    private(set) var resumeLine: Int

    /// Nothing stored yet; the data starts at `firstLine`.
    init(path: String, format: BatchFileFormat, firstLine: Int) {
        self.path = path
        self.format = format
        self.firstLine = firstLine
        resumeLine = firstLine
    }

    /// Records a stored batch of `count` readings from `firstLSN` on: the reader was at
    /// `nextLine` after reading it.
    mutating func stored(firstLSN first: UInt64, count: Int, nextLine: Int) {
        precondition(count > 0, "a stored batch holds readings")
        readings += count
        if firstLSN == nil { firstLSN = first }
        lastLSN = first + UInt64(count) - 1
        resumeLine = nextLine
    }

    /// `LSN 1-8192` (`LSN 7` for one), or `-` before anything was stored.
    var lsnRange: String {
        guard let firstLSN, let lastLSN else { return "-" }
        return firstLSN == lastLSN ? "LSN \(firstLSN)" : "LSN \(firstLSN)-\(lastLSN)"
    }

    /// What to add to a bad line's error (`line` is the line the reader refused).
    func afterBadLine(_ line: Int) -> String {
        guard readings > 0 else { return "nothing was stored: fix line \(line) and import the file again" }
        return "\(storedText): fix line \(line), then \(resumeAdvice(from: resumeLine))"
    }

    /// What to add to the store's error for the batch of lines `resumeLine..<nextLine`.
    /// Errors raised while the WAL record was written (I/O, a full disk, a failed fsync)
    /// leave that batch stored or not; the others are raised before it is written.
    func afterStoreError(_ error: StoreError, batchEndLine nextLine: Int) -> String {
        let mayBeWritten = error.code == .io || error.code == .outOfSpace || error.code == .poisoned
        guard mayBeWritten else {
            guard readings > 0 else { return "nothing from \(path == "-" ? "the input" : path) was stored" }
            return "\(storedText): once the cause is fixed, \(resumeAdvice(from: resumeLine))"
        }
        let before = readings > 0 ? storedLines + "; " : ""
        return "\(before)the batch of lines \(resumeLine)-\(nextLine - 1) failed while it was written and may or may not be stored (`kdelta-edge log KEY` shows whether its readings are there), nothing after line \(nextLine - 1) was: if the batch is missing, \(resumeAdvice(from: resumeLine)), else from line \(nextLine) on"
    }

    /// `lines 2-8193 were stored (8192 readings, LSN 1-8192), nothing from line 8194 on`.
    var storedText: String { "\(storedLines), nothing from line \(resumeLine) on" }

    /// `lines 2-8193 were stored (8192 readings, LSN 1-8192)`.
    var storedLines: String {
        let lines = resumeLine - 1 > firstLine ? "lines \(firstLine)-\(resumeLine - 1) were" : "line \(firstLine) was"
        return "\(lines) stored (\(readings) reading\(readings == 1 ? "" : "s"), \(lsnRange))"
    }

    /// How to import the file from `line` on: a shell command that feeds the header lines
    /// and then the rest. Standard input cannot be read again, so for it the advice is in
    /// words.
    func resumeAdvice(from line: Int) -> String {
        guard path != "-" else {
            return "feed the input again from line \(line) on\(format == .csv ? ", after its header line" : "")"
        }
        let file = ShellQuoting.quoted(path)
        let tail = "tail -n +\(line) \(file)"
        switch format {
        case .csv:
            return "import from line \(line) on: (head -n \(firstLine - 1) \(file); \(tail)) | kdelta-edge put --batch - --format csv"
        case .jsonLines:
            return "import from line \(line) on: \(tail) | kdelta-edge put --batch - --format jsonl"
        }
    }
}
