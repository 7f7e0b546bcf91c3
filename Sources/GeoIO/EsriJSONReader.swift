import GeoCore
#if canImport(Glibc)
import Glibc
#endif

/// An Esri JSON FeatureSet, as ArcGIS REST services (`…/query?f=json`) and city portals serve
/// them: `geometryType`, `spatialReference`, `fields` and `features`, each feature an
/// `attributes` object and a `geometry`.
///
/// - Geometry: points (`x`, `y`, `z`), multipoints (`points`), polylines (`paths`: one path a
///   LineString, more a MultiLineString) and polygons (`rings`, in any orientation: holes are
///   found by containment, see ``PolygonRings``; one exterior gives a Polygon, more a
///   MultiPolygon). Z values are kept (`hasZ`, or a third number per position); M values are
///   dropped. A point whose `x` is null or "NaN" is an empty point; a feature without
///   `geometry` (or with null) has none.
/// - CRS: `spatialReference.latestWkid` before `wkid` (EPSG codes, else ESRI ones such as
///   102100), else its `wkt`; `ReadOptions.crs` overrides it.
/// - Attributes: in the order of `fields`, typed by it: `esriFieldTypeDate` (epoch
///   milliseconds) becomes UTC date-time text `1989-12-31T00:00:00Z` (ISO 8601, `.sss` only
///   when the milliseconds are not zero); integer types (`OID`, `Integer`, `SmallInteger`,
///   `BigInteger`) integers; `Double` and `Single` doubles; strings and GUIDs text. Attributes
///   without a field follow as they are. The object id (`esriFieldTypeOID`, or
///   `objectIdFieldName`) is also the feature's id.
///
/// A FeatureSet without `geometryType` (or with one the toolkit does not read) is refused as
/// malformed: without it the rings and paths cannot be told apart in an empty feature and the
/// layer's type is unknown. A problem in one feature (a ring of three positions, an unclosed
/// ring, curves, a non-number) rejects that feature with its index and reason.
///
/// The file is read whole (portals page FeatureSets at a few thousand features); features are
/// parsed on all cores.
public final class EsriJSONReader: FeatureReader {
    public let path: String
    public let crs: CRS
    public private(set) var warnings: [String] = []
    /// Where the CRS came from: "spatialReference latestWkid", "… wkid", "… wkt" or "override".
    public let crsOrigin: String
    /// The layer's geometry type as the file names it (`esriGeometryPolygon`, …).
    public let geometryType: String
    /// The declared fields, in order.
    public let fields: [Field]

    /// A declared attribute field.
    public struct Field: Sendable, Equatable {
        public let name: String
        /// The Esri type name, e.g. `esriFieldTypeString`.
        public let type: String
    }

    private let source: ByteSource
    private let options: ReadOptions
    private let shape: Shape
    private let hasZ: Bool, hasM: Bool
    private let objectIDField: String?
    /// Window position inside the features array (after '[' or after a feature).
    private var position: Int
    private var index = 0
    private var done = false

    enum Shape: Sendable { case point, multipoint, polyline, polygon }

    static let shapes: [String: Shape] = [
        "esriGeometryPoint": .point, "esriGeometryMultipoint": .multipoint,
        "esriGeometryPolyline": .polyline, "esriGeometryPolygon": .polygon,
    ]

    public convenience init(path: String, options: ReadOptions = ReadOptions()) throws {
        try self.init(bytes: try WholeFile.read(path), name: path, options: options)
    }

    /// A reader over Esri JSON bytes in memory (any bytes: the fuzzers feed it).
    public init(bytes: [UInt8], name: String = "<bytes>", options: ReadOptions = ReadOptions()) throws {
        path = name
        self.options = options
        source = ByteSource(bytes: bytes, name: name)
        let header = try EsriJSONReader.readHeader(source, path: name)
        guard let type = header.geometryType else {
            throw IOError.malformed(path: name, location: SourceLocation(offset: 0, line: 1, column: 1),
                                    message: "the Esri JSON FeatureSet has no 'geometryType' (esriGeometryPoint, esriGeometryMultipoint, esriGeometryPolyline or esriGeometryPolygon); ask the service with returnGeometry=true")
        }
        guard let shape = EsriJSONReader.shapes[type] else {
            throw IOError.malformed(path: name, location: SourceLocation(offset: 0, line: 1, column: 1),
                                    message: "the geometryType '\(type)' is not read by the toolkit (it reads esriGeometryPoint, esriGeometryMultipoint, esriGeometryPolyline, esriGeometryPolygon)")
        }
        guard let featuresAt = header.featuresAt else {
            throw IOError.malformed(path: name, location: SourceLocation(offset: 0, line: 1, column: 1),
                                    message: "an Esri JSON FeatureSet without a 'features' array")
        }
        geometryType = type
        self.shape = shape
        fields = header.fields
        hasZ = header.hasZ
        hasM = header.hasM
        objectIDField = header.objectIDField ?? header.fields.first { $0.type == "esriFieldTypeOID" }?.name
        position = featuresAt
        if let given = options.crs {
            crs = given
            crsOrigin = "override"
        } else {
            (crs, crsOrigin) = try EsriJSONReader.crs(header.spatialReference, path: name)
        }
    }

