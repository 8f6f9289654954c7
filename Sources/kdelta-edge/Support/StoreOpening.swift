import ArgumentParser
import KDeltaConfig
import KDeltaModel
import KDeltaStorage

extension StoreLocation {
    /// Opens the store for reading, turning errors into exit codes and reporting what
    /// recovery found (a torn WAL tail left in place, damaged chunks) on stderr.
    func openForReading() throws -> Store {
        var options: StoreOptions
        do { options = try StoreOptions(configuration: try configuration()) } catch let e as StoreError { throw failure(e) }
        options.readOnly = true
        let store: Store
        do { store = try Store.open(directory: directory, options: options) } catch { throw failure(error) }
        for line in store.recovery.findings { printError("kdelta-edge: \(line)") }
        return store
    }

    /// Opens the store for writing with the configuration's settings (and `--fsync` over
    /// them), reporting what recovery did on stderr.
    func openForWriting(_ write: WriteOptions) throws -> Store {
        var options: StoreOptions
        do { options = try StoreOptions(configuration: try configuration()) } catch let e as StoreError { throw failure(e) }
        if let text = write.fsync {
            // The configuration's parser, so --fsync takes what storage.fsync takes
            // (interval:1000 or interval:1s); a bad value is a usage error.
            let setting: FsyncSetting
            do { setting = try FsyncSetting(parsing: text) } catch { throw failure("--fsync: \(error.description)", code: 64) }
            do { options.fsync = try FsyncPolicy(parsing: setting.description) } catch { throw failure(error) }
        }
        let store: Store
        do { store = try Store.open(directory: directory, options: options) } catch { throw failure(error) }
        for line in store.recovery.findings { printError("kdelta-edge: \(line)") }
        return store
    }

    /// Opens the store for writing, as `openForWriting`, but only if it exists: a command
    /// that works on what is stored (`compact`) refuses a directory without a store, with
    /// the reading commands' message and exit code, instead of creating an empty one
    /// there (a mistyped --data-dir would otherwise "succeed").
    func openExistingForWriting(_ write: WriteOptions) throws -> Store {
        do { try Store.requireManifest(directory: directory) } catch { throw failure(error) }
        return try openForWriting(write)
    }
}

/// Parses a key argument or fails with the key rules.
func parseKey(_ text: String) throws -> Key {
    do { return try Key(text) } catch { throw failure(error.description) }
}
