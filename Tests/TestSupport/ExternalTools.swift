import Foundation

/// Bytes handed from a reader thread to the caller (ordered by a semaphore).
private final class DataBox: @unchecked Sendable {
    var data = Data()
}

/// Runs the independent tools that tests compare against (cs2cs, ogrinfo, python3) and the
/// built `nordwaerts` binary.
public enum ExternalTools {
    public struct Result: Sendable {
        public let status: Int32
        public let stdout: String
        public let stderr: String
    }

    /// Runs `executable` (looked up on PATH unless it is a path) with `arguments` and `input`
    /// on standard input.
    public static func run(_ executable: String, _ arguments: [String], input: String? = nil,
                           environment: [String: String]? = nil) throws -> Result {
        let process = Process()
        if executable.contains("/") {
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [executable] + arguments
        }
        if let environment { process.environment = environment }
        let out = Pipe(), err = Pipe(), inp = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = inp
        try process.run()
        // Write stdin and read both pipes concurrently, so that large outputs cannot block.
        let writer = Thread {
            if let input { inp.fileHandleForWriting.write(Data(input.utf8)) }
            try? inp.fileHandleForWriting.close()
        }
        writer.start()
        let errBox = DataBox()
        let done = DispatchSemaphore(value: 0)
        let errReader = Thread {
            errBox.data = err.fileHandleForReading.readDataToEndOfFile()
            done.signal()
        }
        errReader.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        done.wait()
        let errData = errBox.data
        return Result(status: process.terminationStatus,
                      stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }

    /// Whether a command is on PATH.
    public static func isAvailable(_ command: String) -> Bool {
        (try? run("sh", ["-c", "command -v \(command)"]).status) == 0
    }

    /// The package root (the folder with Package.swift).
    public static let packageRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        fatalError("Package.swift not found above \(#filePath)")
    }()

    /// ../shared beside the project (real Dortmund data, the bench kit, the RFC 7946 checker),
    /// or nil when it is absent.
    public static let shared: URL? = {
        let url = packageRoot.deletingLastPathComponent().appendingPathComponent("shared")
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }()

    /// A file below ../shared, or nil (with a note on stderr saying why the test is skipped).
    public static func sharedFile(_ relative: String) -> URL? {
        guard let shared else {
            FileHandle.standardError.write(Data("SKIPPED: ../shared is absent, so the test of \(relative) does not run\n".utf8))
            return nil
        }
        let url = shared.appendingPathComponent(relative)
        guard FileManager.default.fileExists(atPath: url.path) else {
            FileHandle.standardError.write(Data("SKIPPED: ../shared/\(relative) is absent\n".utf8))
            return nil
        }
        return url
    }

    /// The built `nordwaerts` executable next to the test bundle.
    public static let nordwaerts: String = {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
            Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent(),
        ]
        for dir in candidates {
            let path = dir.appendingPathComponent("nordwaerts").path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return packageRoot.appendingPathComponent(".build/debug/nordwaerts").path
    }()

    /// A fresh temporary directory, inside one folder per test process that is removed when
    /// the process exits (the suite made over a thousand folders a run before).
    public static func temporaryDirectory() throws -> URL {
        let url = testFolder.appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// The test process's folder of temporary directories.
    private static let testFolder: URL = {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nordwaerts-test-\(getpid())-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        testFolderPath = folder.path
        atexit {
            if let path = testFolderPath { try? FileManager.default.removeItem(atPath: path) }
        }
        return folder
    }()
    nonisolated(unsafe) private static var testFolderPath: String?
}
