import Foundation

/// Runs the built `kdelta-edge` as a child process, as a user would.
///
/// The executable sits next to the test bundle in the build products directory. Under
/// user-mode emulation (`cross/test`), `KDELTA_TEST_EXEC_WRAPPER` holds the command that
/// runs an aarch64 binary (e.g. `qemu-aarch64-static -L SYSROOT`), which is put in front.
struct CLIRunner {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    let dataDir: String

    static var productsDirectory: URL {
        if let dir = ProcessInfo.processInfo.environment["KDELTA_BIN_DIR"] { return URL(fileURLWithPath: dir) }
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        // .build/debug/kdeltaPackageTests.xctest (Linux: a file) -> .build/debug
        while !FileManager.default.fileExists(atPath: url.appendingPathComponent("kdelta-edge").path) && url.path != "/" {
            url.deleteLastPathComponent()
        }
        return url
    }

    static var executable: String { productsDirectory.appendingPathComponent("kdelta-edge").path }

    /// Runs `kdelta-edge ARGS --data-dir DIR`, feeding `stdin` if given.
    ///
    /// Under user-mode qemu (`KDELTA_TEST_EXEC_WRAPPER`), a child forked from this
    /// multithreaded process can deadlock inside qemu before it reaches `exec` (a fork
    /// copies only the calling thread, and a lock another thread held stays held). Such a
    /// child has run nothing of ours, so it is killed and spawned again, at most twice, with
    /// a line on stderr (docs/cross.md, "What user-mode qemu cannot do").
    ///
    /// With `standardOutput`, the child writes there (`/dev/full`, a pipe nobody reads)
    /// instead of to a pipe this reads, and the result's `stdout` is empty.
    func run(_ args: [String], stdin: String? = nil, dataDir override: String? = nil, standardOutput: FileHandle? = nil) throws -> Result {
        try run(Self.wrapper + [Self.executable] + args + ["--data-dir", override ?? dataDir], naming: args.joined(separator: " "),
                stdin: stdin, standardOutput: standardOutput)
    }

    /// Runs `kdelta-edge ARGS --data-dir DIR` with arguments given as bytes, which need not
    /// be UTF-8 (`Process` takes only strings): through `/bin/sh`, each argument made by
    /// `printf` from octal escapes of its bytes.
    func run(argumentBytes args: [[UInt8]]) throws -> Result {
        let words = args.map { bytes in
            "\"$(printf '" + bytes.map { "\\" + String($0, radix: 8) }.joined() + "')\""
        }
        // `exec` first: under qemu the wrapper (`qemu-aarch64-static -L …`) is what runs.
        let script = (["exec"] + Self.wrapper + ["\"$0\""] + words + ["--data-dir", "\"$1\""]).joined(separator: " ")
        // The executable is an argument of the shell, so ExecWatch sees it at once.
        return try run(["/bin/sh", "-c", script, Self.executable, dataDir], naming: "(\(args.count) arguments as bytes)",
                       stdin: nil, standardOutput: nil)
    }

    /// The words of `KDELTA_TEST_EXEC_WRAPPER` (none outside qemu).
    static var wrapper: [String] {
        ProcessInfo.processInfo.environment["KDELTA_TEST_EXEC_WRAPPER"]?.split(separator: " ").map(String.init) ?? []
    }

    /// Runs `command`, spawning it again when under qemu it was stuck before exec.
    private func run(_ command: [String], naming name: String, stdin: String?, standardOutput: FileHandle?) throws -> Result {
        for tries in 1...3 {
            if let result = try attempt(command, stdin: stdin, standardOutput: standardOutput, watchExec: !Self.wrapper.isEmpty) {
                return result
            }
            let note = "CLIRunner: the child for `\(name)` was stuck before exec under qemu (attempt \(tries) of 3); killed\n"
            FileHandle.standardError.write(Data(note.utf8))
        }
        throw ChildStuckBeforeExec(command: command)
    }

    /// One run of `command`; nil when `watchExec` and the child never reached `exec`.
    private func attempt(_ command: [String], stdin: String?, standardOutput: FileHandle?, watchExec: Bool) throws -> Result? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: command[0].hasPrefix("/") ? command[0] : "/usr/bin/env")
        process.arguments = command[0].hasPrefix("/") ? Array(command.dropFirst()) : command
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = standardOutput ?? out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if watchExec && !ExecWatch.reachesExec(pid: process.processIdentifier, naming: Self.executable, within: 60) {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return nil
        }
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        // Both pipes are drained at once: a child that fills one (a long error on stderr)
        // while the other is read to its end would otherwise wait forever.
        let errorText = PipeDrain(err.fileHandleForReading)
        let o = standardOutput == nil ? out.fileHandleForReading.readDataToEndOfFile() : Data()
        let e = errorText.wait()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
                      stderr: String(decoding: e, as: UTF8.self))
    }
}

/// A child that stayed stuck before `exec` in every attempt.
struct ChildStuckBeforeExec: Error, CustomStringConvertible {
    let command: [String]
    var description: String { "three children for \(command.joined(separator: " ")) were stuck before exec (user-mode qemu's fork deadlock)" }
}

/// Whether a spawned child got as far as `exec`.
enum ExecWatch {
    /// True once `/proc/PID/cmdline` holds `executable` as one of its arguments (the
    /// child has exec'd it, through a wrapper or not), or the child has exited; false if
    /// neither happens within `seconds`. An empty command line is not an exit: a process
    /// in the middle of `exec` shows none for a moment (seconds on a loaded machine).
    static func reachesExec(pid: Int32, naming executable: String, within seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            guard let arguments = read("/proc/\(pid)/cmdline") else { return true }
            let split = arguments.split(separator: 0, omittingEmptySubsequences: true).map { String(decoding: $0, as: UTF8.self) }
            if split.contains(executable) || hasExited(pid) { return true }
            if Date() >= deadline { return false }
            usleep(5_000)
        }
    }

    /// True when the process is gone or a zombie (state `Z` or `X` in `/proc/PID/stat`,
    /// after the name in parentheses, which may itself hold spaces and parentheses).
    static func hasExited(_ pid: Int32) -> Bool {
        guard let stat = read("/proc/\(pid)/stat"), let close = stat.lastIndex(of: UInt8(ascii: ")")),
              close + 2 < stat.count else { return true }
        let state = stat[close + 2]
        return state == UInt8(ascii: "Z") || state == UInt8(ascii: "X")
    }

    /// A `/proc` file's bytes (Foundation reads past the size of 0 it shows); nil when it
    /// cannot be read (the process is gone).
    static func read(_ path: String) -> [UInt8]? {
        FileManager.default.contents(atPath: path).map { [UInt8]($0) }
    }
}

/// Reads a pipe to its end on a thread of its own.
final class PipeDrain: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var data = Data()

    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }
    }

    /// Everything the pipe held, once it is closed.
    func wait() -> Data {
        done.wait()
        return data
    }
}
