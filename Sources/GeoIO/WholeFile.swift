#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reading a whole (small) file into memory, for formats that are read whole (Esri JSON
/// FeatureSets, a shapefile's .shx, .prj and .cpg). The lean readers that parse large files in
/// place map them instead (``MappedFile``), so that memory does not grow with the file.
enum WholeFile {
    /// The file's bytes ("-": standard input); `cannotOpen` (exit code 66) when it is missing
    /// or unreadable.
    static func read(_ path: String) throws -> [UInt8] {
        guard let file = path == "-" ? fdopen(dup(0), "rb") : fopen(path, "rb") else {
            throw IOError.cannotOpen(path: path, reason: Files.reason(errno))
        }
        defer { fclose(file) }
        var info = stat()
        if fstat(fileno(file), &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
            throw IOError.cannotOpen(path: path, reason: "it is a directory")
        }
        var bytes: [UInt8] = []
        // A regular file's size is known: one allocation instead of doubling (and copying) as it
        // grows, with room for the sentinel byte some callers append.
        if (info.st_mode & S_IFMT) == S_IFREG, info.st_size > 0 { bytes.reserveCapacity(Int(info.st_size) + 1) }
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = fread(&chunk, 1, chunk.count, file)
            if n > 0 { bytes.append(contentsOf: chunk[0..<n]) }
            if n < chunk.count {
                if ferror(file) != 0 { throw IOError.cannotOpen(path: path, reason: "read error") }
                break
            }
        }
        return bytes
    }

    /// Whether a regular file exists at `path`.
    static func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
    }

    /// 1-based line and column of `offset` in `bytes`, for messages.
    static func location(of offset: Int, in bytes: UnsafeBufferPointer<UInt8>) -> SourceLocation {
        var line = 1, lineStart = 0
        for i in 0..<Swift.min(offset, bytes.count) where bytes[i] == 0x0A {
            line += 1
            lineStart = i + 1
        }
        return SourceLocation(offset: offset, line: line, column: offset - lineStart + 1)
    }
}
