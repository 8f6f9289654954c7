import Foundation
import KDeltaStorageTestSupport
import Testing

/// One writer per data directory, any number of readers beside it (issue 18): the lock
/// holds even when `LOCK` is deleted, and reading commands run during an import never call
/// the writer's work in progress damage.
@Suite struct WriterAndReadersCLITests {
    /// Starts `put --batch -`, which holds the directory while it waits on its stdin, and
    /// returns once it has taken the lock (its pid is in `LOCK`).
    static func holder(_ data: String, output: String) throws -> BackgroundCLI {
        let holder = try BackgroundCLI.start(["put", "--batch", "-", "--format", "csv"], dataDir: data, outputPrefix: output)
        // The reader takes the header before the store is opened.
        holder.write("key,time,value\n")
        let pid = "\(holder.process.processIdentifier)"
        for _ in 0..<3000 {
            let text = (try? String(contentsOfFile: data + "/LOCK", encoding: .utf8)) ?? ""
            if text.trimmingCharacters(in: .whitespacesAndNewlines) == pid || !holder.isRunning { break }
            usleep(10_000)
        }
        return holder
    }

    @Test func aDeletedLockFileDoesNotAdmitASecondWriter() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let data = dir.path + "/data"
        let cli = CLIRunner(dataDir: data)
        let holder = try Self.holder(data, output: dir.path + "/holder")
        let pid = holder.process.processIdentifier
        try FileManager.default.removeItem(atPath: data + "/LOCK")

        var r = try cli.run(["put", "sensors/x", "1"])
        #expect(r.status == 4, "\(r.stderr)")
        #expect(r.stderr.contains("(pid \(pid))"), "\(r.stderr)")
        r = try cli.run(["repair"])
        #expect(r.status == 4, "\(r.stderr)")
        #expect(r.stderr.contains("(pid \(pid))"), "\(r.stderr)")
        // Readers still read beside it.
        r = try cli.run(["keys"])
        #expect(r.status == 0, "\(r.stderr)")

