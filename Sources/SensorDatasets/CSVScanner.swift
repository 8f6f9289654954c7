/// Splits CSV text (RFC 4180: commas, double-quoted cells with `""` escapes, LF or CRLF
/// line ends) into rows of cells, without copying: a cell is a range of the text.
struct CSVScanner {
    /// One cell: its bytes are `start..<end` of the text; `escaped` when it held `""`
    /// inside quotes (then `text(of:)` unescapes).
    struct Cell {
        var start: Int
        var end: Int
        var escaped: Bool
    }

    let bytes: UnsafeBufferPointer<UInt8>
    /// Where the next row starts.
    private(set) var position = 0
    /// The 1-based line number of the row last returned.
    private(set) var line = 0
    private var nextLine = 1

    init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    /// Reads the next non-blank row into `cells`; false at the end of the text.
    mutating func nextRow(into cells: inout [Cell]) throws(SensorDataError) -> Bool {
        let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), lf = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")
        while position < bytes.count {
            cells.removeAll(keepingCapacity: true)
            line = nextLine
            var i = position
            var rowEnded = false
            while !rowEnded {
                if i < bytes.count && bytes[i] == quote {
                    var j = i + 1
                    var escaped = false
                    while true {
                        guard j < bytes.count else { throw SensorDataError("line \(line): a quoted cell is not closed") }
                        if bytes[j] == quote {
                            if j + 1 < bytes.count && bytes[j + 1] == quote {
                                escaped = true
                                j += 2
                                continue
                            }
                            break
                        }
                        if bytes[j] == lf { nextLine += 1 }
                        j += 1
                    }
                    cells.append(Cell(start: i + 1, end: j, escaped: escaped))
                    i = j + 1
                    while i < bytes.count && bytes[i] != comma && bytes[i] != lf { i += 1 }
                } else {
                    var j = i
                    while j < bytes.count && bytes[j] != comma && bytes[j] != lf { j += 1 }
                    var end = j
                    if end > i && bytes[end - 1] == cr { end -= 1 }
                    cells.append(Cell(start: i, end: end, escaped: false))
                    i = j
                }
                if i >= bytes.count || bytes[i] == lf {
                    rowEnded = true
                    nextLine += 1
                }
                i += 1
            }
            position = min(i, bytes.count)
            if cells.count == 1 && cells[0].start == cells[0].end { continue }
            return true
        }
        return false
    }

    /// A cell's text, unescaped and with surrounding spaces removed.
    func text(of cell: Cell) -> String {
        var s = String(decoding: UnsafeBufferPointer(rebasing: bytes[cell.start..<cell.end]), as: UTF8.self)
        if cell.escaped { s = s.split(separator: "\"\"", omittingEmptySubsequences: false).joined(separator: "\"") }
        while s.first == " " { s.removeFirst() }
        while s.last == " " || s.last == "\r" { s.removeLast() }
        return s
    }
}
