import GeoCore

/// A streaming GeoJSON reader: a FeatureCollection, a single Feature, a bare geometry, or a
/// sequence of them (newline-delimited GeoJSON or RFC 8142 text sequences).
///
/// Bytes are parsed where they lie in the read window (no JSON tree, no Foundation), and
/// coordinates go straight from text into flat arrays and from there into GEOS.
///
/// CRS: the legacy `crs` member (`urn:ogc:def:crs:EPSG::25832`, `EPSG:25832`, CRS84 URNs, or
/// the old `{"type": "EPSG", "properties": {"code": …}}`), else CRS84 as RFC 7946 says,
/// unless `ReadOptions.crs` overrides both. A `crs` member after the features is found by
/// looking ahead in the file, before the first feature is handed on.
///
/// Problems with one feature (an unknown geometry type, a ring of 3 positions, coordinates out
/// of range for the CRS) reject that feature and reading goes on; problems with the file
/// (not JSON, truncated, nested too deep) throw ``IOError/malformed(path:location:message:)``.
public final class GeoJSONReader: FeatureReader {
    public let path: String
    public private(set) var crs: CRS
    public private(set) var warnings: [String] = []
    /// Where the CRS came from: "crs member", "override" or "RFC 7946 default".
    public private(set) var crsOrigin: String

    private let source: ByteSource
    private let options: ReadOptions
    private var position = 0
    private var state: State = .start
    private var index = 0
    private var seenIDs = Set<FeatureID>()
    private var duplicateIDs = 0
    private var scratch = CoordinateScratch()
    private var crsMemberName: String?

    private enum State { case start, inCollection, afterCollection, sequence, done }

    public init(path: String, options: ReadOptions = ReadOptions()) throws {
        self.path = path
        self.options = options
        source = try ByteSource(path: path)
        crs = options.crs ?? .wgs84
        crsOrigin = options.crs == nil ? "RFC 7946 default" : "override"
        try readHeader()
    }

    /// A reader over GeoJSON text in memory.
    public init(text: String, name: String = "<text>", options: ReadOptions = ReadOptions()) throws {
        path = name
        self.options = options
        source = ByteSource(bytes: Array(text.utf8), name: name)
        crs = options.crs ?? .wgs84
        crsOrigin = options.crs == nil ? "RFC 7946 default" : "override"
        try readHeader()
    }

    // MARK: Driving the window

    /// Runs `body` on a cursor at `position`; when the window runs out, refills (keeping the
    /// bytes from `position` on) and runs it again from the same place.
    private func parse<T>(_ body: (inout JSONCursor) throws -> T) throws -> T {
        while true {
            var cursor = JSONCursor(base: source.base, position: position, end: source.count, atEOF: source.atEOF)
            do {
                let result = try body(&cursor)
                position = cursor.position
                return result
            } catch is NeedMore {
                guard let shift = try source.refill(keepingFrom: position) else {
                    throw malformed(at: source.count, "unexpected end of file (truncated?)")
                }
                position -= shift
            } catch let error as JSONSyntaxError {
                throw malformed(at: error.position, error.message)
            }
        }
    }

    private func malformed(at windowPosition: Int, _ message: String) -> IOError {
        .malformed(path: path, location: source.location(ofAbsolute: source.origin + windowPosition), message: message)
    }

    // MARK: Top level

