import Dispatch
#if canImport(Glibc)
import Glibc
#endif
import GeoCore

/// Progress on standard error: a live bar with counts and rate on a terminal, a plain line
/// every few seconds otherwise (logs, CI), nothing with `--quiet`.
final class Progress: @unchecked Sendable {
    private let quiet: Bool
    private let live: Bool
    private let label: String
    private let total: Int?
    private let start = DispatchTime.now()
    private var last = DispatchTime.now()
    private let lock = Locked(())

    init(_ label: String, total: Int?, quiet: Bool) {
        self.label = label
        self.total = total
        self.quiet = quiet
        live = isatty(2) == 1
    }

    /// A message line (never hidden by the bar).
    func say(_ text: String) {
        guard !quiet else { return }
        lock.withLock { _ in
            if live { printError("\r\u{1B}[K" + text) } else { printError(text) }
        }
    }

    /// `done` items so far.
    func update(_ done: Int) {
        guard !quiet else { return }
        lock.withLock { _ in
            let now = DispatchTime.now()
            let sinceLast = Double(now.uptimeNanoseconds - last.uptimeNanoseconds) / 1e9
            guard sinceLast >= (live ? 0.1 : 5) else { return }
            last = now
            let seconds = Double(now.uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
            let rate = seconds > 0 ? Double(done) / seconds : 0
            var line = "\(label): \(grouped(done))"
            if let total, total > 0 {
                let share = min(1, Double(done) / Double(total))
                let width = 24, filled = Int(share * Double(width))
                line = "\(label) [" + String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled) + "] "
                    + "\(grouped(done))/\(grouped(total))"
            }
            line += " (\(grouped(Int(rate)))/s)"
            if live {
                var bytes = Array(("\r\u{1B}[K" + line).utf8)
                _ = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress!, $0.count) }
            } else {
                printError(line)
            }
        }
    }

    /// Ends the bar's line.
    func finish() {
        guard !quiet, live else { return }
        lock.withLock { _ in printError("\r\u{1B}[K", terminator: "") }
    }

    private func grouped(_ n: Int) -> String {
        let digits = String(n)
        var out = ""
        for (i, c) in digits.reversed().enumerated() {
            if i > 0, i % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return String(out.reversed())
    }
}
