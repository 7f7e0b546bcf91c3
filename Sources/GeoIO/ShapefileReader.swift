import GeoCore

/// An Esri shapefile: the `.shp` (geometries), its `.shx` (where each record is), the `.dbf`
/// (attributes, see ``DBaseTable``), and beside them the `.prj` (the CRS, as ESRI WKT, which
/// PROJ reads) and the `.cpg` (the attributes' code page).
///
/// - Shapes: Point, PolyLine, Polygon, MultiPoint and their Z and M variants. A polyline of
///   one part is a LineString, of more a MultiLineString; a polygon's rings are sorted into
///   exteriors and holes by containment (``PolygonRings``; the spec's clockwise exteriors are
///   not relied on), one exterior a Polygon, more a MultiPolygon. Z values are kept, M values
///   dropped. A null shape is a feature without geometry (as GDAL reads it), so its attributes
///   are not lost; analyses reject such features with that reason. MultiPatch is refused.
/// - Encoding: the `.cpg` (UTF-8, 1252, ISO-8859-1), else the language driver byte of the
///   `.dbf` (Windows-1252 for 0x57 "ANSI" and for 0, none given).
/// - CRS: the `.prj` (identified as an EPSG code when PROJ is certain), unless
///   `ReadOptions.crs` overrides it; without either the reader refuses to guess.
///
/// Problems with the files (a missing `.shx` or `.dbf`: `cannotOpen`, exit code 66; a `.dbf`
/// with another number of records than the `.shp`, a record cut short, a header that is not a
/// shapefile's: `malformed`, exit code 65) throw errors naming the file and the record.
/// Problems within one record (a part index out of range, an unclosed ring, an unknown shape
/// type) and records marked deleted in the `.dbf` reject that feature with its reason.
///
/// Records are read a batch at a time (by offset, from the `.shx`), and decoded on all cores.
public final class ShapefileReader: FeatureReader {
    public let path: String
    public let crs: CRS
    public private(set) var warnings: [String] = []
    /// Where the CRS came from: ".prj" or "override".
    public let crsOrigin: String
    /// The shape type of the file, as the spec names it (`PolygonZ`, …).
    public let shapeTypeName: String
    /// The code page the attributes are decoded from.
    public let encoding: TextEncoding
    /// The number of records (features and rejections to come).
    public let recordCount: Int
    /// The attribute fields: name, dBASE type letter, width and decimals.
    public var fields: [(name: String, type: Character, length: Int, decimals: Int)] {
        table.fields.map { ($0.name, Character(Unicode.Scalar($0.type)), $0.length, $0.decimals) }
    }

    private let shp: RandomAccessBytes
    private let dbf: RandomAccessBytes
    private let table: DBaseTable
    /// Byte offset and content length (bytes) of each record in the .shp.
    private let records: [(offset: Int, length: Int)]
    private let keepZ: Bool
    private let shxName: String
    private var index = 0
    private var noteCounts: [String: Int] = [:]

    /// Opens `path` (the .shp) and the files beside it.
    public convenience init(path: String, options: ReadOptions = ReadOptions()) throws {
        let base = ShapefileReader.stem(path)
        func companion(_ ext: String) -> String? {
            [base + "." + ext, base + "." + ext.uppercased()].first(where: WholeFile.exists)
        }
        guard WholeFile.exists(path) else { throw IOError.cannotOpen(path: path, reason: "no such file") }
        guard let shx = companion("shx") else {
            throw IOError.cannotOpen(path: base + ".shx", reason: "missing: a shapefile needs its index (.shx) beside \(path); copy all of its files (.shp, .shx, .dbf, .prj, .cpg)")
        }
        guard let dbf = companion("dbf") else {
            throw IOError.cannotOpen(path: base + ".dbf", reason: "missing: a shapefile needs its attribute table (.dbf) beside \(path); copy all of its files (.shp, .shx, .dbf, .prj, .cpg)")
        }
        let prj = try companion("prj").map { String(decoding: try WholeFile.read($0), as: UTF8.self) }
        let cpg = try companion("cpg").map { String(decoding: try WholeFile.read($0), as: UTF8.self) }
        try self.init(shp: try RandomAccessBytes(path: path), shx: try WholeFile.read(shx), shxName: shx,
                      dbf: try RandomAccessBytes(path: dbf), prj: prj, cpg: cpg, options: options)
    }

