@testable import kdelta_edge
import KDeltaStorage
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
}
