import KDeltaModel
import KDeltaStorage

/// Renders `query` results (docs/cli.md, "query output"): raw rows as key, time, value;
/// aggregated windows as key, window start, window end, the aggregate, count. Each
/// function returns the whole text, ending in a newline, for `StandardOutput.text`:
/// the table needs every row to size its columns, so the command bounds the rows first
/// (`--limit`).
///
/// Times are RFC 3339 in UTC with milliseconds (`RFC3339.format`). Values print as `log`
/// prints them (`Value.description`: `21.5`, `42i`, `true`, text, canonical JSON). A window
/// without numeric readings (only NaN) has no aggregate: `-` in a table, an empty CSV
/// field, `null` in JSON. Non-finite doubles print as `NaN`, `+Inf`, `-Inf`, in JSON as
/// those strings, which JSON numbers cannot hold (as `VersionOutput.jsonValue` does).
enum QueryOutput {
    /// Raw readings in `format`.
    static func rows(_ rows: [QueryRow], format: QueryOutputFormat) -> String {
        switch format {
        case .table:
            return table(
                header: ["KEY", "TIME", "VALUE"],
                rows.map { [$0.key.rawValue, RFC3339.format(ms: $0.timeMs), $0.value.description] })
        case .csv:
            return csv(
                header: ["key", "time", "value"],
                rows.map { [$0.key.rawValue, RFC3339.format(ms: $0.timeMs), $0.value.description] })
        case .json:
            return jsonLines(rows.map { row in
                .object([
                    ("key", .string(row.key.rawValue)),
                    ("time", .string(RFC3339.format(ms: row.timeMs))),
                    ("timeMs", .int(row.timeMs)),
                    ("type", .string(row.value.tag.name)),
                    ("value", VersionOutput.jsonValue(row.value)),
                ])
            })
        }
    }

    /// Aggregated windows in `format`; the aggregate's column is named after `aggregation`.
    static func windows(_ rows: [QueryWindowRow], aggregation: Aggregation, format: QueryOutputFormat) -> String {
        switch format {
        case .table:
            return table(
                header: ["KEY", "START", "END", aggregation.rawValue.uppercased(), "COUNT"],
                rows.map {
                    [$0.key.rawValue, RFC3339.format(ms: $0.window.startMs), RFC3339.format(ms: $0.window.endMs),
                     $0.window.value.map(Value.formatDouble) ?? "-", String($0.window.count)]
                })
        case .csv:
            return csv(
                header: ["key", "start", "end", aggregation.rawValue, "count"],
                rows.map {
                    [$0.key.rawValue, RFC3339.format(ms: $0.window.startMs), RFC3339.format(ms: $0.window.endMs),
                     $0.window.value.map(Value.formatDouble) ?? "", String($0.window.count)]
                })
        case .json:
            return jsonLines(rows.map { row in
                .object([
                    ("key", .string(row.key.rawValue)),
                    ("start", .string(RFC3339.format(ms: row.window.startMs))),
                    ("startMs", .int(row.window.startMs)),
                    ("end", .string(RFC3339.format(ms: row.window.endMs))),
                    ("endMs", .int(row.window.endMs)),
                    ("aggregation", .string(aggregation.rawValue)),
                    ("value", jsonAggregate(row.window.value, aggregation)),
                    ("count", .int(row.window.count)),
                ])
            })
        }
    }

    /// Columns padded to their widest cell, two spaces apart; the last is not padded.
    static func table(header: [String], _ rows: [[String]]) -> String {
        var widths = header.map(\.count)
        for row in rows {
            for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            var text = ""
            for (i, cell) in cells.enumerated() {
                text += i == cells.count - 1 ? cell : VersionOutput.pad(cell, widths[i]) + "  "
            }
            return text + "\n"
        }
        return line(header) + rows.map(line).joined()
    }

    /// RFC 4180: fields with a comma, a quote, a line break or surrounding blanks (which
    /// `put --batch` would trim) are quoted, quotes doubled; lines end with LF.
    static func csv(header: [String], _ rows: [[String]]) -> String {
        func field(_ s: String) -> String {
            let needsQuotes = s.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
                || s.first == " " || s.last == " " || s.first == "\t" || s.last == "\t"
            guard needsQuotes else { return s }
            var quoted = "\""
            for c in s { quoted += c == "\"" ? "\"\"" : String(c) }
            return quoted + "\""
        }
        return ([header] + rows).map { $0.map(field).joined(separator: ",") + "\n" }.joined()
    }

    /// A JSON array with one element per line, so `jq` and `grep` both work on it.
    static func jsonLines(_ elements: [JSONValue]) -> String {
        if elements.isEmpty { return "[]\n" }
        return "[\n" + elements.map(\.canonicalText).joined(separator: ",\n") + "\n]\n"
    }

    /// An aggregate in JSON: counts as integers, other finite values as numbers,
    /// non-finite ones as strings, none as null.
    static func jsonAggregate(_ value: Double?, _ aggregation: Aggregation) -> JSONValue {
        guard let v = value else { return .null }
        if aggregation == .count, let n = Int64(exactly: v) { return .int(n) }
        return VersionOutput.jsonValue(.double(v))
    }
}
