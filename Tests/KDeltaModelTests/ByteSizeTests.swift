import KDeltaModel
import Testing

@Suite struct ByteSizeTests {
    @Test(arguments: [
        ("64MiB", Int64(64) << 20), ("2GB", 2_000_000_000), ("1_000_000", 1_000_000), ("512B", 512),
        ("1KiB", 1024), ("1kB", 1000), ("1TiB", Int64(1) << 40), ("3TB", 3_000_000_000_000),
        ("64 MiB", Int64(64) << 20), ("1.5GiB", Int64(3) << 29), ("0.5kB", 500), ("0", 0),
    ])
    func sizesParseInBinaryAndDecimalUnits(_ text: String, _ bytes: Int64) throws {
        #expect(try ByteSize(parsing: text).bytes == bytes)
    }

    @Test(arguments: [
        ("", ByteSizeError.Code.empty), ("MiB", .expectedNumber), ("64M", .ambiguousUnit), ("1KB", .ambiguousUnit),
        ("1G", .ambiguousUnit), ("1Mb", .unknownUnit), ("1mib", .unknownUnit), ("1 PiB", .unknownUnit),
        ("0.1KiB", .fractionalBytes), ("9223372036854775808", .overflow), ("8589934592GiB", .overflow),
        ("1.", .expectedNumber), ("1..5MiB", .expectedNumber), ("-1MiB", .expectedNumber),
    ])
    func badSizesAreRefused(_ text: String, _ code: ByteSizeError.Code) {
        do {
            let s = try ByteSize(parsing: text)
            Issue.record("\(text) parsed as \(s.bytes)")
        } catch {
            #expect(error.code == code, "\(text): \(error)")
        }
    }

    @Test func ambiguousAndBitUnitsSayWhatToWrite() {
        do { _ = try ByteSize(parsing: "64M"); Issue.record("accepted") } catch {
            #expect(error.byteOffset == 2)
            #expect(error.description.contains("write MiB (1024² bytes) or MB"), "\(error)")
        }
        do { _ = try ByteSize(parsing: "10Mb"); Issue.record("accepted") } catch {
            #expect(error.description.contains("bits"), "\(error)")
        }
        do { _ = try ByteSize(parsing: "10gib"); Issue.record("accepted") } catch {
            #expect(error.description.contains("did you mean GiB?"), "\(error)")
        }
    }

    @Test func descriptionIsExactAndReadsBack() throws {
        let cases: [(Int64, String)] = [(64 << 20, "64MiB"), (2_000_000_000, "2GB"), (1500, "1500B"),
                                        (0, "0B"), (1 << 40, "1TiB"), (3000, "3kB"), (Int64.max, "\(Int64.max)B")]
        for (bytes, text) in cases {
            #expect(ByteSize(bytes: bytes).description == text)
            #expect(try ByteSize(parsing: text).bytes == bytes)
        }
        let maxBytes = Int64.max
        #expect(try ByteSize(parsing: String(Int64.max)).bytes == maxBytes)
    }
}
