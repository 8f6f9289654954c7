#if canImport(Glibc)
import Glibc
#endif
@testable import kdelta_edge
import KDeltaModel
@testable import KDeltaStorage
import Testing

/// Error messages the command line builds around what the store reports.
@Suite struct CLIMessageTests {
    @Test func verifyNamesADamagedBlockWhenNoLinkIsBroken() {
        let damaged = "block file d/blocks/00000000000000000001.kdb is damaged: the chunk of sensors/a (seq 1...2000) at offset 36 …"
        let report = VerifyReport(keys: 1, versions: 0, brokenLinks: [], unreadable: [damaged])
        #expect(VerifyCommand.failureMessage(report) == "1 block chunk could not be read, so its versions were not checked: \(damaged)")
        let two = VerifyReport(keys: 3, versions: 0, brokenLinks: [], unreadable: [damaged, damaged])
        #expect(VerifyCommand.failureMessage(two) == "2 block chunks could not be read, so their versions were not checked (the first: \(damaged))")
        #expect(VerifyCommand.failureMessage(VerifyReport(keys: 1, versions: 5, brokenLinks: [])) == nil)
    }

    @Test func theLockedMessageNamesTheCommandsThatWorkAlongside() {
        let store = "data directory d is in use by another kdelta-edge process (pid 42); wait for it to finish or stop it, then try again (a store opened read-only works alongside it)"
        #expect(lockedMessage(store) == store + "; reading commands such as get, log, query, keys and stats work alongside it")
    }

    @Test func verifyExitsThreeOnADamagedBlockAndOneOnlyOnABrokenChainInReadableFiles() {
        let link = BrokenLink(key: Key(validated: "sensors/a"), seq: 3, storedID: .zero, computedID: .zero)
        #expect(VerifyCommand.exitCode(VerifyReport(keys: 1, versions: 5, brokenLinks: [link])) == 1)
        #expect(VerifyCommand.exitCode(VerifyReport(keys: 1, versions: 0, brokenLinks: [], unreadable: ["block file … is damaged"])) == 3)
        #expect(VerifyCommand.exitCode(VerifyReport(keys: 2, versions: 5, brokenLinks: [link], unreadable: ["block file … is damaged"])) == 3)
    }

    @Test func anUnknownCommandIsNamedBeforeItsOptions() {
        let message = KDeltaEdge.unknownCommand(in: ["frobnicate", "--data-dir", "x"])
        #expect(message?.hasPrefix("'frobnicate' is not a kdelta-edge command; the commands are put, get, log,") == true, "\(message ?? "nil")")
        #expect(message?.contains("`kdelta-edge --help`") == true)
        #expect(KDeltaEdge.unknownCommand(in: ["put", "k", "1"]) == nil)
        #expect(KDeltaEdge.unknownCommand(in: ["help", "put"]) == nil)
        #expect(KDeltaEdge.unknownCommand(in: ["--version"]) == nil)
        #expect(KDeltaEdge.unknownCommand(in: []) == nil)
    }

    @Test func anOutputErrorSaysWhatTheCommandHadDone() {
        let reading = StandardOutput.message(errno: ENOSPC, changes: nil)
        #expect(reading.hasPrefix("cannot write to standard output (ENOSPC: No space left on device)"), "\(reading)")
        #expect(reading.hasSuffix("run the command again"))
        let put = StandardOutput.message(errno: EIO, changes: "the reading is stored as seq 3 of k")
        #expect(put.contains("(EIO: "))
        #expect(put.contains("the reading is stored as seq 3 of k, so do not run the command again"), "\(put)")
    }

    @Test func aNonUTF8ArgumentIsNamedWithItsByte() {
        let bytes: [UInt8] = Array("sensors/".utf8) + [0xFF, 0x41]
        let message = bytes.withUnsafeBufferPointer { ArgumentBytes.message(argument: 2, $0) }
        #expect(message?.hasPrefix("argument 2 ('sensors/' and then the byte 0xFF) is not valid UTF-8 at byte 8;") == true, "\(message ?? "nil")")
        let fine = Array("sensors/küche".utf8).withUnsafeBufferPointer { ArgumentBytes.message(argument: 1, $0) }
        #expect(fine == nil)
    }
}
