import Foundation

extension ExternalTools {
    /// Runs `nordwaerts ARGUMENTS` in `folder`, sends it `signal` while it works (once its
    /// temporary output folder `.OUTPUT.tmp-PID` exists, and a moment after), and waits for
    /// it to end. The test runner may ignore or block SIGINT and SIGTERM, and children
    /// inherit both: a small exec wrapper gives the run the default disposition and mask a
    /// terminal's Ctrl-C or a `kill` meets. `started` says whether the folder appeared.
    public static func interruptedRun(_ arguments: [String], in folder: String, output: String,
                                      signal: Int32) throws -> (process: Process, started: Bool) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import os, signal, sys; [signal.signal(s, signal.SIG_DFL) for s in (signal.SIGINT, signal.SIGTERM)]; "
                             + "signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGINT, signal.SIGTERM]); os.execv(sys.argv[1], sys.argv[1:])",
                             nordwaerts] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        try process.run()
        let temporary = "\(folder)/.\(output).tmp-\(process.processIdentifier)"
        for _ in 0..<1000 where !FileManager.default.fileExists(atPath: temporary) { usleep(10_000) }
        let started = FileManager.default.fileExists(atPath: temporary)
        usleep(250_000)
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        return (process, started)
    }
}
