import GeoCore

/// The lines of every feature of a GeoJSON FeatureCollection of LineStrings and
/// MultiLineStrings as flat coordinates, for building a street graph: parsed on all cores,
/// without a GEOS geometry for the common feature. Only in a metric CRS (a street graph's): a
/// geographic one returns nil.
///
/// A feature is read the lean way when it is a `Feature` whose geometry is a LineString of at
/// least two positions, or a MultiLineString of at least one such line, with positions of two
/// or three finite numbers (z is dropped, and every position of a geometry has as many), no
/// `bbox`, and no repeated member. Its id and properties are read as the feature reader reads
/// them, so that the same ones are refused (the properties are built only when `accepts`, the
/// caller's filter, is to be asked about them; else ``JSONCursor/checkObject(depth:)`` checks
/// them as the origin readers do, building only their `id`, for the display id).
/// Any other feature (a Point, a one-position line, an id that is an object, …) is parsed by
/// the feature reader's parser into a ``Feature`` and handed back as it is, for the caller to
/// treat as it treats the features of a ``FeatureStream``. Anything that stream would reject,
/// refuse or warn about (a feature without geometry or with an empty one, malformed JSON, a
/// file that is not one FeatureCollection, a CRS other than the target's, a note of the
/// parser such as a malformed bbox) returns nil, and the caller reads the file with
/// ``FeatureStream``, which reports it; so both ways give the same lines, ids and features for
/// every file this one accepts. The file is mapped (``MappedFile``), so a street layer of any
/// size is read without a copy.
public enum GeoJSONLines {
    /// Per feature: how many lines it has in ``Lines/xy`` (at least 1), or one of these.
    public static let filteredOut: Int32 = -1
    /// The feature was read by the feature reader's parser: it is in ``Lines/others``.
    public static let other: Int32 = -2

    public struct Lines: Sendable {
        /// x, y of every vertex of every line of the lean features, in file order.
        public var xy: [Double]
        /// The number of vertices of each line, in file order.
        public var lineVertexCounts: [Int32]
        /// Per feature: its number of lines, ``GeoJSONLines/filteredOut`` (refused by `accepts`)
        /// or ``GeoJSONLines/other``.
        public var featureLines: [Int32]
        /// `Feature.displayID` of each lean feature (nil for the others and when it has none).
        public var ids: [String?]
        /// The features read by the feature reader's parser, by their position in the file
        /// (with `origin` set as ``FeatureStream`` sets it).
        public var others: [Int: Feature]
        /// What ``FeatureStream`` would have said: every feature read and kept, the source CRS,
        /// the warning about repeated ids.
        public var summary: LayerReadSummary
        /// How many pieces the features array was parsed in (1 when the guesses did not fit).
        var pieces = 1
    }

    /// The lines of the GeoJSON file at `path` in `crs` (which must be the file's, by its `crs`
    /// member or `options.crs`), or nil when the file is not for this reader.
    public static func read(path: String, options: ReadOptions = ReadOptions(), crs: CRS,
                            accepts: (@Sendable (Properties) -> Bool)? = nil) throws -> Lines? {
        // The file is mapped, not copied; the cursor keeps to `end`, so no sentinel byte is needed.
        guard InputFormat.forPath(path) == .geojson, let file = try MappedFile(path: path), file.count > 0 else { return nil }
        let lines = try withExtendedLifetime(file) { try read(file.bytes, path: path, options: options, crs: crs, accepts: accepts) }
        // A file changed while it was read is left to the stream, which reads it as it is then.
        return file.isUnchanged ? lines : nil
    }

