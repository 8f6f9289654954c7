/// The files of a series catalog generation: `catalog-G.kdc` and its copy
/// `catalog-G.copy.kdc`, the same bytes written and synced one after the other
/// (docs/format/catalog.md, "Two copies"). Every block's series hang on the catalog, so
/// one damaged file (a flipped bit, a page an SD card lost at a power cut) must not make
/// the whole store unreadable: when one copy does not check, the other is read.
enum CatalogFiles {
    static let copySuffix = ".copy" + Catalog.suffix

    static func copyFileName(_ generation: UInt64) -> String {
        String(Catalog.fileName(generation).dropLast(Catalog.suffix.count)) + copySuffix
    }

    /// The generation of a catalog file or of its copy.
    static func generation(ofEither fileName: String) -> UInt64? {
        if let g = Catalog.generation(fileName: fileName) { return g }
        guard fileName.hasSuffix(copySuffix) else { return nil }
        return Catalog.generation(fileName: String(fileName.dropLast(copySuffix.count)) + Catalog.suffix)
    }

    /// The paths of both files of `generation` in `directory`.
    static func paths(_ generation: UInt64, directory: String) -> (file: String, copy: String) {
        (directory + "/" + Catalog.fileName(generation), directory + "/" + copyFileName(generation))
    }

    /// Writes `catalog` as `generation`, the file and then its copy, each synced. Their
    /// folder is synced by the manifest written next (which alone makes them count).
    static func write(_ catalog: Catalog, generation: UInt64, fs: any FileSystem, directory: String) throws(StoreError) {
        let bytes = catalog.encoded()
        let (file, copy) = paths(generation, directory: directory)
        for path in [file, copy] {
            do throws(FileSystemError) {
                let fd = try fs.open(path, .createOrTruncate)
                do throws(FileSystemError) {
                    try fs.write(fd, bytes, at: 0)
                    try fs.sync(fd)
                } catch {
                    fs.close(fd)
                    throw error
                }
                fs.close(fd)
            } catch { throw StoreError.io(error, while: "writing the series catalog \(path)") }
        }
    }

    /// What `read` found: the catalog, and which of its two files did not check (missing
    /// or damaged: why), with the bytes of the one that did, to rewrite the other from.
    struct Read {
        var catalog: Catalog
        var goodBytes: [UInt8]
        var fileDamage: String? = nil
        var copyDamage: String? = nil
    }

    /// Reads generation `generation`: the file, or its copy when the file is missing or
    /// damaged; the other one is checked too, so that a damaged copy is found (and
    /// rewritten) before the file fails as well. Stores written before the copy existed
    /// have none: a damaged file's error is thrown as it is. When neither file exists the
    /// error says so and points at `repair`, which rebuilds them (`CatalogRebuild`).
    static func read(_ generation: UInt64, fs: any FileSystem, directory: String) throws(StoreError) -> Read {
        let (file, copy) = paths(generation, directory: directory)
        if bothMissing(generation, fs: fs, directory: directory) { throw missingError(file: file, copy: copy, directory: directory) }
        let fileError: StoreError
        do throws(StoreError) {
            let (catalog, bytes) = try decode(file, fs: fs)
            var read = Read(catalog: catalog, goodBytes: bytes)
            if !fs.exists(copy) {
                read.copyDamage = "the series catalog copy \(copy) is missing"
            } else {
                // The same bytes as a file that checks check too; only a copy that differs
                // is decoded, for what is wrong with it.
                do throws(StoreError) {
                    let copyBytes = try contents(copy, fs: fs)
                    if copyBytes != bytes {
                        _ = try Catalog.decode(copyBytes, path: copy)
                        read.copyDamage = "the series catalog copy \(copy) checks but differs from \(file)"
                    }
                } catch {
                    read.copyDamage = Catalog.withoutAdvice(error.message)
                }
            }
            return read
        } catch { fileError = error }
        guard fs.exists(copy) else { throw fileError }
        do throws(StoreError) {
            let (catalog, bytes) = try decode(copy, fs: fs)
            return Read(catalog: catalog, goodBytes: bytes, fileDamage: Catalog.withoutAdvice(fileError.message))
        } catch {
            throw StoreError(
                .corruptFile,
                "both copies of the series catalog are unreadable: \(Catalog.withoutAdvice(fileError.message)); \(Catalog.withoutAdvice(error.message))\(Catalog.backupAdvice)",
                file: file, offset: fileError.offset)
        }
    }

    /// Whether neither file of `generation` exists.
    static func bothMissing(_ generation: UInt64, fs: any FileSystem, directory: String) -> Bool {
        let (file, copy) = paths(generation, directory: directory)
        return !fs.exists(file) && !fs.exists(copy)
    }

    /// Both files of the generation the manifest names are gone (deleted by hand, or lost
    /// with their folder's entries): every block's series hang on them, so nothing opens
    /// until `repair` rebuilds them from the blocks and the WAL (`CatalogRebuild`).
    static func missingError(file: String, copy: String, directory: String) -> StoreError {
        StoreError(
            .corruptFile,
            "the series catalog of \(directory) is missing: neither \(file) nor its copy \(copy) exists, though the manifest names it. Run `kdelta-edge repair --data-dir \(directory)` to rebuild it from the block files and the WAL.",
            file: file)
    }

    private static func contents(_ path: String, fs: any FileSystem) throws(StoreError) -> [UInt8] {
        do { return try fs.readFile(path) } catch { throw StoreError.io(error, while: "reading the series catalog \(path)") }
    }

    private static func decode(_ path: String, fs: any FileSystem) throws(StoreError) -> (catalog: Catalog, bytes: [UInt8]) {
        let bytes = try contents(path, fs: fs)
        return (try Catalog.decode(bytes, path: path), bytes)
    }

    /// Rewrites the file of `generation` that `read` found missing or damaged from the
    /// other one (atomically), unless `readOnly`; returns one line per such file, for the
    /// recovery or repair report.
    static func mend(_ read: Read, generation: UInt64, fs: any FileSystem, directory: String, readOnly: Bool) throws(StoreError) -> [String] {
        let (file, copy) = paths(generation, directory: directory)
        var lines: [String] = []
        for (damage, path, other) in [(read.fileDamage, file, copy), (read.copyDamage, copy, file)] {
            guard let damage else { continue }
            if readOnly {
                lines.append("\(damage): read \(other) (the next open for writing rewrites \(path) from it)")
                continue
            }
            do { try fs.writeFileAtomically(path, read.goodBytes, directory: directory) } catch {
                throw StoreError.io(error, while: "rewriting the series catalog file \(path) from \(other)")
            }
            lines.append("\(damage): rewrote \(path) from \(other)")
        }
        return lines
    }

    /// Removes both files of `generation` (a store written before copies has none).
    static func remove(_ generation: UInt64, fs: any FileSystem, directory: String) throws(StoreError) {
        let (file, copy) = paths(generation, directory: directory)
        for path in [file, copy] where fs.exists(path) {
            do { try fs.remove(path) } catch { throw StoreError.io(error, while: "removing the old series catalog \(path)") }
        }
    }
}
