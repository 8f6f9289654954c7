/// Quoting for the shell commands that error messages suggest, so that a command naming
/// a file with spaces or quotes in its name can be pasted as printed.
enum ShellQuoting {
    /// `path` as is when it holds only characters the shell leaves alone, else in single
    /// quotes (a single quote inside becomes `'\''`); `./` goes in front of a path that
    /// starts with `-`, which a command would take for an option.
    static func quoted(_ path: String) -> String {
        let text = path.hasPrefix("-") ? "./" + path : path
        if !text.isEmpty && text.unicodeScalars.allSatisfy(isPlain) { return text }
        var quoted = "'"
        for c in text { quoted += c == "'" ? "'\\''" : String(c) }
        return quoted + "'"
    }

    /// Characters the shell gives no meaning to in a word.
    static func isPlain(_ c: Unicode.Scalar) -> Bool {
        switch c {
        case "a"..."z", "A"..."Z", "0"..."9", "/", ".", "_", "-", "+", ":", "@", ",": return true
        default: return false
        }
    }
}
