extension Manifest {
    /// Creates the WAL segment this manifest names first (`walFirstSegment`, starting at
    /// `walFirstLSN`), durably, and only then writes the manifest (atomically): a manifest
    /// always names a segment that exists, so a missing one is damage (`Store.missingWAL`).
    /// What a new store and a WAL started afresh by `repair` do.
    /// `space`: `.full` for a new store; `.fullWhenRoom` for a WAL that `repair` restarts,
    /// which may run on a full disk (the open for writing reserves the rest later).
    func writeCreatingFirstSegment(
        fs: any FileSystem, directory: String, segmentBytes: Int, space: WALSegmentSpace, what: String
    ) throws(StoreError) {
        let created = try WALWriter.createSegment(
            fs: fs, directory: directory + "/" + WALFormat.directoryName, storeID: storeID, number: walFirstSegment,
            firstLSN: walFirstLSN, segmentBytes: segmentBytes, space: space)
        fs.close(created.fd)
        do {
            try fs.writeFileAtomically(directory + "/" + Manifest.fileName, encoded(), directory: directory)
        } catch { throw StoreError.io(error, while: what) }
    }
}
