#if canImport(Glibc)
import Glibc
#endif
import KDeltaConfig
import Testing

/// Reading the file itself: paths, a relative data-dir, missing files, bytes that are not
/// UTF-8.
@Suite struct ConfigFileTests {
    /// A fresh folder under /tmp, removed by `remove()`.
    struct Folder {
        let path: String
        init() {
            var template = Array("/tmp/kdelta-config-XXXXXX".utf8CString)
            path = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
        }
        func write(_ name: String, _ bytes: [UInt8]) {
            let fd = open(path + "/" + name, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            precondition(fd >= 0)
            _ = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            close(fd)
        }
        func remove() {
            guard let dir = opendir(path) else { return }
            while let entry = readdir(dir) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
                if name != "." && name != ".." { unlink(path + "/" + name) }
            }
            closedir(dir)
            rmdir(path)
        }
    }

    @Test func aRelativeDataDirIsTakenFromTheFilesFolder() throws {
        let folder = Folder()
        defer { folder.remove() }
        folder.write("edge.yaml", Array("data-dir: data\n".utf8))
        folder.write("abs.yaml", Array("data-dir: /srv/kdelta\n".utf8))
        #expect(try EdgeConfiguration.load(path: folder.path + "/edge.yaml").dataDir == folder.path + "/data")
        #expect(try EdgeConfiguration.load(path: folder.path + "/abs.yaml").dataDir == "/srv/kdelta")
    }

    @Test func aMissingFileSaysSoAndWhatToDo() throws {
        do {
            _ = try EdgeConfiguration.load(path: "/nonexistent/kdelta.yaml")
            Issue.record("loaded")
        } catch {
            #expect(error.code == .unreadable)
            #expect(error.description.hasPrefix("/nonexistent/kdelta.yaml: cannot open the configuration file: No such file or directory (errno 2); create it"), "\(error)")
        }
        do { _ = try EdgeConfiguration.load(path: "/tmp"); Issue.record("loaded") } catch {
            #expect(error.code == .unreadable)
            #expect(error.message.contains("not of a folder"), "\(error)")
        }
    }

    @Test func bytesThatAreNotUTF8AreNamedByLineAndColumn() throws {
        let folder = Folder()
        defer { folder.remove() }
        folder.write("latin1.yaml", Array("storage:\n  fsync: always # caf".utf8) + [0xE9] + Array("\n".utf8))
        do { _ = try EdgeConfiguration.load(path: folder.path + "/latin1.yaml"); Issue.record("loaded") } catch {
            #expect(error.code == .notUTF8)
            #expect(error.line == 2 && error.column == 22, "\(error)")
            #expect(error.message.contains("0xE9"), "\(error)")
        }
    }

    @Test func aFileOverTheLimitIsRefused() throws {
        let folder = Folder()
        defer { folder.remove() }
        folder.write("big.yaml", [UInt8](repeating: UInt8(ascii: "#"), count: ConfigLimits.fileBytesMax + 1))
        do { _ = try EdgeConfiguration.load(path: folder.path + "/big.yaml"); Issue.record("loaded") } catch {
            #expect(error.code == .tooLarge)
        }
    }
}
