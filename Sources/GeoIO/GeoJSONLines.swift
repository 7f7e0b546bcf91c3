import GeoCore

/// The lines of every feature of a GeoJSON FeatureCollection of LineStrings and
/// MultiLineStrings as flat coordinates, for building a street graph: parsed on all cores,
/// without a GEOS geometry for the common feature.
///
/// A feature is read the lean way when it is a `Feature` whose geometry is a LineString of at
/// least two positions, or a MultiLineString of at least one such line, with positions of two
/// or three finite numbers (z is dropped), no `bbox`, and no repeated member. Its id and
/// properties are parsed as the feature reader parses them (so the same ones are refused),
/// and `accepts` (the caller's filter) is asked about its properties.
/// Any other feature (a Point, a one-position line, an id that is an object, …) is parsed by
/// the feature reader's parser into a ``Feature`` and handed back as it is, for the caller to
/// treat as it treats the features of a ``FeatureStream``. Anything that stream would reject,
/// refuse or warn about (a feature without geometry or with an empty one, malformed JSON, a
/// file that is not one FeatureCollection, a CRS other than the target's, a note of the
/// parser such as a malformed bbox) returns nil, and the caller reads the file with
/// ``FeatureStream``, which reports it; so both ways give the same lines, ids and features for
/// every file this one accepts. A file over ``WholeFile/leanReadLimit`` returns nil too: this
/// reader holds the file whole, the stream does not.
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
    }

    /// The lines of the GeoJSON file at `path` in `crs` (which must be the file's, by its `crs`
    /// member or `options.crs`), or nil when the file is not for this reader.
    public static func read(path: String, options: ReadOptions = ReadOptions(), crs: CRS,
                            accepts: (@Sendable (Properties) -> Bool)? = nil) throws -> Lines? {
        guard InputFormat.forPath(path) == .geojson, WholeFile.isSmallEnoughForLeanRead(path) else { return nil }
        let header = try GeoJSONReader(path: path, options: options)
        guard header.crs == crs else { return nil }
        let prototype = FeatureParser(crs: crs, crsIsDefault: false, keepZ: options.keepZ)
        let countsIDs = options.countsRepeatedIDs
        // The cursor keeps to `end`, so the file is read as it is (no sentinel byte).
        let bytes = try WholeFile.read(path)
        guard !bytes.isEmpty else { return nil }
        let pieces: [Piece?]? = bytes.withUnsafeBufferPointer { all -> [Piece?]? in
            nonisolated(unsafe) let base = all.baseAddress!
            guard let ranges = try? featureRanges(base, end: all.count) else { return nil }
            let n = ranges.count
            let pieces = Swift.max(1, Swift.min(Cores.available * 4, n / 256))
            return try? concurrentChunks(pieces, chunks: pieces, minimumChunk: 1) { piece, _ -> Piece? in
                var out = Piece()
                var parser = prototype
                for i in (n * piece / pieces)..<(n * (piece + 1) / pieces) {
                    var cursor = JSONCursor(base: base, position: ranges[i].lowerBound, end: ranges[i].upperBound, atEOF: true)
                    let xyCount = out.xy.count, lineCount = out.lineVertexCounts.count
                    if let lean = try? leanFeature(&cursor, into: &out, accepts: accepts), cursor.position == ranges[i].upperBound {
                        if lean.lines == filteredOut {
                            out.xy.removeSubrange(xyCount...)
                            out.lineVertexCounts.removeSubrange(lineCount...)
                        }
                        out.featureLines.append(lean.lines)
                        out.ids.append(lean.displayID)
                        if countsIDs, let id = lean.id { out.featureIDs.append(id) }
                        continue
                    }
                    out.xy.removeSubrange(xyCount...)
                    out.lineVertexCounts.removeSubrange(lineCount...)
                    // The feature reader's way: a feature FeatureStream keeps, or nil for the file.
                    var full = JSONCursor(base: base, position: ranges[i].lowerBound, end: ranges[i].upperBound, atEOF: true)
                    guard var feature = try? parser.featureObject(&full), parser.notes.isEmpty,
                          let g = feature.geometry, !g.isEmpty else { return nil }
                    feature.origin = FeatureOrigin(index: i, offset: ranges[i].lowerBound)
                    if countsIDs, let id = feature.id { out.featureIDs.append(id) }
                    out.featureLines.append(other)
                    out.ids.append(nil)
                    out.others[i] = feature
                }
                return out
            }
        }
        guard let pieces, pieces.allSatisfy({ $0 != nil }) else { return nil }
        var lines = Lines(xy: [], lineVertexCounts: [], featureLines: [], ids: [], others: [:], summary: LayerReadSummary(path: path))
        lines.xy.reserveCapacity(pieces.reduce(0) { $0 + $1!.xy.count })
        lines.lineVertexCounts.reserveCapacity(pieces.reduce(0) { $0 + $1!.lineVertexCounts.count })
        var repeatedIDs = 0
        var seen = Set<FeatureID>()
        for piece in pieces {
            let piece = piece!
            lines.xy += piece.xy
            lines.lineVertexCounts += piece.lineVertexCounts
            lines.featureLines += piece.featureLines
            lines.ids += piece.ids
            lines.others.merge(piece.others) { a, _ in a }
            for id in piece.featureIDs where !seen.insert(id).inserted { repeatedIDs += 1 }
        }
        let n = lines.featureLines.count
        lines.summary.read = n
        lines.summary.kept = n
        lines.summary.sourceCRS = header.crs
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
    }

    /// Where each element of the `features` array of the top-level FeatureCollection is; nil
    /// for a top level the feature reader might read otherwise (a member of a single feature,
    /// two `crs` members).
    private static func featureRanges(_ base: UnsafePointer<UInt8>, end: Int) throws -> [Range<Int>]? {
        var cursor = JSONCursor(base: base, position: 0, end: end, atEOF: true)
        try cursor.expect(0x7B, "'{'")
        var ranges: [Range<Int>]?
        var isCollection = false, sawCRS = false
        guard try cursor.peek() != 0x7D else { return nil }
        repeat {
            let key = try cursor.rawString()
            try cursor.expect(0x3A, "':'")
            guard !key.escaped else { return nil }
            if cursor.rawEquals(key, "type") {
                guard !isCollection, try cursor.peek() == 0x22, try cursor.string() == "FeatureCollection" else { return nil }
                isCollection = true
            } else if cursor.rawEquals(key, "features") {
                guard ranges == nil, try cursor.peek() == 0x5B else { return nil }
                cursor.position += 1
                var found: [Range<Int>] = []
                if try cursor.peek() == 0x5D {
                    cursor.position += 1
                } else {
                    repeat {
                        guard try cursor.peek() == 0x7B else { return nil }
                        let start = cursor.position
                        try cursor.skipValue()
                        found.append(start..<cursor.position)
                    } while try cursor.commaOr(0x5D)
                }
                ranges = found
            } else if cursor.rawEquals(key, "crs") {
                guard !sawCRS else { return nil }
                sawCRS = true
                try cursor.skipValue()
            } else if cursor.rawEquals(key, "geometry") || cursor.rawEquals(key, "coordinates")
                        || cursor.rawEquals(key, "geometries") || cursor.rawEquals(key, "properties") {
                return nil
            } else {
                try cursor.skipValue()
            }
        } while try cursor.commaOr(0x7D)
        guard try cursor.isAtEnd(), isCollection else { return nil }
        return ranges
    }

    /// One feature the lean way, its lines appended to `out`: its number of lines (or
    /// ``filteredOut``), its id and display id; nil when it is not for the lean way.
    private static func leanFeature(_ cursor: inout JSONCursor, into out: inout Piece,
                                    accepts: (@Sendable (Properties) -> Bool)?) throws -> (lines: Int32, id: FeatureID?, displayID: String?)? {
        try cursor.expect(0x7B, "'{'")
        var id: FeatureID?
        var properties = Properties()
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
                case 0x7B: properties = try cursor.object()
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
                try cursor.skipValue()
            }
        } while try cursor.commaOr(0x7D)
        guard sawType, sawGeometry, lines > 0 else { return nil }
        let displayID: String?
        if let id { displayID = id.description } else if let value = properties["id"], !value.isNull { displayID = value.description } else { displayID = nil }
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
                try cursor.skipValue()
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
