#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import GeoCore

extension CSVPointReader {
    /// The x and y of every data row of a plain CSV point file, in file order, parsed on all
    /// cores without making a feature, a geometry or a string per row: for analyses that need
    /// only where each row is (the walking distance from every address, whose 110,000 rows the
    /// feature reader turns into as many GEOS points and property lists).
    ///
    /// Plain means: no quote character anywhere, every non-blank row has as many fields as the
    /// header, the coordinates are decimal numbers (`-?digits[.digits]`, or with a decimal comma
    /// when the delimiter is not a comma), in range for a geographic CRS, and no column is
    /// named `id` (whose value would name the row). Any other file returns nil, and the caller
    /// reads it with ``CSVPointReader`` feature by feature, which reports what is wrong with
    /// it; so both ways give the same coordinates for every file this one accepts. Rows are
    /// numbered as that reader numbers them (the n-th non-blank data row is row n).
    ///
    /// The file is mapped, not read (``MappedFile``), and parsed a window of
    /// ``plainWindowBytes`` at a time, whose pages are given back once it is parsed: memory
    /// stays bounded whatever the file's size. Standard input and other streams return nil (the
    /// feature reader streams them); `cannotOpen` (exit code 66) when the file is missing.
    public static func plainCoordinates(path: String, options: ReadOptions = ReadOptions()) throws -> (x: [Double], y: [Double])? {
        try plainCoordinates(path: path, options: options, windowBytes: plainWindowBytes)
    }

    /// How many bytes of rows are parsed at a time (8 MiB: about 120,000 addresses, enough
    /// work for every core; the resident size grows by about this much, not by the file).
    static let plainWindowBytes = 8 << 20

