import ArgumentParser
import KDeltaModel
import KDeltaStorage

/// `kdelta-edge query KEY|PATTERN [--from T] [--to T] [--every D [--agg NAME] [--offset D]]
/// [--format table|csv|json] [--limit N]`: raw readings, or windows aggregated by the
/// store (`Store.windows`), of one key or of every key a pattern matches.
struct QueryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Print the readings of a key or key pattern in a time range, raw or aggregated into windows (--every).",
        discussion: """
            PATTERN: + matches one key segment, # the rest (sensors/+/temp, sensors/#).
            Windows align to the Unix epoch (1h windows start on the hour, 1d at midnight UTC);
            --offset shifts them (-1h: days start at midnight UTC+1). Only numeric readings
            are aggregated. Docs: docs/cli.md, "query".
            """)

    @OptionGroup var location: StoreLocation

    @Argument(help: "A key, or a pattern with + and # (sensors/+/temp, sensors/#).")
    var keyOrPattern: String

    @Option(name: .customLong("from"), parsing: .unconditional, help: "Readings at or after this time: RFC 3339, Unix milliseconds or now (default: the beginning).")
    var from: String?

    @Option(name: .customLong("to"), parsing: .unconditional, help: "Readings before this time (default: the end).")
    var to: String?

    @Option(name: .customLong("every"), help: "Aggregate into windows of this length: 30s, 1m, 1h, 1d, 1h30m.")
    var every: String?

    @Option(name: .customLong("agg"), help: "The aggregation of each window: count, sum, avg, min, max, first, last (default avg; needs --every).")
    var agg: String?

    @Option(name: .customLong("offset"), parsing: .unconditional, help: "Shift the windows' alignment by this duration, e.g. -1h (needs --every).")
    var offset: String?

    @Option(name: .customLong("format"), help: "table, csv or json (default table; --json means json).")
    var format: QueryOutputFormat?

    @Option(name: .customLong("limit"), parsing: .unconditional, help: "At most this many rows in all, keys in sorted order (default \(Self.rowsDefault)).")
    var limit: Int?

    /// Rows printed when `--limit` is not given: the table needs every row in memory to
    /// size its columns, so the default keeps a forgotten `--from` from printing
    /// millions. A note on stderr says when rows were left out.
    static let rowsDefault = 100_000
    /// The largest `--limit`: ten million rows is about a gigabyte of text.
    static let rowsMax = 10_000_000

    func validate() throws {
        if let limit, limit < 1 || limit > Self.rowsMax {
            throw ValidationError("--limit must be 1 to \(Self.rowsMax)")
        }
        if every == nil {
            if agg != nil { throw ValidationError("--agg needs --every: give the window length, e.g. --every 1h --agg \(agg!)") }
            if offset != nil { throw ValidationError("--offset needs --every: it shifts the windows") }
        }
        if format != nil && location.json && format != .json {
            throw ValidationError("--json and --format \(format!.rawValue) disagree; give one of them")
        }
    }

    func run() throws {
        let pattern: KeyPattern
        do { pattern = try KeyPattern(keyOrPattern) } catch { throw failure(error.description) }
        let fromMs = try from.map { try TimeArgument.parseMs($0, option: "--from") } ?? Limits.sourceTimeMsMin
        let toMs = try to.map { try TimeArgument.parseMs($0, option: "--to") } ?? Limits.sourceTimeMsMax + 1
        guard fromMs < toMs else {
            throw failure("--from \(from ?? "") is not before --to \(to ?? ""): the range [from, to) is empty")
        }
        let aggregation: Aggregation?
        do throws(AggregationError) { aggregation = try agg.map(Aggregation.init(parsing:)) } catch {
            throw failure("--agg \(error)")
        }
        let everyMs = try every.map { try Self.durationMs($0, option: "--every", signed: false) }
        if let everyMs, everyMs < 1 || everyMs > WindowQuery.everyMsMax {
            let bound = everyMs < 1 ? "a window must be at least 1ms long" : "a window must be at most 2^53 ms (about 285,000 years)"
            throw failure("--every \(every!): \(bound); for example --every 1m, 1h or 1d", code: 64)
        }
        let offsetMs = try offset.map { try Self.durationMs($0, option: "--offset", signed: true) } ?? 0
        let outputFormat = format ?? (location.json ? .json : .table)
        let rowsMax = limit ?? Self.rowsDefault

        let store = try location.openForReading()
        let keys = store.keys().filter { pattern.matches($0) }
        if keys.isEmpty {
            if pattern.isExact {
                throw failure("key \(keyOrPattern) has no versions in \(location.directory); `kdelta-edge keys` lists the stored keys")
            }
            throw failure("no stored key matches \(keyOrPattern) in \(location.directory); `kdelta-edge keys` lists the stored keys")
        }

        var truncated = false
        if let everyMs {
            let agg = aggregation ?? .avg
            var rows: [QueryWindowRow] = []
            var skipped = 0
            for k in keys where !truncated {
                let query = WindowQuery(fromMs: fromMs, toMs: toMs, everyMs: everyMs, offsetMs: offsetMs, windowsMax: rowsMax - rows.count + 1)
                let result: WindowQueryResult
                do { result = try store.windows(k, query) } catch { throw failure(error) }
                skipped += result.nonNumericSkipped
                for w in result.windows {
                    if rows.count == rowsMax { truncated = true; break }
                    rows.append(QueryWindowRow(key: k, window: agg.window(w)))
                }
            }
            try StandardOutput.text(QueryOutput.windows(rows, aggregation: agg, format: outputFormat))
            if skipped > 0 {
                printError("kdelta-edge: note: \(counted(skipped, "reading")) \(skipped == 1 ? "is not a number" : "are not numbers") (bools, text, documents) and \(skipped == 1 ? "was" : "were") left out of every window, count included")
            }
        } else {
            var rows: [QueryRow] = []
            for k in keys where !truncated {
                let readings: [TimedReading]
                do { readings = try store.readings(k, fromMs: fromMs, toMs: toMs, limit: rowsMax - rows.count + 1) } catch {
                    throw failure(error)
                }
                for r in readings {
                    if rows.count == rowsMax { truncated = true; break }
                    rows.append(QueryRow(key: k, timeMs: r.timeMs, value: r.value))
                }
            }
            try StandardOutput.text(QueryOutput.rows(rows, format: outputFormat))
            // Raw readings that retention replaced by rollups are not rows: say where they went.
            for k in keys {
                let rolled: [Rollup]
                do { rolled = try store.rollups(k, fromMs: fromMs, toMs: toMs) } catch { throw failure(error) }
                guard let first = rolled.first, let last = rolled.last else { continue }
                let readings = rolled.reduce(Int64(0)) { $0 + $1.count }
                printError("kdelta-edge: note: \(k): \(counted(readings, "reading")) from \(RFC3339.format(ms: first.startMs)) to \(RFC3339.format(ms: last.endMs)) \(readings == 1 ? "was" : "were") downsampled into \(counted(rolled.count, "rollup")) (retention's downsample-after) and \(readings == 1 ? "is" : "are") not listed raw; add --every and --agg to query them")
            }
        }
        if truncated {
            printError("kdelta-edge: note: showing the first \(rowsMax) rows; narrow --from/--to or raise --limit (at most \(Self.rowsMax)) for more")
        }
    }

    /// A duration option in milliseconds; `signed` allows a leading `-`.
    static func durationMs(_ text: String, option: String, signed: Bool) throws -> Int64 {
        var body = Substring(text)
        var sign: Int64 = 1
        if signed, body.first == "-" {
            sign = -1
            body = body.dropFirst()
        }
        do { return sign * (try DurationText.parseMs(String(body))) } catch {
            throw failure("\(option): \(error)\(signed ? " (a leading - shifts backwards: -1h)" : "")")
        }
    }
}