    /// The lines of a GeoJSON FeatureCollection held in memory (`path` names it in messages);
    /// `pieces` sets how many parts the features array is cut into (default: by its size, for
    /// all cores), so that tests and the fuzzer can cut small files anywhere.
    public static func read(_ bytes: UnsafeBufferPointer<UInt8>, path: String, options: ReadOptions = ReadOptions(), crs: CRS,
                            accepts: (@Sendable (Properties) -> Bool)? = nil, pieces wanted: Int? = nil) throws -> Lines? {
        // Street graphs are metric: a geographic target is left to the stream, whose reader also
        // refuses longitudes and latitudes out of range (found by the fuzzer).
        guard !bytes.isEmpty, !crs.isGeographic else { return nil }
        let prototype = FeatureParser(crs: crs, crsIsDefault: false, keepZ: options.keepZ)
        let countsIDs = options.countsRepeatedIDs
        let read: (pieces: [Piece], sourceCRS: CRS)? = try { (all: UnsafeBufferPointer<UInt8>) in
            nonisolated(unsafe) let base = all.baseAddress!
            let end = all.count
            guard let head = try? topLevel(base, end: end), let arrayStart = head.features else { return nil }
            // The pieces' guesses lie in the first 15/16 of the rest of the file (the array).
            let arrayEnd = arrayStart + (end - arrayStart) / 16 * 15
            // After the array, the rest of the top level; then the CRS as the feature reader
            // finds it, from the same `crs` member (or the override).
            func header(after arrayEnd: Int) throws -> CRS? {
                guard let top = try? topLevel(base, from: arrayEnd, end: end, before: head), top.isCollection else { return nil }
                var text: [UInt8] = Array(#"{"type": "FeatureCollection", "#.utf8)
                if let member = top.crs { text += Array(#""crs": "#.utf8) + all[member] + Array(", ".utf8) }
                text += Array(#""features": []}"#.utf8)
                let crs = try GeoJSONReader(bytes: text, name: path, options: options).crs
                return crs
            }
            // The features array is cut into pieces at byte offsets, each parsed on its own core
            // from the first `{` after a comma there: a guess at where a feature starts, which
            // the piece before confirms when its last feature ends just there. Any piece that
            // does not fit (a `,{` inside a feature) makes the whole array be read as one piece.
            let bytesPerPiece = 1 << 16
            var count = wanted ?? Swift.max(1, Swift.min(Cores.available * 4, (arrayEnd - arrayStart) / bytesPerPiece))
            while true {
                var starts = [arrayStart]
                for k in 1..<Swift.max(1, count) {
                    let from = arrayStart + (arrayEnd - arrayStart) * k / count
                    starts.append(starts[k - 1] == Int.max ? Int.max : guessFeatureStart(base, from: Swift.max(starts[k - 1] + 1, from), end: arrayEnd))
                }
                starts.append(Int.max)
                let parsed = try? concurrentChunks(count, chunks: count, minimumChunk: 1) { k, _ -> Piece? in
                    piece(base, end: end, from: starts[k], to: starts[k + 1], first: k == 0, parser: prototype, accepts: accepts, countsIDs: countsIDs)
                }
                if let parsed, parsed.allSatisfy({ $0 != nil }) {
                    let pieces = parsed.map { $0! }
                    // One piece reached the array's end, where the top level has it; the pieces
                    // after it hold nothing (their guesses lay beyond the array).
                    let ends = pieces.indices.filter { pieces[$0].arrayEnd != nil }
                    if ends.count == 1, pieces[(ends[0] + 1)...].allSatisfy({ $0.featureLines.isEmpty }),
                       let source = try header(after: pieces[ends[0]].arrayEnd!) {
                        guard source == crs else { return nil }
                        return (pieces, source)
                    }
                }
                guard count > 1 else { return nil }
                count = 1
            }
        }(bytes)
        guard let read else { return nil }
        var lines = Lines(xy: [], lineVertexCounts: [], featureLines: [], ids: [], others: [:], summary: LayerReadSummary(path: path))
        lines.pieces = read.pieces.count
        lines.xy.reserveCapacity(read.pieces.reduce(0) { $0 + $1.xy.count })
        lines.lineVertexCounts.reserveCapacity(read.pieces.reduce(0) { $0 + $1.lineVertexCounts.count })
        var repeatedIDs = 0
        var seen = Set<FeatureID>()
        for piece in read.pieces {
            let first = lines.featureLines.count
            lines.xy += piece.xy
            lines.lineVertexCounts += piece.lineVertexCounts
            lines.featureLines += piece.featureLines
            lines.ids += piece.ids
            for (k, var feature) in piece.others {
                feature.origin?.index = first + k
                lines.others[first + k] = feature
            }
            for id in piece.featureIDs where !seen.insert(id).inserted { repeatedIDs += 1 }
        }
        let n = lines.featureLines.count
        guard n > 0 else { return nil }
        lines.summary.read = n
        lines.summary.kept = n
        lines.summary.sourceCRS = read.sourceCRS
        // As GeoJSONReader words it at the end of the file.
        if repeatedIDs > 0 {
            lines.summary.warnings.append("\(path): \(repeatedIDs) feature\(repeatedIDs == 1 ? "" : "s") repeat an id used before")
        }
        return lines
    }

    /// What one worker read.
    private struct Piece {
        var xy: [Double] = []
        var lineVertexCounts: [Int32] = []
        var featureLines: [Int32] = []
        var ids: [String?] = []
        var featureIDs: [FeatureID] = []
        var others: [Int: Feature] = [:]
        /// Just after the features array's `]`, when this piece reached it.
        var arrayEnd: Int?
    }

    /// The first `{` at or after `from` whose previous byte other than white space is a comma
    /// (Int.max when there is none).
    private static func guessFeatureStart(_ base: UnsafePointer<UInt8>, from: Int, end: Int) -> Int {
        var p = from
        while p < end {
            if base[p] == 0x7B {
                var q = p - 1
                while q > 0, base[q] == 0x20 || base[q] == 0x0A || base[q] == 0x0D || base[q] == 0x09 { q -= 1 }
                if base[q] == 0x2C { return p }
            }
            p += 1
        }
        return Int.max
    }

    /// The features from `start` (the first, just inside the array's `[`, or a guessed feature
    /// start) on, until the one that starts at `limit` (which must be where one starts) or the
    /// end of the array; nil when the bytes do not fit.
    private static func piece(_ base: UnsafePointer<UInt8>, end: Int, from start: Int, to limit: Int, first: Bool, parser prototype: FeatureParser,
                              accepts: (@Sendable (Properties) -> Bool)?, countsIDs: Bool) -> Piece? {
        var out = Piece()
        guard start < end else { return out }
        var parser = prototype
        var cursor = JSONCursor(base: base, position: start, end: end, atEOF: true)
        do {
            if first, try cursor.peek() == 0x5D {
                cursor.position += 1
                out.arrayEnd = cursor.position
                return out
            }
            while true {
                guard try cursor.peek() == 0x7B else { return nil }
                let i = out.featureLines.count
                var lean = cursor
                let xyCount = out.xy.count, lineCount = out.lineVertexCounts.count
                if let read = try? leanFeature(&lean, into: &out, accepts: accepts) {
                    cursor.position = lean.position
                    if read.lines == filteredOut {
                        out.xy.removeSubrange(xyCount...)
                        out.lineVertexCounts.removeSubrange(lineCount...)
                    }
                    out.featureLines.append(read.lines)
                    out.ids.append(read.displayID)
                    if countsIDs, let id = read.id { out.featureIDs.append(id) }
                } else {
                    out.xy.removeSubrange(xyCount...)
                    out.lineVertexCounts.removeSubrange(lineCount...)
                    // Found as GeoJSONReader finds a feature (its bytes, nested at most so deep).
                    var skip = cursor
                    try skip.skipStructure()
                    let range = cursor.position..<skip.position
                    cursor.position = range.upperBound
                    // The feature reader's way: a feature FeatureStream keeps, or nil for the file.
                    var full = JSONCursor(base: base, position: range.lowerBound, end: range.upperBound, atEOF: true)
                    guard var feature = try? parser.featureObject(&full), full.position == range.upperBound, parser.notes.isEmpty,
                          let g = feature.geometry, !g.isEmpty else { return nil }
                    // The index in the piece, made the file's when the pieces are joined.
                    feature.origin = FeatureOrigin(index: i, offset: range.lowerBound)
                    if countsIDs, let id = feature.id { out.featureIDs.append(id) }
                    out.featureLines.append(other)
                    out.ids.append(nil)
                    out.others[i] = feature
                }
                guard try cursor.commaOr(0x5D) else {
                    // The next piece's guess must not lie in this one.
                    guard limit > cursor.position else { return nil }
                    out.arrayEnd = cursor.position
                    return out
                }
                _ = try cursor.peek()
                if cursor.position >= limit { return cursor.position == limit ? out : nil }
            }
        } catch {
            return nil
        }
    }

    /// The top-level object up to the features array: where its elements start (just after its
    /// `[`), the `crs` member's bytes, and whether it says it is a FeatureCollection; with
    /// `before` (what was found up to the array) the rest of it, from just after the array's `]`
    /// at `start`, to the end of the file. Nil for a top level the feature reader might read
    /// otherwise (a member of a single feature, two `crs` members, escaped names).
    private static func topLevel(_ base: UnsafePointer<UInt8>, from start: Int = 0, end: Int,
                                 before: (features: Int?, crs: Range<Int>?, isCollection: Bool)? = nil) throws -> (features: Int?, crs: Range<Int>?, isCollection: Bool)? {
        var cursor = JSONCursor(base: base, position: start, end: end, atEOF: true)
        var features = before?.features, crs = before?.crs
        var isCollection = before?.isCollection ?? false
        if before == nil {
            try cursor.expect(0x7B, "'{'")
            guard try cursor.peek() != 0x7D else { return nil }
        } else if try !cursor.commaOr(0x7D) {
            guard try cursor.isAtEnd() else { return nil }
            return (features, crs, isCollection)
        }
        repeat {
            let key = try cursor.rawString()
            try cursor.expect(0x3A, "':'")
            guard !key.escaped else { return nil }
            if cursor.rawEquals(key, "type") {
                guard !isCollection, try cursor.peek() == 0x22, try cursor.string() == "FeatureCollection" else { return nil }
                isCollection = true
            } else if cursor.rawEquals(key, "features") {
                // The pieces read the array; the rest of the top level is read after it.
                guard features == nil, try cursor.peek() == 0x5B else { return nil }
                features = cursor.position + 1
                return (features, crs, isCollection)
            } else if cursor.rawEquals(key, "crs") {
                guard crs == nil else { return nil }
                let start = try { _ = try cursor.peek(); return cursor.position }()
                try cursor.skipValue()
                crs = start..<cursor.position
            } else if cursor.rawEquals(key, "geometry") || cursor.rawEquals(key, "coordinates")
                        || cursor.rawEquals(key, "geometries") || cursor.rawEquals(key, "properties") {
                return nil
            } else {
                try cursor.skipValue()
            }
        } while try cursor.commaOr(0x7D)
        guard try cursor.isAtEnd() else { return nil }
        return (features, crs, isCollection)
    }

    /// The depth the lean way starts members other than the geometry at, so that nesting over
    /// 32 levels deep throws and the feature is read by the full parser (which refuses what
    /// the feature reader's scan refuses, over 128 levels in all).
    private static let shallow = JSONCursor.maximumDepth - 32

    /// One feature the lean way, its lines appended to `out`: its number of lines (or
    /// ``filteredOut``), its id and display id; nil when it is not for the lean way.
    private static func leanFeature(_ cursor: inout JSONCursor, into out: inout Piece,
                                    accepts: (@Sendable (Properties) -> Bool)?) throws -> (lines: Int32, id: FeatureID?, displayID: String?)? {
        try cursor.expect(0x7B, "'{'")
        var id: FeatureID?
        var properties = Properties()
        var propertiesID: PropertyValue?
        var sawType = false, sawID = false, sawProperties = false, sawGeometry = false
        var lines: Int32 = 0
        guard try cursor.peek() != 0x7D else { return nil }
        repeat {
            let key = try cursor.rawString()
            try cursor.expect(0x3A, "':'")
            guard !key.escaped else { return nil }
            if cursor.rawEquals(key, "type") {
                guard !sawType, try cursor.peek() == 0x22, try cursor.string() == "Feature" else { return nil }
                sawType = true
            } else if cursor.rawEquals(key, "id") {
                guard !sawID else { return nil }
                sawID = true
                // As FeatureParser reads it.
                switch try cursor.value() {
                case let .string(s): id = .string(s)
                case let .integer(i): id = .integer(i)
                case let .double(d): id = .double(d)
                case .null: id = nil
                default: return nil
                }
            } else if cursor.rawEquals(key, "properties") {
                guard !sawProperties else { return nil }
                sawProperties = true
                switch try cursor.peek() {
                case 0x6E: try cursor.literal("null")
                case 0x7B:
                    // Built only for the filter; else checked as they would be read, only their `id` built.
                    if accepts != nil { properties = try cursor.object(depth: shallow) } else { propertiesID = try cursor.checkObject(depth: shallow) }
                default: return nil
                }
            } else if cursor.rawEquals(key, "geometry") {
                guard !sawGeometry, try cursor.peek() == 0x7B else { return nil }
                sawGeometry = true
                guard let count = try lineGeometry(&cursor, into: &out) else { return nil }
                lines = count
            } else if cursor.rawEquals(key, "bbox") || cursor.rawEquals(key, "coordinates") || cursor.rawEquals(key, "geometries") {
                return nil
            } else {
                try cursor.skipValue(depth: shallow)
            }
        } while try cursor.commaOr(0x7D)
        guard sawType, sawGeometry, lines > 0 else { return nil }
        let displayID: String?
        if let id { displayID = id.description } else if let value = accepts != nil ? properties["id"] : propertiesID, !value.isNull { displayID = value.description } else { displayID = nil }
        if let accepts, !accepts(properties) { return (filteredOut, id, displayID) }
        return (lines, id, displayID)
    }

    /// A LineString or MultiLineString geometry object of plain positions into `out`: its
    /// number of lines, or nil for anything else.
    private static func lineGeometry(_ cursor: inout JSONCursor, into out: inout Piece) throws -> Int32? {
        try cursor.expect(0x7B, "'{'")
        var multi: Bool?
        var lines: Int32?
        guard try cursor.peek() != 0x7D else { return nil }
        repeat {
            let key = try cursor.rawString()
            try cursor.expect(0x3A, "':'")
            guard !key.escaped else { return nil }
            if cursor.rawEquals(key, "type") {
                guard multi == nil, try cursor.peek() == 0x22 else { return nil }
                let raw = try cursor.rawString()
                if cursor.rawEquals(raw, "LineString") { multi = false } else if cursor.rawEquals(raw, "MultiLineString") { multi = true } else { return nil }
            } else if cursor.rawEquals(key, "coordinates") {
                guard lines == nil else { return nil }
                // Either [[x, y], …] or [[[x, y], …], …]: which, the brackets tell.
                try cursor.expect(0x5B, "'['")
                guard try cursor.peek() == 0x5B else { return nil }
                let save = cursor.position
                cursor.position += 1
                let nested = try cursor.peek() == 0x5B
                cursor.position = save
                var dimension = 0
                if nested {
                    var count: Int32 = 0
                    repeat {
                        try cursor.expect(0x5B, "'['")
                        guard try line(&cursor, into: &out, dimension: &dimension) else { return nil }
                        count += 1
                    } while try cursor.commaOr(0x5D)
                    lines = -count
                } else {
                    guard try line(&cursor, into: &out, dimension: &dimension) else { return nil }
                    lines = 0
                }
            } else if cursor.rawEquals(key, "bbox") || cursor.rawEquals(key, "geometries") {
                return nil
            } else {
                try cursor.skipValue(depth: shallow)
            }
        } while try cursor.commaOr(0x7D)
        // `lines` is 0 for one line, -k for k nested lines: it must match the type.
        guard let multi, let lines else { return nil }
        if multi { return lines < 0 ? -lines : nil }
        return lines == 0 ? 1 : nil
    }

    /// The positions of one line, after its '[' (at least two, each of two or three finite
    /// numbers, as many as `dimension` unless it is 0, the first position of the geometry),
    /// into `out`; false for anything else. (A geometry with z on some positions only has NaN
    /// z on the others, which GEOS refuses when z is kept.)
    @inline(__always)
    private static func line(_ cursor: inout JSONCursor, into out: inout Piece, dimension: inout Int) throws -> Bool {
        var positions: Int32 = 0
        repeat {
            try cursor.expect(0x5B, "'['")
            var k = 0
            repeat {
                let c = try cursor.peek()
                guard c == 0x2D || (c >= 0x30 && c <= 0x39) else { return false }
                let v = try cursor.number().doubleValue
                guard v.isFinite else { return false }
                if k < 2 { out.xy.append(v) }
                k += 1
            } while try cursor.commaOr(0x5D)
            guard k == 2 || k == 3, dimension == 0 || k == dimension else { return false }
            dimension = k
            positions += 1
        } while try cursor.commaOr(0x5D)
        guard positions >= 2 else { return false }
        out.lineVertexCounts.append(positions)
        return true
    }
}
