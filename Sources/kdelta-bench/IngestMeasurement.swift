/// What one run of a cell measured.
struct IngestMeasurement: Sendable {
    /// Readings acknowledged (committed) by all producers.
    var readings: Int
    /// From the common start to the last producer's last acknowledgement.
    var elapsedNs: UInt64
    /// The longest any producer waited for one batch (building it included).
    var maxAckNs: UInt64

    /// Acknowledged readings per second.
    var readingsPerSecond: Double {
        elapsedNs == 0 ? 0 : Double(readings) * 1e9 / Double(elapsedNs)
    }
}
