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
/// it; so both ways give the same points and ids for every file this one accepts.
///
/// The file is mapped, not read (``MappedFile``): its features are found front to back and
/// parsed a window of ``windowBytes`` at a time on all cores (the next window is found while one
/// is parsed), and the pages of each parsed window are given back, so memory stays bounded by
/// about two windows whatever the file's size (a million parcels of gen_data.py are 333 MB).
/// Standard input and other streams return nil (the stream reads them).
public enum GeoJSONPointsOnSurface {
    public struct Points: Sendable {
        /// `Feature.displayID` of each feature, or "" when it has none.
        public var ids: [String]
        public var x: [Double]
        public var y: [Double]

        /// Room for `more` points and, estimated, the rest of the file (see ``capacity(count:adding:readUpTo:of:)``).
        mutating func makeRoom(for more: Int, readUpTo done: Int, of size: Int) {
            guard ids.count + more > Swift.min(ids.capacity, x.capacity, y.capacity) else { return }
            let room = GeoJSONPointsOnSurface.capacity(count: ids.count, adding: more, readUpTo: done, of: size)
            ids.reserveCapacity(room)
            x.reserveCapacity(room)
            y.reserveCapacity(room)
        }
    }

    /// The mapped readers' arrays grow window by window: by doubling, which at a million
    /// parcels would leave them with room for 1.6 million. So each window that does not fit
    /// makes room for itself and for the rest of the file at the density of what was read (5 %
    /// more, and not more than one feature per 64 bytes left).
    static func capacity(count: Int, adding more: Int, readUpTo done: Int, of size: Int) -> Int {
        let rest = Double(count + more) / Double(Swift.max(done, 1)) * Double(size - done) * 1.05
        return count + more + Swift.min(Int(rest), (size - done) / 64)
    }

    /// How many bytes of features are parsed at a time: 8 MiB, about 25,000 parcels, enough
    /// work for every core. Two windows are mapped in at a time (one parsed, the next found), so
    /// this is what the reader adds to the resident size: reading a million parcels peaked at
    /// 246 MiB with 32 MiB windows, 197 MiB with 8 MiB ones, in the same time.
    static let windowBytes = 8 << 20

    /// The points of the GeoJSON file at `path` in `crs` (which must be the file's, by its
    /// `crs` member or `options.crs`), or nil when the file is not for this reader.
    /// `cannotOpen` (exit code 66) when it is missing or unreadable.
    public static func read(path: String, options: ReadOptions = ReadOptions(), crs: CRS) throws -> Points? {
        try read(path: path, options: options, crs: crs, windowBytes: windowBytes)
    }

    /// ``read(path:options:crs:)`` in windows of `windowBytes` (tests force many windows on a
    /// small file).
    static func read(path: String, options: ReadOptions, crs: CRS, windowBytes: Int) throws -> Points? {
        guard InputFormat.forPath(path) == .geojson, let file = try MappedFile(path: path), file.count > 0 else { return nil }
        let header = try GeoJSONReader(path: path, options: options)
        guard header.crs == crs else { return nil }
        let prototype = FeatureParser(crs: crs, crsIsDefault: false, keepZ: options.keepZ)
        // The cursor keeps to `end`: nothing past the mapped size is read.
        nonisolated(unsafe) let base = file.bytes.baseAddress!
        var scanner = FeatureScanner(base: base, end: file.count)
        var points = Points(ids: [], x: [], y: [])
        guard var window = scanner.next(bytes: windowBytes) else { return nil }
        while !window.isEmpty {
            let ranges = window
            let n = ranges.count
            let pieces = Swift.max(1, Swift.min(Cores.available * 4, n / 256))
            var following: [Range<Int>]?
            var parsed = [Points?](repeating: nil, count: pieces)
            let complete = parsed.withUnsafeMutableBufferPointer { parsed -> Bool in
                nonisolated(unsafe) let parsed = parsed
                do {
                    // The next window is found (its pages read in) while this one is parsed.
                    try concurrentPieces(pieces, pieces: pieces, alongside: { following = scanner.next(bytes: windowBytes) }) { piece, _ in
                        parsed[piece] = parse(ranges[(n * piece / pieces)..<(n * (piece + 1) / pieces)], base: base, prototype: prototype)
                    }
                } catch {
                    return false
                }
                return parsed.allSatisfy { $0 != nil }
            }
            guard complete, let following else { return nil }
            points.makeRoom(for: n, readUpTo: ranges[n - 1].upperBound, of: file.count)
            for piece in parsed {
                points.ids.append(contentsOf: piece!.ids)
                points.x.append(contentsOf: piece!.x)
                points.y.append(contentsOf: piece!.y)
            }
            file.release(upTo: ranges[n - 1].upperBound)
            window = following
        }
        // A file that changed while it was read is read again by the stream, as it is now.
        guard file.isUnchanged else { return nil }
        return points
    }