    // MARK: Header

    private struct Header {
        var geometryType: String?
        var spatialReference: Properties?
        var fields: [Field] = []
        var hasZ = false, hasM = false
        var objectIDField: String?
        /// Window position just inside the features array.
        var featuresAt: Int?
    }

    /// Reads the top-level members in any order; the features array is skipped (its syntax
    /// checked) and its place kept.
    private static func readHeader(_ source: ByteSource, path: String) throws -> Header {
        var cursor = JSONCursor(base: source.base, position: 0, end: source.count, atEOF: true)
        var header = Header()
        do {
            guard try !cursor.isAtEnd() else {
                throw IOError.malformed(path: path, location: SourceLocation(offset: 0, line: 1, column: 1), message: "the file is empty")
            }
            if cursor.position + 3 <= source.count, source.base[cursor.position] == 0xEF, source.base[cursor.position + 1] == 0xBB,
               source.base[cursor.position + 2] == 0xBF { cursor.position += 3 }
            guard try cursor.peek() == 0x7B else { throw cursor.syntax("expected an Esri JSON FeatureSet object, found \(cursor.describe(try cursor.peek()))") }
            cursor.position += 1
            if try cursor.peek() != 0x7D {
                repeat {
                    let key = try cursor.rawString()
                    try cursor.expect(0x3A, "':'")
                    if cursor.rawEquals(key, "geometryType") {
                        guard try cursor.peek() == 0x22 else { throw cursor.syntax("'geometryType' must be a string") }
                        header.geometryType = try cursor.string()
                    } else if cursor.rawEquals(key, "spatialReference") {
                        guard case let .object(reference) = try cursor.value() else { throw cursor.syntax("'spatialReference' must be an object") }
                        header.spatialReference = reference
                    } else if cursor.rawEquals(key, "fields") {
                        guard case let .array(items) = try cursor.value() else { throw cursor.syntax("'fields' must be an array") }
                        for item in items {
                            guard case let .object(field) = item, let name = field["name"]?.stringValue else {
                                throw cursor.syntax("every entry of 'fields' must be an object with a 'name'")
                            }
                            header.fields.append(Field(name: name, type: field["type"]?.stringValue ?? "esriFieldTypeString"))
                        }
                    } else if cursor.rawEquals(key, "hasZ") {
                        header.hasZ = try cursor.value() == .bool(true)
                    } else if cursor.rawEquals(key, "hasM") {
                        header.hasM = try cursor.value() == .bool(true)
                    } else if cursor.rawEquals(key, "objectIdFieldName") {
                        header.objectIDField = try cursor.value().stringValue
                    } else if cursor.rawEquals(key, "features") {
                        try cursor.expect(0x5B, "'[' (the features array)")
                        header.featuresAt = cursor.position
                        cursor.position -= 1
                        try cursor.skipValue()
                    } else {
                        try cursor.skipValue()
                    }
                } while try cursor.commaOr(0x7D)
            } else {
                cursor.position += 1
            }
            guard try cursor.isAtEnd() else { throw cursor.syntax("more content after the FeatureSet") }
        } catch let error as JSONSyntaxError {
            throw IOError.malformed(path: path, location: location(error.position, source), message: error.message)
        } catch is NeedMore {
            throw IOError.malformed(path: path, location: location(source.count, source), message: "unexpected end of file (truncated?)")
        }
        return header
    }

    private static func location(_ position: Int, _ source: ByteSource) -> SourceLocation {
        WholeFile.location(of: position, in: UnsafeBufferPointer(start: source.base, count: source.count))
    }

