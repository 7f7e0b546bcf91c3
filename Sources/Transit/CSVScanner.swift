#if canImport(Glibc)
import Glibc
#endif

/// A streaming RFC 4180 CSV parser: bytes are pushed in chunks of any size (a file read in
/// blocks, a zip entry inflated in blocks) and each complete row is handed to the caller as
/// it ends, so a table of millions of rows (GTFS `stop_times.txt`) never sits in memory.
///
/// What it accepts, as GTFS feeds are written in practice: a UTF-8 byte order mark before the
/// first row; LF or CRLF line ends (a CR outside quotes is dropped); quoted fields with `""`
/// for a quote and with commas and line breaks inside; empty lines (skipped). A quote inside
/// an unquoted field is kept as text (pandas does the same); text after a closing quote, and
/// a quote still open at the end of the input, make the row malformed: it is handed on with
/// `problem` set, so that the caller rejects it with its line instead of losing it.
public struct CSVScanner {
    enum State { case fieldStart, unquoted, quoted, quoteInQuoted }

    private var row: [UInt8] = []
    private var ends: [Int] = []
    private var state = State.fieldStart
    private var atFileStart = true
    private var bomBytesSeen = 0
    private var problem: String?
    /// The physical line (1-based) the current row started on, and the line being read.
    private var rowLine = 1
    private var line = 1

    public init() {
        row.reserveCapacity(256)
        ends.reserveCapacity(16)
    }

    /// A scanner that starts inside a file, at the start of a row on physical line `line`
    /// (no byte order mark is looked for): for a piece of a file cut at a line end.
    init(continuingAt line: Int) {
        self.init()
        atFileStart = false
        self.line = line
        rowLine = line
    }

    /// The physical line being read (1-based): one more than the line ends seen so far,
    /// counted from the line the scanner started at.
    var currentLine: Int { line }

    /// Parses `bytes`, calling `body` for each row that ends inside them.
    public mutating func feed(_ bytes: UnsafeRawBufferPointer, _ body: (borrowing CSVRow) throws -> Void) throws {
        try withoutActuallyEscaping(body) { body in
            var handler = ClosureHandler(body: body)
            try feed(bytes, into: &handler)
        }
    }

    /// Ends the input: a last row without a line end is handed on.
    public mutating func finish(_ body: (borrowing CSVRow) throws -> Void) throws {
        try withoutActuallyEscaping(body) { body in
            var handler = ClosureHandler(body: body)
            try finish(into: &handler)
        }
    }

    /// Parses `bytes`, handing each row that ends inside them to `handler` (a generic handler
    /// is specialised into the scanning loop: the fast path for millions of rows).
    public mutating func feed<H: CSVRowHandler>(_ bytes: UnsafeRawBufferPointer, into body: inout H) throws {
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
        var i = 0
        let n = bytes.count
        if atFileStart {
            // The byte order mark EF BB BF, possibly split over chunks.
            let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
            while bomBytesSeen < 3, i < n, base[i] == bom[bomBytesSeen] { bomBytesSeen += 1; i += 1 }
            if i < n || bomBytesSeen == 3 {
                if bomBytesSeen > 0 && bomBytesSeen < 3 { row.append(contentsOf: bom[0..<bomBytesSeen]); state = .unquoted }
                atFileStart = false
            }
        }
        while i < n {
            if state == .fieldStart, row.isEmpty, ends.isEmpty {
                // The fast path: whole rows inside this block without quotes or inner CRs are
                // handed on in place (no copy); any other row takes the general path below.
                while i < n {
                    guard let newline = memchr(base + i, 0x0A, n - i) else { break }
                    let j = UnsafePointer(newline.assumingMemoryBound(to: UInt8.self)) - base
                    var end = j
                    if end > i, base[end - 1] == 0x0D { end -= 1 }
                    let length = end - i
                    if length > 0, memchr(base + i, 0x22, length) != nil || memchr(base + i, 0x0D, length) != nil { break }
                    if length > 0 {
                        var k = i
                        while k < end, let comma = memchr(base + k, 0x2C, end - k) {
                            let p = UnsafePointer(comma.assumingMemoryBound(to: UInt8.self)) - base
                            ends.append(p - i)
                            k = p + 1
                        }
                        ends.append(length)
                        let startLine = rowLine
                        try ends.withUnsafeBufferPointer { e in
                            try body.handle(CSVRow(bytes: UnsafeBufferPointer(start: base + i, count: length), ends: e, gap: 1, line: startLine, problem: nil))
                        }
                        ends.removeAll(keepingCapacity: true)
                    }
                    i = j + 1
                    line += 1
                    rowLine = line
                }
                if i >= n { break }
            }
            switch state {
            case .fieldStart, .unquoted:
                // The fast path: copy the run up to the next special byte.
                var j = i
                if state == .fieldStart, base[j] == UInt8(ascii: "\"") {
                    state = .quoted
                    i += 1
                    continue
                }
                while j < n {
                    let b = base[j]
                    if b == 0x2C || b == 0x0A || b == 0x0D { break }
                    j += 1
                }
                if j > i {
                    row.append(contentsOf: UnsafeBufferPointer(start: base + i, count: j - i))
                    state = .unquoted
                }
                i = j
                guard i < n else { break }
                let b = base[i]
                i += 1
                switch b {
                case 0x2C: ends.append(row.count); state = .fieldStart
                case 0x0D: break
                default:
                    try endRow(&body)
                    line += 1
                    rowLine = line
                }
            case .quoted:
                var j = i
                while j < n, base[j] != UInt8(ascii: "\"") {
                    if base[j] == 0x0A { line += 1 }
                    j += 1
                }
                if j > i { row.append(contentsOf: UnsafeBufferPointer(start: base + i, count: j - i)) }
                i = j
                if i < n { state = .quoteInQuoted; i += 1 }
            case .quoteInQuoted:
                let b = base[i]
                i += 1
                switch b {
                case UInt8(ascii: "\""): row.append(b); state = .quoted
                case 0x2C: ends.append(row.count); state = .fieldStart
                case 0x0D: state = .unquoted
                case 0x0A:
                    try endRow(&body)
                    line += 1
                    rowLine = line
                default:
                    if problem == nil { problem = "text after the closing quote of field \(ends.count + 1)" }
                    row.append(b)
                    state = .unquoted
                }
            }
        }
    }

