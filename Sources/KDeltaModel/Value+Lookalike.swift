/// Text that a terminal shows like another value: `' 21.5'` and `'21.5\0\0'` print as
/// `21.5`, yet they are text, which every aggregation skips. `Value.description` shows such
/// text JSON-quoted (`" 21.5"`, `"21.5\u0000\u0000"`) and `Value.parse(argument:)` refuses
/// blanks around a number typed on the command line.
extension Value {
    /// Whether `scalar` shows as nothing or as white space: whitespace, control and format
    /// characters (`DisplayText.isHidden`).
    static func isBlank(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isWhitespace || DisplayText.isHidden(scalar)
    }

    /// `text` without the blanks at its ends.
    static func trimmingBlanks(_ text: Substring) -> Substring {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !isBlank($0) }) else { return text[text.endIndex...] }
        let last = scalars.lastIndex(where: { !isBlank($0) })!
        return text[first...last]
    }

    /// What a terminal shows of `text`: without the blanks at its ends and without the
    /// characters it hides anywhere.
    static func visibleText(_ text: String) -> String {
        var out = ""
        out.unicodeScalars.append(contentsOf: trimmingBlanks(Substring(text)).unicodeScalars.lazy.filter { !DisplayText.isHidden($0) })
        return out
    }

    /// Whether `text` reads as something other than the plain text `same` (a number, a
    /// bool, JSON, a JSON-quoted string), or not at all (empty).
    static func reads(_ text: Substring, asOtherThan same: Substring) -> Bool {
        guard case .string(let s) = try? parse(text: String(text)) else { return true }
        return s != same
    }

    /// Whether the text value `text` would print like another value, or like nothing: what
    /// a terminal shows of it (`visibleText`) differs from it and reads as a number, a bool,
    /// JSON or nothing. Such text prints JSON-quoted.
    public static func textLooksLikeAnotherValue(_ text: String) -> Bool {
        guard text.unicodeScalars.contains(where: isBlank) else { return false }
        let visible = visibleText(text)
        guard visible != text else { return false }
        return reads(Substring(visible), asOtherThan: Substring(visible))
    }
}
