#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file read by ranges (`pread`), or bytes in memory behind the same calls: for formats
/// whose records sit at known offsets (a shapefile's .shp and .dbf), so that a file of any
/// size is read a batch of records at a time.
final class RandomAccessBytes {
    let path: String
    /// The size in bytes.
    let count: Int
    private let fd: Int32
    private let memory: [UInt8]

    /// Opens `path`; `cannotOpen` (exit code 66) when it is missing or unreadable.
    init(path: String) throws {
        self.path = path
        fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw IOError.cannotOpen(path: path, reason: String(cString: strerror(errno))) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw IOError.cannotOpen(path: path, reason: "not a regular file")
        }
        count = Int(info.st_size)
        memory = []
    }

    init(bytes: [UInt8], name: String) {
        path = name
        fd = -1
        memory = bytes
        count = bytes.count
    }

    deinit { if fd >= 0 { close(fd) } }

    /// Up to `length` bytes from `offset` (fewer at the end of the file).
    func read(_ offset: Int, _ length: Int) throws -> [UInt8] {
        guard offset >= 0, length > 0, offset < count else { return [] }
        let n = Swift.min(length, count - offset)
        if fd < 0 { return Array(memory[offset..<(offset + n)]) }
        var out = [UInt8](repeating: 0, count: n)
        var done = 0
        try out.withUnsafeMutableBytes { buffer in
            while done < n {
                let got = pread(fd, buffer.baseAddress! + done, n - done, off_t(offset + done))
                if got < 0 {
                    if errno == EINTR { continue }
                    throw IOError.cannotOpen(path: path, reason: String(cString: strerror(errno)))
                }
                if got == 0 { break }
                done += got
            }
        }
        if done < n { out.removeLast(n - done) }
        return out
    }
}