    /// The CRS a `spatialReference` names: `latestWkid`, then `wkid` (EPSG, else ESRI), then `wkt`.
    private static func crs(_ reference: Properties?, path: String) throws -> (CRS, String) {
        guard let reference else {
            throw IOError.unusable(path: path, message: "the FeatureSet has no 'spatialReference': name its CRS with --from (EPSG:25832 for Dortmund)")
        }
        var tried: [String] = []
        for key in ["latestWkid", "wkid"] {
            guard let code = reference[key]?.integerValue else { continue }
            for authority in ["EPSG", "ESRI"] {
                if let crs = try? CRS("\(authority):\(code)") { return (crs, "spatialReference \(key)") }
            }
            tried.append("\(key) \(code)")
        }
        if let wkt = reference["wkt"]?.stringValue {
            if let crs = try? CRS(wkt) { return (crs, "spatialReference wkt") }
            tried.append("its wkt")
        }
        throw IOError.malformed(path: path, location: SourceLocation(offset: 0),
                                message: tried.isEmpty
                                    ? "the 'spatialReference' names no CRS (no latestWkid, wkid or wkt): name it with --from"
                                    : "PROJ knows no CRS for the spatialReference's \(tried.joined(separator: ", ")): name it with --from")
    }

    // MARK: Features

    public func next() throws -> ReadResult? {
        try nextBatch(maxCount: 1, workers: 1) { item, _ in item }.first
    }

    public func nextBatch(maxCount: Int) throws -> [ReadResult] {
        try nextBatch(maxCount: maxCount, workers: Cores.available * 2) { item, _ in item }
    }

    public func nextBatch<T>(maxCount: Int, workers: Int, transform: @Sendable (ReadResult, Int) throws -> T) throws -> [T] {
        let ranges = try scan(maxCount)
        let first = index
        index += ranges.count
        let parser = EsriFeatureParser(shape: shape, crs: crs, keepZ: options.keepZ, hasZ: hasZ, hasM: hasM,
                                       fields: fields, objectIDField: objectIDField)
        nonisolated(unsafe) let base = UnsafePointer(source.base)
        let count = source.count, path = self.path
        return try concurrentChunks(ranges.count, chunks: workers, minimumChunk: 16) { i, worker in
            let range = ranges[i]
            var cursor = JSONCursor(base: base, position: range.lowerBound, end: range.upperBound, atEOF: true)
            let item: ReadResult
            do {
                var feature = try parser.feature(&cursor)
                feature.origin = FeatureOrigin(index: first + i, offset: range.lowerBound)
                item = .feature(feature)
            } catch {
                let reason: String
                switch error {
                case let issue as FeatureIssue: reason = issue.reason
                case let syntax as JSONSyntaxError: reason = syntax.message
                default: reason = "\(error)"
                }
                var idCursor = JSONCursor(base: base, position: range.lowerBound, end: range.upperBound, atEOF: true)
                let problem = FeatureProblem(path: path, index: first + i, id: parser.idOnly(&idCursor),
                                             location: WholeFile.location(of: range.lowerBound, in: UnsafeBufferPointer(start: base, count: count)),
                                             reason: reason)
                item = .rejected(problem, raw: String(decoding: UnsafeBufferPointer(start: base + range.lowerBound, count: range.count), as: UTF8.self))
            }
            return try transform(item, worker)
        }
    }

    /// Window ranges of up to `maxCount` features (syntax was checked with the header).
    private func scan(_ maxCount: Int) throws -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        guard !done else { return ranges }
        var cursor = JSONCursor(base: source.base, position: position, end: source.count, atEOF: true)
        do {
            while ranges.count < maxCount {
                if index + ranges.count > 0 {
                    guard try cursor.commaOr(0x5D) else { done = true; break }
                } else if try cursor.peek() == 0x5D {
                    done = true
                    break
                }
                _ = try cursor.peek()
                let start = cursor.position
                try cursor.skipStructure()
                ranges.append(start..<cursor.position)
            }
        } catch let error as JSONSyntaxError {
            throw IOError.malformed(path: path, location: EsriJSONReader.location(error.position, source), message: error.message)
        } catch is NeedMore {
            throw IOError.malformed(path: path, location: EsriJSONReader.location(source.count, source), message: "unexpected end of file (truncated?)")
        }
        position = cursor.position
        return ranges
    }
}

