import Foundation
import ZIPFoundation
#if canImport(Glibc)
import Glibc
#endif

/// Where a feed's files come from: a folder of `.txt` files, or a `.zip` (its files at the top
/// level or inside one folder, as some publishers pack them). Each file is streamed in blocks;
/// nothing is unpacked to disk.
public struct GTFSSource: Sendable {
    public enum Kind: Sendable { case folder, zip }
    public let path: String
    public let kind: Kind
    /// File name (`stops.txt`) → the entry's path inside the zip.
    private let entries: [String: String]

    /// Opens a feed; throws ``GTFSError/missingFeed(path:)`` when nothing is there and
    /// ``GTFSError/unreadable(file:reason:)`` for a zip that cannot be opened.
    public init(path: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { throw GTFSError.missingFeed(path: path) }
        self.path = path
        if isDirectory.boolValue {
            kind = .folder
            entries = [:]
            return
        }
        kind = .zip
        let archive: Archive
        do { archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read) } catch {
            throw GTFSError.unreadable(file: path, reason: "not a readable zip archive (\(error))")
        }
        var found: [String: String] = [:]
        for entry in archive where entry.type == .file {
            let name = String(entry.path.split(separator: "/").last ?? "")
            if name.hasSuffix(".txt"), found[name] == nil || entry.path.count < found[name]!.count { found[name] = entry.path }
        }
        entries = found
    }

    /// Whether the feed has the file (`stops.txt`).
    public func has(_ file: String) -> Bool {
        switch kind {
        case .folder: return FileManager.default.fileExists(atPath: path + "/" + file)
        case .zip: return entries[file] != nil
        }
    }

    /// Streams the file's bytes in blocks of about `blockSize`.
    public func stream(_ file: String, blockSize: Int = 1 << 20, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        switch kind {
        case .folder:
            let full = path + "/" + file
            guard let handle = fopen(full, "rb") else { throw GTFSError.missingFile(feed: path, file: file) }
            defer { fclose(handle) }
            let buffer = UnsafeMutableRawPointer.allocate(byteCount: blockSize, alignment: 16)
            defer { buffer.deallocate() }
            while true {
                let n = fread(buffer, 1, blockSize, handle)
                if n > 0 { try body(UnsafeRawBufferPointer(start: buffer, count: n)) }
                if n < blockSize {
                    if ferror(handle) != 0 { throw GTFSError.unreadable(file: full, reason: "read error") }
                    break
                }
            }
        case .zip:
            guard let entryPath = entries[file] else { throw GTFSError.missingFile(feed: path, file: file) }
            let archive: Archive
            do { archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read) } catch {
                throw GTFSError.unreadable(file: path, reason: "\(error)")
            }
            guard let entry = archive[entryPath] else { throw GTFSError.missingFile(feed: path, file: file) }
            var failure: Error?
            do {
                _ = try archive.extract(entry, bufferSize: blockSize, skipCRC32: false) { data in
                    do {
                        try data.withUnsafeBytes { try body($0) }
                    } catch {
                        failure = error
                        throw error
                    }
                }
            } catch {
                if let failure { throw failure }
                throw GTFSError.unreadable(file: path + ":" + entryPath, reason: "\(error)")
            }
        }
    }
}
