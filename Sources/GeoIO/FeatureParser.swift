import GeoCore

/// Turns one GeoJSON Feature (or geometry) object into a ``Feature``: the part of reading that
/// runs on many threads at once, one parser per thread (each keeps its own scratch buffers).
/// Problems with the feature throw ``FeatureIssue``; problems with the JSON throw
/// ``JSONSyntaxError``.
struct FeatureParser: Sendable {
    let crs: CRS
    /// Whether `crs` is RFC 7946's default rather than stated (for the hint about --from).
    let crsIsDefault: Bool
    let keepZ: Bool
    private var scratch = CoordinateScratch()
    /// What RFC 7946 only says SHOULD about, found in the last feature parsed: read anyway,
    /// with a warning (a malformed bbox, positions with more than three numbers).
    private(set) var notes: [String] = []

    init(crs: CRS, crsIsDefault: Bool, keepZ: Bool) {
        self.crs = crs
        self.crsIsDefault = crsIsDefault
        self.keepZ = keepZ
    }

    /// Just the id of a feature (its `id`, or its `properties.id`), for naming a rejected one.
    func idOnly(_ cursor: inout JSONCursor) throws -> String? {
        try cursor.expect(0x7B, "'{'")
        var found: String?
        if try cursor.peek() == 0x7D { return nil }
        repeat {
            let key = try cursor.rawString()
            try cursor.expect(0x3A, "':'")
            if cursor.rawEquals(key, "id") {
                found = try cursor.value().description
            } else if cursor.rawEquals(key, "properties"), try cursor.peek() == 0x7B {
                let properties = try cursor.object()
                if found == nil, let id = properties["id"], !id.isNull { found = id.description }
            } else {
                try cursor.skipValue()
            }
        } while try cursor.commaOr(0x7D)
        return found
    }

    /// The GeoJSON members whose repetition makes an object ambiguous (RFC 8259 leaves the
    /// meaning of a repeated name open): a record that repeats one is rejected, naming it.
    static let members: [StaticString] = ["type", "geometry", "properties", "id", "coordinates", "geometries", "bbox"]

    private func checkRepeated(_ key: (start: Int, count: Int, escaped: Bool), _ cursor: JSONCursor, _ seen: inout UInt8) throws {
        for (bit, name) in FeatureParser.members.enumerated() where cursor.rawEquals(key, name) {
            if seen & (1 << bit) != 0 { throw FeatureIssue("the member '\(name)' appears twice in one object (ambiguous, RFC 8259 §4)") }
            seen |= 1 << bit
            return
        }
    }

    /// A `bbox` member: 4 or 6 numbers, else a note (RFC 7946 §5 says what it must hold, and
    /// a bbox is never needed to read the geometry).
    private mutating func bbox(_ cursor: inout JSONCursor) throws {
        let value = try cursor.value()
        if case let .array(items) = value, items.count == 4 || items.count == 6, items.allSatisfy({ $0.doubleValue != nil }) { return }
        let what: String
        if case let .array(items) = value { what = "\(items.count) value\(items.count == 1 ? "" : "s")" } else { what = "a \(value.fieldType)" }
        notes.append("a malformed bbox (\(what); RFC 7946 wants 4 or 6 numbers) was ignored")
    }

