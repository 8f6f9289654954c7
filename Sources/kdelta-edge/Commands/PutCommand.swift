import ArgumentParser
import KDeltaIngest
import KDeltaModel
import KDeltaStorage

/// `kdelta-edge put KEY VALUE [--time T]` and `put --batch FILE|-`.
struct PutCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "put",
        abstract: "Store a reading as a new version of its key, or a whole file of readings.",
        usage: """
            kdelta-edge put KEY VALUE [--time T] [--fsync always|interval:MS|interval:1s|never]
            kdelta-edge put --batch FILE|- [--format csv|jsonl] [--check]
            """,
        discussion: """
            VALUE: 21.5 or -3e-4 or -Inf (double), 42i or -7i (int), true/false,
            {"json": "document"}, or text; text that starts with - is JSON-quoted: '"-x"'.
            --batch reads CSV with a header row key,time,value or JSON lines
            ({"key":…,"time":…,"value":…}) from FILE, or standard input with '-'.
            """)

    @OptionGroup var location: StoreLocation
    @OptionGroup var write: WriteOptions

    @Argument(help: "The key, such as sensors/greenhouse/temp1.")
    var key: String?

    /// The value, and anything else ArgumentParser did not recognise: a negative number
    /// (`-3`, `-3e-4`, `-Inf`, `-7i`) looks like an option to it, so the value is collected
    /// here, with a `--` before it if one was given, and checked in `validate()` (one
    /// value; a leading dash only on a number).
    @Argument(parsing: .allUnrecognized, help: ArgumentHelp("The value (docs/keys.md); negative numbers such as -3 work as they are.", valueName: "value"))
    var unrecognized: [String] = []

    /// The VALUE argument and whatever else was not recognised, without the `--` that
    /// ends options (`put KEY -- -3` works as `put KEY -3` does).
    var values: [String] {
        guard let terminator = unrecognized.firstIndex(of: "--") else { return unrecognized }
        var rest = unrecognized
        rest.remove(at: terminator)
        return rest
    }

    @Option(name: .customLong("time"), parsing: .unconditional, help: "When the sensor took the reading: RFC 3339 or Unix milliseconds.")
    var time: String?

    @Option(name: .customLong("batch"), help: "Read readings from FILE (CSV or JSON lines), or '-' for standard input.")
    var batch: String?

    @Option(name: .customLong("format"), help: "With --batch: csv or jsonl (default: from the file name, else from its first byte).")
    var format: String?

    @Flag(name: .customLong("check"), help: "With --batch: check the whole file and store nothing.")
    var check = false

    func validate() throws {
        if batch != nil {
            if key != nil || !values.isEmpty || time != nil {
                throw ValidationError("--batch takes no KEY, VALUE or --time: the file holds them")
            }
            _ = try batchFormat()
        } else {
            if key == nil || values.isEmpty { throw ValidationError("give KEY and VALUE, or --batch FILE") }
            if values.count > 1 {
                let extra = values.dropFirst().map { "'\(DisplayText.shortened($0))'" }.joined(separator: " ")
                throw ValidationError("put takes one VALUE, but \(extra) came after '\(DisplayText.shortened(values[0]))'; quote a value with spaces, and check the spelling of options (put takes --time, --batch, --format, --check, --fsync)")
            }
            if let v = values.first, v.hasPrefix("-"), !Self.isNumber(v) {
                throw ValidationError("'\(DisplayText.shortened(v))' is not an option of put, nor a number; options are --time, --batch, --format, --check and --fsync, and a text value that starts with - is written JSON-quoted: '\"\(DisplayText.shortened(v))\"'")
            }
            if check { throw ValidationError("--check goes with --batch") }
            if format != nil { throw ValidationError("--format goes with --batch: it names the file's format") }
        }
    }

    /// True for what `Value.parse(text:)` reads as a double or an int, or refuses as a
    /// number out of range (`-1e400`, `-1e-400`, `-9223372036854775809i`, `-1.5i`): the
    /// only values that may start with `-` unquoted. Those it refuses reach `run`, whose
    /// message says what is wrong with the number instead of calling it an unknown option.
    static func isNumber(_ text: String) -> Bool {
        do throws(ValueTextError) {
            switch try Value.parse(text: text) {
            case .double, .int: return true
            default: return false
            }
        } catch {
            switch error.code {
            case .numberOutOfRange, .numberTooSmall, .integerOutOfRange, .notAnInteger: return true
            default: return false
            }
        }
    }

    /// `--format` as a batch file format; nil when not given (the file decides).
    func batchFormat() throws -> BatchFileFormat? {
        guard let format else { return nil }
        switch format {
        case "csv": return .csv
        case "jsonl", "json", "ndjson": return .jsonLines
        default: throw ValidationError("--format '\(DisplayText.shortened(format))' is not csv or jsonl")
        }
    }

    func run() throws {
        if let batch {
            try BatchImport(location: location, write: write, path: batch, format: try batchFormat(), checkOnly: check).run()
            return
        }
        let k = try parseKey(key!)
        let text = values[0]
        let v: Value
        do { v = try Value.parse(argument: text) } catch { throw failure("value '\(DisplayText.shortened(text))': \(error)") }
        let sourceTime = try time.map { try TimeArgument.parseMs($0, option: "--time") }
        let store = try location.openForWriting(write)
        let stored: Version
        do throws(StoreError) {
            try store.put(k, v, sourceTimeMs: sourceTime)
            stored = store.latest(k)!
            try store.close()
        } catch {
            throw failure(error)
        }
        StandardOutput.madeChanges("the reading is stored as seq \(stored.seq) of \(stored.key) (`kdelta-edge get \(ShellQuoting.quoted(stored.key.rawValue))` shows it)")
        if location.json {
            try StandardOutput.line(VersionOutput.json(stored).canonicalText)
        } else {
            try StandardOutput.line("\(stored.key) seq \(stored.seq) = \(stored.value) at \(RFC3339.format(ms: stored.timeMs)) id \(stored.id.short)")
        }
    }
}
