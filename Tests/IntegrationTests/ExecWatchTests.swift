import Foundation
import Testing

/// `ExecWatch`, which tells `CLIRunner` under qemu whether a child got as far as `exec`:
/// a child whose command line never names the executable is reported stuck when the
/// time is up, one that names it or has exited is not.
@Suite struct ExecWatchTests {
    @Test func aChildIsSeenOnceItsCommandLineNamesTheExecutableAndStuckOtherwise() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sleep")
        process.arguments = ["30"]
        try process.run()
        let pid = process.processIdentifier
        defer {
            if process.isRunning { kill(pid, SIGKILL) }
            process.waitUntilExit()
        }
        #expect(ExecWatch.reachesExec(pid: pid, naming: "30", within: 10))
        let started = Date()
        #expect(!ExecWatch.reachesExec(pid: pid, naming: CLIRunner.executable, within: 0.2))
        #expect(Date().timeIntervalSince(started) >= 0.2)
        kill(pid, SIGKILL)
        process.waitUntilExit()
        #expect(ExecWatch.hasExited(pid))
        #expect(ExecWatch.reachesExec(pid: pid, naming: CLIRunner.executable, within: 0.2))
    }
}
