import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

/// A run's output folder, replaced only by a complete run: results go to a temporary folder
/// beside it (`.NAME.tmp-PID`), which `commit()` renames into place. A run that fails, is
/// interrupted or killed leaves the folder as it was; its temporary folder is removed by the
/// next run (any `.NAME.tmp-PID` whose process is gone).
final class OutputFolder {
    let path: String
    let temporary: String
    /// Where the replaced folder waits while the new one moves in.
    private let old: String
    private let force: Bool
    private var committed = false

    /// Refuses an existing non-empty folder (exit 73) unless `force`.
    init(path: String, force: Bool) throws {
        let fm = FileManager.default
        var trimmed = path
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
        self.path = trimmed
        self.force = force
        let slash = trimmed.lastIndex(of: "/")
        let parent = slash.map { String(trimmed[..<$0]) } ?? "."
        let name = slash.map { String(trimmed[trimmed.index(after: $0)...]) } ?? trimmed
        let parentPath = parent.isEmpty ? "/" : parent
        // Leftovers of runs that were killed.
        if let entries = try? fm.contentsOfDirectory(atPath: parentPath) {
            for entry in entries where entry.hasPrefix(".\(name).tmp-") || entry.hasPrefix(".\(name).old-") {
                if let pid = Int32(entry.split(separator: "-").last ?? ""), pid != getpid(), kill(pid, 0) == 0 { continue }
                try? fm.removeItem(atPath: parentPath + "/" + entry)
            }
        }
        var info = stat()
        if stat(trimmed, &info) == 0 {
            guard (info.st_mode & S_IFMT) == S_IFDIR else { throw CLIError(.cannotCreate, "\(trimmed) exists and is not a folder") }
            let entries = (try? fm.contentsOfDirectory(atPath: trimmed)) ?? []
            if !entries.isEmpty && !force {
                throw CLIError(.cannotCreate, "\(trimmed) is not empty: choose another --out, or add --force to replace it once the run has succeeded")
            }
        }
        temporary = "\(parentPath)/.\(name).tmp-\(getpid())"
        old = "\(parentPath)/.\(name).old-\(getpid())"
        do {
            try fm.createDirectory(atPath: temporary, withIntermediateDirectories: true)
        } catch {
            throw CLIError(.cannotCreate, "cannot create \(temporary): \(error)")
        }
    }

    deinit {
        if !committed { try? FileManager.default.removeItem(atPath: temporary) }
    }

    /// A path inside the (temporary) folder.
    func file(_ name: String) -> String { temporary + "/" + name }

    /// Puts the results in place: the temporary folder becomes `path`, replacing what was there.
    func commit() throws {
        let fm = FileManager.default
        var replaced = false
        if fm.fileExists(atPath: path) {
            replaced = true
            guard rename(path, old) == 0 else { throw CLIError(.cannotCreate, "cannot replace \(path): \(String(cString: strerror(errno)))") }
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            if replaced { _ = rename(old, path) }
            throw CLIError(.cannotCreate, "cannot move the results to \(path): \(reason)")
        }
        committed = true
        if replaced { try? fm.removeItem(atPath: old) }
    }
}