    /// ``plainCoordinates(path:options:)`` in windows of `windowBytes` (tests force many
    /// windows on a small file).
    static func plainCoordinates(path: String, options: ReadOptions, windowBytes: Int) throws -> (x: [Double], y: [Double])? {
        guard let crs = options.crs, let file = try MappedFile(path: path), file.count > 0 else { return nil }
        let all = file.bytes
        nonisolated(unsafe) let base = all.baseAddress!
        var text = all[...]
        if text.starts(with: [0xEF, 0xBB, 0xBF]) { text = text.dropFirst(3) }
        let headerEnd = text.firstIndex(of: 0x0A) ?? text.endIndex
        guard memchr(base + text.startIndex, 0x22, headerEnd - text.startIndex) == nil else { return nil }
        let firstLine = text[text.startIndex..<headerEnd]
        let counts = [UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "\t")].map { d in (d, firstLine.filter { $0 == d }.count) }
        let delimiter = counts.max { $0.1 < $1.1 }!.0
        var headerBytes = Array(firstLine)
        if headerBytes.last == 0x0D { headerBytes.removeLast() }
        let header = headerBytes.split(separator: delimiter, omittingEmptySubsequences: false)
            .map { trimmed(String(decoding: $0, as: UTF8.self)) }
        guard !header.contains("id") else { return nil }
        func find(_ wanted: String?, _ names: [String]) -> Int? {
            if let wanted { return header.firstIndex(of: wanted) ?? header.firstIndex(where: { $0.lowercased() == wanted.lowercased() }) }
            for name in names { if let i = header.firstIndex(where: { $0.lowercased() == name }) { return i } }
            return nil
        }
        guard let xIndex = find(options.xColumn, xNames), let yIndex = find(options.yColumn, yNames) else { return nil }
        let fieldCount = header.count
        let decimalComma = delimiter != UInt8(ascii: ",")
        let geographic = crs.isGeographic
        var xs: [Double] = [], ys: [Double] = []
        var start = headerEnd < text.endIndex ? headerEnd + 1 : text.endIndex
        while start < text.endIndex {
            // A window of whole lines.
            var stop = Swift.min(text.endIndex, start + windowBytes)
            while stop < text.endIndex, base[stop - 1] != 0x0A { stop += 1 }
            guard memchr(base + start, 0x22, stop - start) == nil else { return nil }
            // Pieces that start at a line start, parsed on all cores.
            let pieces = Swift.max(1, Swift.min(Cores.available * 4, (stop - start) / 65536))
            var bounds = [start]
            for k in 1..<Swift.max(pieces, 1) {
                var p = Swift.max(bounds.last!, start + (stop - start) * k / pieces)
                while p < stop, p > start, base[p - 1] != 0x0A { p += 1 }
                bounds.append(p)
            }
            bounds.append(stop)
            let parsed = try? concurrentChunks(bounds.count - 1, chunks: bounds.count - 1, minimumChunk: 1) { k, _ -> (x: [Double], y: [Double])? in
                var xs: [Double] = [], ys: [Double] = []
                var p = bounds[k]
                let end = bounds[k + 1]
                while p < end {
                    var lineEnd = p
                    while lineEnd < end, base[lineEnd] != 0x0A { lineEnd += 1 }
                    var contentEnd = lineEnd
                    if contentEnd > p, base[contentEnd - 1] == 0x0D { contentEnd -= 1 }
                    if contentEnd > p {
                        var field = 0, start = p
                        var x = Double.nan, y = Double.nan
                        var q = p
                        while true {
                            if q == contentEnd || base[q] == delimiter {
                                if field == xIndex || field == yIndex {
                                    guard let v = plainNumber(base, start, q, decimalComma: decimalComma) else { return nil }
                                    if field == xIndex { x = v } else { y = v }
                                }
                                field += 1
                                if q == contentEnd { break }
                                start = q + 1
                            }
                            q += 1
                        }
                        guard field == fieldCount else { return nil }
                        if geographic, abs(x) > 180 || abs(y) > 90 { return nil }
                        xs.append(x)
                        ys.append(y)
                    }
                    p = lineEnd + 1
                }
                return (xs, ys)
            }
            guard let parsed, parsed.allSatisfy({ $0 != nil }) else { return nil }
            for piece in parsed {
                xs.append(contentsOf: piece!.x)
                ys.append(contentsOf: piece!.y)
            }
            file.release(upTo: stop)
            start = stop
        }
        // A file that changed while it was read is read again by the feature reader, as it is now.
        guard file.isUnchanged else { return nil }
        return (xs, ys)
    }

    /// `-?digits[.digits]` between `start` and `end` (with a decimal comma if allowed) as the
    /// nearest double, as `Double(String)` reads it; nil for anything else.
    private static func plainNumber(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int, decimalComma: Bool) -> Double? {
        var i = start
        let negative = i < end && base[i] == UInt8(ascii: "-")
        if negative { i += 1 }
        var mantissa: UInt64 = 0, digits = 0, fraction = 0, point = false
        guard i < end else { return nil }
        while i < end {
            let c = base[i]
            if c >= 0x30, c <= 0x39 {
                if digits < 19 { mantissa = mantissa &* 10 &+ UInt64(c - 0x30) }
                digits += 1
                if point { fraction += 1 }
            } else if !point, c == UInt8(ascii: ".") || (decimalComma && c == UInt8(ascii: ",")) {
                guard digits > 0, i + 1 < end else { return nil }
                point = true
            } else {
                return nil
            }
            i += 1
        }
        guard digits > 0 else { return nil }
        // Exact mantissa and power of ten: one correctly rounded division (Clinger's fast path).
        if digits <= 15, fraction <= 22 {
            let value = Double(mantissa) / powersOfTen[fraction]
            return negative ? -value : value
        }
        var text = [UInt8](UnsafeBufferPointer(start: base + start, count: end - start))
        for k in text.indices where text[k] == UInt8(ascii: ",") { text[k] = UInt8(ascii: ".") }
        return Double(String(decoding: text, as: UTF8.self))
    }

    private static let powersOfTen: [Double] = (0...22).map { k in (0..<k).reduce(1.0) { r, _ in r * 10 } }
}
