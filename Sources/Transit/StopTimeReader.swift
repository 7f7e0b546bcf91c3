import Dispatch
import GeoCore
#if canImport(Glibc)
import Glibc
#endif

/// Reads stop_times.txt for a ``StopTimePass`` on all cores while keeping its memory bounded:
/// the stream is cut into pieces of about ``pieceBytes`` at line ends, the pieces are parsed
/// on worker threads (``StopTimeParser``: fields, ids, times, rejects) and the parsed rows are
/// applied to the pass on the calling thread in file order, so the counts, the rejects and
/// their lines are exactly those of one sequential pass.
///
/// A line end is a row end only outside quotes; a piece is therefore handed to a worker only
/// when it holds no quote character at all (GTFS stop_times are almost never quoted). From
/// the first piece with a quote on, the rest of the file is scanned on the calling thread as
/// one stream, as are files of a single piece (a small feed gains nothing from threads) and
/// runs limited to one core. At most ``piecesInFlight`` pieces are held at a time.
struct StopTimeReader {
    /// The size a piece is cut at (the next line end before it); a longer row makes its piece
    /// longer. 256 KiB: thousands of rows, so handing a piece on costs nothing beside parsing
    /// it, and the pieces in flight hold about a megabyte.
    var pieceBytes = 256 << 10
    /// Threads that parse pieces; 1 reads the whole file on the calling thread.
    var workers = Cores.available
    /// Pieces read and not yet applied, at most.
    var piecesInFlight: Int { 2 * workers }
    /// The block the source is read in.
    var blockSize = 256 << 10

    /// A piece of the file and, once a worker is done with it, its parsed rows.
    private final class Piece: @unchecked Sendable {
        var bytes: [UInt8] = []
        var isLast = false
        var parser: StopTimeParser?
        /// Line ends in the piece (its rows' lines are counted from 1 at its start).
        var lineEnds = 0
        let parsed = DispatchSemaphore(value: 0)

        init(capacity: Int) { bytes.reserveCapacity(capacity) }

        /// Runs on a worker thread.
        func parse(_ layout: StopTimeLayout) {
            // The parser of the piece's last use, its arrays kept (moved out: no copy on write).
            var parser = self.parser.take() ?? StopTimeParser(layout: layout)
            parser.rows = 0
            parser.parsed.removeAll(keepingCapacity: true)
            parser.rejects.removeAll(keepingCapacity: true)
            var scanner = CSVScanner(continuingAt: 1)
            bytes.withUnsafeBytes { all in
                // The handler throws nothing, so neither does the scanner.
                try? scanner.feed(all, into: &parser)
                if isLast { try? scanner.finish(into: &parser) }
            }
            lineEnds = scanner.currentLine - 1
            self.parser = parser
        }
    }

    /// Streams `file` of `source` into `pass`.
    func read(_ file: String, of source: GTFSSource, into pass: inout StopTimePass) throws {
        enum Phase {
            /// Bytes gather into the first piece, whose rows (the header first) are read here.
            case first
            /// Pieces go to the workers.
            case parallel
            /// Every byte goes through `scanner` on this thread, in order.
            case sequential
        }
        var phase = workers > 1 ? Phase.first : .sequential
        /// The scanner of the bytes read on this thread: from the file's start in the phases
        /// `first` and `sequential`, and from the first quoted piece on after `parallel`.
        var scanner = CSVScanner()
        let queue = DispatchQueue.global(qos: .userInitiated)
        var inFlight: [Piece] = []
        var spare: [Piece] = []
        /// The line the next piece to apply starts on.
        var nextLine = 1
        var current = Piece(capacity: phase == .sequential ? 0 : pieceBytes + blockSize)
        defer { for piece in inFlight { piece.parsed.wait() } }

        func applyOldest() {
            let piece = inFlight.removeFirst()
            piece.parsed.wait()
            pass.apply(piece.parser!, lineOffset: nextLine - 1)
            nextLine += piece.lineEnds
            piece.bytes.removeAll(keepingCapacity: true)
            spare.append(piece)
        }

        /// Hands the first `end` bytes of the current piece to a worker; the rest starts the next.
        func dispatch(upTo end: Int, isLast: Bool) {
            let next = spare.popLast() ?? Piece(capacity: pieceBytes + blockSize)
            next.bytes.append(contentsOf: current.bytes[end...])
            current.bytes.removeSubrange(end...)
            let piece = current
            current = next
            piece.isLast = isLast
            let layout = pass.layout!
            inFlight.append(piece)
            queue.async {
                piece.parse(layout)
                piece.parsed.signal()
            }
            while inFlight.count >= piecesInFlight { applyOldest() }
        }

        /// Scans the current piece's bytes on this thread.
        func scanCurrent(upTo end: Int) throws {
            try current.bytes.withUnsafeBytes { try scanner.feed(UnsafeRawBufferPointer(rebasing: $0[..<end]), into: &pass) }
            current.bytes.removeSubrange(..<end)
        }

        func hasQuote(upTo end: Int) -> Bool {
            current.bytes.withUnsafeBytes { b in end > 0 && memchr(b.baseAddress!, 0x22, end) != nil }
        }

        /// The current piece, long enough: cut at its last line end and read or handed on.
        func cut() throws {
            let count = current.bytes.count
            var end = count
            current.bytes.withUnsafeBufferPointer { b in
                while end > 0, b[end - 1] != 0x0A { end -= 1 }
            }
            guard end > 0 else { return }   // one row longer than a piece: read on
            switch phase {
            case .first:
                let quoted = hasQuote(upTo: end)
                try scanCurrent(upTo: end)
                if quoted || pass.layout == nil {
                    // A quote may hold a line end, so the rest stays on this thread.
                    phase = .sequential
                    try scanCurrent(upTo: current.bytes.count)
                } else {
                    phase = .parallel
                    nextLine = scanner.currentLine
                }
            case .parallel:
                if hasQuote(upTo: end) {
                    while !inFlight.isEmpty { applyOldest() }
                    scanner = CSVScanner(continuingAt: nextLine)
                    phase = .sequential
                    try scanCurrent(upTo: current.bytes.count)
                } else {
                    dispatch(upTo: end, isLast: false)
                }
            case .sequential:
                break
            }
        }

        try source.stream(file, blockSize: blockSize) { block in
            if phase == .sequential {
                try scanner.feed(block, into: &pass)
                return
            }
            current.bytes.append(contentsOf: block)
            if current.bytes.count >= pieceBytes { try cut() }
        }
        switch phase {
        case .first, .sequential:
            try scanCurrent(upTo: current.bytes.count)
        case .parallel:
            let count = current.bytes.count
            if count > 0, !hasQuote(upTo: count) {
                dispatch(upTo: count, isLast: true)
            } else {
                while !inFlight.isEmpty { applyOldest() }
                scanner = CSVScanner(continuingAt: nextLine)
                try scanCurrent(upTo: count)
            }
        }
        while !inFlight.isEmpty { applyOldest() }
        try scanner.finish(into: &pass)
    }
}
