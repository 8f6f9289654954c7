import KDeltaModel
import Testing

@Suite struct DisplayTextTests {
    @Test func longArgumentsAreShortenedAtACharacterBoundary() {
        #expect(DisplayText.shortened("21.5") == "21.5")
        let long = DisplayText.shortened(String(repeating: "x", count: 70_000))
        #expect(long.utf8.count == DisplayText.bytesMax && long.hasSuffix("..."))
        let wide = DisplayText.shortened(String(repeating: "ü", count: 100))
        #expect(wide.utf8.count <= DisplayText.bytesMax && wide.hasPrefix("üü") && wide.hasSuffix("..."))
    }

    @Test func controlCharactersNULsAndBidiControlsInEchoedInputAreEscaped() {
        #expect(DisplayText.escaped("21\0\0") == "21\\u0000\\u0000")
        #expect(DisplayText.escaped("a\u{1B}[31mb") == "a\\u001B[31mb")
        #expect(DisplayText.escaped("a\tb\nc\rd\u{7F}\u{85}") == "a\\tb\\nc\\rd\\u007F\\u0085")
        #expect(DisplayText.escaped("temp\u{202E}1") == "temp\\u202E1")
        #expect(DisplayText.escaped("\u{FEFF}x\u{200B}\u{2028}") == "\\uFEFFx\\u200B\\u2028")
        #expect(DisplayText.escaped("tag\u{E0041}") == "tag\\uDB40\\uDC41")
        // Visible text, non-ASCII included, stays as it is; escaping twice changes nothing.
        #expect(DisplayText.escaped("sensors/küche/temp 😀") == "sensors/küche/temp 😀")
        #expect(DisplayText.escaped(DisplayText.escaped("a\0b")) == "a\\u0000b")
        // Shortening never cuts an escape in two.
        let nuls = DisplayText.shortened(String(repeating: "\0", count: 40))
        #expect(nuls.utf8.count <= DisplayText.bytesMax && nuls.hasSuffix("\\u0000..."), "\(nuls)")
    }

    @Test func keyValueAndTimeErrorsEscapeWhatTheyEcho() {
        do { _ = try Key("a\u{1B}[2Jb") } catch {
            #expect(error.description.hasPrefix("key 'a\\u001B[2Jb' has a control character (U+001B) at byte 1"), "\(error)")
        }
        do { _ = try RFC3339.parseMs("2024-05-01\0") } catch {
            #expect(error.description.hasPrefix("'2024-05-01\\u0000' is not an RFC 3339 time"), "\(error)")
        }
        let bytes: [UInt8] = Array("21".utf8) + [0, 0, 0, 0]
        let error = bytes.withUnsafeBufferPointer { p -> ValueTextError? in
            do { _ = try Value.parse(textBytes: p); return nil } catch { return error as? ValueTextError }
        }
        #expect(error?.code == .nulByte)
        #expect(error?.description.hasPrefix("the value '21\\u0000\\u0000\\u0000\\u0000' has a NUL byte at byte 2") == true, "\(String(describing: error))")
    }
}
