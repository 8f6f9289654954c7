import KDeltaConfig
import Testing

/// Real YAML mistakes: each error names the file, line, column and setting, and says what
/// to do.
@Suite struct ConfigErrorTests {
    func error(_ text: String) -> ConfigError? {
        do {
            _ = try EdgeConfiguration.parse(text: text, source: "edge.yaml")
            return nil
        } catch {
            return error
        }
    }

    @Test func aMisspeltKeyIsNamedWithLineColumnAndADidYouMean() throws {
        let text = """
            storage:
              fsync: always
              hot-memory-budgt: 64MiB
            """
        let e = try #require(error(text))
        #expect(e.code == .unknownKey)
        #expect(e.line == 3)
        #expect(e.column == 3)
        #expect(e.path == "storage.hot-memory-budgt")
        #expect(e.message.hasPrefix("unknown key 'hot-memory-budgt' (did you mean 'hot-memory-budget'?)"), "\(e)")
        #expect(e.description.hasPrefix("edge.yaml:3:3: storage.hot-memory-budgt: unknown key"), "\(e)")
        #expect(e.description.hasSuffix("\n      hot-memory-budgt: 64MiB\n      ^"), "\(e)")
    }

    @Test(arguments: [
        ("storage:\n  hot_memory_budget: 1MiB\n", "hot-memory-budget"),
        ("storage:\n  hotMemoryBudget: 1MiB\n", "hot-memory-budget"),
        ("storage:\n  retention:\n    - match: a\n      keep-fro: 7d\n", "keep-for"),
        ("storage:\n  retention:\n    - match: a\n      evry: 1h\n", "every"),
        ("sync:\n  enable: true\n", "enabled"),
        ("data_dir: /x\n", "data-dir"),
    ])
    func didYouMeanFoldsCaseUnderscoresAndTypos(_ text: String, _ guess: String) throws {
        let e = try #require(error(text))
        #expect(e.code == .unknownKey)
        #expect(e.message.contains("(did you mean '\(guess)'?)"), "\(e)")
    }

    @Test func aKeyInTheWrongSectionSaysWhereItBelongs() throws {
        var e = try #require(error("fsync: always\n"))
        #expect(e.message.contains("(it belongs under storage:)"), "\(e)")
        e = try #require(error("storage:\n  keep-for: 7d\n"))
        #expect(e.message.contains("it belongs in a rule under retention:"), "\(e)")
        e = try #require(error("mqtt:\n  broker: localhost\n"))
        #expect(e.message.contains("the mqtt section is not read by this version"), "\(e)")
        #expect(e.line == 1 && e.column == 1)
    }

    @Test func tabsInIndentationAreASyntaxErrorWithAHint() throws {
        let text = "storage:\n\tfsync: always\n"
        let e = try #require(error(text))
        #expect(e.code == .syntax)
        #expect(e.line == 2)
        #expect(e.column == 1)
        #expect(e.message.contains("YAML does not allow tabs for indentation: indent with spaces"), "\(e)")
        #expect(e.description.hasSuffix("\n    \tfsync: always\n    ^"), "\(e)")
    }

    @Test func duplicateKeysNameBothLines() throws {
        let text = """
            storage:
              fsync: always
              disk-budget: 1GiB
              fsync: never
            """
        let e = try #require(error(text))
        #expect(e.code == .duplicateKey)
        #expect(e.line == 4 && e.column == 3)
        #expect(e.message.contains("'fsync' is given twice in storage (first on line 2)"), "\(e)")
    }

    @Test func duplicateSectionsAreRefusedToo() throws {
        let e = try #require(error("storage:\n  fsync: never\nstorage:\n  fsync: always\n"))
        #expect(e.code == .duplicateKey)
        #expect(e.line == 3)
    }

    @Test(arguments: [
        ("storage: 5\n", "storage", 1, 10),
        ("storage:\n  fsync:\n    - always\n", "storage.fsync", 3, 5),
        ("storage:\n  retention:\n    match: a\n", "storage.retention", 3, 5),
        ("storage:\n  retention:\n    - a/#\n", "storage.retention[1]", 3, 7),
        ("- storage\n", nil, 1, 1),
        ("storage:\n  retention:\n    - match: [a, b]\n      keep-for: 1d\n", "storage.retention[1].match", 3, 14),
    ] as [(String, String?, Int, Int)])
    func wrongTypesNameTheSettingAndWhatItMustBe(_ text: String, _ path: String?, _ line: Int, _ column: Int) throws {
        let e = try #require(error(text))
        #expect(e.code == .wrongType, "\(e)")
        #expect(e.path == path)
        #expect(e.line == line, "\(e)")
        #expect(e.column == column, "\(e)")
        #expect(e.message.contains("must be"), "\(e)")
    }

