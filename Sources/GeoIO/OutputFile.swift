#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A buffered output file that appears only when complete: bytes go to a temporary file
/// beside the target, which `commit()` renames over it. A run that fails, or forgets to
/// commit, removes the temporary file, so no reader ever sees half a file. "-" writes to
/// standard output (unbuffered by rename, of course).
public final class OutputFile {
    public let path: String
    private let temporaryPath: String?
    private let fd: Int32
    private var buffer: [UInt8] = []
    private var finished = false
    static let flushSize = 1 << 20

    public init(path: String) throws {
        self.path = path
        if path == "-" {
            fd = 1
            temporaryPath = nil
            return
        }
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[..<$0]) } ?? "."
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        try OutputFile.makeDirectory(directory.isEmpty ? "/" : directory, for: path)
        var made: (Int32, String)?
        for attempt in 0..<100 {
            let candidate = "\(directory.isEmpty ? "" : directory + "/").\(name).tmp-\(getpid())-\(attempt)"
            let descriptor = open(candidate, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
            if descriptor >= 0 { made = (descriptor, candidate); break }
            if errno != EEXIST {
                throw IOError.cannotCreate(path: path, reason: Files.reason(errno))
            }
        }
        guard let made else { throw IOError.cannotCreate(path: path, reason: "no temporary file name free") }
        (fd, temporaryPath) = made
        buffer.reserveCapacity(OutputFile.flushSize + (1 << 16))
    }

    deinit {
        if !finished { abandon() }
    }

    /// Creates the output's folder and its parents when missing (`out/` of a batch run).
    private static func makeDirectory(_ directory: String, for path: String) throws {
        var info = stat()
        if stat(directory, &info) == 0 {
            guard (info.st_mode & S_IFMT) == S_IFDIR else {
                throw IOError.cannotCreate(path: path, reason: "\(directory) is not a directory")
            }
            return
        }
        if let slash = directory.lastIndex(of: "/"), slash != directory.startIndex {
            try makeDirectory(String(directory[..<slash]), for: path)
        }
        guard mkdir(directory, 0o777) == 0 || errno == EEXIST else {
            throw IOError.cannotCreate(path: path, reason: "cannot create \(directory): \(Files.reason(errno))")
        }
    }

    public func write(_ bytes: [UInt8]) throws {
        buffer.append(contentsOf: bytes)
        if buffer.count >= OutputFile.flushSize { try flush() }
    }

    public func write(_ text: String) throws {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= OutputFile.flushSize { try flush() }
    }

    /// Appends bytes through a closure that writes into the buffer directly.
    public func append(_ body: (inout [UInt8]) throws -> Void) throws {
        try body(&buffer)
        if buffer.count >= OutputFile.flushSize { try flush() }
    }

    private func flush() throws {
        var offset = 0
        try buffer.withUnsafeBytes { raw in
            while offset < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw IOError.cannotCreate(path: path, reason: Files.reason(errno))
                }
                offset += n
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes what is buffered and puts the file in place.
    public func commit() throws {
        guard !finished else { return }
        do {
            try flush()
        } catch {
            abandon()
            throw error
        }
        finished = true
        guard let temporaryPath else { return }
        close(fd)
        guard rename(temporaryPath, path) == 0 else {
            let reason = Files.reason(errno)
            unlink(temporaryPath)
            throw IOError.cannotCreate(path: path, reason: reason)
        }
    }

    /// Drops everything written; the target is left as it was.
    public func abandon() {
        guard !finished else { return }
        finished = true
        guard let temporaryPath else { return }
        close(fd)
        unlink(temporaryPath)
    }
}