/// Turns one Esri JSON feature object into a ``Feature`` (one per batch, shared by the
/// workers: it keeps no state). Problems with the feature throw ``FeatureIssue``.
struct EsriFeatureParser: Sendable {
    let shape: EsriJSONReader.Shape
    let crs: CRS
    let keepZ: Bool
    let hasZ: Bool, hasM: Bool
    let fields: [EsriJSONReader.Field]
    let objectIDField: String?

    func feature(_ cursor: inout JSONCursor) throws -> Feature {
        guard try cursor.peek() == 0x7B else { throw FeatureIssue("a feature must be an object, found \(cursor.describe(try cursor.peek()))") }
        cursor.position += 1
        var attributes = Properties()
        var geometry: Geometry?
        if try cursor.peek() != 0x7D {
            repeat {
                let key = try cursor.rawString()
                try cursor.expect(0x3A, "':'")
                if cursor.rawEquals(key, "attributes") {
                    switch try cursor.peek() {
                    case 0x7B: attributes = try cursor.object()
                    case 0x6E: try cursor.literal("null")
                    default: throw FeatureIssue("'attributes' must be an object")
                    }
                } else if cursor.rawEquals(key, "geometry") {
                    switch try cursor.peek() {
                    case 0x7B: geometry = try self.geometry(&cursor)
                    case 0x6E: try cursor.literal("null")
                    default: throw FeatureIssue("'geometry' must be an object or null")
                    }
                } else {
                    try cursor.skipValue()
                }
            } while try cursor.commaOr(0x7D)
        } else {
            cursor.position += 1
        }
        let properties = try typed(attributes)
        var id: FeatureID?
        if let objectIDField, case let .integer(oid)? = properties[objectIDField] { id = .integer(oid) }
        return Feature(id: id, geometry: geometry, properties: properties)
    }

    /// The id of a feature that could not be read, for its rejection.
    func idOnly(_ cursor: inout JSONCursor) -> String? {
        guard let objectIDField, case let .object(object)? = try? cursor.value(),
              case let .object(attributes)? = object["attributes"], let id = attributes[objectIDField], !id.isNull else { return nil }
        return id.description
    }

    /// Attributes in the order of the declared fields, typed by them; others after.
    private func typed(_ attributes: Properties) throws -> Properties {
        guard !fields.isEmpty else { return attributes }
        var out = Properties()
        for field in fields {
            let value = attributes[field.name] ?? .null
            out.append(field.name, try convert(value, field))
        }
        for (name, value) in attributes where !fields.contains(where: { $0.name == name }) {
            out.append(name, value)
        }
        return out
    }

    private func convert(_ value: PropertyValue, _ field: EsriJSONReader.Field) throws -> PropertyValue {
        switch (field.type, value) {
        case ("esriFieldTypeDate", .integer(let ms)):
            return .string(ISODateText.dateTime(epochMilliseconds: ms))
        case ("esriFieldTypeDate", .double(let ms)):
            guard ms.isFinite, abs(ms) < 1e17 else { throw FeatureIssue("the date '\(field.name)' is \(ms) milliseconds, out of range") }
            return .string(ISODateText.dateTime(epochMilliseconds: Int64(ms.rounded())))
        case ("esriFieldTypeOID", .double(let d)), ("esriFieldTypeInteger", .double(let d)),
             ("esriFieldTypeSmallInteger", .double(let d)), ("esriFieldTypeBigInteger", .double(let d)):
            if d == d.rounded(), abs(d) < 9e18 { return .integer(Int64(d)) }
            return value
        case ("esriFieldTypeDouble", .integer(let i)), ("esriFieldTypeSingle", .integer(let i)):
            return .double(Double(i))
        default:
            return value
        }
    }

    // MARK: Geometry

    /// Positions of one geometry: x, y, and the third number when a position has one.
    private struct Positions {
        var xy: [Double] = []
        var third: [Double] = []
        var anyThird = false
        /// Positions per path or ring.
        var counts: [Int] = []
    }

