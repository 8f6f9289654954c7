#if canImport(Glibc)
import Glibc
#endif

/// When a read-only open reads the store again, and how often: while a writer is live, a
/// reader races its work. A record half-written can look damaged (a `pwrite` is not atomic
/// to readers, and a segment is read a piece at a time, so a later complete record can be
/// read before an earlier one lands); a checkpoint removes the WAL segments and the catalog
/// the reader's manifest names, a merge the blocks it names; the manifest and catalog are
/// replaced by rename. Such an open throws damage or a missing file that the next read,
/// from the manifest then current, does not meet again. Damage that is still there after
/// every attempt, or once no writer is live, is real, and is reported.
enum ReaderRetry {
    /// Opens at most, the first included. The pauses between them (`pauseMs`) add up to
    /// about 1.5 s: a race needs the writer to replace, remove or write what the reader is
    /// reading in that very moment, so a dozen in a row do not happen by chance, while a
    /// damaged store read alongside a writer is reported after a second or two.
    static let attemptsMax = 12
    /// The first pause, doubled after each attempt up to `pauseMsMax`: a writer's step
    /// (a cut's rename, a record's `pwrite`) is over within milliseconds.
    static let pauseMsFirst = 10
    /// The longest pause.
    static let pauseMsMax = 200

    /// The pause after attempt `attempt` (1 is the first).
    static func pauseMs(after attempt: Int) -> Int {
        min(pauseMsMax, pauseMsFirst << min(attempt - 1, 16))
    }

    /// Whether `error`, met by a read-only open while a writer was live, may come from a
    /// race with it rather than from the disk: damage (`.corruptWAL`, `.corruptFile`), a
    /// file the manifest, catalog or checkpoint names that is gone (`.notFound`, or
    /// `ENOENT` from the file layer). Anything else (permissions, a full disk, bad
    /// options) is thrown at once.
    static func mayBeRace(_ error: StoreError) -> Bool {
        switch error.code {
        case .corruptWAL, .corruptFile, .notFound: return true
        case .io: return error.cause?.errno == ENOENT
        default: return false
        }
    }

    /// Whether a report of an open that succeeded alongside a writer holds a finding that
    /// a race can cause: a catalog file missing (removed by a checkpoint after the reader
    /// read its twin). The other findings cannot come from a race: damaged chunks and
    /// checkpointed WAL damage are in files complete before the reader's manifest named
    /// them, and a writer's torn tail is never reported (`RecoveryReport.writerWasLive`).
    static func mayBeRace(_ report: RecoveryReport) -> Bool {
        report.writerWasLive && !report.catalogRepairs.isEmpty
    }
}
