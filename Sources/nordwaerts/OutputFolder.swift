import FoundationEssentials
import GeoCore
import GeoIO
#if canImport(Glibc)
import Glibc
#endif

/// A run's output folder, replaced only by a complete run: results go to a temporary folder
/// beside it (`.NAME.tmp-PID`), which `commit()` renames into place. A run that fails, is
/// interrupted or killed leaves the folder as it was; its temporary folder is removed by the
/// next run (any `.NAME.tmp-PID` whose process is gone); SIGINT and SIGTERM remove it on the
/// way out (`Interruption`). File-system errors are told in plain words (`Files`).
final class OutputFolder {
    let path: String
    let temporary: String
    /// Where the replaced folder waits while the new one moves in.
    private let old: String
    private let force: Bool
    /// Whether the results are in place; the lock also keeps an interruption out of a commit.
    private let committed = Locked(false)

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
                try? Files.remove(parentPath + "/" + entry)
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
            try Files.makeFolder(temporary)
        } catch let IOError.cannotCreate(_, reason) {
            throw CLIError(.cannotCreate, "cannot create \(temporary): \(reason)")
        }
        Interruption.onSignal { [temporary, committed] in
            committed.withLock { done in
                // Workers may still be writing into it: try until it is gone.
                for _ in 0..<20 where !done && Files.exists(temporary) { try? Files.remove(temporary) }
            }
        }
    }

    deinit {
        if !committed.withLock({ $0 }) { try? Files.remove(temporary) }
    }

    /// A path inside the (temporary) folder.
    func file(_ name: String) -> String { temporary + "/" + name }

    /// Puts the results in place: the temporary folder becomes `path`, replacing what was there.
    func commit() throws {
        try committed.withLock { committed in try commit(&committed) }
    }

    private func commit(_ committed: inout Bool) throws {
        var replaced = false
        if Files.exists(path) {
            replaced = true
            guard rename(path, old) == 0 else { throw CLIError(.cannotCreate, "cannot replace \(path): \(Files.reason(errno))") }
        }
        guard rename(temporary, path) == 0 else {
            let reason = Files.reason(errno)
            if replaced { _ = rename(old, path) }
            throw CLIError(.cannotCreate, "cannot move the results to \(path): \(reason)")
        }
        committed = true
        if replaced { try? Files.remove(old) }
    }
}
