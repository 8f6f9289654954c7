import Foundation
import KDeltaIngest
import KDeltaModel
import Testing

@Suite struct BatchFileReaderTests {
    @Test func limitsAreConsistent() {
        IngestLimits.check()
        Limits.check()
    }

    @Test func extensionNamesTheFormat() {
        #expect(BatchFileFormat(pathExtensionOf: "a/b/data.csv") == .csv)
        #expect(BatchFileFormat(pathExtensionOf: "DATA.CSV") == .csv)
        #expect(BatchFileFormat(pathExtensionOf: "x.jsonl") == .jsonLines)
        #expect(BatchFileFormat(pathExtensionOf: "x.ndjson") == .jsonLines)
        #expect(BatchFileFormat(pathExtensionOf: "x.json") == .jsonLines)
        #expect(BatchFileFormat(pathExtensionOf: "x.txt") == nil)
        #expect(BatchFileFormat(pathExtensionOf: "-") == nil)
        #expect(BatchFileFormat(pathExtensionOf: "dir.csv/data") == nil)
    }

    @Test func firstNonBlankByteNamesTheFormat() {
        func detect(_ text: String) -> BatchFileFormat {
            Array(text.utf8).withUnsafeBytes { BatchFileFormat.detect(firstBytes: $0) }
        }
        #expect(detect("{\"key\":1}") == .jsonLines)
        #expect(detect("\u{FEFF}\n  \r\n\t{") == .jsonLines)
        #expect(detect("key,time,value") == .csv)
        #expect(detect("\"key\",value") == .csv)
        #expect(detect("") == .csv)
    }

    @Test func readerSniffsTheFormatWhenNotGiven() throws {
        let jsonText = "\n\n  {\"key\":\"a\",\"value\":1}\n"
        for chunk in [1, Int.max] {
            var json = try BatchFileReader(source: MemoryByteSource(jsonText, name: "-", chunkBytes: chunk))
            #expect(json.format == .jsonLines)
            #expect(try json.next(maxReadings: 10) == [Reading(key: key("a"), value: .double(1))])
            #expect(try json.next(maxReadings: 10) == nil)
            var csv = try BatchFileReader(source: MemoryByteSource("\u{FEFF}key,value\na,1\n", name: "-", chunkBytes: chunk))
            #expect(csv.format == .csv)
            #expect(try csv.next(maxReadings: 10) == [Reading(key: key("a"), value: .double(1))])
        }
        // A given format wins over the content.
        #expect(throws: BatchFileError.self) {
            _ = try BatchFileReader(source: MemoryByteSource(jsonText), format: .csv)
        }
    }

    @Test func fileSourceReadsAFileAndNamesAMissingOne() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kdelta-batch-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("data.txt").path
        try Data("{\"key\":\"a\",\"value\":1}\n".utf8).write(to: URL(fileURLWithPath: path))
        var reader = try BatchFileReader.open(path: path)
        #expect(reader.format == .jsonLines)
        #expect(try reader.next(maxReadings: 5)?.count == 1)

        let missing = dir.appendingPathComponent("nope.csv").path
        do {
            _ = try BatchFileReader.open(path: missing)
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .io)
            #expect(error.fileName == missing)
            #expect(error.message.contains("No such file or directory"))
            #expect(error.message.contains("check the path"))
        }
        do {
            var dirReader = try BatchFileReader.open(path: dir.path, format: .csv)
            _ = try dirReader.next(maxReadings: 1)
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .io)
            #expect(error.message.contains("give a file, not a directory"))
        }
    }

    @Test func demoDataFilesImportCompletely() throws {
        let demo = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../demo/data").standardizedFileURL
        var yosemite = try BatchFileReader.open(path: demo.appendingPathComponent("yosemite-air-temp.csv").path)
        var count = 0
        while let batch = try yosemite.next(maxReadings: 4096) { count += batch.count }
        #expect(count == 5000)
        var house = try BatchFileReader.open(path: demo.appendingPathComponent("house-rooms-2days.csv").path)
        var readings: [Reading] = []
        while let batch = try house.next(maxReadings: 4096) { readings += batch }
        #expect(readings.count == 1728)
        #expect(Set(readings.map(\.key)).count == 6)
        #expect(readings.first == Reading(key: key("sensors/house/kitchen/temp"), value: .double(19.89), sourceTimeMs: 1_452_531_600_000))
    }
}