    /// A reader over a shapefile's files in memory (any bytes: the fuzzers feed it). `name` is
    /// the .shp's name; the others are named after it.
    public convenience init(shp: [UInt8], shx: [UInt8], dbf: [UInt8], prj: String? = nil, cpg: String? = nil,
                            name: String = "<bytes>.shp", options: ReadOptions = ReadOptions()) throws {
        let base = ShapefileReader.stem(name)
        try self.init(shp: RandomAccessBytes(bytes: shp, name: name), shx: shx, shxName: base + ".shx",
                      dbf: RandomAccessBytes(bytes: dbf, name: base + ".dbf"), prj: prj, cpg: cpg, options: options)
    }

    /// A reader over a shapefile's three files packed in one buffer, the fuzzers' input: a
    /// 4-byte little-endian length of the .shp, one of the .shx, then the .shp, the .shx, and
    /// the rest as the .dbf (lengths beyond the buffer are cut to it).
    public convenience init(packed bytes: [UInt8], prj: String? = nil, cpg: String? = nil,
                            name: String = "<bytes>.shp", options: ReadOptions = ReadOptions()) throws {
        func length(_ at: Int) -> Int {
            guard at + 4 <= bytes.count else { return 0 }
            return Int(UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24)
        }
        let shpStart = Swift.min(8, bytes.count)
        let shpEnd = shpStart + Swift.min(length(0), bytes.count - shpStart)
        let shxEnd = shpEnd + Swift.min(length(4), bytes.count - shpEnd)
        try self.init(shp: Array(bytes[shpStart..<shpEnd]), shx: Array(bytes[shpEnd..<shxEnd]), dbf: Array(bytes[shxEnd...]),
                      prj: prj, cpg: cpg, name: name, options: options)
    }

    /// The packed form of ``init(packed:prj:cpg:name:options:)``.
    public static func pack(shp: [UInt8], shx: [UInt8], dbf: [UInt8]) -> [UInt8] {
        withUnsafeBytes(of: UInt32(shp.count).littleEndian, Array.init) + withUnsafeBytes(of: UInt32(shx.count).littleEndian, Array.init)
            + shp + shx + dbf
    }

    private init(shp: RandomAccessBytes, shx: [UInt8], shxName: String, dbf: RandomAccessBytes,
                 prj: String?, cpg: String?, options: ReadOptions) throws {
        path = shp.path
        self.shp = shp
        self.dbf = dbf
        self.shxName = shxName
        keepZ = options.keepZ
        let stem = ShapefileReader.stem(shp.path)
        func malformed(_ file: String, _ offset: Int, _ message: String) -> IOError {
            .malformed(path: file, location: SourceLocation(offset: offset), message: message)
        }
        // .shp header
        let header = try shp.read(0, 100)
        guard header.count == 100 else { throw malformed(shp.path, 0, "the file is \(header.count) bytes long, shorter than a shapefile header (100)") }
        guard ShapefileReader.bigEndian(header, 0) == 9994 else {
            throw malformed(shp.path, 0, "not a shapefile (the file code is \(ShapefileReader.bigEndian(header, 0)), not 9994)")
        }
        let type = ShapefileReader.littleEndian(header, 32)
        guard let name = ShapefileReader.typeNames[type] else {
            throw malformed(shp.path, 32, "the shape type \(type) is not one the toolkit reads (Point, PolyLine, Polygon, MultiPoint and their Z and M variants)")
        }
        shapeTypeName = name
        // .shx: where each record is
        guard shx.count >= 100, ShapefileReader.bigEndian(shx, 0) == 9994 else {
            throw malformed(shxName, 0, shx.count < 100 ? "the file is \(shx.count) bytes long, shorter than a shapefile index header (100)" : "not a shapefile index (the file code is not 9994)")
        }
        if (shx.count - 100) % 8 != 0 {
            warnings.append("\(shxName): \((shx.count - 100) % 8) bytes after the last whole index entry were ignored")
        }
        var records: [(offset: Int, length: Int)] = []
        records.reserveCapacity((shx.count - 100) / 8)
        var position = 100
        while position + 8 <= shx.count {
            records.append((ShapefileReader.bigEndian(shx, position) * 2, ShapefileReader.bigEndian(shx, position + 4) * 2))
            position += 8
        }
        self.records = records
        recordCount = records.count
        // .dbf
        let dbfHeaderStart = try dbf.read(0, 32)
        let dbfLength = dbfHeaderStart.count >= 10 ? Int(dbfHeaderStart[8]) | Int(dbfHeaderStart[9]) << 8 : 32
        let dbfHeader = try dbf.read(0, Swift.max(32, dbfLength))
        do {
            table = try DBaseTable(header: dbfHeader)
        } catch {
            throw malformed(dbf.path, 0, "not a dBASE table: \(error.reason)")
        }
        guard table.recordCount == records.count else {
            throw malformed(dbf.path, 4, "the attribute table holds \(table.recordCount) records, the shapefile \(records.count) (\(shxName)): the files do not belong together or one was cut short")
        }
        // Encoding
        if let cpg, !cpg.allSatisfy(\.isWhitespace) {
            if let named = TextEncoding.named(cpg) {
                encoding = named
            } else {
                encoding = .windows1252
                warnings.append("\(stem).cpg: the code page '\(cpg.trimmingTrailing("\n"))' is not one the toolkit knows (UTF-8, 1252, ISO-8859-1); text read as Windows-1252")
            }
        } else if let driver = TextEncoding.languageDriver(table.languageDriver) {
            encoding = driver
        } else {
            encoding = .windows1252
            warnings.append("\(dbf.path): the language driver 0x\(String(table.languageDriver, radix: 16)) names a code page the toolkit does not know; text read as Windows-1252 (give a .cpg to say otherwise)")
        }
        // CRS
        if let given = options.crs {
            crs = given
            crsOrigin = "override"
        } else if let prj, !prj.allSatisfy(\.isWhitespace) {
            do {
                crs = try CRS(prj)
            } catch {
                throw malformed(stem + ".prj", 0, "PROJ cannot read the CRS (\(error)); name it with --from")
            }
            crsOrigin = ".prj"
        } else {
            throw IOError.unusable(path: shp.path, message: "the shapefile has no .prj and so does not say its CRS: name it with --from (EPSG:25832 for Dortmund)")
        }
    }