        holder.write("sensors/x,1700000000000,1\n")
        let done = holder.finish()
        #expect(done.status == 0, "\(done.stderr)")
        r = try cli.run(["put", "sensors/x", "2"])
        #expect(r.status == 0, "\(r.stderr)")
        r = try cli.run(["verify"])
        #expect(r.status == 0 && r.stdout.contains("verified 2 versions"), "\(r.stdout) \(r.stderr)")
    }

    /// Readings of the loop test's import: 50 keys in turn, a decimal each.
    static let importReadings = 50_000

    static func readingsCSV(count: Int) -> String {
        var text = "key,time,value\n"
        text.reserveCapacity(count * 36)
        for i in 0..<count {
            text += "sensors/k\(i % 50),\(1_700_000_000_000 + Int64(i)),\(i % 1000).\(i % 10)\n"
        }
        return text
    }

    /// Why a read's result is a false alarm, or nil. Every outcome but success is one,
    /// except `get` finding no version yet (before the import's first batch landed).
    static func falseAlarm(_ r: CLIRunner.Result, _ command: [String]) -> String? {
        let stderr = r.stderr.lowercased()
        for word in ["torn", "corrupt", "damaged", "repair"] where stderr.contains(word) {
            return "stderr says \"\(word)\" (exit \(r.status)): \(r.stderr)"
        }
        if r.status == 0 { return nil }
        if command[0] == "get" && r.status == 1 && r.stderr.contains("has no versions") { return nil }
        return "exit \(r.status): \(r.stderr)"
    }

    /// The import's `nice` value.
    static let importNice: Int32 = 5

    /// Reads run at once: a read waits on `exec`, page faults and the disk as much as it
    /// computes, so two overlap well even on two cores.
    static let readersAtOnce = 2

    /// Runs `commands` at the same time, one child each; nil for a child that could not be
    /// run.
    static func runAtOnce(_ commands: [[String]], cli: CLIRunner) -> [CLIRunner.Result?] {
        final class Results: @unchecked Sendable {
            let lock = NSLock()
            var items: [CLIRunner.Result?]
            init(_ n: Int) { items = Array(repeating: nil, count: n) }
        }
        let results = Results(commands.count)
        DispatchQueue.concurrentPerform(iterations: commands.count) { i in
            let r = try? cli.run(commands[i])
            results.lock.withLock { results.items[i] = r }
        }
        return results.items
    }

    /// What is wrong with an import that ended: it must have stored every reading.
    static func problems(of importer: BackgroundCLI, store: String) -> [String] {
        let done = importer.finish()
        guard done.status != 0 || !done.stdout.contains("stored \(importReadings) readings") else { return [] }
        return ["the import into \(store) ended with exit \(done.status): \(done.stdout) \(done.stderr)"]
    }

    /// Issue 18: about one read in 15 during an import reported the healthy WAL tail as
    /// torn, or exited 3 with "WAL segment … is corrupt … run repair". `get` and `verify`
    /// run as CLI processes, two at a time, while `put --batch` imports 50,000
    /// readings under a 1 MiB hot-tier budget (so blocks are cut, merged and removed, and the
    /// manifest and catalog replaced, all through the loop); each import goes into a new
    /// store, so reads stay quick, and a new one starts as soon as one ends. Reads that
    /// began and ended while an import ran are counted until there are
    /// `KDELTA_READER_LOOP_READS` of them (default 200; 20 under `KDELTA_UNDER_QEMU`);
    /// not one of them, nor any other read, may exit non-zero or speak of damage, and each
    /// store verifies intact afterwards.
    @Test func readersAlongsideALiveImportNeverReportFalseDamage() throws {
        let env = ProcessInfo.processInfo.environment
        let wanted = env["KDELTA_READER_LOOP_READS"].flatMap { Int($0) } ?? (env["KDELTA_UNDER_QEMU"] == nil ? 200 : 20)
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let config = dir.path + "/small-budget.yaml"
        try "storage:\n  fsync: never\n  hot-memory-budget: 1MiB\n".write(toFile: config, atomically: true, encoding: .utf8)
        let csv = dir.path + "/readings.csv"
        try Self.readingsCSV(count: Self.importReadings).write(toFile: csv, atomically: true, encoding: .utf8)

        var alarms: [String] = []
        var imports = 0
        var reads = 0
        var overlapped = 0
        var store = ""
        var importer: BackgroundCLI? = nil
        let deadline = Date().addingTimeInterval(900)
        while overlapped < wanted {
            guard let running = importer, running.isRunning else {
                if let ended = importer { alarms += Self.problems(of: ended, store: store) }
                imports += 1
                store = dir.path + "/store-\(imports)"
                let started = try BackgroundCLI.start(
                    ["put", "--batch", csv, "--format", "csv", "--config", config], dataDir: store,
                    outputPrefix: dir.path + "/import-\(imports)")
                // The readers come first for the CPU: the import still appends a record every
                // few tens of milliseconds, and the reads, which are what is counted, go faster.
                _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), id_t(started.process.processIdentifier), Self.importNice)
                while started.isRunning && !FileManager.default.fileExists(atPath: store + "/MANIFEST") { usleep(2_000) }
                importer = started
                continue
            }
            // One read in four is `verify`, which rehashes every version: three times a `get`.
            let commands = (reads..<(reads + Self.readersAtOnce)).map { n in
                n % 4 == 3 ? ["verify", "--config", config] : ["get", "sensors/k\(n % 50)", "--config", config]
            }
            let results = Self.runAtOnce(commands, cli: CLIRunner(dataDir: store))
            let duringImport = running.isRunning
            for (command, result) in zip(commands, results) {
                reads += 1
                if duringImport { overlapped += 1 }
                if let alarm = result.map({ Self.falseAlarm($0, command) }) ?? "the child could not be run" {
                    alarms.append("read \(reads) (\(command.joined(separator: " ")), import \(imports)): \(alarm)")
                }
            }
            if Date() > deadline {
                Issue.record("only \(overlapped) of \(wanted) reads overlapped an import in 15 minutes")
                break
            }
        }
        if let last = importer { alarms += Self.problems(of: last, store: store) }
        // With no writer left, the last store is judged, and is intact.
        let r = try CLIRunner(dataDir: store).run(["verify"])
        #expect(r.status == 0 && r.stdout.contains("verified \(Self.importReadings) versions") && r.stdout.contains("intact"), "\(r.stdout) \(r.stderr)")
        #expect(r.stderr.isEmpty, "\(r.stderr)")
        print("WriterAndReadersCLITests: \(reads) reads, \(overlapped) of them during one of \(imports) imports")
        #expect(alarms.isEmpty, "\(alarms.count) false alarms in \(reads) reads (\(overlapped) during an import, \(imports) imports); the first: \(alarms.prefix(3))")
    }
}