    /// The features at `ranges`, each the lean way or as the feature stream takes it; nil when
    /// one of them is not for this reader.
    private static func parse(_ ranges: ArraySlice<Range<Int>>, base: UnsafePointer<UInt8>, prototype: FeatureParser) -> Points? {
        var out = Points(ids: [], x: [], y: [])
        out.ids.reserveCapacity(ranges.count)
        out.x.reserveCapacity(ranges.count)
        out.y.reserveCapacity(ranges.count)
        var parser = prototype
        var xy: [Double] = []
        for range in ranges {
            var cursor = JSONCursor(base: base, position: range.lowerBound, end: range.upperBound, atEOF: true)
            var point: (String, Double, Double)?
            if let lean = try? leanFeature(&cursor, xy: &xy) { point = lean }
            if point == nil {
                // The feature reader's way, as FeatureStream takes it with `repair`.
                var full = JSONCursor(base: base, position: range.lowerBound, end: range.upperBound, atEOF: true)
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

    /// Finds the elements of the `features` array of the top-level FeatureCollection front to
    /// back, a window at a time, checking the syntax of everything but the features (which are
    /// checked when they are parsed).
    struct FeatureScanner {
        private var cursor: JSONCursor
        private enum State { case start, member, afterMember, features, finished }
        private var state = State.start
        private var isCollection = false, sawFeatures = false

        init(base: UnsafePointer<UInt8>, end: Int) {
            cursor = JSONCursor(base: base, position: 0, end: end, atEOF: true)
        }

        /// The ranges of the next features, as many as start within `bytes` of the first (at
        /// least one); empty after the last, once the whole file has been found to be one
        /// FeatureCollection; nil when it is not (or not JSON).
        mutating func next(bytes: Int) -> [Range<Int>]? {
            do { return try scan(bytes) } catch { return nil }
        }

        private mutating func scan(_ bytes: Int) throws -> [Range<Int>]? {
            var found: [Range<Int>] = []
            while true {
                switch state {
                case .start:
                    try cursor.expect(0x7B, "'{'")
                    guard try cursor.peek() != 0x7D else { return nil }
                    state = .member
                case .member:
                    let key = try cursor.rawString()
                    try cursor.expect(0x3A, "':'")
                    state = .afterMember
                    if cursor.rawEquals(key, "type") {
                        guard try cursor.peek() == 0x22, try cursor.string() == "FeatureCollection" else { return nil }
                        isCollection = true
                    } else if cursor.rawEquals(key, "features") {
                        guard !sawFeatures, try cursor.peek() == 0x5B else { return nil }
                        sawFeatures = true
                        cursor.position += 1
                        if try cursor.peek() == 0x5D { cursor.position += 1 } else { state = .features }
                    } else {
                        try cursor.skipValue()
                    }
                case .afterMember:
                    if try cursor.commaOr(0x7D) {
                        state = .member
                    } else {
                        guard try cursor.isAtEnd(), isCollection, sawFeatures else { return nil }
                        state = .finished
                    }
                case .features:
                    if let first = found.first, cursor.position - first.lowerBound >= bytes { return found }
                    guard try cursor.peek() == 0x7B else { return nil }
                    let start = cursor.position
                    // Where the feature ends, found as the feature reader finds it (brackets
                    // counted; its syntax is checked when it is parsed, as there).
                    try cursor.skipStructure()
                    found.append(start..<cursor.position)
                    if try !cursor.commaOr(0x5D) { state = .afterMember }
                case .finished:
                    return found
                }
            }
        }
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
                // Checked as the feature reader parses them, so that the same properties are
                // refused; only their id is built.
                switch try cursor.peek() {
                case 0x6E: try cursor.literal("null")
                case 0x7B:
                    if let id = try cursor.checkObject(), !id.isNull { propertiesID = id.description }
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