    /// A Feature object, or a geometry object standing for a feature without properties.
    mutating func featureObject(_ cursor: inout JSONCursor) throws -> Feature {
        notes.removeAll(keepingCapacity: true)
        try cursor.expect(0x7B, "'{'")
        var seen: UInt8 = 0
        var type: String?
        var id: FeatureID?
        var geometry: Geometry?
        var properties = Properties()
        var geometryParts = GeometryParts()
        if try cursor.peek() != 0x7D {
            repeat {
                let key = try cursor.rawString()
                try cursor.expect(0x3A, "':'")
                try checkRepeated(key, cursor, &seen)
                if cursor.rawEquals(key, "type") {
                    guard try cursor.peek() == 0x22 else { throw FeatureIssue("'type' must be a string") }
                    type = try cursor.string()
                } else if cursor.rawEquals(key, "bbox") {
                    try bbox(&cursor)
                } else if cursor.rawEquals(key, "geometry") {
                    if try cursor.peek() == 0x6E { try cursor.literal("null") } else { geometry = try geometryObject(&cursor, depth: 1) }
                } else if cursor.rawEquals(key, "properties") {
                    switch try cursor.peek() {
                    case 0x6E: try cursor.literal("null")
                    case 0x7B: properties = try cursor.object()
                    default: throw FeatureIssue("'properties' must be an object or null")
                    }
                } else if cursor.rawEquals(key, "id") {
                    switch try cursor.value() {
                    case let .string(s): id = .string(s)
                    case let .integer(i): id = .integer(i)
                    case let .double(d): id = .double(d)
                    case .null: id = nil
                    default: throw FeatureIssue("'id' must be a string or a number")
                    }
                } else if cursor.rawEquals(key, "coordinates") || cursor.rawEquals(key, "geometries") {
                    try geometryMember(key, &cursor, into: &geometryParts, depth: 1)
                } else {
                    try cursor.skipValue()
                }
            } while try cursor.commaOr(0x7D)
        }
        guard let type else { throw FeatureIssue("the object has no 'type'") }
        if type == "Feature" {
            return Feature(id: id, geometry: geometry, properties: properties)
        }
        if let geometryType = FeatureParser.geometryTypes[type] {
            return Feature(id: id, geometry: try build(geometryType, geometryParts), properties: properties)
        }
        if type == "FeatureCollection" { throw FeatureIssue("a FeatureCollection inside a collection or sequence") }
        throw FeatureIssue("unknown type '\(type)'")
    }

    static let geometryTypes: [String: GeometryType] = [
        "Point": .point, "LineString": .lineString, "Polygon": .polygon, "MultiPoint": .multiPoint,
        "MultiLineString": .multiLineString, "MultiPolygon": .multiPolygon, "GeometryCollection": .geometryCollection,
    ]

    /// What a geometry object holds until its type is known (members come in any order).
    private struct GeometryParts {
        var depth: Int?
        var sawCoordinates = false
        var children: [Geometry]?
    }

    private mutating func geometryMember(_ key: (start: Int, count: Int, escaped: Bool), _ cursor: inout JSONCursor,
                                into parts: inout GeometryParts, depth: Int) throws {
        if cursor.rawEquals(key, "coordinates") {
            scratch.reset()
            parts.depth = try coordinates(&cursor, level: 0)
            parts.sawCoordinates = true
        } else {
            guard try cursor.peek() == 0x5B else { throw FeatureIssue("'geometries' must be an array") }
            cursor.position += 1
            var children: [Geometry] = []
            if try cursor.peek() == 0x5D {
                cursor.position += 1
            } else {
                repeat {
                    guard let child = try geometryObject(&cursor, depth: depth + 1) else {
                        throw FeatureIssue("a GeometryCollection element is null")
                    }
                    children.append(child)
                } while try cursor.commaOr(0x5D)
            }
            parts.children = children
        }
    }

    /// A geometry object (or null).
    private mutating func geometryObject(_ cursor: inout JSONCursor, depth: Int) throws -> Geometry? {
        guard depth < 32 else { throw cursor.syntax("geometry collections nested deeper than 32 levels") }
        guard try cursor.peek() == 0x7B else {
            if try cursor.peek() == 0x6E { try cursor.literal("null"); return nil }
            throw FeatureIssue("'geometry' must be an object or null")
        }
        cursor.position += 1
        var type: String?
        var parts = GeometryParts()
        var seen: UInt8 = 0
        if try cursor.peek() != 0x7D {
            repeat {
                let key = try cursor.rawString()
                try cursor.expect(0x3A, "':'")
                try checkRepeated(key, cursor, &seen)
                if cursor.rawEquals(key, "type") {
                    guard try cursor.peek() == 0x22 else { throw FeatureIssue("geometry 'type' must be a string") }
                    type = try cursor.string()
                } else if cursor.rawEquals(key, "bbox") {
                    try bbox(&cursor)
                } else if cursor.rawEquals(key, "coordinates") || cursor.rawEquals(key, "geometries") {
                    try geometryMember(key, &cursor, into: &parts, depth: depth)
                } else {
                    try cursor.skipValue()
                }
            } while try cursor.commaOr(0x7D)
        }
        guard let type else { throw FeatureIssue("the geometry has no 'type'") }
        guard let geometryType = FeatureParser.geometryTypes[type] else {
            throw FeatureIssue("unknown geometry type '\(type)'")
        }
        return try build(geometryType, parts)
    }

