import ArgumentParser
import KDeltaIngest
import KDeltaModel
import KDeltaStorage

/// `kdelta-edge put KEY VALUE [--time T]` and `put --batch FILE|-`.
struct PutCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "put",
        abstract: "Store a reading as a new version of its key, or a whole file of readings.",
        discussion: """
            VALUE: 21.5 (double), 42i (int), true/false, {"json": "document"}, or text.
            --batch reads CSV with a header row key,time,value or JSON lines
            ({"key":…,"time":…,"value":…}) from FILE, or standard input with '-'.
            """)

    @OptionGroup var location: StoreLocation
    @OptionGroup var write: WriteOptions

    @Argument(help: "The key, such as sensors/greenhouse/temp1.")
    var key: String?

    @Argument(help: "The value.")
    var value: String?

    @Option(name: .customLong("time"), help: "When the sensor took the reading: RFC 3339 or Unix milliseconds.")
    var time: String?

    @Option(name: .customLong("batch"), help: "Read readings from FILE (CSV or JSON lines), or '-' for standard input.")
    var batch: String?

    @Option(name: .customLong("format"), help: "csv or jsonl (default: from the file name, else from its first byte).")
    var format: String?

    @Flag(name: .customLong("check"), help: "With --batch: check the whole file and store nothing.")
    var check = false

    func validate() throws {
        if batch != nil {
            if key != nil || value != nil || time != nil {
                throw ValidationError("--batch takes no KEY, VALUE or --time: the file holds them")
            }
        } else {
            if key == nil || value == nil { throw ValidationError("give KEY and VALUE, or --batch FILE") }
            if check { throw ValidationError("--check goes with --batch") }
        }
    }

    func run() throws {
        if let batch {
            try BatchImport(location: location, write: write, path: batch, format: format, checkOnly: check).run()
            return
        }
        let k = try parseKey(key!)
        let v: Value
        do { v = try Value.parse(text: value!) } catch { throw failure("value '\(value!)': \(error)") }
        let sourceTime = try time.map { try TimeArgument.parseMs($0, option: "--time") }
        let store = try location.openForWriting(write)
        do {
            try store.put(k, v, sourceTimeMs: sourceTime)
            let stored = store.latest(k)!
            try store.close()
            if location.json {
                print(VersionOutput.json(stored).canonicalText)
            } else {
                print("\(stored.key) seq \(stored.seq) = \(stored.value) at \(RFC3339.format(ms: stored.timeMs)) id \(stored.id.short)")
            }
        } catch {
            throw failure(error)
        }
    }
}
