extension Manifest {
    /// Creates the WAL segment this manifest names first (`walFirstSegment`, starting at
    /// `walFirstLSN`), durably, and only then writes the manifest (atomically): a manifest
    /// always names a segment that exists, so a missing one is damage (`Store.missingWAL`).
    /// What a new store and a WAL started afresh by `repair` do.
    func writeCreatingFirstSegment(fs: any FileSystem, directory: String, segmentBytes: Int, what: String) throws(StoreError) {
        let fd = try WALWriter.createSegment(
            fs: fs, directory: directory + "/" + WALFormat.directoryName, storeID: storeID, number: walFirstSegment,
            firstLSN: walFirstLSN, segmentBytes: segmentBytes)
        fs.close(fd)
        do {
            try fs.writeFileAtomically(directory + "/" + Manifest.fileName, encoded(), directory: directory)
        } catch { throw StoreError.io(error, while: what) }
    }
}
