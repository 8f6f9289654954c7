@testable import kdelta_edge
import Testing

/// How `put` reads its arguments: a negative number is the VALUE, not an option
/// (docs/keys.md writes `-3e-4`, `-Inf`, `-7i`), and what is not a value is refused.
@Suite struct PutArgumentsTests {
    @Test func aNegativeNumberIsTheValueWhereverTheOptionsAre() throws {
        let cases: [[String]] = [
            ["sensors/x", "-3"], ["sensors/x", "-3e-4"], ["sensors/x", "-Inf"], ["sensors/x", "-7i"],
            ["sensors/x", "-3", "--time", "1714564800000"], ["--time", "1714564800000", "sensors/x", "-3"],
            ["sensors/x", "--", "-3"], ["--json", "sensors/x", "-0.5", "--fsync", "never"],
        ]
        for args in cases {
            let put = try PutCommand.parse(args)
            #expect(put.key == "sensors/x", "\(args)")
            #expect(put.values.count == 1 && put.values[0].hasPrefix("-"), "\(args): \(put.values)")
        }
        // A negative number out of range is a number all the same: `run` says what is wrong.
        for number in ["-1e400", "-1e-400", "-9223372036854775809i"] {
            let put = try PutCommand.parse(["sensors/x", number])
            #expect(put.values == [number])
        }
        let timed = try PutCommand.parse(["sensors/x", "1", "--time", "-5"])
        #expect(timed.time == "-5", "a negative time reaches the time check, which names --time")
    }

    @Test func whatIsNotOneValueIsAUsageError() {
        for args in [["sensors/x", "-foo"], ["sensors/x", "1", "--tiem", "5"], ["sensors/x", "1", "2"], ["sensors/x"]] {
            #expect(throws: (any Error).self, "\(args)") { _ = try PutCommand.parse(args) }
        }
        #expect(throws: (any Error).self) { _ = try PutCommand.parse(["--batch", "f.csv", "--format", "xml"]) }
        #expect(throws: (any Error).self) { _ = try PutCommand.parse(["sensors/x", "1", "--format", "csv"]) }
    }
}
