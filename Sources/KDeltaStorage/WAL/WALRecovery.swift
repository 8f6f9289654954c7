import KDeltaCodec

/// What replaying the WAL found.
struct WALReplayResult {
    /// Numbers of the live segments, oldest first (without an incomplete last one).
    var segments: [UInt64] = []
    /// The first LSN of each of `segments`.
    var segmentFirstLSNs: [UInt64] = []
    /// Where the valid records of the last segment end.
    var endOffset: Int64 = Int64(WALFormat.segmentHeaderBytes)
    /// The LSN the next version gets.
    var nextLSN: UInt64
    /// The torn last record, if there was one (not cut yet: the caller keeps and cuts it).
    var tornTail: TornTail? = nil
    /// A last segment whose creation never finished (no valid header and no records).
    var incompleteSegment: String? = nil
    /// Records and versions replayed.
    var records = 0
    var versions = 0
    /// Damage passed over because every version it can hold is at or before the
    /// checkpoint (`CheckpointedDamage`), one line each.
    var damageSkipped: [String] = []
}

/// Replays the live WAL segments in order (docs/format/wal.md, "Recovery").
enum WALReplay {
    /// Reads every live segment and hands each batch to `apply`, checking segment order,
    /// store id and LSN continuity. Throws `.corruptWAL` naming file and offset for damage:
    /// anywhere before the end of the log, and a last record that one flipped bit explains
    /// (`WALSegmentScanner.scan`); a torn last record and an incomplete last segment are
    /// reported in the result for the caller to cut off. Segments are read `pieceBytes` at a
    /// time (`WALSegmentReader`); tests pass small pieces to put records across pieces.
    ///
    /// `writerLive` (a read-only open while a writer holds the directory): a bad last
    /// record with nothing valid after it, torn-looking or one flipped bit from valid, is
    /// the record the writer is writing (a `pwrite` is not atomic to readers): the log ends
    /// before it, as if it were not there yet, and it is neither reported nor refused
    /// (`WALSegmentScanner.scan(tailInProgress:)`). Damage with valid records after it is
    /// still thrown; the caller reads again (`Store.openReadOnly`), since a record
    /// half-written while later ones were already read can look like that too.
    static func run(
        fs: any FileSystem, dataDirectory: String, manifest: Manifest,
        pieceBytes: Int = WALSegmentReader.pieceBytesDefault, writerLive: Bool = false,
        apply: (WALBatch, String, Int) throws(StoreError) -> Void
    ) throws(StoreError) -> WALReplayResult {
        let walDir = dataDirectory + "/" + WALFormat.directoryName
        // A missing folder holds no segment: opening then refuses the WAL as gone
        // (`Store.missingWAL`) rather than failing on the listing.
        var names: [String] = []
        if fs.exists(walDir) {
            do { names = try fs.list(walDir) } catch { throw StoreError.io(error, while: "listing \(walDir)") }
        }
        let numbers = names.compactMap(WALFormat.segmentNumber(fileName:))
            .filter { $0 >= manifest.walFirstSegment }.sorted()
        var result = WALReplayResult(nextLSN: manifest.walFirstLSN)
        var expectedNumber = manifest.walFirstSegment
        let checkpointed = CheckpointedDamage(checkpointLSN: manifest.checkpointLSN)
        // Damage that ends a segment other than the last, decided by the next one's header.
        var pendingDamage: (path: String, offset: Int, reason: String, error: StoreError)? = nil

        func corrupt(_ path: String, _ offset: Int, _ why: String) -> StoreError {
            StoreError(
                .corruptWAL,
                "WAL segment \(path) is corrupt at offset \(offset) (\(why)); nothing from there on was applied. Run `kdelta-edge repair --data-dir \(dataDirectory)` to set the damaged part aside (it is moved, never deleted).",
                file: path, offset: Int64(offset))
        }

        segments: for (index, number) in numbers.enumerated() {
            let isLast = index == numbers.count - 1
            let path = walDir + "/" + WALFormat.segmentFileName(number)
            // Until a segment after damage shows the damage held only checkpointed
            // versions, what it refuses is that damage: the first in the log.
            func refuse(_ error: StoreError) -> StoreError { pendingDamage?.error ?? error }
            if number != expectedNumber {
                throw refuse(corrupt(walDir + "/" + WALFormat.segmentFileName(expectedNumber), 0, "the segment is missing; \(WALFormat.segmentFileName(number)) follows"))
            }
            let segment = try WALSegmentReader(fs: fs, path: path, pieceBytes: pieceBytes)
            let segmentFirstLSN = result.nextLSN
            let header: WALSegmentHeader
            let head = try segment.bytes(at: 0, count: min(WALFormat.segmentHeaderBytes, segment.count))
            switch WALSegmentHeader.decode(head) {
            case .success(let h): header = h
            case .failure(let failure):
                var validAfter = false
                if segment.count > WALFormat.segmentHeaderBytes {
                    validAfter = try WALSegmentScanner.validFrameExists(segment, after: WALFormat.segmentHeaderBytes - 1)
                }
                if isLast && !validAfter {
                    result.incompleteSegment = path
                    break segments
                }
                switch failure {
                case .incomplete: throw refuse(corrupt(path, 0, "the segment header is missing"))
                case .invalid(let why): throw refuse(corrupt(path, 0, "segment header: \(why)"))
                }
            }
            if header.storeID != manifest.storeID {
                throw refuse(StoreError(
                    .corruptWAL,
                    "WAL segment \(path) belongs to another store (store id \(hex64(header.storeID)), this one is \(hex64(manifest.storeID))); move it out of \(walDir)",
                    file: path, offset: 16))
            }
            if header.segmentNumber != number {
                throw refuse(corrupt(path, 24, "the header says segment \(header.segmentNumber)"))
            }
            if let damage = pendingDamage {
                // The previous segment ended in damage: this one's first LSN says what it held.
                guard checkpointed.covers(resumingAt: header.firstLSN, after: result.nextLSN) else { throw damage.error }
                result.damageSkipped.append(checkpointed.finding(damage.path, damage.offset, damage.reason, resumingAt: header.firstLSN))
                result.nextLSN = header.firstLSN
                pendingDamage = nil
            }
            if header.firstLSN != result.nextLSN {
                throw corrupt(path, 32, "the segment starts at LSN \(header.firstLSN), expected \(result.nextLSN): a segment is missing or out of place")
            }
            var end: WALScanEnd
            var from = WALFormat.segmentHeaderBytes
            while true {
                end = try WALSegmentScanner.scan(segment, from: from, tailInProgress: writerLive && isLast) { (offset, payload) throws(StoreError) in
                    let batch: WALBatch
                    do { batch = try WALBatchDecoder.decode(payload) } catch {
                        throw corrupt(path, offset, "record content: \(error)")
                    }
                    if batch.firstLSN != result.nextLSN {
                        throw corrupt(path, offset, "record starts at LSN \(batch.firstLSN), expected \(result.nextLSN)")
                    }
                    try apply(batch, path, offset)
                    result.nextLSN += UInt64(batch.entries.count)
                    result.records += 1
                    result.versions += batch.entries.count
                }
                // Damage whose versions are all in blocks already is passed over.
                guard case .corrupt(let offset, let reason) = end,
                      let resume = try checkpointed.resumption(segment, after: offset, nextLSN: result.nextLSN) else { break }
                result.damageSkipped.append(checkpointed.finding(path, offset, reason, resumingAt: resume.firstLSN))
                result.nextLSN = resume.firstLSN
                from = resume.offset
            }
            result.segments.append(number)
            result.segmentFirstLSNs.append(segmentFirstLSN)
            switch end {
            case .clean(let offset):
                result.endOffset = Int64(offset)
            case .torn(let offset, let reason, let sign, let data):
                guard isLast else {
                    pendingDamage = (path, offset, reason, corrupt(path, offset, "\(reason), and later segments exist"))
                    expectedNumber += 1
                    continue segments
                }
                result.tornTail = TornTail(
                    file: path, offset: Int64(offset), bytes: Int64(segment.count - offset), reason: reason, sign: sign,
                    dataOffset: Int64(data.lowerBound), dataBytes: Int64(data.count))
                result.endOffset = Int64(offset)
            case .corrupt(let offset, let reason):
                guard isLast else {
                    pendingDamage = (path, offset, reason, corrupt(path, offset, reason))
                    expectedNumber += 1
                    continue segments
                }
                throw corrupt(path, offset, reason)
            }
            expectedNumber += 1
        }
        if let damage = pendingDamage { throw damage.error }
        return result
    }
}