    @Test(arguments: [
        ("storage:\n  hot-memory-budget: 64M\n", 2, 24, "'M' is ambiguous"),
        ("storage:\n  hot-memory-budget: \"0.5 MiB\"\n", 2, 22, "hot-memory-budget 512KiB is outside 1MiB"),
        ("storage:\n  hot-memory-budget: 512KiB\n", 2, 22, "is outside 1MiB to 64GiB"),
        ("storage:\n  disk-budget: 10MiB\n", 2, 16, "which two WAL segments need"),
        ("storage:\n  on-disk-full: drop-oldst\n", 2, 17, "did you mean 'drop-oldest'?"),
        ("storage:\n  fsync: sometimes\n", 2, 10, "fsync 'sometimes' is not valid"),
        ("storage:\n  fsync:\n", 2, 9, "fsync has no value"),
        ("storage:\n  retention:\n    - match: a\n      keep-for: 7 days\n", 4, 19, "'days' is not a unit (write d for days)"),
        ("storage:\n  retention:\n    - match: a\n      keep-last: -5\n", 4, 18, "not a whole number"),
        ("storage:\n  retention:\n    - match: a\n      keep-last: 0\n", 4, 18, "keep-last 0 is outside 1 to"),
        ("storage:\n  retention:\n    - match: a\n      keep-for: 30s\n", 4, 17, "keep-for 30s is outside 1m to 100y"),
        ("sync:\n  enabled: yes\n", 2, 12, "write true (YAML 1.1 words"),
        ("data-dir: ~/kdelta\n", 1, 11, "is not expanded here"),
    ])
    func badValuesPointAtTheValue(_ text: String, _ line: Int, _ column: Int, _ fragment: String) throws {
        let e = try #require(error(text))
        #expect(e.code == .invalidValue || e.code == .missingValue, "\(e)")
        #expect(e.line == line, "\(e)")
        #expect(e.column == column, "\(e)")
        #expect(e.message.contains(fragment), "\(e)")
    }

    @Test func aBadPatternPointsAtTheOffendingCharacter() throws {
        let text = "storage:\n  retention:\n    - match: \"sensors/temp+/x\"\n      keep-for: 1d\n"
        let e = try #require(error(text))
        #expect(e.code == .invalidValue)
        #expect(e.line == 3)
        // The value starts at column 14 (its quote); '+' is the 13th character inside it.
        #expect(e.column == 27, "\(e)")
        #expect(e.message.contains("'+' inside segment 2 (byte 12)"), "\(e)")
        #expect(e.description.hasSuffix("    - match: \"sensors/temp+/x\"\n                              ^"), "\(e)")
    }

    @Test func anUnquotedHashIsACommentSoTheMatchIsEmpty() throws {
        let e = try #require(error("storage:\n  retention:\n    - match: #\n      keep-for: 1d\n"))
        #expect(e.code == .missingValue)
        #expect(e.message.contains("match has no value"), "\(e)")
    }

    @Test func unclosedQuotesAndBadIndentationAreSyntaxErrors() throws {
        var e = try #require(error("storage:\n  fsync: \"always\n"))
        #expect(e.code == .syntax)
        #expect(e.message.hasPrefix("the file is not valid YAML: "), "\(e)")
        e = try #require(error("storage:\n  fsync: always\n   disk-budget: 1GiB\n"))
        #expect(e.code == .syntax)
        #expect(e.line == 3, "\(e)")
    }

    @Test func twoDocumentsAreRefused() throws {
        let e = try #require(error("storage:\n  fsync: always\n---\nsync:\n  enabled: false\n"))
        #expect(e.code == .syntax)
    }

    @Test func mergeKeysAreNotSupported() throws {
        let e = try #require(error("base: &b\n  fsync: never\nstorage:\n  <<: *b\n"))
        #expect(e.code == .unknownKey)
        #expect(e.line == 1, "the first unknown key is base: \(e)")
        let e2 = try #require(error("storage:\n  <<: {fsync: never}\n"))
        #expect(e2.message.contains("YAML merge keys are not supported"), "\(e2)")
    }
}
