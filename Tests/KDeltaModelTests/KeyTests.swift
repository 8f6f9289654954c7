import KDeltaModel
import Testing

@Suite struct KeyTests {
    @Test(arguments: ["sensors/greenhouse/temp1", "a", "zigbee2mqtt/0x00158d0001a2b3c4/temperature",
                      "sensors/küche/temp", "home/.hidden/x", "a-b_c.d:e@f"])
    func validKeysAreAccepted(_ text: String) throws {
        #expect(try Key(text).rawValue == text)
    }

    @Test func emptyKeyIsRefused() {
        #expect(throws: KeyError(code: .empty, text: "")) { try Key("") }
    }

    @Test func errorNamesTheOffendingCharacterAndItsByteOffset() {
        do {
            _ = try Key("sensors/a b")
            Issue.record("accepted a space")
        } catch {
            #expect(error.code == .forbiddenCharacter)
            #expect(error.byteOffset == 9)
            #expect(error.description.contains("a space (U+0020) at byte 9"))
        }
    }

    @Test(arguments: [("a/*", 2), ("a/#", 2), ("a+b", 1), ("a?", 1), ("a\"b", 1), ("a\\b", 1), ("a\tb", 1), ("a\u{7}", 1), ("x\u{2003}y", 1)])
    func wildcardsControlCharactersAndWhitespaceAreRefused(_ text: String, _ offset: Int) {
        #expect(throws: KeyError.self) { try Key(text) }
        do { _ = try Key(text) } catch { #expect(error.byteOffset == offset) }
    }

    @Test(arguments: ["/a", "a/", "a//b"])
    func emptySegmentsAreRefused(_ text: String) {
        do { _ = try Key(text); Issue.record("accepted \(text)") } catch { #expect(error.code == .emptySegment) }
    }

    @Test(arguments: [".", "a/..", "./a", "a/./b"])
    func dotSegmentsAreRefused(_ text: String) {
        do { _ = try Key(text); Issue.record("accepted \(text)") } catch { #expect(error.code == .dotSegment) }
    }

    @Test func keysAtTheByteLimitAreAcceptedAndOneMoreIsRefused() throws {
        let max = String(repeating: "k", count: Limits.keyBytesMax)
        #expect(try Key(max).rawValue.utf8.count == Limits.keyBytesMax)
        do { _ = try Key(max + "k"); Issue.record("accepted") } catch {
            #expect(error.code == .tooLong)
            #expect(error.description.contains("\(Limits.keyBytesMax + 1) bytes"))
        }
        // Multi-byte characters count in bytes, not characters.
        do { _ = try Key(String(repeating: "ü", count: 129)); Issue.record("accepted") } catch { #expect(error.code == .tooLong) }
    }

    @Test func segmentLimitIsEnforced() throws {
        let ok = Array(repeating: "s", count: Limits.keySegmentsMax).joined(separator: "/")
        _ = try Key(ok)
        do { _ = try Key(ok + "/s"); Issue.record("accepted") } catch { #expect(error.code == .tooManySegments) }
    }

    @Test func namespaceIsEverythingBeforeTheLastSlash() throws {
        #expect(try Key("sensors/greenhouse/temp1").namespace == "sensors/greenhouse")
        #expect(try Key("temp").namespace == "")
    }

    /// Bidi controls reorder how a terminal shows what follows them, so `keys` could show
    /// a spoofed name (`temp\u{202E}1pmet`); each class of them is refused, by its code
    /// point, without printing the character itself.
    @Test(arguments: [
        ("Arabic letter mark", [0x061C]), ("marks", [0x200E, 0x200F]),
        ("embeddings and overrides", [0x202A, 0x202B, 0x202C, 0x202D, 0x202E]),
        ("isolates", [0x2066, 0x2067, 0x2068, 0x2069]),
    ])
    func bidiControlsAreRefusedInKeys(_ name: String, _ codes: [UInt32]) {
        for code in codes {
            let scalar = Unicode.Scalar(code)!
            do {
                _ = try Key("sensors/temp\(Character(scalar))1")
                Issue.record("\(name): accepted U+\(String(code, radix: 16))")
            } catch {
                #expect(error.code == .forbiddenCharacter)
                #expect(error.byteOffset == 12)
                #expect(error.description.contains("a bidirectional control character (\(DisplayText.codePoint(scalar))) at byte 12"), "\(error)")
                #expect(!error.description.unicodeScalars.contains(scalar), "the message reorders the terminal: \(name)")
            }
        }
        // Zero-width joiners stay allowed (emoji sequences, Persian), as before.
        #expect((try? Key("sensors/\u{200C}\u{200D}")) != nil)
    }
}
