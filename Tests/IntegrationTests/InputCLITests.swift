import Foundation
import KDeltaStorageTestSupport
import Testing

/// Input the command line refuses, or shows for what it is (docs/cli.md and docs/keys.md).
@Suite struct InputCLITests {
    @Test func putRefusesANonUTF8KeyInsteadOfMergingItIntoReplacementCharacters() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let cli = CLIRunner(dataDir: dir.path + "/data")
        // sensors/\xFF and sensors/\xFE would both read as sensors/U+FFFD.
        let r = try cli.run(argumentBytes: [Array("put".utf8), Array("sensors/".utf8) + [0xFF], Array("1".utf8)])
        #expect(r.status == 1, "\(r.stdout) \(r.stderr)")
        #expect(r.stderr.contains("argument 2 ('sensors/' and then the byte 0xFF) is not valid UTF-8 at byte 8"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/data"), "nothing is created")
    }

    @Test func putRefusesBlanksAroundANumberAndStoredLookalikeTextPrintsQuoted() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let cli = CLIRunner(dataDir: dir.path + "/data")
        var r = try cli.run(["put", "sensors/a", " 21.5"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("has a space (U+0020) at byte 0, around '21.5', which reads as a number"), "\(r.stderr)")
        // Written JSON-quoted it is text, and prints quoted: never like the number.
        r = try cli.run(["put", "sensors/a", #"" 21.5""#])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains(#"sensors/a seq 1 = " 21.5""#), "\(r.stdout)")
        r = try cli.run(["put", "sensors/a", "1e-400"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("the number '1e-400' is too small for a double"), "\(r.stderr)")
    }

    @Test func errorMessagesEscapeControlAndBidiCharactersOfTheInput() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let cli = CLIRunner(dataDir: dir.path + "/data")
        var r = try cli.run(["put", "sensors/\u{1B}[2Jred", "1"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("key 'sensors/\\u001B[2Jred' has a control character (U+001B) at byte 8"), "\(r.stderr)")
        r = try cli.run(["put", "sensors/temp\u{202E}1", "1"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("key 'sensors/temp\\u202E1' has a bidirectional control character (U+202E) at byte 12"), "\(r.stderr)")
        // ArgumentParser's own messages go through the same escaping.
        r = try cli.run(["get", "sensors/a", "--bogus\u{1B}[31m"])
        #expect(r.status == 64)
        #expect(r.stderr.contains("--bogus\\u001B[31m"), "\(r.stderr)")
        #expect(!r.stderr.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{202E}" }, "\(r.stderr)")
    }

    @Test func anUnknownCommandIsNamedRatherThanItsFirstOption() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        // CLIRunner adds --data-dir DIR after the arguments.
        let r = try CLIRunner(dataDir: dir.path).run(["frobnicate"])
        #expect(r.status == 64)
        #expect(r.stderr.contains("'frobnicate' is not a kdelta-edge command; the commands are put, get"), "\(r.stderr)")
        #expect(!r.stderr.contains("--data-dir"), "\(r.stderr)")
    }

    @Test func aLeapSecondIsStoredAsTheLastMillisecondOfItsMinute() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let cli = CLIRunner(dataDir: dir.path + "/data")
        let r = try cli.run(["put", "sensors/a", "1", "--time", "2016-12-31T23:59:60Z"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("at 2016-12-31T23:59:59.999Z"), "\(r.stdout)")
    }
}
