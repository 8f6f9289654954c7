import Foundation

/// A `kdelta-edge` child left running while the test goes on (a writer that holds the data
/// directory, an import that readers read alongside), started as `CLIRunner` starts one:
/// behind `KDELTA_TEST_EXEC_WRAPPER` when set, and spawned again when qemu-user leaves it
/// stuck before `exec`. Its output goes to files, so that nobody has to drain a pipe
/// while it runs.
final class BackgroundCLI {
    let process: Process
    private let input: Pipe
    private let stdoutPath: String
    private let stderrPath: String

    private init(process: Process, input: Pipe, stdoutPath: String, stderrPath: String) {
        self.process = process
        self.input = input
        self.stdoutPath = stdoutPath
        self.stderrPath = stderrPath
    }

    /// Starts `kdelta-edge ARGS --data-dir DIR`, its output in `outputPrefix.out` and
    /// `.err`, its stdin an open pipe (`write`, closed by `finish`).
    static func start(_ args: [String], dataDir: String, outputPrefix: String) throws -> BackgroundCLI {
        let wrapper = ProcessInfo.processInfo.environment["KDELTA_TEST_EXEC_WRAPPER"]?
            .split(separator: " ").map(String.init) ?? []
        let command = wrapper + [CLIRunner.executable] + args + ["--data-dir", dataDir]
        for _ in 1...3 {
            let out = outputPrefix + ".out", err = outputPrefix + ".err"
            for path in [out, err] { _ = FileManager.default.createFile(atPath: path, contents: nil) }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: command[0])
            process.arguments = Array(command.dropFirst())
            let input = Pipe()
            process.standardInput = input
            process.standardOutput = FileHandle(forWritingAtPath: out)
            process.standardError = FileHandle(forWritingAtPath: err)
            try process.run()
            if !wrapper.isEmpty && !ExecWatch.reachesExec(pid: process.processIdentifier, naming: CLIRunner.executable, within: 60) {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                continue
            }
            return BackgroundCLI(process: process, input: input, stdoutPath: out, stderrPath: err)
        }
        throw ChildStuckBeforeExec(command: command)
    }

    var isRunning: Bool { process.isRunning }

    /// Writes `text` to the child's stdin.
    func write(_ text: String) {
        input.fileHandleForWriting.write(Data(text.utf8))
    }

    /// Closes the child's stdin, waits for it to end, and returns what it printed.
    func finish() -> CLIRunner.Result {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
        let text = { (path: String) in (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }
        return CLIRunner.Result(status: process.terminationStatus, stdout: text(stdoutPath), stderr: text(stderrPath))
    }
}
