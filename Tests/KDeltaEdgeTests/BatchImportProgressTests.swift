@testable import kdelta_edge
import KDeltaIngest
import KDeltaStorage
import Testing

/// What a stopped `put --batch` says: the lines stored, their LSNs, and where to resume.
@Suite struct BatchImportProgressTests {
    /// Two batches of `data.csv` stored: lines 2-8193 and 8194-9000 (8,999 readings).
    func progressAfterTwoBatches(path: String = "data.csv", format: BatchFileFormat = .csv) -> BatchImportProgress {
        var p = BatchImportProgress(path: path, format: format, firstLine: 2)
        p.stored(firstLSN: 101, count: 8192, nextLine: 8194)
        p.stored(firstLSN: 8293, count: 807, nextLine: 9001)
        return p
    }

    @Test func aDiskBudgetStopNamesTheLinesStoredAndWhereToResume() {
        let p = progressAfterTwoBatches()
        let full = StoreError(.diskBudgetFull, "the disk budget of 64MiB is full: …")
        #expect(p.afterStoreError(full, batchEndLine: 9500) == "lines 2-9000 were stored (8999 readings, LSN 101-9099), nothing from line 9001 on: once the cause is fixed, import from line 9001 on: (head -n 1 data.csv; tail -n +9001 data.csv) | kdelta-edge put --batch - --format csv")
        let first = BatchImportProgress(path: "data.csv", format: .csv, firstLine: 2)
        #expect(first.afterStoreError(full, batchEndLine: 100) == "nothing from data.csv was stored")
    }

    @Test func aFailedWALWriteLeavesItsBatchInDoubtAndSaysSo() {
        let p = progressAfterTwoBatches()
        let io = StoreError(.outOfSpace, "appending to the WAL failed: the disk is full")
        let text = p.afterStoreError(io, batchEndLine: 9500)
        #expect(text.hasPrefix("lines 2-9000 were stored (8999 readings, LSN 101-9099); the batch of lines 9001-9499 failed while it was written and may or may not be stored"), "\(text)")
        #expect(text.hasSuffix("if the batch is missing, import from line 9001 on: (head -n 1 data.csv; tail -n +9001 data.csv) | kdelta-edge put --batch - --format csv, else from line 9500 on"), "\(text)")
    }

    @Test func aBadLineNamesTheStoredLinesAndTheResumeCommandForEachSource() {
        #expect(progressAfterTwoBatches().afterBadLine(9100) == "lines 2-9000 were stored (8999 readings, LSN 101-9099), nothing from line 9001 on: fix line 9100, then import from line 9001 on: (head -n 1 data.csv; tail -n +9001 data.csv) | kdelta-edge put --batch - --format csv")
        var jsonl = BatchImportProgress(path: "my data.jsonl", format: .jsonLines, firstLine: 1)
        jsonl.stored(firstLSN: 1, count: 1, nextLine: 2)
        #expect(jsonl.afterBadLine(3) == "line 1 was stored (1 reading, LSN 1), nothing from line 2 on: fix line 3, then import from line 2 on: tail -n +2 'my data.jsonl' | kdelta-edge put --batch - --format jsonl")
        #expect(progressAfterTwoBatches(path: "-").afterBadLine(9100).hasSuffix("then feed the input again from line 9001 on, after its header line"))
        #expect(BatchImportProgress(path: "d.csv", format: .csv, firstLine: 2).afterBadLine(5) == "nothing was stored: fix line 5 and import the file again")
    }

    @Test func shellQuotingLeavesPlainPathsAloneAndQuotesTheRest() {
        #expect(ShellQuoting.quoted("/tmp/data-1.csv") == "/tmp/data-1.csv")
        #expect(ShellQuoting.quoted("my data.csv") == "'my data.csv'")
        #expect(ShellQuoting.quoted("it's.csv") == "'it'\\''s.csv'")
        #expect(ShellQuoting.quoted("-x.csv") == "./-x.csv")
    }
}