    static func stem(_ path: String) -> String {
        path.lowercased().hasSuffix(".shp") ? String(path.dropLast(4)) : path
    }

    static let typeNames: [Int: String] = [
        0: "Null", 1: "Point", 3: "PolyLine", 5: "Polygon", 8: "MultiPoint",
        11: "PointZ", 13: "PolyLineZ", 15: "PolygonZ", 18: "MultiPointZ",
        21: "PointM", 23: "PolyLineM", 25: "PolygonM", 28: "MultiPointM",
    ]

    static func bigEndian(_ b: [UInt8], _ i: Int) -> Int {
        Int(Int32(bitPattern: UInt32(b[i]) << 24 | UInt32(b[i + 1]) << 16 | UInt32(b[i + 2]) << 8 | UInt32(b[i + 3])))
    }

    static func littleEndian(_ b: [UInt8], _ i: Int) -> Int {
        Int(Int32(bitPattern: UInt32(b[i]) | UInt32(b[i + 1]) << 8 | UInt32(b[i + 2]) << 16 | UInt32(b[i + 3]) << 24))
    }

    // MARK: Records

    public func next() throws -> ReadResult? {
        try nextBatch(maxCount: 1, workers: 1) { item, _ in item }.first
    }

    public func nextBatch(maxCount: Int) throws -> [ReadResult] {
        try nextBatch(maxCount: maxCount, workers: Cores.available * 2) { item, _ in item }
    }

