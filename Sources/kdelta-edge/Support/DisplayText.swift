/// An argument shown back in an error message, cut so that one long argument (a 64 KiB
/// value) does not flood the terminal: the message only has to let the user recognise it.
enum DisplayText {
    /// The most bytes of an argument a message shows, as `KeyError` shows of a key.
    static let bytesMax = 80

    /// `text` itself when it is at most `bytesMax` UTF-8 bytes, else its first characters
    /// and `...`, `bytesMax` bytes in all.
    static func shortened(_ text: String) -> String {
        guard text.utf8.count > bytesMax else { return text }
        var out = ""
        var bytes = 0
        for c in text {
            let n = c.utf8.count
            if bytes + n > bytesMax - 3 { break }
            out.append(c)
            bytes += n
        }
        return out + "..."
    }
}
