import KDeltaStorage
import Testing

@Suite struct StorageLimitsTests {
    @Test func storageLimitsAreConsistent() {
        StorageLimits.check()
    }

    @Test func fsyncPoliciesParseAndRefuseWithTheSyntax() throws {
        #expect(try FsyncPolicy(parsing: "always") == .always)
        #expect(try FsyncPolicy(parsing: "interval:1000") == .interval(ms: 1000))
        #expect(try FsyncPolicy(parsing: "never") == .never)
        for bad in ["", "sometimes", "interval:", "interval:0", "interval:-5", "interval:999999999"] {
            do { _ = try FsyncPolicy(parsing: bad); Issue.record("accepted '\(bad)'") } catch {
                #expect(error.code == .invalidArgument)
                #expect(error.message.contains("interval:MS"))
            }
        }
    }
}
