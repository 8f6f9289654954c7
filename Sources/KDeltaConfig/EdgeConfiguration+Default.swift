extension EdgeConfiguration {
    /// The configuration the demo runs with when given no file: every section with the
    /// values a first try on a Pi wants, and sync off because there is no hub yet (so
    /// retention may drop data freely). `systemd/kdelta-edge.example.yaml` is the commented
    /// version for a real device; a test parses both.
    public static let defaultText = """
        # kdelta-edge demo configuration (docs/config.md).
        data-dir: kdelta-data
        storage:
          fsync: always
          hot-memory-budget: 64MiB
          disk-budget: 1GiB
          on-disk-full: stop-ingest
          retention:
            - match: "sensors/greenhouse/#"
              keep-for: 30d
            - match: "sensors/+/temp"
              keep-last: 100000
            - match: "meters/#"
              downsample-after: 7d
              every: 1h
              keep-rollups-for: 5y
        sync:
          enabled: false

        """

    /// The name errors in `defaultText` would carry.
    public static let defaultSource = "<default configuration>"

    /// `defaultText`, read. It is valid (a test checks), so a failure here is a bug.
    public static func defaultConfiguration() -> EdgeConfiguration {
        do {
            return try parse(text: defaultText, source: defaultSource)
        } catch {
            preconditionFailure("the embedded default configuration is invalid: \(error)")
        }
    }
}