    /// Reads up to the first feature: the top-level type, `crs`, and whether this is a
    /// collection or a sequence.
    private func readHeader() throws {
        let kind: TopLevel = try parse { cursor in
            guard try !cursor.isAtEnd() else { return .empty }
            let start = cursor.position
            guard try cursor.peek() == 0x7B else {
                throw cursor.syntax("expected a GeoJSON object, found \(cursor.describe(try cursor.peek()))")
            }
            cursor.position += 1
            if try cursor.peek() == 0x7D { throw cursor.syntax("an empty object is not GeoJSON") }
            // Walk the members of the top-level object until it shows what it is.
            repeat {
                let key = try cursor.rawString()
                try cursor.expect(0x3A, "':'")
                if cursor.rawEquals(key, "features") {
                    try cursor.expect(0x5B, "'[' (the features array)")
                    return .collection
                } else if cursor.rawEquals(key, "type") {
                    let type = try cursor.string()
                    if type != "FeatureCollection" {
                        cursor.position = start
                        return .single
                    }
                } else if cursor.rawEquals(key, "crs") {
                    self.crsMemberName = try self.crsName(&cursor)
                } else if cursor.rawEquals(key, "geometry") || cursor.rawEquals(key, "coordinates")
                            || cursor.rawEquals(key, "geometries") || cursor.rawEquals(key, "properties") {
                    cursor.position = start
                    return .single
                } else {
                    try cursor.skipValue()
                }
            } while try cursor.commaOr(0x7D)
            throw cursor.syntax("a FeatureCollection without a 'features' member")
        }
        switch kind {
        case .empty:
            throw IOError.malformed(path: path, location: SourceLocation(offset: 0, line: 1, column: 1), message: "the file is empty")
        case .collection:
            state = .inCollection
            if crsMemberName == nil, source.isRegularFile { crsMemberName = try lookAheadForCRS() }
        case .single:
            state = .sequence
        }
        try applyCRSMember()
    }

    private enum TopLevel { case empty, collection, single }

    /// The name in a legacy `crs` member, or nil for `null`.
    private func crsName(_ cursor: inout JSONCursor) throws -> String? {
        let value = try cursor.value()
        guard case let .object(member) = value else {
            if value.isNull { return nil }
            throw cursor.syntax("the 'crs' member must be an object")
        }
        if case let .object(properties)? = member["properties"] {
            if let name = properties["name"]?.stringValue { return name }
            if let code = properties["code"]?.integerValue { return "EPSG:\(code)" }
            if let href = properties["href"]?.stringValue { return href }
        }
        throw cursor.syntax("the 'crs' member names no CRS (expected properties.name)")
    }

    private func applyCRSMember() throws {
        guard options.crs == nil, let name = crsMemberName else { return }
        do {
            crs = try CRS(name)
            crsOrigin = "crs member"
        } catch {
            throw IOError.malformed(path: path, location: SourceLocation(offset: 0),
                                    message: "the 'crs' member names '\(name)', which PROJ does not know (\(error)); give the CRS with --from")
        }
    }

    /// Finds a `crs` member that comes after the features array, by skipping the array in a
    /// second reader over the same file.
    private func lookAheadForCRS() throws -> String? {
        let ahead = try GeoJSONReader(skippingFrom: source.origin + position, path: path)
        return ahead.crsMemberName
    }

    /// A reader that skips a features array starting at `offset` and reads the members after it.
    private init(skippingFrom offset: Int, path: String) throws {
        self.path = path
        options = ReadOptions()
        source = try ByteSource(path: path, offset: offset)
        crs = .wgs84
        crsOrigin = ""
        position = 0
        let found: String? = try parse { cursor in
            // We stand just inside '['.
            if try cursor.peek() != 0x5D {
                repeat { try cursor.skipValue() } while try cursor.commaOr(0x5D)
            } else {
                cursor.position += 1
            }
            var name: String?
            while try cursor.commaOr(0x7D) {
                let key = try cursor.rawString()
                try cursor.expect(0x3A, "':'")
                if cursor.rawEquals(key, "crs") { name = try self.crsName(&cursor) } else { try cursor.skipValue() }
            }
            return name
        }
        crsMemberName = found
    }

    // MARK: Features