/// `next(maxReadings:maxBytes:byteCount:)` and `nextLine`: what `put --batch` cuts its
/// batches by, and resumes a stopped import from.
@Suite struct BatchFileReaderBoundTests {
    /// Counts a reading as its value's text length, so a test can pick where calls stop.
    static func textBytes(_ r: Reading) -> Int {
        if case .string(let s) = r.value { return s.utf8.count }
        return 1
    }

    static func text(_ r: Reading) -> String {
        if case .string(let s) = r.value { return s }
        return "?"
    }

    @Test func aCallStopsBeforeTheReadingThatWouldGoOverTheByteBound() throws {
        let csv = "key,value\n\na,aaaa\na,bbbb\n\na,cccc\na,dddddddddd\na,e\n"
        var jsonl = ""
        for v in ["aaaa", "bbbb", "cccc", "dddddddddd", "e"] { jsonl += "{\"key\":\"a\",\"value\":\"\(v)\"}\n\n" }
        for chunk in [1, 7, Int.max] {
            for (text, format) in [(csv, BatchFileFormat.csv), (jsonl, .jsonLines)] {
                var reader = try BatchFileReader(source: MemoryByteSource(text, chunkBytes: chunk), format: format)
                var calls: [[String]] = []
                while let batch = try reader.next(maxReadings: 10, maxBytes: 9, byteCount: Self.textBytes) {
                    calls.append(batch.map(Self.text))
                }
                // 4 + 4 fit in 9; a reading over the bound alone still comes, in a call of its own.
                #expect(calls == [["aaaa", "bbbb"], ["cccc"], ["dddddddddd"], ["e"]], "\(format) chunk \(chunk)")
            }
        }
    }

    @Test func nextLineIsTheFirstLineNotYetReturned() throws {
        // Line 1 header, 2 blank, 3-4 readings, 5 a quoted value over two lines, 7 a reading.
        let text = "key,value\n\na,1\na,2\na,\"x\ny\"\na,3\n"
        for chunk in [1, Int.max] {
            var reader = try BatchFileReader(source: MemoryByteSource(text, chunkBytes: chunk), format: .csv)
            #expect(reader.nextLine == 2)
            #expect(try reader.next(maxReadings: 2)?.count == 2)
            #expect(reader.nextLine == 5)
            #expect(try reader.next(maxReadings: 1)?.count == 1)
            #expect(reader.nextLine == 7)
            #expect(try reader.next(maxReadings: 5)?.count == 1)
            #expect(try reader.next(maxReadings: 5) == nil)
        }
        var json = try BatchFileReader(source: MemoryByteSource("{\"key\":\"a\",\"value\":1}\n\n{\"key\":\"a\",\"value\":2}\n"), format: .jsonLines)
        #expect(json.nextLine == 1)
        #expect(try json.next(maxReadings: 1)?.count == 1)
        #expect(json.nextLine == 2)
        #expect(try json.next(maxReadings: 1)?.count == 1)
        #expect(json.nextLine == 4)
    }

    @Test func aByteBoundedCallLeavesNextLineOnTheReadingItLeftOut() throws {
        var reader = try BatchFileReader(source: MemoryByteSource("key,value\na,aaaa\na,bbbbbb\n"), format: .csv)
        #expect(try reader.next(maxReadings: 10, maxBytes: 8, byteCount: Self.textBytes)?.count == 1)
        #expect(reader.nextLine == 3)
    }
}
