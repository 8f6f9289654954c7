#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import KDeltaModel

/// The root command.
struct KDeltaEdge: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kdelta-edge",
        abstract: "A versioned sensor database for the edge: every reading is a new version of its key.",
        discussion: """
            Data lives in --data-dir (default: $KDELTA_DATA_DIR, else ./kdelta-data).
            Times are RFC 3339 (2024-05-01T12:00:00Z) or Unix milliseconds.
            Docs: docs/cli.md.
            """,
        version: "0.1.0",
        subcommands: [
            PutCommand.self, GetCommand.self, LogCommand.self, QueryCommand.self, DiffCommand.self, KeysCommand.self,
            VerifyCommand.self, RepairCommand.self, StatsCommand.self, CompactCommand.self,
        ])

    /// Runs the command the process's arguments name and exits, as ArgumentParser's
    /// `main()` does, with three checks of its own: every argument is UTF-8
    /// (`ArgumentBytes`), the first one names a command (else `unknownCommand`), and
    /// standard output was written whole (`StandardOutput.flush`). ArgumentParser's own
    /// messages go through `printError`, which escapes what they echo, and its help text
    /// through `StandardOutput`.
    static func run() -> Never {
        let arguments = Array(CommandLine.arguments.dropFirst())
        do {
            if let problem = ArgumentBytes.firstInvalidUTF8() { throw failure(problem) }
            if let problem = unknownCommand(in: arguments) { throw failure(problem, code: ExitCode.validationFailure.rawValue) }
            var command = try parseAsRoot(arguments)
            try command.run()
            try StandardOutput.flush()
            Glibc.exit(ExitCode.success.rawValue)
        } catch {
            // Help and --version exit with success and print to standard output; errors
            // keep their own exit code, whatever standard output does.
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            guard code == .success else {
                if !message.isEmpty { printError(message) }
                Glibc.exit(code.rawValue)
            }
            do throws(ExitCode) {
                if !message.isEmpty { try StandardOutput.line(message) }
                try StandardOutput.flush()
            } catch {
                Glibc.exit(error.rawValue)
            }
            Glibc.exit(code.rawValue)
        }
    }

    /// The names `kdelta-edge NAME` takes.
    static var commandNames: [String] {
        configuration.subcommands.compactMap { $0.configuration.commandName }
    }

    /// The message for a first argument that is not an option and names no command
    /// (`kdelta-edge frobnicate --data-dir X`), which ArgumentParser would report as the
    /// first option it does not know; nil when the arguments start well.
    static func unknownCommand(in arguments: [String]) -> String? {
        guard let first = arguments.first, !first.hasPrefix("-"), first != "help", !commandNames.contains(first) else {
            return nil
        }
        return "'\(DisplayText.shortened(first))' is not a kdelta-edge command; the commands are \(commandNames.joined(separator: ", ")): `kdelta-edge --help` says what each does, `kdelta-edge help COMMAND` how to use one"
    }
}
