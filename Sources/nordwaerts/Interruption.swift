import Dispatch
import GeoCore
import GeoIO
#if canImport(Glibc)
import Glibc
#endif

/// What SIGINT (Ctrl-C) and SIGTERM (`kill`, a scheduler's timeout) do to a run that writes
/// an output folder: its temporary folder is removed and the process exits 130 or 143
/// (128 + the signal, as a shell reports a process the signal killed), leaving the previous
/// results as they were. SIGKILL cannot be caught; the next run removes what it leaves.
///
/// The signals are taken from their default action (`SIG_IGN`) and delivered to dispatch
/// sources, so the cleanup runs on an ordinary thread, not inside a signal handler where
/// hardly anything is async-signal-safe. It holds the folder's lock, so it never races a
/// commit (a folder being renamed into place is either finished first or not started), then
/// ends the process with `_exit`, which runs no exit handlers while worker threads still run.
enum Interruption {
    private static let state = Locked<(sources: [DispatchSourceSignal], cleanups: [@Sendable () -> Void])>(([], []))

    /// From now on, SIGINT and SIGTERM run `cleanup` (after those registered before it) and
    /// end the process.
    static func onSignal(_ cleanup: @escaping @Sendable () -> Void) {
        state.withLock { state in
            state.cleanups.append(cleanup)
            guard state.sources.isEmpty else { return }
            for number in [SIGINT, SIGTERM] {
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                source.setEventHandler {
                    for cleanup in Interruption.state.withLock({ $0.cleanups }) { cleanup() }
                    _exit(128 + number)
                }
                source.resume()
                state.sources.append(source)
            }
        }
    }
}
