import ArgumentParser

/// `--format` of `query`: an aligned table for people, CSV for spreadsheets and
/// `put --batch`, JSON for programs.
enum QueryOutputFormat: String, CaseIterable, ExpressibleByArgument {
    /// Aligned columns with an upper-case header, as `log` prints.
    case table
    /// RFC 4180 CSV with a header row; raw rows read back with `put --batch`.
    case csv
    /// A JSON array, one object per line.
    case json
}