    private func geometry(_ cursor: inout JSONCursor) throws -> Geometry {
        cursor.position += 1
        var x: Double?, y: Double?, z: Double?
        var pointIsEmpty = false
        var positions = Positions()
        var sawParts = false
        var geometryHasZ = hasZ, geometryHasM = hasM
        if try cursor.peek() != 0x7D {
            repeat {
                let key = try cursor.rawString()
                try cursor.expect(0x3A, "':'")
                if cursor.rawEquals(key, "x") || cursor.rawEquals(key, "y") || cursor.rawEquals(key, "z") {
                    let value = try cursor.value()
                    let number: Double?
                    switch value {
                    case let .integer(i): number = Double(i)
                    case let .double(d): number = d.isNaN ? nil : d
                    case .null: number = nil
                    case .string("NaN"): number = nil
                    default: throw FeatureIssue("a point's coordinates must be numbers")
                    }
                    if let number, !number.isFinite { throw FeatureIssue("a coordinate is \(number) (not a finite number)") }
                    if cursor.rawEquals(key, "x") { x = number; pointIsEmpty = pointIsEmpty || number == nil }
                    else if cursor.rawEquals(key, "y") { y = number; pointIsEmpty = pointIsEmpty || number == nil }
                    else { z = number }
                } else if cursor.rawEquals(key, "points") {
                    guard shape == .multipoint else { throw FeatureIssue("'points' in a \(shape) layer") }
                    try positionList(&cursor, into: &positions)
                    sawParts = true
                } else if cursor.rawEquals(key, "paths") || cursor.rawEquals(key, "rings") {
                    let wanted = cursor.rawEquals(key, "paths") ? EsriJSONReader.Shape.polyline : .polygon
                    guard shape == wanted else { throw FeatureIssue("'\(wanted == .polyline ? "paths" : "rings")' in a \(shape) layer") }
                    try partList(&cursor, into: &positions)
                    sawParts = true
                } else if cursor.rawEquals(key, "curvePaths") || cursor.rawEquals(key, "curveRings") {
                    throw FeatureIssue("curves (curvePaths, curveRings) are not read; densify them in ArcGIS (returnTrueCurves=false)")
                } else if cursor.rawEquals(key, "hasZ") {
                    geometryHasZ = try cursor.value() == .bool(true)
                } else if cursor.rawEquals(key, "hasM") {
                    geometryHasM = try cursor.value() == .bool(true)
                } else {
                    try cursor.skipValue()
                }
            } while try cursor.commaOr(0x7D)
        } else {
            cursor.position += 1
        }
        // A third number is z unless the geometry has m and no z.
        let thirdIsZ = !(geometryHasM && !geometryHasZ)
        let withZ = keepZ && thirdIsZ
        switch shape {
        case .point:
            if pointIsEmpty || (x == nil && y == nil) { return try Geometry(empty: .point, crs: crs) }
            guard let x, let y else { throw FeatureIssue("a point needs both 'x' and 'y'") }
            var flat = [x, y]
            if withZ, let z { flat.append(z) }
            return try make(.point, flat, hasZ: flat.count == 3, counts: [1])
        case .multipoint:
            guard sawParts else { throw FeatureIssue("a multipoint geometry without 'points'") }
            let (flat, z) = flatten(positions, withZ: withZ)
            return try make(.multiPoint, flat, hasZ: z, counts: [positions.xy.count / 2])
        case .polyline:
            guard sawParts else { throw FeatureIssue("a polyline geometry without 'paths'") }
            for (number, count) in positions.counts.enumerated() where count < 2 {
                throw FeatureIssue("path \(number) has \(count) position\(count == 1 ? "" : "s"); a path needs at least 2")
            }
            let (flat, z) = flatten(positions, withZ: withZ)
            if positions.counts.count == 1 { return try make(.lineString, flat, hasZ: z, counts: positions.counts) }
            return try make(.multiLineString, flat, hasZ: z, counts: [positions.counts.count] + positions.counts)
        case .polygon:
            guard sawParts else { throw FeatureIssue("a polygon geometry without 'rings'") }
            let (flat, z) = flatten(positions, withZ: withZ)
            let assembly = try PolygonRings(flat: flat, dimension: z ? 3 : 2, ringCounts: positions.counts).assemble()
            return try make(assembly.type, assembly.flat, hasZ: z, counts: assembly.counts)
        }
    }

    private func flatten(_ p: Positions, withZ: Bool) -> ([Double], Bool) {
        guard withZ, p.anyThird else { return (p.xy, false) }
        var flat: [Double] = []
        flat.reserveCapacity(p.xy.count / 2 * 3)
        for k in 0..<(p.xy.count / 2) {
            flat.append(p.xy[2 * k])
            flat.append(p.xy[2 * k + 1])
            flat.append(p.third[k])
        }
        return (flat, true)
    }

