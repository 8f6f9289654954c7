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
    func run(_ args: [String], stdin: String? = nil, dataDir override: String? = nil) throws -> Result {
        let process = Process()
        let wrapper = ProcessInfo.processInfo.environment["KDELTA_TEST_EXEC_WRAPPER"]?
            .split(separator: " ").map(String.init) ?? []
        let command = wrapper + [Self.executable] + args + ["--data-dir", override ?? dataDir]
        process.executableURL = URL(fileURLWithPath: command[0].hasPrefix("/") ? command[0] : "/usr/bin/env")
        process.arguments = command[0].hasPrefix("/") ? Array(command.dropFirst()) : command
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        // Both pipes are drained at once: a child that fills one (a long error on stderr)
        // while the other is read to its end would otherwise wait forever.
        let errorText = PipeDrain(err.fileHandleForReading)
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = errorText.wait()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
                      stderr: String(decoding: e, as: UTF8.self))
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