    /// Ends the input: a last row without a line end is handed on.
    public mutating func finish<H: CSVRowHandler>(into body: inout H) throws {
        if state == .quoted {
            problem = problem ?? "a quote opened on line \(rowLine) is never closed"
        }
        if state != .fieldStart || !ends.isEmpty || !row.isEmpty { try endRow(&body) }
    }

    private mutating func endRow<H: CSVRowHandler>(_ body: inout H) throws {
        if state == .fieldStart && ends.isEmpty && row.isEmpty {
            state = .fieldStart   // an empty line
            return
        }
        ends.append(row.count)
        try row.withUnsafeBufferPointer { bytes in
            try ends.withUnsafeBufferPointer { ends in
                try body.handle(CSVRow(bytes: bytes, ends: ends, gap: 0, line: rowLine, problem: problem))
            }
        }
        row.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
        problem = nil
        state = .fieldStart
    }
}

/// What receives the rows of a ``CSVScanner``.
public protocol CSVRowHandler {
    mutating func handle(_ row: borrowing CSVRow) throws
}

struct ClosureHandler: CSVRowHandler {
    let body: (borrowing CSVRow) throws -> Void
    func handle(_ row: borrowing CSVRow) throws { try body(row) }
}

/// One row of a CSV file, valid only inside the callback that receives it.
public struct CSVRow: ~Copyable {
    let bytes: UnsafeBufferPointer<UInt8>
    let ends: UnsafeBufferPointer<Int>
    /// Bytes between a field's end and the next one's start: 1 where the row is the input's
    /// own bytes (the comma is there), 0 where it was copied without separators.
    let gap: Int
    /// The line (1-based) the row starts on.
    public let line: Int
    /// Why the row is malformed (a stray or unclosed quote), nil when it is well formed.
    public let problem: String?

    /// The number of fields.
    public var count: Int { ends.count }

    /// The bytes of field `i` (empty when the row has fewer fields).
    @inline(__always)
    public func field(_ i: Int) -> UnsafeBufferPointer<UInt8> {
        guard i >= 0, i < ends.count else { return UnsafeBufferPointer(start: nil, count: 0) }
        let start = i == 0 ? 0 : ends[i - 1] + gap
        return UnsafeBufferPointer(rebasing: bytes[start..<ends[i]])
    }

    /// Field `i` as text (surrounding spaces kept).
    public func string(_ i: Int) -> String { String(decoding: field(i), as: UTF8.self) }

    /// Field `i` as text without surrounding spaces and tabs.
    public func trimmed(_ i: Int) -> String {
        var f = field(i)[...]
        while let b = f.first, b == 0x20 || b == 0x09 { f = f.dropFirst() }
        while let b = f.last, b == 0x20 || b == 0x09 { f = f.dropLast() }
        return String(decoding: f, as: UTF8.self)
    }
}
