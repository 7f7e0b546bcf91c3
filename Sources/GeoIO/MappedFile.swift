#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A regular file mapped read-only into memory, for the lean readers that parse a file of any
/// size in place on all cores (``GeoJSONPointsOnSurface``, ``CSVPointReader/plainCoordinates(path:options:)``)
/// without copying it into an array first.
///
/// The mapping costs no memory of its own: its pages are the kernel's page cache, counted in the
/// process's resident size only while they are mapped in. A reader that goes through the file
/// front to back gives back what it is done with (``release(upTo:)``), so the resident size
/// stays near the window it is parsing however large the file is (the kernel reads ahead,
/// told the access is sequential).
///
/// The file is mapped once, at the size it has when it is opened; nothing past that size is
/// ever read (``bytes`` ends there). A file that grows or is rewritten meanwhile is noticed by
/// ``isUnchanged`` afterwards. A file truncated by another process while it is read cannot be
/// guarded against (touching a page past the new end raises SIGBUS, as with any mapped file):
/// inputs are not expected to be truncated under a running analysis.
final class MappedFile: @unchecked Sendable {
    let path: String
    /// The size in bytes when the file was opened.
    let count: Int
    private let descriptor: Int32
    private let region: UnsafeMutableRawPointer?
    private let modified: timespec
    /// Where the pages not yet given back start (page-aligned).
    private var released = 0

    /// Maps `path`; nil for standard input ("-") and anything that is not a regular file (a
    /// pipe, a device), which the readers stream instead. `cannotOpen` (exit code 66) when it is
    /// missing or unreadable.
    init?(path: String) throws {
        guard path != "-" else { return nil }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw IOError.cannotOpen(path: path, reason: Files.reason(errno)) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let reason = Files.reason(errno)
            close(fd)
            throw IOError.cannotOpen(path: path, reason: reason)
        }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw IOError.cannotOpen(path: path, reason: "it is a directory")
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            return nil
        }
        self.path = path
        descriptor = fd
        count = Int(info.st_size)
        modified = MappedFile.modificationTime(info)
        // mmap refuses a length of 0: an empty file has no region and no bytes.
        if count == 0 {
            region = nil
            return
        }
        let mapped = mmap(nil, count, PROT_READ, MAP_PRIVATE, fd, 0)
        guard let mapped, mapped != UnsafeMutableRawPointer(bitPattern: -1) else {
            let reason = Files.reason(errno)
            close(fd)
            throw IOError.cannotOpen(path: path, reason: reason)
        }
        region = mapped
        _ = madvise(mapped, count, MADV_SEQUENTIAL)
    }

    deinit {
        if let region { munmap(region, count) }
        close(descriptor)
    }

    /// The file's bytes (an empty buffer with no base address for an empty file). Valid while
    /// this object lives.
    var bytes: UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: region?.assumingMemoryBound(to: UInt8.self), count: count)
    }

    static let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))

    /// Gives the pages wholly before `offset` back to the kernel (MADV_DONTNEED), so that they no
    /// longer count in the resident size; the page that holds `offset` stays. The bytes remain
    /// readable (touching them again reads them from the page cache), so this only costs time if
    /// the caller was wrong about being done with them.
    func release(upTo offset: Int) {
        guard let region else { return }
        let end = Swift.min(offset, count) / MappedFile.pageSize * MappedFile.pageSize
        guard end > released else { return }
        _ = madvise(region + released, end - released, MADV_DONTNEED)
        released = end
    }

    /// Whether the file still has the size and modification time it had when it was opened
    /// (a reader that finds it changed leaves the file to the streaming path, which reads it as
    /// it is then).
    var isUnchanged: Bool {
        var info = stat()
        return fstat(descriptor, &info) == 0 && Int(info.st_size) == count
            && MappedFile.modificationTime(info).tv_sec == modified.tv_sec
            && MappedFile.modificationTime(info).tv_nsec == modified.tv_nsec
    }

    private static func modificationTime(_ info: stat) -> timespec {
        #if canImport(Darwin)
        info.st_mtimespec
        #else
        info.st_mtim
        #endif
    }
}
