#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The file-system operations of the toolkit, with errors in plain words: every failure is an
/// `IOError` that names the path and says what the system said
/// (`cannot create /proc/.x.tmp-123: No such file or directory`), never the text of a
/// Foundation error (`Error Domain=NSCocoaErrorDomain Code=4 …`). Reading an input that is
/// missing is `IOError.cannotOpen` (exit 66); anything about an output is
/// `IOError.cannotCreate` (exit 73).
public enum Files {
    /// The system's words for an `errno` value: "No such file or directory".
    public static func reason(_ code: Int32) -> String {
        String(cString: strerror(code))
    }

    /// Whether something exists at `path` (a file, a folder, anything).
    public static func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0
    }

    /// Whether `path` is a folder.
    public static func isFolder(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// The whole content of a file.
    public static func read(_ path: String) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw IOError.cannotOpen(path: path, reason: reason(errno)) }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw IOError.cannotOpen(path: path, reason: reason(errno))
            }
            if n == 0 { return bytes }
            bytes.append(contentsOf: chunk[0..<n])
        }
    }

    /// Writes `text` to `path` atomically (a temporary file renamed into place).
    public static func write(_ text: String, to path: String) throws {
        let file = try OutputFile(path: path)
        try file.write(text)
        try file.commit()
    }

    /// Creates a folder and any missing parents; an existing folder is fine.
    public static func makeFolder(_ path: String) throws {
        if isFolder(path) { return }
        if exists(path) { throw IOError.cannotCreate(path: path, reason: reason(ENOTDIR)) }
        if let slash = path.lastIndex(of: "/"), slash != path.startIndex {
            try makeFolder(String(path[..<slash]))
        }
        guard mkdir(path, 0o777) == 0 || (errno == EEXIST && isFolder(path)) else {
            throw IOError.cannotCreate(path: path, reason: reason(errno))
        }
    }

    /// Renames `source` to `target` (on the same file system), replacing a file at `target`.
    public static func move(_ source: String, to target: String) throws {
        guard rename(source, target) == 0 else {
            throw IOError.cannotCreate(path: target, reason: "cannot rename \(source) to it: \(reason(errno))")
        }
    }

    /// Removes a file, or a folder with everything in it; nothing there is fine.
    public static func remove(_ path: String) throws {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            if errno == ENOENT { return }
            throw IOError.cannotCreate(path: path, reason: reason(errno))
        }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            for entry in try entries(path) { try remove(path + "/" + entry) }
            guard rmdir(path) == 0 || errno == ENOENT else {
                throw IOError.cannotCreate(path: path, reason: reason(errno))
            }
        } else {
            guard unlink(path) == 0 || errno == ENOENT else {
                throw IOError.cannotCreate(path: path, reason: reason(errno))
            }
        }
    }

    /// The names in a folder (without `.` and `..`), in no particular order.
    public static func entries(_ path: String) throws -> [String] {
        guard let folder = opendir(path) else { throw IOError.cannotOpen(path: path, reason: reason(errno)) }
        defer { closedir(folder) }
        var names: [String] = []
        while let entry = readdir(folder) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.baseAddress!.assumingMemoryBound(to: CChar.self))
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }
}
