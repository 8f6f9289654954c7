extension Store {
    /// A read-only open: takes no lock, never changes the directory, and works while a
    /// writer holds it. Each attempt asks whether a writer is live (`DirectoryLock`); with
    /// one, what a race with it can cause (`ReaderRetry`) makes it read again from the
    /// manifest, a few times, before it is believed. With none, the first answer stands:
    /// only a store no writer is changing is judged.
    static func openReadOnly(
        directory: String, options: StoreOptions, fileSystem fs: any FileSystem, started: UInt64
    ) throws(StoreError) -> Store {
        var attempt = 1
        while true {
            let writerLive = DirectoryLock.isHeldByWriter(directory)
            do {
                let store = try openOnce(directory: directory, options: options, fileSystem: fs, writerLive: writerLive, started: started)
                if attempt >= ReaderRetry.attemptsMax || !ReaderRetry.mayBeRace(store.recovery) { return store }
            } catch where ReaderRetry.mayBeRace(error) {
                // A writer that let go meanwhile may still have been writing what was read.
                let raced = writerLive || DirectoryLock.isHeldByWriter(directory)
                if attempt >= ReaderRetry.attemptsMax || !raced { throw error }
            }
            usleepMs(ReaderRetry.pauseMs(after: attempt))
            attempt += 1
        }
    }
}
