import Foundation
import KDeltaModel
import KDeltaStorage
import KDeltaStorageTestSupport
import Testing

/// `kill -9` loops: a child process (`kdelta-crashwriter`) writes batches under
/// `fsync=always` from several threads and reports each acknowledged batch on stdout; it is
/// killed at random moments (at start-up, in the middle of recovering from the previous
/// kill, in the middle of writing) and after every kill the store must open, hold every
/// acknowledged reading with its value at its LSN (so in order), and verify intact. The
/// store accumulates across kills; once it holds `epochVersionsMax` versions the next kill
/// starts a new one, because the child's recovery time grows with the store (a debug build
/// replays some 70,000 versions a second) and most kills must land while it writes.
///
/// `KDELTA_CRASH_KILLS` sets the number of kills (default 200); `KDELTA_CRASH_SEED` the
/// seed; `KDELTA_TEST_EXEC_WRAPPER` (e.g. "qemu-aarch64-static -L /sysroot") is put in
/// front of the child's command line; `KDELTA_CRASHWRITER` names the child's binary.
@Suite struct CrashTests {
    static let keyCount = 50
    static let walSegmentBytes = 256 * 1024
    static let producers = 4
    /// Versions after which the loop starts a new store (an epoch).
    static let epochVersionsMax = 8000

    /// What the child writes for counter `n` of producer `p` on key `k`; the same rule as
    /// `CrashWriter.reading` in Sources/kdelta-crashwriter/main.swift, restated here so the
    /// check does not trust the child's code.
    static func expected(key k: Int, producer p: Int, counter n: UInt64) -> (value: Value, sourceTimeMs: Int64?) {
        let u = UInt64(p) << 40 | n
        let time: Int64? = k % 2 == 0 ? 1_700_000_000_000 + Int64(u & 0xFFFF_FFFF) : nil
        switch k % 4 {
        case 0: return (.int(Int64(u) &* 7 &+ Int64(k)), time)
        case 1: return (.double(Double(u) + Double(k) / 64), time)
        case 2: return (.string("u\(u)k\(k)"), time)
        default: return (.document(.object([("k", .int(Int64(k))), ("u", .int(Int64(u)))])), time)
        }
    }

    static func keyName(_ k: Int) -> String { k < 10 ? "crash/k0\(k)" : "crash/k\(k)" }

    struct Acked {
        var key: Int
        var value: Value
        var sourceTimeMs: Int64?
    }

    /// The child's binary: next to the test bundle in the build products directory.
    static func crashWriterPath() -> String? {
        let env = ProcessInfo.processInfo.environment
        if let explicit = env["KDELTA_CRASHWRITER"], access(explicit, X_OK) == 0 { return explicit }
        var candidates: [String] = []
        if let first = CommandLine.arguments.first { candidates.append(first) }
        candidates.append(Bundle.main.bundlePath)
        if let exe = Bundle.main.executablePath { candidates.append(exe) }
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { candidates.append(exe) }
        let cwd = FileManager.default.currentDirectoryPath
        for candidate in candidates {
            var url = URL(fileURLWithPath: candidate.hasPrefix("/") ? candidate : cwd + "/" + candidate).standardizedFileURL
            for _ in 0..<5 {
                url.deleteLastPathComponent()
                let path = url.path + "/kdelta-crashwriter"
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue, access(path, X_OK) == 0 {
                    return path
                }
            }
        }
        return nil
    }

    /// When to kill the child.
    enum KillPlan {
        /// This long after it was started: during start-up or recovery when short.
        case afterStart(ms: Int)
        /// This long after it reported the store open (its first line), i.e. while writing.
        case afterOpen(ms: Int)
    }

    struct ChildRun {
        var stdout: [UInt8]
        /// Exit status as waitpid reports it.
        var status: Int32
        /// Milliseconds from spawning to the store being open, when it opened.
        var openMs: Int?
        var killedBySIGKILL: Bool { status & 0x7F == SIGKILL }
        var exitCode: Int32? { status & 0x7F == 0 ? (status >> 8) & 0xFF : nil }
    }

    static func nowNs() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