    /// The .shp bytes of a batch are read in one piece when the records lie in order (as every
    /// writer puts them), else record by record.
    public func nextBatch<T>(maxCount: Int, workers: Int, transform: @Sendable (ReadResult, Int) throws -> T) throws -> [T] {
        var n = Swift.min(maxCount, records.count - index)
        guard n > 0 else { return [] }
        let first = index
        // Bound the bytes of one batch (64 MiB of geometry).
        while n > 1, records[first + n - 1].offset + 8 + records[first + n - 1].length - records[first].offset > 1 << 26 { n /= 2 }
        let batch = records[first..<(first + n)]
        let start = batch.map(\.offset).min()!, end = batch.map { $0.offset + 8 + $0.length }.max()!
        let inOrder = zip(batch.dropLast(), batch.dropFirst()).allSatisfy { $0.offset + 8 + $0.length <= $1.offset }
        // Records with an impossible place or one running past the end of the file.
        for (k, record) in batch.enumerated() {
            if record.offset < 100 || record.length < 0 {
                throw IOError.malformed(path: shxName, location: SourceLocation(offset: 100 + 8 * (first + k)),
                                        message: "record \(first + k + 1): the index gives offset \(record.offset) and length \(record.length), which cannot be")
            }
            if record.offset + 8 + record.length > shp.count {
                if k == 0 {
                    throw IOError.malformed(path: path, location: SourceLocation(offset: record.offset),
                                            message: "record \(first + 1) (feature \(first)) is cut short: it needs \(record.length + 8) bytes at byte \(record.offset), the file ends at \(shp.count) (truncated?)")
                }
                n = k
                break
            }
        }
        let dbfStart = table.headerLength + first * table.recordLength
        let dbfAvailable = Swift.max(0, (dbf.count - dbfStart) / table.recordLength)
        if dbfAvailable < n {
            if dbfAvailable == 0 {
                throw IOError.malformed(path: dbf.path, location: SourceLocation(offset: dbfStart),
                                        message: "record \(first + 1) (feature \(first)) is cut short: it needs \(table.recordLength) bytes at byte \(dbfStart), the file ends at \(dbf.count) (truncated?)")
            }
            n = dbfAvailable
        }
        let used = records[first..<(first + n)]
        let shpBytes: [UInt8]
        let shpBase: Int
        if inOrder {
            shpBase = start
            shpBytes = try shp.read(start, Swift.min(end, used.last!.offset + 8 + used.last!.length) - start)
        } else {
            shpBase = 0
            shpBytes = []
        }
        let dbfBytes = try dbf.read(dbfStart, n * table.recordLength)
        index += n
        // Out-of-order records are read one by one, here, before the parallel part.
        let scattered: [[UInt8]] = inOrder ? [] : try used.map { try shp.read($0.offset, 8 + $0.length) }
        let decoder = RecordDecoder(crs: crs, keepZ: keepZ, table: table, encoding: encoding, path: path)
        let records = self.records
        let outcomes = try concurrentChunks(n, chunks: workers, minimumChunk: 64) { k, worker -> (T, [String]) in
            let record = records[first + k]
            let bytes: ArraySlice<UInt8> = inOrder
                ? shpBytes[(record.offset - shpBase)..<(record.offset - shpBase + 8 + record.length)]
                : scattered[k][...]
            let attributes = dbfBytes[(k * table.recordLength)..<((k + 1) * table.recordLength)]
            let (item, notes) = decoder.decode(index: first + k, offset: record.offset, length: record.length, shape: bytes, row: attributes)
            return (try transform(item, worker), notes)
        }
        var out: [T] = []
        out.reserveCapacity(n)
        for (k, (value, notes)) in outcomes.enumerated() {
            for note in notes { noted(note, record: first + k) }
            out.append(value)
        }
        if index == records.count { finish() }
        return out
    }

    private func noted(_ note: String, record: Int) {
        noteCounts[note, default: 0] += 1
        guard noteCounts[note]! <= 5 else { return }
        warnings.append("\(ShapefileReader.stem(path)).dbf: record \(record + 1) (feature \(record)): \(note)")
    }

    private func finish() {
        for (note, count) in noteCounts.sorted(by: { $0.key < $1.key }) where count > 5 {
            warnings.append("\(path): \(count - 5) more records (\(count) in all) with: \(note)")
        }
    }
}

/// Decodes one record (its .shp bytes and its .dbf row) into a feature or a rejection; one per
/// batch, shared by the workers (it keeps no state).
struct RecordDecoder: Sendable {
    let crs: CRS
    let keepZ: Bool
    let table: DBaseTable
    let encoding: TextEncoding
    let path: String

    func decode(index: Int, offset: Int, length: Int, shape: ArraySlice<UInt8>, row: ArraySlice<UInt8>) -> (ReadResult, [String]) {
        var notes: [String] = []
        let properties = table.properties(row, encoding: encoding, notes: &notes)
        func reject(_ reason: String) -> (ReadResult, [String]) {
            let raw = "{\"type\":\"Feature\",\"properties\":" + PropertyValue.object(properties).jsonText + ",\"geometry\":null}"
            return (.rejected(FeatureProblem(path: path, index: index, id: nil, location: SourceLocation(offset: offset),
                                             reason: "record \(index + 1): " + reason), raw: raw), notes)
        }
        if row.first == 0x2A { return reject("marked deleted in the .dbf") }
        do {
            let geometry = try shape.withUnsafeBytes { try self.geometry(UnsafeRawBufferPointer(rebasing: $0[8...]), declared: length, header: $0) }
            return (.feature(Feature(geometry: geometry, properties: properties,
                                     origin: FeatureOrigin(index: index, offset: offset))), notes)
        } catch let issue as FeatureIssue {
            return reject(issue.reason)
        } catch {
            return reject("\(error)")
        }
    }

