/// Text from the user (an argument, a line of a file) shown back in a message: cut so
/// that one long argument (a 64 KiB value) does not flood the terminal, and with every
/// character a terminal would not show as itself escaped, so that a message can neither
/// hide what was wrong nor act on the terminal (an escape sequence, a NUL, a bidi override
/// that reverses the rest of the line).
///
/// Every message that echoes input goes through `escaped` or `shortened`: `KeyError`,
/// `ValueTextError`, `TextParseError`, `BatchFileError`, and the command line's own
/// messages (its `printError` escapes every line it writes).
public enum DisplayText {
    /// The most bytes of an argument a message shows, as `KeyError` shows of a key.
    public static let bytesMax = 80

    /// `text` with the characters a terminal does not show as themselves written as a
    /// JSON string escapes them: `\t`, `\n`, `\r`, and `\u0000` for the other control
    /// characters (C0, DEL, C1), the format characters (bidi controls such as U+202E,
    /// zero-width characters, U+FEFF) and the line and paragraph separators. JSON's form,
    /// so that the text can be pasted into a JSON-quoted value as it is shown. Every other
    /// character is left as it is, so escaping is idempotent.
    public static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isHidden) else { return text }
        var out = ""
        for scalar in text.unicodeScalars { out += piece(scalar) }
        return out
    }

    /// `escaped(text)` when it is at most `bytesMax` UTF-8 bytes, else its first
    /// characters and `...`, `bytesMax` bytes in all (an escape is never cut in two).
    public static func shortened(_ text: String, bytesMax: Int = DisplayText.bytesMax) -> String {
        precondition(bytesMax >= 16, "a shortened text keeps at least 16 bytes, got \(bytesMax)")
        let shown = escaped(text)
        guard shown.utf8.count > bytesMax else { return shown }
        var out = ""
        var bytes = 0
        for scalar in text.unicodeScalars {
            let p = piece(scalar)
            let n = p.utf8.count
            if bytes + n > bytesMax - 3 { break }
            out += p
            bytes += n
        }
        return out + "..."
    }

    /// Whether a terminal shows `scalar` as something other than itself: a control
    /// character (Cc), a format character (Cf: bidi controls, zero-width characters,
    /// U+FEFF, the soft hyphen) or a line or paragraph separator (Zl, Zp).
    public static func isHidden(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) { return true }
        if scalar.value < 0xA0 { return false }
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator: return true
        default: return false
        }
    }

    /// `U+0041` for `A`: how messages name a character (four hex digits at least).
    public static func codePoint(_ scalar: Unicode.Scalar) -> String {
        "U+" + hex(scalar.value, digits: 4)
    }

    /// The scalar as `escaped` shows it.
    static func piece(_ scalar: Unicode.Scalar) -> String {
        guard isHidden(scalar) else { return String(Character(scalar)) }
        switch scalar {
        case "\t": return "\\t"
        case "\n": return "\\n"
        case "\r": return "\\r"
        default:
            guard scalar.value > 0xFFFF else { return "\\u" + hex(scalar.value, digits: 4) }
            // Above the BMP, as JSON writes it: a surrogate pair.
            let v = scalar.value - 0x10000
            return "\\u" + hex(0xD800 + (v >> 10), digits: 4) + "\\u" + hex(0xDC00 + (v & 0x3FF), digits: 4)
        }
    }

    /// `value` in upper-case hex, zero-padded to `digits`.
    static func hex(_ value: UInt32, digits: Int) -> String {
        let text = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