    /// Nested coordinate arrays into the scratch buffers. Returns the nesting depth: 0 for a
    /// position, 1 for an array of positions, …; -1 for an empty array.
    private mutating func coordinates(_ cursor: inout JSONCursor, level: Int) throws -> Int {
        guard level < 8 else { throw FeatureIssue("coordinates nested deeper than any geometry type allows") }
        guard try cursor.peek() == 0x5B else { throw FeatureIssue("coordinates must be arrays of numbers") }
        cursor.position += 1
        let first = try cursor.peek()
        if first == 0x5D {
            cursor.position += 1
            scratch.counts.append(0)
            return -1
        }
        if first != 0x5B {
            // A position: x, y, optional z; further values (m) are ignored.
            var values = (0.0, 0.0, Double.nan)
            var n = 0
            repeat {
                let c = try cursor.peek()
                guard c == 0x2D || (c >= 0x30 && c <= 0x39) || c == 0x4E || c == 0x49 else {
                    throw FeatureIssue("a position must hold numbers, found \(cursor.describe(c))")
                }
                let v = try cursor.number().doubleValue
                guard v.isFinite else { throw FeatureIssue("a coordinate is \(v) (not a finite number)") }
                switch n {
                case 0: values.0 = v
                case 1: values.1 = v
                case 2: values.2 = v
                default: break
                }
                n += 1
            } while try cursor.commaOr(0x5D)
            guard n >= 2 else { throw FeatureIssue("a position has \(n) number\(n == 1 ? "" : "s"); it needs x and y") }
            if n > 3, !notes.contains(where: { $0.hasPrefix("positions with more than three numbers") }) {
                notes.append("positions with more than three numbers: the numbers after x, y, z were dropped")
            }
            scratch.append(values.0, values.1, n >= 3 ? values.2 : nil)
            return 0
        }
        let slot = scratch.counts.count
        scratch.counts.append(0)
        var depth = -1
        var elements = 0
        repeat {
            let d = try coordinates(&cursor, level: level + 1)
            if d >= 0 {
                if depth >= 0, d != depth { throw FeatureIssue("coordinate arrays are nested unevenly") }
                depth = d
            }
            elements += 1
        } while try cursor.commaOr(0x5D)
        scratch.counts[slot] = elements
        return depth < 0 ? 1 : depth + 1
    }

    private mutating func build(_ type: GeometryType, _ parts: GeometryParts) throws -> Geometry {
        if type == .geometryCollection {
            guard let children = parts.children else { throw FeatureIssue("a GeometryCollection without 'geometries'") }
            do {
                return try Geometry(collection: .geometryCollection, of: children, crs: crs)
            } catch { throw FeatureIssue("\(error)") }
        }
        guard parts.sawCoordinates, let depth = parts.depth else { throw FeatureIssue("a \(type) without 'coordinates'") }
        let expected: Int
        switch type {
        case .point: expected = 0
        case .lineString, .multiPoint: expected = 1
        case .polygon, .multiLineString: expected = 2
        default: expected = 3
        }
        if depth == 0, type == .point {
            scratch.counts = [1]
        } else if depth != expected, depth != -1 {
            throw FeatureIssue("\(type) coordinates must be nested \(expected + 1) deep, found \(depth + 1)")
        }
        if depth == -1 || scratch.counts == [0] { scratch.counts = [0] }
        if crs.isGeographic, let bad = scratch.firstOutOfGeographicRange() {
            throw FeatureIssue(bad + (crsIsDefault
                ? "; these look like projected coordinates (metres) in a file without a 'crs' member: name the CRS with --from (EPSG:25832 for Dortmund)"
                : ""))
        }
        do {
            return try scratch.withFlat(keepZ: keepZ) { flat, hasZ, counts in
                try Geometry(type: type, flatCoordinates: flat, hasZ: hasZ, counts: counts, crs: crs)
            }
        } catch let error as GeometryError {
            if case let .invalidCoordinates(message) = error { throw FeatureIssue(message) }
            throw FeatureIssue("\(error)")
        }
    }
}
