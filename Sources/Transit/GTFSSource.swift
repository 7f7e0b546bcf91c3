import Foundation
import ZIPFoundation
#if canImport(Glibc)
import Glibc
#endif

/// Where a feed's files come from: a folder of `.txt` files, or a `.zip` (its files at the top
/// level or inside one folder, as some publishers pack them). Each file is streamed in blocks;
/// nothing is unpacked to disk.
public struct GTFSSource: Sendable {
    public enum Kind: Sendable { case folder, zip, memory }
    public let path: String
    public let kind: Kind
    /// File name (`stops.txt`) → the entry's path inside the zip.
    private let entries: [String: String]
    /// File name → its bytes, for a feed held in memory (fuzzing, tests).
    private let contents: [String: [UInt8]]

    /// A feed held in memory: file names (`stops.txt`) and their bytes; `name` stands for the
    /// feed in messages. For the fuzzer and for tests, as the readers of GeoIO take bytes.
    public init(name: String, files: [String: [UInt8]]) {
        path = name
        kind = .memory
        entries = [:]
        contents = files
    }

    /// A feed packed in one text, as the fuzzer mutates it: a line "@@ NAME" starts the file
    /// NAME (`stops.txt`, …) and everything up to the next such line is its content.
    public init(name: String, packed bytes: [UInt8]) {
        var files: [String: [UInt8]] = [:]
        var file: String? = nil, start = 0, i = 0
        func close(_ end: Int) { if let file { files[file] = Array(bytes[start..<end]) } }
        while i < bytes.count {
            let lineStart = i
            while i < bytes.count, bytes[i] != 10 { i += 1 }
            let line = bytes[lineStart..<i]
            if i < bytes.count { i += 1 }
            if line.starts(with: [64, 64, 32]) {  // "@@ "
                close(lineStart)
                file = String(decoding: line.dropFirst(3), as: UTF8.self)
                start = i
            }
        }
        close(bytes.count)
        self.init(name: name, files: files)
    }

    /// Opens a feed; throws ``GTFSError/missingFeed(path:)`` when nothing is there and
    /// ``GTFSError/unreadable(file:reason:)`` for a zip that cannot be opened.
    public init(path: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { throw GTFSError.missingFeed(path: path) }
        self.path = path
        contents = [:]
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
        case .memory: return contents[file] != nil
        }
    }

    /// Streams the file's bytes in blocks of about `blockSize` (256 KiB: large enough that
    /// reading costs nothing beside parsing, small enough not to weigh on a small feed's memory).
    public func stream(_ file: String, blockSize: Int = 256 << 10, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        switch kind {
        case .memory:
            guard let bytes = contents[file] else { throw GTFSError.missingFile(feed: path, file: file) }
            var offset = 0
            try bytes.withUnsafeBytes { all in
                while offset < all.count {
                    let n = min(blockSize, all.count - offset)
                    try body(UnsafeRawBufferPointer(rebasing: all[offset..<offset + n]))
                    offset += n
                }
            }
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
