import KDeltaModel

/// The command line's arguments as the bytes the shell passed. Swift's
/// `CommandLine.arguments` decodes them with repair, so a key with a byte that is not
/// UTF-8 (`$'sensors/\xff'`) would reach `put` as U+FFFD, and two different keys would
/// merge into one series; `put --batch` refuses the same bytes in a file. So an argument
/// that is not UTF-8 is refused before any command runs, whatever it is (a key, a value, a
/// path that Swift could not open under its real name either).
enum ArgumentBytes {
    /// The message for the first argument that is not well-formed UTF-8; nil when all are.
    static func firstInvalidUTF8() -> String? {
        let argv = CommandLine.unsafeArgv
        for i in stride(from: 1, to: Int(CommandLine.argc), by: 1) {
            guard let arg = argv[i] else { continue }
            var length = 0
            while arg[length] != 0 { length += 1 }
            let problem = arg.withMemoryRebound(to: UInt8.self, capacity: length) { p in
                message(argument: i, UnsafeBufferPointer(start: p, count: length))
            }
            if let problem { return problem }
        }
        return nil
    }

    /// The message for argument `index` (from 1) when its bytes are not UTF-8.
    static func message(argument index: Int, _ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        let decoded = String(decoding: bytes, as: UTF8.self)
        guard let bad = Value.firstInvalidUTF8Offset(bytes, decoded: decoded) else { return nil }
        let before = String(decoding: UnsafeBufferPointer(rebasing: bytes[0..<bad]), as: UTF8.self)
        return "argument \(index) ('\(DisplayText.shortened(before))' and then the byte 0x\(hex(bytes[bad]))) is not valid UTF-8 at byte \(bad); kdelta-edge reads keys, values and paths as UTF-8 and does not guess what such a byte means (as U+FFFD, two different keys would merge): convert it to UTF-8, for example with iconv -f latin1 -t utf-8"
    }

    /// Two upper-case hex digits.
    static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        return String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 15)]], as: UTF8.self)
    }
}
