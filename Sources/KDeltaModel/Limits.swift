/// Every bound of the data model, defined once with the reason for its value.
///
/// Storage and ingest have their own limits; `Limits.check()` (run by a test) verifies how
/// these relate to each other.
public enum Limits {
    /// A key is at most 256 UTF-8 bytes: MQTT topics of real devices stay well below 128
    /// (zigbee2mqtt's longest friendly names included) and the key is repeated in every
    /// version's hash input, so a short bound keeps hashing cheap.
    public static let keyBytesMax = 256

    /// A key has at most 16 segments (`a/b/c` has 3): deeper trees are a sign of a topic
    /// being used as a payload.
    public static let keySegmentsMax = 16

    /// A string or JSON document value is at most 64 KiB once encoded. Sensor readings are
    /// bytes to a few hundred bytes; a bound keeps one reading from filling a WAL batch.
    public static let valueBytesMax = 64 * 1024

    /// JSON documents nest at most 32 levels: deeper input is refused before the parser's
    /// recursion could exhaust a thread's stack.
    public static let jsonDepthMax = 32

    /// Source times are Unix milliseconds between 1970-01-01 and 9999-12-31: anything
    /// outside is a unit mistake (seconds or microseconds sent as milliseconds, say).
    public static let sourceTimeMsMin: Int64 = 0
    /// The last millisecond of 9999-12-31 UTC.
    public static let sourceTimeMsMax: Int64 = 253_402_300_799_999

    /// Checks how the constants relate; a test runs it.
    public static func check() {
        precondition(keyBytesMax <= Int(UInt16.max), "keyBytesMax must fit the u16 length prefix")
        precondition(keySegmentsMax >= 1)
        precondition(valueBytesMax <= 1 << 24, "valueBytesMax must fit the WAL's varint budget")
        precondition(sourceTimeMsMax < Int64(1) << 48, "source times must fit the HLC's 48-bit wall field")
    }
}