    /// Spawns `argv`, reads its stdout until the plan says, kills it with SIGKILL, reads
    /// what is left and reaps it.
    static func spawnAndKill(_ argv: [String], stderrPath: String, plan: KillPlan) throws -> ChildRun {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        let (readEnd, writeEnd) = (fds[0], fds[1])
        // Not inherited by other children; dup2 onto the child's stdout clears the flag there.
        _ = fcntl(readEnd, F_SETFD, FD_CLOEXEC)
        _ = fcntl(writeEnd, F_SETFD, FD_CLOEXEC)
        // The child holds a copy of every descriptor of this process from clone to exec,
        // the directory locks of stores that other tests run in this process included: keep
        // that window short, with nothing but two dup2 between (no open in the child).
        let errorsFD = open(stderrPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard errorsFD >= 0 else {
            close(readEnd)
            close(writeEnd)
            throw POSIXError(.init(rawValue: errno) ?? .EIO)
        }
        defer { close(errorsFD) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, writeEnd, 1)
        posix_spawn_file_actions_adddup2(&actions, errorsFD, 2)
        var cArgs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) }
        cArgs.append(nil)
        defer { for p in cArgs { free(p) } }
        var pid: pid_t = 0
        let started = nowNs()
        let spawned = posix_spawnp(&pid, argv[0], &actions, nil, cArgs, environ)
        close(writeEnd)
        guard spawned == 0 else {
            close(readEnd)
            throw POSIXError(.init(rawValue: spawned) ?? .EIO)
        }
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var openMs: Int? = nil
        // Waiting for the store to open is bounded: a child that never opens is killed.
        var deadline: UInt64
        switch plan {
        case .afterStart(let ms): deadline = started + UInt64(ms) * 1_000_000
        case .afterOpen: deadline = started + 60_000_000_000
        }
        var eof = false
        while !eof {
            let now = nowNs()
            if now >= deadline { break }
            var p = pollfd(fd: readEnd, events: Int16(POLLIN), revents: 0)
            let waitMs = Int32(min(1000, max(1, (deadline - now) / 1_000_000)))
            guard poll(&p, 1, waitMs) > 0 else { continue }
            let n = read(readEnd, &buffer, buffer.count)
            if n > 0 {
                out.append(contentsOf: buffer[0..<n])
                if openMs == nil, out.first == UInt8(ascii: "O"), out.contains(UInt8(ascii: "\n")) {
                    let at = nowNs()
                    openMs = Int((at - started) / 1_000_000)
                    if case .afterOpen(let ms) = plan { deadline = at + UInt64(ms) * 1_000_000 }
                }
            } else if n == 0 {
                eof = true
            }
        }
        kill(pid, SIGKILL)
        while true {
            let n = read(readEnd, &buffer, buffer.count)
            if n > 0 { out.append(contentsOf: buffer[0..<n]); continue }
            if n < 0 && errno == EINTR { continue }
            break
        }
        close(readEnd)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return ChildRun(stdout: out, status: status, openMs: openMs)
    }

    /// The acknowledged readings in the complete lines of `stdout`, by LSN.
    static func parse(_ stdout: [UInt8]) -> (acked: [UInt64: Acked], opened: Bool, tornCutByChild: Bool, incompleteRemovedByChild: Bool, malformed: [String]) {
        var acked: [UInt64: Acked] = [:]
        var opened = false
        var torn = false
        var incomplete = false
        var malformed: [String] = []
        // Only complete lines: the child may die in the middle of nothing else but a write
        // of one whole line, yet a line without its newline is never trusted.
        let complete = stdout.lastIndex(of: UInt8(ascii: "\n")).map { Array(stdout[...$0]) } ?? []
        for line in String(decoding: complete, as: UTF8.self).split(separator: "\n") {
            let f = line.split(separator: " ")
            if f.first == "O", f.count == 4 {
                opened = true
                torn = f[2] == "1"
                incomplete = f[3] == "1"
                continue
            }
            guard f.first == "A", f.count == 5, let first = UInt64(f[1]), let p = Int(f[2]), let n0 = UInt64(f[3]) else {
                malformed.append(String(line.prefix(80)))
                continue
            }
            let ks = f[4].split(separator: ",").compactMap { Int($0) }
            for (i, k) in ks.enumerated() {
                let (value, time) = expected(key: k, producer: p, counter: n0 + UInt64(i))
                acked[first + UInt64(i)] = Acked(key: k, value: value, sourceTimeMs: time)
            }
        }
        return (acked, opened, torn, incomplete, malformed)
    }

    /// The version of `key` with LSN `lsn`, by binary search over seqs (LSNs increase with seq).
    static func version(_ store: Store, _ key: Key, lsn: UInt64) throws -> Version? {
        var lo: UInt64 = 1
        var hi = UInt64(store.versionCount(key))
        while lo <= hi {
            let mid = (lo + hi) / 2
            guard let v = try store.version(key, seq: mid) else { return nil }
            if v.lsn == lsn { return v }
            if v.lsn < lsn { lo = mid + 1 } else { hi = mid - 1 }
        }
        return nil
    }

    @Test func killNineAtRandomMomentsNeverLosesAnAcknowledgedReading() throws {
        let env = ProcessInfo.processInfo.environment
        let kills = env["KDELTA_CRASH_KILLS"].flatMap { Int($0) } ?? 200
        let seed = env["KDELTA_CRASH_SEED"].flatMap { UInt64($0) } ?? 20_251_123
        if kills <= 0 { return }
        let writer = try #require(Self.crashWriterPath(), "kdelta-crashwriter was not found next to the test bundle; build it (swift build --build-tests) or set KDELTA_CRASHWRITER")
        let wrapper = (env["KDELTA_TEST_EXEC_WRAPPER"] ?? "").split(separator: " ").map(String.init)
        let scratch = TemporaryDirectory("kdelta-crash")
        let base = scratch.path
        defer { scratch.remove() }
        let stderrPath = base + "/child-stderr.txt"
        let keys = (0..<Self.keyCount).map { Key(validated: Self.keyName($0)) }
        var options = StoreOptions()
        options.walSegmentBytes = Self.walSegmentBytes
        var readOnly = options
        readOnly.readOnly = true

        var state = seed
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        var epoch = 0
        var dir = base + "/store-0"
        var all: [UInt64: Acked] = [:]
        var totalAcked = 0
        var killsBeforeOpen = 0
        var tornSeen = 0
        var tornCutByChild = 0
        var incompleteSeen = 0
        var checked = 0
        var openMsEstimate = 40
        // Under emulation (cross/test) a child needs far longer to its first acknowledgement:
        // the delays after open are stretched by this factor.
        let delayScale = env["KDELTA_CRASH_DELAY_SCALE"].flatMap { Int($0) }.map { max(1, $0) } ?? 1
        var done = 0
        let started = Date()
        for i in 0..<kills {
            done = i + 1
            // One kill in five during start-up, which includes recovering from the previous
            // kill (up to the time opening took last); the others while writing, 1 to 80 ms
            // after the store opened (times KDELTA_CRASH_DELAY_SCALE).
            let plan: KillPlan = next(5) == 0 ? .afterStart(ms: next(openMsEstimate + 5)) : .afterOpen(ms: (1 + next(80)) * delayScale)
            let argv = wrapper + [writer, dir, String(seed &+ UInt64(i)), String(Self.producers)]
            let run = try Self.spawnAndKill(argv, stderrPath: stderrPath, plan: plan)
            guard run.killedBySIGKILL else {
                let childErrors = (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? ""
                Issue.record("kill \(i): the child ended by itself (status \(run.status), exit \(String(describing: run.exitCode))): \(childErrors)")
                break
            }
            if let ms = run.openMs { openMsEstimate = ms }
            let parsed = Self.parse(run.stdout)
            #expect(parsed.malformed.isEmpty, "kill \(i): malformed lines \(parsed.malformed.prefix(2))")
            if !parsed.opened { killsBeforeOpen += 1 }
            if parsed.tornCutByChild { tornCutByChild += 1 }
            if parsed.incompleteRemovedByChild { incompleteSeen += 1 }
            for (lsn, a) in parsed.acked {
                if let earlier = all[lsn], earlier.key != a.key || earlier.value != a.value {
                    Issue.record("kill \(i): LSN \(lsn) acknowledged twice with different readings")
                }
                all[lsn] = a
            }
            totalAcked += parsed.acked.count

            // Recover as the next start would: read-write (cutting a torn tail) on odd
            // kills, read-only on even ones, leaving the cut to the next child.
            let store: Store
            do { store = try Store.open(directory: dir, options: i % 2 == 1 ? options : readOnly) } catch {
                // A new store whose first child died before writing its manifest does not
                // exist yet for a reader; nothing can have been acknowledged in it.
                if error.code == .notFound && all.isEmpty { continue }
                Issue.record("kill \(i) (\(plan)): the store does not open: \(error)")
                break
            }
            if store.recovery.tornTail != nil { tornSeen += 1 }
            if store.recovery.incompleteSegment != nil { incompleteSeen += 1 }
            // This kill's acknowledgements every time; everything acknowledged in this store
            // every 10 kills and before the store is replaced.
            let lastOfEpoch = store.recovery.versions >= Self.epochVersionsMax || i == kills - 1
            let toCheck = (i % 10 == 9 || lastOfEpoch) ? all : parsed.acked
            var missing = 0
            for (lsn, a) in toCheck {
                guard let v = try Self.version(store, keys[a.key], lsn: lsn) else {
                    missing += 1
                    if missing <= 3 { Issue.record("kill \(i) (\(plan)): acknowledged LSN \(lsn) (\(Self.keyName(a.key))) is missing") }
                    continue
                }
                if v.value != a.value || v.sourceTimeMs != a.sourceTimeMs {
                    Issue.record("kill \(i): LSN \(lsn) holds \(v.value), acknowledged \(a.value)")
                }
                checked += 1
            }
            let report = store.verify()
            #expect(report.isIntact, "kill \(i): \(report.brokenLinks.prefix(2))")
            try store.close()
            if missing > 0 || !report.isIntact { break }
            if lastOfEpoch {
                epoch += 1
                try? FileManager.default.removeItem(atPath: dir)
                dir = base + "/store-\(epoch)"
                all.removeAll()
            }
        }
        #expect(totalAcked > 0, "no batch was acknowledged before a kill")
        let seconds = Date().timeIntervalSince(started)
        #expect(done == kills, "stopped after \(done) of \(kills) kills")
        print("crash test: \(done) kills (\(killsBeforeOpen) before the store opened) over \(epoch + 1) stores, \(totalAcked) acknowledged readings, \(checked) checks, torn tails: \(tornSeen) seen by the parent, \(tornCutByChild) cut by the child; \(incompleteSeen) interrupted segment creations; \(String(format: "%.1f", seconds)) s")
    }
}
