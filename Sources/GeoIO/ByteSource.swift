#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A window onto a file or stream that a parser reads from front to back. The parser marks
/// the start of the value it is working on; when it runs off the end of the window, the
/// window keeps the bytes from the mark on, reads more, and the parser starts that value
/// again. So memory holds one chunk and the value being parsed, never the whole file.
final class ByteSource {
    let path: String
    private let fd: Int32
    private let ownsDescriptor: Bool
    /// Whether the source is a regular file (seekable: line numbers and look-ahead work).
    let isRegularFile: Bool
    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var capacity: Int
    /// Valid bytes in the window.
    private(set) var count = 0
    /// Absolute offset in the source of `base[0]`.
    private(set) var origin = 0
    /// Whether the source has nothing more to give.
    private(set) var atEOF = false
    /// The largest single value (one feature) the window may grow to hold.
    let maximumValueSize: Int

    static let chunkSize = 1 << 24

    /// Opens a file ("-": standard input), optionally from byte `offset` on (regular files).
    init(path: String, offset: Int = 0, maximumValueSize: Int = 1 << 28) throws {
        self.path = path
        self.maximumValueSize = maximumValueSize
        if path == "-" {
            fd = 0
            ownsDescriptor = false
        } else {
            fd = open(path, O_RDONLY)
            guard fd >= 0 else { throw IOError.cannotOpen(path: path, reason: Files.reason(errno)) }
            ownsDescriptor = true
        }
        var info = stat()
        isRegularFile = fstat(fd, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
        if fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
            if ownsDescriptor { close(fd) }
            throw IOError.cannotOpen(path: path, reason: "it is a directory")
        }
        if offset > 0 {
            guard isRegularFile, lseek(fd, off_t(offset), SEEK_SET) == off_t(offset) else {
                if ownsDescriptor { close(fd) }
                throw IOError.cannotOpen(path: path, reason: "cannot seek to byte \(offset)")
            }
            origin = offset
        }
        capacity = ByteSource.chunkSize
        base = .allocate(capacity: capacity)
    }

    /// A source over bytes in memory (tests, small inputs).
    init(bytes: [UInt8], name: String) {
        path = name
        fd = -1
        ownsDescriptor = false
        isRegularFile = false
        maximumValueSize = Int.max
        capacity = Swift.max(bytes.count, 1)
        base = .allocate(capacity: capacity)
        bytes.withUnsafeBufferPointer { base.update(from: $0.baseAddress!, count: bytes.count) }
        count = bytes.count
        atEOF = true
    }

    deinit {
        base.deallocate()
        if ownsDescriptor { close(fd) }
    }

    /// Drops the bytes before `mark` (a window position) and reads more. Returns how far
    /// positions moved (subtract it from positions held), or nil at the end of the source.
    func refill(keepingFrom mark: Int) throws -> Int? {
        guard !atEOF else { return nil }
        let kept = count - mark
        if mark > 0 {
            base.update(from: base + mark, count: kept)
            origin += mark
            count = kept
        }
        if capacity - count < ByteSource.chunkSize / 2 {
            guard capacity < maximumValueSize else {
                throw IOError.malformed(path: path, location: SourceLocation(offset: origin),
                                        message: "a single value is larger than \(maximumValueSize >> 20) MiB")
            }
            let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * 2)
            grown.update(from: base, count: count)
            base.deallocate()
            base = grown
            capacity *= 2
        }
        while true {
            let n = read(fd, base + count, capacity - count)
            if n < 0 {
                if errno == EINTR { continue }
                throw IOError.cannotOpen(path: path, reason: Files.reason(errno))
            }
            if n == 0 { atEOF = true }
            count += n
            return mark
        }
    }

    /// Line and column (1-based) of an absolute offset, for messages; counted by reading the
    /// file again, so it costs nothing until something goes wrong. Nil for streams.
    private var lineCheckpoint = (offset: 0, line: 1, lineStart: 0)
    func location(ofAbsolute offset: Int) -> SourceLocation {
        guard isRegularFile, let file = fopen(path, "rb") else { return SourceLocation(offset: offset) }
        defer { fclose(file) }
        if offset < lineCheckpoint.offset { lineCheckpoint = (0, 1, 0) }
        var (position, line, lineStart) = lineCheckpoint
        fseek(file, position, SEEK_SET)
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while position < offset {
            let want = Swift.min(chunk.count, offset - position)
            let n = fread(&chunk, 1, want, file)
            if n <= 0 { break }
            for i in 0..<n where chunk[i] == 0x0A {
                line += 1
                lineStart = position + i + 1
            }
            position += n
        }
        lineCheckpoint = (position, line, lineStart)
        return SourceLocation(offset: offset, line: line, column: offset - lineStart + 1)
    }
}
