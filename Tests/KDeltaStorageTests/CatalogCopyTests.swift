import Foundation
import KDeltaModel
import KDeltaStorage
import KDeltaStorageTestSupport
import Testing

/// Each catalog generation is written twice (docs/format/catalog.md, "Two copies"): one
/// damaged or missing file costs nothing, both damaged are refused naming both, and no
/// old generation's files outlive its checkpoint.
@Suite struct CatalogCopyTests {
    /// 30 versions of two series, a cut (catalog generation 1) and 10 more versions in the
    /// WAL only.
    static func store(_ dir: String) throws -> AcknowledgedWrites {
        var acked = try RecoveryTests.writeRecords(dir, count: 30)
        let store = try TestStore.open(directory: dir)
        try store.cut()
        let key = try Key("rec/other")
        for i in 0..<10 {
            let r = Reading(key: key, value: .int(Int64(i)), sourceTimeMs: 2_000_000 + Int64(i))
            acked.record([r], try store.putBatch([r]))
        }
        try store.close()
        return acked
    }

    static func catalogFiles(_ dir: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasPrefix("catalog-") }.sorted()
    }

    /// Flips a bit of the file at `path` (in its middle, or at `offset`); returns its bytes
    /// from before.
    @discardableResult
    static func damage(_ path: String, at offset: Int? = nil) -> [UInt8] {
        let good = WALSurgery.read(path)
        var bytes = good
        bytes[offset ?? bytes.count / 2] ^= 0x08
        WALSurgery.overwrite(path, bytes)
        return good
    }

    static let file = "catalog-00000000000000000001.kdc"
    static let copy = "catalog-00000000000000000001.copy.kdc"

    @Test func eachGenerationIsWrittenTwiceAndTheOldOnesGo() throws {
        let dir = TemporaryDirectory("catalog-copies")
        defer { dir.remove() }
        _ = try Self.store(dir.path)
        #expect(try Self.catalogFiles(dir.path) == [Self.copy, Self.file])
        #expect(WALSurgery.read(dir.path + "/" + Self.file) == WALSurgery.read(dir.path + "/" + Self.copy))
        let store = try TestStore.open(directory: dir.path)
        try store.cut()
        try store.close()
        #expect(try Self.catalogFiles(dir.path) == ["catalog-00000000000000000002.copy.kdc", "catalog-00000000000000000002.kdc"])
    }

    @Test(arguments: ["flipped", "missing"])
    func aDamagedCatalogIsReadFromItsCopyAndRewritten(damage: String) throws {
        let dir = TemporaryDirectory("catalog-damaged")
        defer { dir.remove() }
        let acked = try Self.store(dir.path)
        let path = dir.path + "/" + Self.file
        let good = WALSurgery.read(path)
        if damage == "flipped" {
            Self.damage(path)
        } else {
            try FileManager.default.removeItem(atPath: path)
        }

        // Read-only: read from the copy, nothing written.
        var readOnly = StoreOptions()
        readOnly.readOnly = true
        let reader = try TestStore.open(directory: dir.path, options: readOnly)
        _ = try acked.expectPresent(in: reader, "read-only, from the copy")
        #expect(reader.recovery.findings.contains { $0.contains("the next open for writing rewrites \(path) from it") }, "\(reader.recovery.findings)")
        try reader.close()
        #expect(FileManager.default.fileExists(atPath: path) == (damage == "flipped"))
        #expect(WALSurgery.read(path) != good || damage == "missing")

        let store = try TestStore.open(directory: dir.path)
        _ = try acked.expectPresent(in: store, "from the copy")
        #expect(store.recovery.findings.contains { $0.contains("rewrote \(path) from") }, "\(store.recovery.findings)")
        #expect(store.verify().isIntact)
        try store.close()
        #expect(WALSurgery.read(path) == good, "the file is rewritten from its copy")
        let reopened = try TestStore.open(directory: dir.path)
        #expect(reopened.recovery.findings.isEmpty, "\(reopened.recovery.findings)")
        try reopened.close()
    }

    /// A damaged copy beside a good file is found and rewritten too, or a second fault
    /// (in the file) would find no copy to fall back on.
    @Test func aDamagedCopyIsFoundAndRewrittenFromTheFile() throws {
        let dir = TemporaryDirectory("catalog-copy-damaged")
        defer { dir.remove() }
        let acked = try Self.store(dir.path)
        let copy = dir.path + "/" + Self.copy
        let good = Self.damage(copy)
        let store = try TestStore.open(directory: dir.path)
        _ = try acked.expectPresent(in: store, "with a damaged copy")
        #expect(store.recovery.findings.contains { $0.contains(copy) && $0.contains("is damaged") && $0.contains("rewrote \(copy) from") }, "\(store.recovery.findings)")
        try store.close()
        #expect(WALSurgery.read(copy) == good)
    }

    @Test func bothCopiesDamagedAreRefusedNamingBothAndNothingChanges() throws {
        let dir = TemporaryDirectory("catalog-both")
        defer { dir.remove() }
        _ = try Self.store(dir.path)
        for name in [Self.file, Self.copy] { Self.damage(dir.path + "/" + name, at: 20) }
        let before = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        let refusal = TestStore.refusal { _ = try TestStore.open(directory: dir.path) }
        #expect(refusal?.code == .corruptFile)
        let message = refusal?.message ?? ""
        #expect(message.contains("both copies") && message.contains(Self.file) && message.contains(Self.copy) && message.hasSuffix("restore the data directory from a backup."), "\(message)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == before)
    }

    /// Stores written before the copy existed have one file: it is read as before (an open
    /// for writing adds the copy), and its damage is refused with the message it always had.
    @Test func aCatalogWithoutACopyIsReadAsBefore() throws {
        let dir = TemporaryDirectory("catalog-nocopy")
        defer { dir.remove() }
        let acked = try Self.store(dir.path)
        let copy = dir.path + "/" + Self.copy
        try FileManager.default.removeItem(atPath: copy)
        var readOnly = StoreOptions()
        readOnly.readOnly = true
        let reader = try TestStore.open(directory: dir.path, options: readOnly)
        _ = try acked.expectPresent(in: reader, "without a copy, read-only")
        try reader.close()
        #expect(!FileManager.default.fileExists(atPath: copy))
        let store = try TestStore.open(directory: dir.path)
        _ = try acked.expectPresent(in: store, "without a copy")
        #expect(store.recovery.findings == ["the series catalog copy \(copy) is missing: rewrote \(copy) from \(dir.path)/\(Self.file)"], "\(store.recovery.findings)")
        try store.close()
        #expect(WALSurgery.read(copy) == WALSurgery.read(dir.path + "/" + Self.file))
        try FileManager.default.removeItem(atPath: copy)

        Self.damage(dir.path + "/" + Self.file, at: 20)
        let refusal = TestStore.refusal { _ = try TestStore.open(directory: dir.path) }
        #expect(refusal?.message.hasPrefix("series catalog \(dir.path)/\(Self.file) is damaged") == true, "\(refusal?.message ?? "accepted")")
    }

    /// A lost manifest and a damaged catalog file: the rebuild reads the copy, sets the
    /// damaged file aside, and the next open rewrites it.
    @Test func aManifestRebuildReadsTheCopyOfADamagedCatalog() throws {
        let dir = TemporaryDirectory("catalog-rebuild")
        defer { dir.remove() }
        let acked = try Self.store(dir.path)
        let path = dir.path + "/" + Self.file
        let good = Self.damage(path)
        try FileManager.default.removeItem(atPath: dir.path + "/" + Manifest.fileName)

        let rebuilt = try #require(try TestStore.repair(directory: dir.path).manifestRebuild)
        #expect(rebuilt.catalogGeneration == 1 && rebuilt.blocks == [1])
        #expect(rebuilt.leftOut.map(\.path) == [path], "\(rebuilt.leftOut)")
        let store = try TestStore.open(directory: dir.path)
        _ = try acked.expectPresent(in: store, "after the rebuild")
        #expect(store.verify().isIntact)
        try store.close()
        #expect(WALSurgery.read(path) == good)
    }

    /// A manifest or catalog write cut short before its rename leaves `NAME.tmp`: an open
    /// for writing removes it and says so; other files are not ours and stay.
    @Test func temporariesOfInterruptedWritesAreRemoved() throws {
        let dir = TemporaryDirectory("catalog-tmp")
        defer { dir.remove() }
        _ = try Self.store(dir.path)
        let ours = [Manifest.fileName + ".tmp", Self.file + ".tmp"].map { dir.path + "/" + $0 }
        let theirs = dir.path + "/notes.tmp"
        for path in ours + [theirs] { try Data([1, 2, 3]).write(to: URL(fileURLWithPath: path)) }
        var readOnly = StoreOptions()
        readOnly.readOnly = true
        try TestStore.open(directory: dir.path, options: readOnly).close()
        #expect((ours + [theirs]).allSatisfy { FileManager.default.fileExists(atPath: $0) }, "read-only removes nothing")

        let store = try TestStore.open(directory: dir.path)
        #expect(Set(store.recovery.temporariesRemoved) == Set(ours))
        #expect(store.recovery.findings.filter { $0.contains("interrupted before its rename") }.count == 2, "\(store.recovery.findings)")
        try store.close()
        #expect(!ours.contains { FileManager.default.fileExists(atPath: $0) })
        #expect(FileManager.default.fileExists(atPath: theirs))
    }
}