    private func geometry(_ b: UnsafeRawBufferPointer, declared: Int, header: UnsafeRawBufferPointer) throws -> Geometry? {
        let headerLength = Int(UInt32(bigEndian: header.loadUnaligned(fromByteOffset: 4, as: UInt32.self))) * 2
        guard headerLength == declared else {
            throw FeatureIssue("the .shp record header says \(headerLength) bytes, the .shx \(declared)")
        }
        guard b.count >= 4 else { throw FeatureIssue("the record is \(b.count) bytes long, too short for a shape type") }
        func int(_ at: Int) -> Int { Int(Int32(littleEndian: b.loadUnaligned(fromByteOffset: at, as: Int32.self))) }
        func double(_ at: Int) -> Double { Double(bitPattern: UInt64(littleEndian: b.loadUnaligned(fromByteOffset: at, as: UInt64.self))) }
        func need(_ bytes: Int, _ what: String) throws {
            guard bytes <= b.count else { throw FeatureIssue("the record is \(b.count) bytes long; its \(what) needs \(bytes)") }
        }
        let type = int(0)
        guard type != 0 else { return nil }
        // The base type of the plain, Z (+10) and M (+20) variants.
        let base: Int
        switch type {
        case 1, 11, 21: base = 1
        case 3, 13, 23: base = 3
        case 5, 15, 25: base = 5
        case 8, 18, 28: base = 8
        default: throw FeatureIssue(type == 31 ? "MultiPatch shapes are not read" : "unknown shape type \(type)")
        }
        let hasZ = type > 10 && type < 20
        let withZ = hasZ && keepZ
        let dimension = withZ ? 3 : 2
        func make(_ t: GeometryType, _ flat: [Double], _ counts: [Int]) throws -> Geometry {
            do {
                return try Geometry(type: t, flatCoordinates: flat, hasZ: withZ, counts: counts, crs: crs)
            } catch let error as GeometryError {
                if case let .invalidCoordinates(message) = error { throw FeatureIssue(message) }
                throw FeatureIssue("\(error)")
            }
        }
        switch base {
        case 1:
            try need(hasZ ? 28 : 20, "point")
            var flat = [double(4), double(12)]
            if withZ { flat.append(double(20)) }
            return try make(.point, flat, [1])
        case 8:
            try need(40, "multipoint header")
            let n = int(36)
            guard n >= 0, n <= (b.count - 40) / 16 else { throw FeatureIssue("\(n) points announced, the record holds at most \((b.count - 40) / 16)") }
            let zAt = 40 + 16 * n + 16
            if withZ { try need(zAt + 8 * n, "z values") }
            var flat: [Double] = []
            flat.reserveCapacity(n * dimension)
            for i in 0..<n {
                flat.append(double(40 + 16 * i))
                flat.append(double(48 + 16 * i))
                if withZ { flat.append(double(zAt + 8 * i)) }
            }
            return try make(.multiPoint, flat, [n])
        default:
            try need(44, "\(base == 3 ? "polyline" : "polygon") header")
            let parts = int(36), points = int(40)
            guard parts >= 0, points >= 0, parts <= (b.count - 44) / 4, points <= (b.count - 44 - 4 * parts) / 16 else {
                throw FeatureIssue("\(parts) parts and \(points) points announced, more than the record's \(b.count) bytes hold")
            }
            let pointsAt = 44 + 4 * parts
            let zAt = pointsAt + 16 * points + 16
            if withZ { try need(zAt + 8 * points, "z values") }
            var starts: [Int] = []
            starts.reserveCapacity(parts)
            for p in 0..<parts {
                let s = int(44 + 4 * p)
                guard s >= 0, s <= points, s >= (starts.last ?? 0), (p > 0 || s == 0) else {
                    throw FeatureIssue("part \(p) starts at point \(s), out of order or beyond the \(points) points")
                }
                starts.append(s)
            }
            var counts: [Int] = []
            for p in 0..<parts { counts.append((p + 1 < parts ? starts[p + 1] : points) - starts[p]) }
            var flat: [Double] = []
            flat.reserveCapacity(points * dimension)
            for i in 0..<points {
                flat.append(double(pointsAt + 16 * i))
                flat.append(double(pointsAt + 16 * i + 8))
                if withZ { flat.append(double(zAt + 8 * i)) }
            }
            if base == 3 {
                if parts == 0 { return try Geometry(empty: .lineString, crs: crs) }
                for (p, count) in counts.enumerated() where count < 2 {
                    throw FeatureIssue("part \(p) has \(count) point\(count == 1 ? "" : "s"); a line needs at least 2")
                }
                if parts == 1 { return try make(.lineString, flat, counts) }
                return try make(.multiLineString, flat, [parts] + counts)
            }
            let assembly = try PolygonRings(flat: flat, dimension: dimension, ringCounts: counts).assemble()
            return try make(assembly.type, assembly.flat, assembly.counts)
        }
    }
}