    public func next() throws -> ReadResult? {
        while true {
            switch state {
            case .start, .done:
                return nil
            case .afterCollection:
                try parse { cursor in
                    while try cursor.commaOr(0x7D) {
                        let key = try cursor.rawString()
                        try cursor.expect(0x3A, "':'")
                        if cursor.rawEquals(key, "crs") {
                            let late = try self.crsName(&cursor)
                            if self.options.crs == nil, let late, (try? CRS(late)) != self.crs {
                                throw cursor.syntax("a 'crs' member after the features names \(late), but the features were read as \(self.crs.identifier)")
                            }
                        } else {
                            try cursor.skipValue()
                        }
                    }
                    guard try cursor.isAtEnd() else { throw cursor.syntax("more content after the FeatureCollection") }
                }
                state = .done
                finish()
                return nil
            case .inCollection:
                let more: Bool = try parse { cursor in
                    if index > 0 { return try cursor.commaOr(0x5D) }
                    if try cursor.peek() == 0x5D { cursor.position += 1; return false }
                    return true
                }
                guard more else { state = .afterCollection; continue }
                return try readFeature()
            case .sequence:
                let atEnd = try parse { try $0.isAtEnd() }
                if atEnd { state = .done; finish(); return nil }
                return try readFeature()
            }
        }
    }

    private func finish() {
        if duplicateIDs > 0 {
            warnings.append("\(path): \(duplicateIDs) feature\(duplicateIDs == 1 ? "" : "s") repeat an id used before")
        }
    }

    /// Reads one Feature (or bare geometry) object at `position`.
    private func readFeature() throws -> ReadResult {
        let featureIndex = index
        index += 1
        // Start at the feature's first byte, past white space, so that its line is right.
        let start = try parse { cursor -> Int in
            _ = try cursor.peek()
            return cursor.position
        }
        let result: Result<Feature, FeatureIssue> = try parse { cursor in
            let begin = cursor.position
            do {
                return .success(try self.featureObject(&cursor))
            } catch let issue as FeatureIssue {
                cursor.position = begin
                try cursor.skipValue()
                return .failure(issue)
            }
        }
        let absolute = source.origin + start
        switch result {
        case var .success(feature):
            feature.origin = FeatureOrigin(index: featureIndex, offset: absolute)
            if let id = feature.id {
                if !seenIDs.insert(id).inserted { duplicateIDs += 1 }
            }
            return .feature(feature)
        case let .failure(issue):
            let end = position
            let raw = String(decoding: UnsafeBufferPointer(start: source.base + start, count: end - start), as: UTF8.self)
            position = start
            let id = try? parse { try self.idOnly(&$0) }
            position = end
            return .rejected(FeatureProblem(path: path, index: featureIndex, id: id ?? nil,
                                            location: source.location(ofAbsolute: absolute), reason: issue.reason),
                             raw: raw)
        }
    }

