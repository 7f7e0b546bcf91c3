import GeoCore

/// The id and point on surface of every feature of a GeoJSON FeatureCollection of polygons,
/// for analyses that need only where each feature is (the walking distance from every parcel),
/// parsed on all cores without a GEOS geometry for the common feature.
///
/// A feature is read the lean way when it is a `Feature` whose geometry is a Polygon of one
/// ring of 4 to 64 plain 2D positions that ``AreaInteriorPoint/isCertainlyValidSingleRing(_:count:)``
/// proves valid, with no `bbox`, no repeated member, and a top-level `id` (if any) that is an
/// unescaped string; its point is ``AreaInteriorPoint``'s, which is GEOS's.
/// Any other feature is parsed by the feature reader's parser and handled as ``FeatureStream``
/// handles it with the `repair` policy (checked, repaired when invalid, then GEOS's point on
/// surface). Anything that stream would reject or refuse (a feature without geometry, empty
/// after repair, malformed, a file that is not one FeatureCollection, a CRS other than the
/// target's) returns nil, and the caller reads the file with ``FeatureStream``, which reports
/// it; so both ways give the same points and ids for every file this one accepts. A file over
/// 256 MiB returns nil too: this reader holds the file whole, the stream does not.
public enum GeoJSONPointsOnSurface {
    public struct Points: Sendable {
        /// `Feature.displayID` of each feature, or "" when it has none.
        public var ids: [String]
        public var x: [Double]
        public var y: [Double]
    }

    /// The points of the GeoJSON file at `path` in `crs` (which must be the file's, by its
    /// `crs` member or `options.crs`), or nil when the file is not for this reader.
    public static func read(path: String, options: ReadOptions = ReadOptions(), crs: CRS) throws -> Points? {
        guard InputFormat.forPath(path) == .geojson, WholeFile.isSmallEnoughForLeanRead(path) else { return nil }
        let header = try GeoJSONReader(path: path, options: options)
        guard header.crs == crs else { return nil }
        let prototype = FeatureParser(crs: crs, crsIsDefault: false, keepZ: options.keepZ)
        // The cursor keeps to `end`, so the file is read as it is (no sentinel byte: appending
        // one would copy the whole file into twice its size).
        let bytes = try WholeFile.read(path)
        guard !bytes.isEmpty else { return nil }
        return bytes.withUnsafeBufferPointer { all -> Points? in
            nonisolated(unsafe) let base = all.baseAddress!
            let end = all.count
            guard let ranges = try? featureRanges(base, end: end) else { return nil }
            let n = ranges.count
            let pieces = Swift.max(1, Swift.min(Cores.available * 4, n / 256))
            let parsed = try? concurrentChunks(pieces, chunks: pieces, minimumChunk: 1) { piece, _ -> Points? in
                var out = Points(ids: [], x: [], y: [])
                var parser = prototype
                var xy: [Double] = []
                for i in (n * piece / pieces)..<(n * (piece + 1) / pieces) {
                    var cursor = JSONCursor(base: base, position: ranges[i].lowerBound, end: ranges[i].upperBound, atEOF: true)
                    var point: (String, Double, Double)?
                    if let lean = try? leanFeature(&cursor, xy: &xy) { point = lean }
                    if point == nil {
                        // The feature reader's way, as FeatureStream takes it with `repair`.
                        var full = JSONCursor(base: base, position: ranges[i].lowerBound, end: ranges[i].upperBound, atEOF: true)
                        guard let feature = try? parser.featureObject(&full), var g = feature.geometry else { return nil }
                        guard let valid = try? g.isValid() else { return nil }
                        if !valid {
                            guard let repaired = try? g.repaired(assumingInvalid: true) else { return nil }
                            g = repaired
                        }
                        guard !g.isEmpty else { return nil }
                        let p: Geometry
                        if g.type == .point { p = g } else {
                            guard let surface = try? g.pointOnSurface() else { return nil }
                            p = surface
                        }
                        point = (feature.displayID ?? "", p.x ?? .nan, p.y ?? .nan)
                    }
                    out.ids.append(point!.0)
                    out.x.append(point!.1)
                    out.y.append(point!.2)
                }
                return out
            }
            guard let parsed, parsed.allSatisfy({ $0 != nil }) else { return nil }
            return Points(ids: parsed.flatMap { $0!.ids }, x: parsed.flatMap { $0!.x }, y: parsed.flatMap { $0!.y })
        }
    }