    private func make(_ type: GeometryType, _ flat: [Double], hasZ: Bool, counts: [Int]) throws -> Geometry {
        do {
            return try Geometry(type: type, flatCoordinates: flat, hasZ: hasZ, counts: counts, crs: crs)
        } catch let error as GeometryError {
            if case let .invalidCoordinates(message) = error { throw FeatureIssue(message) }
            throw FeatureIssue("\(error)")
        }
    }

    /// `[[x, y], …]` (a multipoint's points or one path or ring).
    private func positionList(_ cursor: inout JSONCursor, into p: inout Positions) throws {
        guard try cursor.peek() == 0x5B else { throw FeatureIssue("positions must be an array of [x, y] arrays") }
        cursor.position += 1
        var n = 0
        if try cursor.peek() == 0x5D {
            cursor.position += 1
        } else {
            repeat {
                try position(&cursor, into: &p)
                n += 1
            } while try cursor.commaOr(0x5D)
        }
        p.counts.append(n)
    }

    /// `[[[x, y], …], …]` (paths or rings).
    private func partList(_ cursor: inout JSONCursor, into p: inout Positions) throws {
        guard try cursor.peek() == 0x5B else { throw FeatureIssue("'paths' and 'rings' must be arrays of arrays of positions") }
        cursor.position += 1
        if try cursor.peek() == 0x5D { cursor.position += 1; return }
        repeat { try positionList(&cursor, into: &p) } while try cursor.commaOr(0x5D)
    }

    private func position(_ cursor: inout JSONCursor, into p: inout Positions) throws {
        guard try cursor.peek() == 0x5B else { throw FeatureIssue("a position must be an array of numbers, found \(cursor.describe(try cursor.peek()))") }
        cursor.position += 1
        var values = (0.0, 0.0, Double.nan)
        var n = 0
        if try cursor.peek() != 0x5D {
            repeat {
                let c = try cursor.peek()
                let v: Double
                if c == 0x6E {
                    // null stands for a missing z or m
                    try cursor.literal("null")
                    guard n >= 2 else { throw FeatureIssue("a position has null for x or y") }
                    v = .nan
                } else {
                    guard c == 0x2D || (c >= 0x30 && c <= 0x39) || c == 0x4E || c == 0x49 else {
                        throw FeatureIssue("a position must hold numbers, found \(cursor.describe(c))")
                    }
                    v = try cursor.number().doubleValue
                    guard v.isFinite else { throw FeatureIssue("a coordinate is \(v) (not a finite number)") }
                }
                switch n {
                case 0: values.0 = v
                case 1: values.1 = v
                case 2: values.2 = v
                default: break
                }
                n += 1
            } while try cursor.commaOr(0x5D)
        } else {
            cursor.position += 1
        }
        guard n >= 2 else { throw FeatureIssue("a position has \(n) number\(n == 1 ? "" : "s"); it needs x and y") }
        p.xy.append(values.0)
        p.xy.append(values.1)
        p.third.append(values.2)
        if n >= 3, !values.2.isNaN { p.anyThird = true }
    }
}

extension EsriJSONReader {
    /// Whether the file's first 64 KiB look like an Esri JSON FeatureSet rather than GeoJSON:
    /// a `geometryType` or `spatialReference` member, or `attributes` with no GeoJSON
    /// `Feature` in sight. For telling the two apart among `.json` files.
    public static func looksLikeEsriJSON(path: String) -> Bool {
        guard let file = fopen(path, "rb") else { return false }
        defer { fclose(file) }
        var head = [UInt8](repeating: 0, count: 1 << 16)
        let n = fread(&head, 1, head.count, file)
        return looksLikeEsriJSON(head[0..<n])
    }

    static func looksLikeEsriJSON(_ head: ArraySlice<UInt8>) -> Bool {
        func has(_ text: String) -> Bool {
            let needle = Array(text.utf8)
            guard head.count >= needle.count else { return false }
            var i = head.startIndex
            while i + needle.count <= head.endIndex {
                if head[i] == needle[0], head[i..<(i + needle.count)].elementsEqual(needle) { return true }
                i += 1
            }
            return false
        }
        return has("\"geometryType\"") || has("\"spatialReference\"") || (has("\"attributes\"") && !has("\"Feature\""))
    }
}