    /// Just the id of a feature (its `id`, or its `properties.id`), for naming a rejected one.
    private func idOnly(_ cursor: inout JSONCursor) throws -> String? {
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

    /// A Feature object, or a geometry object standing for a feature without properties.
    private func featureObject(_ cursor: inout JSONCursor) throws -> Feature {
        try cursor.expect(0x7B, "'{'")
        var type: String?
        var id: FeatureID?
        var geometry: Geometry?
        var properties = Properties()
        var geometryParts = GeometryParts()
        if try cursor.peek() != 0x7D {
            repeat {
                let key = try cursor.rawString()
                try cursor.expect(0x3A, "':'")
                if cursor.rawEquals(key, "type") {
                    guard try cursor.peek() == 0x22 else { throw FeatureIssue("'type' must be a string") }
                    type = try cursor.string()
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
        if let geometryType = GeoJSONReader.geometryTypes[type] {
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

    private func geometryMember(_ key: (start: Int, count: Int, escaped: Bool), _ cursor: inout JSONCursor,
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
    private func geometryObject(_ cursor: inout JSONCursor, depth: Int) throws -> Geometry? {
        guard depth < 32 else { throw cursor.syntax("geometry collections nested deeper than 32 levels") }
        guard try cursor.peek() == 0x7B else {
            if try cursor.peek() == 0x6E { try cursor.literal("null"); return nil }
            throw FeatureIssue("'geometry' must be an object or null")
        }
        cursor.position += 1
        var type: String?
        var parts = GeometryParts()
        if try cursor.peek() != 0x7D {
            repeat {
                let key = try cursor.rawString()
                try cursor.expect(0x3A, "':'")
                if cursor.rawEquals(key, "type") {
                    guard try cursor.peek() == 0x22 else { throw FeatureIssue("geometry 'type' must be a string") }
                    type = try cursor.string()
                } else if cursor.rawEquals(key, "coordinates") || cursor.rawEquals(key, "geometries") {
                    try geometryMember(key, &cursor, into: &parts, depth: depth)
                } else {
                    try cursor.skipValue()
                }
            } while try cursor.commaOr(0x7D)
        }
        guard let type else { throw FeatureIssue("the geometry has no 'type'") }
        guard let geometryType = GeoJSONReader.geometryTypes[type] else {
            throw FeatureIssue("unknown geometry type '\(type)'")
        }
        return try build(geometryType, parts)
    }

    /// Nested coordinate arrays into the scratch buffers. Returns the nesting depth: 0 for a
    /// position, 1 for an array of positions, …; -1 for an empty array.
    private func coordinates(_ cursor: inout JSONCursor, level: Int) throws -> Int {
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

    private func build(_ type: GeometryType, _ parts: GeometryParts) throws -> Geometry {
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
            throw FeatureIssue(bad + (crsOrigin == "RFC 7946 default"
                ? "; these look like projected coordinates (metres) in a file without a 'crs' member: name the CRS with --from (EPSG:25832 for Dortmund)"
                : ""))
        }
        do {
            return try scratch.withFlat(keepZ: options.keepZ) { flat, hasZ, counts in
                try Geometry(type: type, flatCoordinates: flat, hasZ: hasZ, counts: counts, crs: crs)
            }
        } catch let error as GeometryError {
            if case let .invalidCoordinates(message) = error { throw FeatureIssue(message) }
            throw FeatureIssue("\(error)")
        }
    }
}

/// A problem with one feature; the reader rejects the feature and goes on.
struct FeatureIssue: Error {
    let reason: String
    init(_ reason: String) { self.reason = reason }
}

/// Reused buffers for one geometry's coordinates: x/y pairs, z when any position has one, and
/// the counts of nested arrays in pre-order (the layout `Geometry(type:flatCoordinates:…)` takes).
struct CoordinateScratch {
    var xy: [Double] = []
    var z: [Double] = []
    var hasZ = false
    var counts: [Int] = []
    private var interleaved: [Double] = []

    mutating func reset() {
        xy.removeAll(keepingCapacity: true)
        z.removeAll(keepingCapacity: true)
        counts.removeAll(keepingCapacity: true)
        hasZ = false
    }

    @inline(__always)
    mutating func append(_ x: Double, _ y: Double, _ zValue: Double?) {
        if zValue != nil, !hasZ {
            hasZ = true
            z = [Double](repeating: .nan, count: xy.count / 2)
        }
        xy.append(x)
        xy.append(y)
        if hasZ { z.append(zValue ?? .nan) }
    }

    func firstOutOfGeographicRange() -> String? {
        var i = 0
        while i < xy.count {
            if abs(xy[i]) > 180 { return "longitude \(xy[i]) is beyond ±180°" }
            if abs(xy[i + 1]) > 90 { return "latitude \(xy[i + 1]) is beyond ±90°" }
            i += 2
        }
        return nil
    }

    mutating func withFlat<T>(keepZ: Bool, _ body: (UnsafeBufferPointer<Double>, Bool, UnsafeBufferPointer<Int>) throws -> T) rethrows -> T {
        if keepZ && hasZ {
            interleaved.removeAll(keepingCapacity: true)
            for k in 0..<(xy.count / 2) {
                interleaved.append(xy[2 * k])
                interleaved.append(xy[2 * k + 1])
                interleaved.append(z[k])
            }
            return try interleaved.withUnsafeBufferPointer { flat in
                try counts.withUnsafeBufferPointer { try body(flat, true, $0) }
            }
        }
        return try xy.withUnsafeBufferPointer { flat in
            try counts.withUnsafeBufferPointer { try body(flat, false, $0) }
        }
    }
}