    /// Where each element of the `features` array of the top-level FeatureCollection is.
    private static func featureRanges(_ base: UnsafePointer<UInt8>, end: Int) throws -> [Range<Int>]? {
        var cursor = JSONCursor(base: base, position: 0, end: end, atEOF: true)
        try cursor.expect(0x7B, "'{'")
        var ranges: [Range<Int>]?
        var isCollection = false
        guard try cursor.peek() != 0x7D else { return nil }
        repeat {
            let key = try cursor.rawString()
            try cursor.expect(0x3A, "':'")
            if cursor.rawEquals(key, "type") {
                guard try cursor.peek() == 0x22, try cursor.string() == "FeatureCollection" else { return nil }
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
            } else {
                try cursor.skipValue()
            }
        } while try cursor.commaOr(0x7D)
        guard try cursor.isAtEnd(), isCollection else { return nil }
        return ranges
    }

    /// One feature the lean way: (display id, x, y), or nil when it is not for the lean way.
    private static func leanFeature(_ cursor: inout JSONCursor, xy: inout [Double]) throws -> (String, Double, Double)? {
        try cursor.expect(0x7B, "'{'")
        var topID: String?, propertiesID: String?
        var sawType = false, sawID = false, sawProperties = false, sawGeometry = false
        var ring = 0
        guard try cursor.peek() != 0x7D else { return nil }
        repeat {
            let key = try cursor.rawString()
            try cursor.expect(0x3A, "':'")
            guard !key.escaped else { return nil }
            if cursor.rawEquals(key, "type") {
                guard !sawType, try cursor.peek() == 0x22, try cursor.string() == "Feature" else { return nil }
                sawType = true
            } else if cursor.rawEquals(key, "id") {
                guard !sawID, try cursor.peek() == 0x22 else { return nil }
                sawID = true
                let raw = try cursor.rawString()
                guard !raw.escaped else { return nil }
                topID = try cursor.decode(raw)
            } else if cursor.rawEquals(key, "properties") {
                guard !sawProperties else { return nil }
                sawProperties = true
                // Parsed as the feature reader parses them, so that the same properties are refused.
                switch try cursor.peek() {
                case 0x6E: try cursor.literal("null")
                case 0x7B:
                    let properties = try cursor.object()
                    if let id = properties["id"], !id.isNull { propertiesID = id.description }
                default: return nil
                }
            } else if cursor.rawEquals(key, "geometry") {
                guard !sawGeometry, try cursor.peek() == 0x7B else { return nil }
                sawGeometry = true
                guard let count = try polygonRing(&cursor, xy: &xy) else { return nil }
                ring = count
            } else if cursor.rawEquals(key, "bbox") || cursor.rawEquals(key, "coordinates") || cursor.rawEquals(key, "geometries") {
                return nil
            } else {
                try cursor.skipValue()
            }
        } while try cursor.commaOr(0x7D)
        guard sawType, sawGeometry, ring > 0 else { return nil }
        let point: (x: Double, y: Double)? = xy.withUnsafeBufferPointer { p in
            guard AreaInteriorPoint.isCertainlyValidSingleRing(p.baseAddress!, count: ring) else { return nil }
            return AreaInteriorPoint.of(xy: p, polygons: [[ring]])
        }
        guard let point else { return nil }
        return (topID ?? propertiesID ?? "", point.x, point.y)
    }

    /// A Polygon geometry object of one ring of 2D positions into `xy`: the ring's number of
    /// positions, or nil for anything else.
    private static func polygonRing(_ cursor: inout JSONCursor, xy: inout [Double]) throws -> Int? {
        try cursor.expect(0x7B, "'{'")
        var sawType = false, count: Int?
        guard try cursor.peek() != 0x7D else { return nil }
        repeat {
            let key = try cursor.rawString()
            try cursor.expect(0x3A, "':'")
            guard !key.escaped else { return nil }
            if cursor.rawEquals(key, "type") {
                guard !sawType, try cursor.peek() == 0x22, try cursor.string() == "Polygon" else { return nil }
                sawType = true
            } else if cursor.rawEquals(key, "coordinates") {
                guard count == nil else { return nil }
                xy.removeAll(keepingCapacity: true)
                // [[ [x, y], … ]]: exactly one ring.
                try cursor.expect(0x5B, "'['")
                try cursor.expect(0x5B, "'['")
                var positions = 0
                repeat {
                    try cursor.expect(0x5B, "'['")
                    for k in 0..<2 {
                        let c = try cursor.peek()
                        guard c == 0x2D || (c >= 0x30 && c <= 0x39) else { return nil }
                        let v = try cursor.number().doubleValue
                        guard v.isFinite else { return nil }
                        xy.append(v)
                        if k == 0 { try cursor.expect(0x2C, "','") }
                    }
                    try cursor.expect(0x5D, "']'")
                    positions += 1
                } while try cursor.commaOr(0x5D)
                try cursor.expect(0x5D, "']'")
                count = positions
            } else if cursor.rawEquals(key, "bbox") || cursor.rawEquals(key, "geometries") {
                return nil
            } else {
                try cursor.skipValue()
            }
        } while try cursor.commaOr(0x7D)
        guard sawType else { return nil }
        return count
    }
}
