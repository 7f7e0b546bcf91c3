import CGEOS

extension Geometry {
    // MARK: From Swift values

    public convenience init(point: Coordinate, crs: CRS? = nil) throws {
        let flat = point.hasZ ? [point.x, point.y, point.z] : [point.x, point.y]
        try self.init(type: .point, flatCoordinates: flat, hasZ: point.hasZ, counts: [1], crs: crs)
    }

    public convenience init(x: Double, y: Double, crs: CRS? = nil) throws {
        try self.init(point: Coordinate(x: x, y: y), crs: crs)
    }

    public convenience init(lineString coordinates: [Coordinate], crs: CRS? = nil) throws {
        let (flat, hasZ) = Self.flatten(coordinates)
        try self.init(type: .lineString, flatCoordinates: flat, hasZ: hasZ, counts: [coordinates.count], crs: crs)
    }

    public convenience init(linearRing coordinates: [Coordinate], crs: CRS? = nil) throws {
        let (flat, hasZ) = Self.flatten(coordinates)
        try self.init(type: .linearRing, flatCoordinates: flat, hasZ: hasZ, counts: [coordinates.count], crs: crs)
    }

    /// A polygon from its exterior ring and holes, each a closed list of at least 4 positions.
    public convenience init(polygon exterior: [Coordinate], holes: [[Coordinate]] = [], crs: CRS? = nil) throws {
        let rings = exterior.isEmpty && holes.isEmpty ? [] : [exterior] + holes
        let (flat, hasZ) = Self.flatten(rings.flatMap { $0 })
        try self.init(type: .polygon, flatCoordinates: flat, hasZ: hasZ,
                      counts: [rings.count] + rings.map(\.count), crs: crs)
    }

    /// The empty geometry of a type ("POLYGON EMPTY" and so on).
    public convenience init(empty type: GeometryType, crs: CRS? = nil) throws {
        if type == .geometryCollection {
            try self.init(collection: type, of: [], crs: crs)
        } else {
            try self.init(type: type, flatCoordinates: [], hasZ: false, counts: [0], crs: crs)
        }
    }

    /// A collection (MultiPoint, MultiLineString, MultiPolygon or GeometryCollection) of copies
    /// of `parts`. The parts must share a CRS; the collection takes it unless `crs` is given.
    public convenience init(collection type: GeometryType, of parts: [Geometry], crs: CRS? = nil) throws {
        guard type.isCollection else {
            throw GeometryError.wrongGeometryType(operation: "collection", expected: "a collection type", actual: type)
        }
        var common = crs
        for part in parts {
            if let element = type.elementType, part.type != element {
                throw GeometryError.wrongGeometryType(operation: "\(type)", expected: "\(element) elements", actual: part.type)
            }
            if crs == nil, let partCRS = part.crs {
                if let c = common, c != partCRS {
                    throw GeometryError.crsMismatch(operation: "\(type)", left: c.identifier, right: partCRS.identifier)
                }
                common = partCRS
            }
        }
        let context = GEOSContext.current
        let h = context.handle
        var clones: [OpaquePointer?] = []
        clones.reserveCapacity(parts.count)
        for part in parts {
            guard let clone = GEOSGeom_clone_r(h, part.pointer) else {
                clones.forEach { GEOSGeom_destroy_r(h, $0) }
                throw context.failure("\(type)")
            }
            clones.append(clone)
        }
        let made = clones.withUnsafeMutableBufferPointer {
            GEOSGeom_createCollection_r(h, Int32(type.rawValue), $0.baseAddress, UInt32(parts.count))
        }
        guard let made else {
            clones.forEach { GEOSGeom_destroy_r(h, $0) }
            throw context.failure("\(type)")
        }
        self.init(taking: made, crs: common, context: context)
    }

    // MARK: From flat arrays (the readers' path)

    /// Builds a geometry from all its positions in one flat array and the lengths of its
    /// nested arrays in pre-order, which is how a streaming reader meets them: no Swift value
    /// per vertex, one GEOS coordinate sequence per line or ring.
    ///
    /// `flatCoordinates` holds x, y (and z when `hasZ`) of every position in order.
    /// `counts`, by type:
    /// - Point: `[1]` or `[0]` (empty); LineString, LinearRing: `[positions]`;
    /// - Polygon: `[rings, positions of ring 0, positions of ring 1, …]`;
    /// - MultiPoint: `[points]`; MultiLineString: `[lines, positions…]`;
    /// - MultiPolygon: `[polygons, rings of polygon 0, positions…, rings of polygon 1, …]`.
    ///
    /// GeometryCollections are built with ``init(collection:of:crs:)``.
    public convenience init(type: GeometryType, flatCoordinates: UnsafeBufferPointer<Double>, hasZ: Bool,
                            counts: UnsafeBufferPointer<Int>, crs: CRS? = nil) throws {
        let context = GEOSContext.current
        let made = try Self.build(type, flatCoordinates, hasZ, counts, context)
        self.init(taking: made, crs: crs, context: context)
    }

    public convenience init(type: GeometryType, flatCoordinates: [Double], hasZ: Bool, counts: [Int], crs: CRS? = nil) throws {
        let context = GEOSContext.current
        let made = try flatCoordinates.withUnsafeBufferPointer { coordinates in
            try counts.withUnsafeBufferPointer { counts in
                try Self.build(type, coordinates, hasZ, counts, context)
            }
        }
        self.init(taking: made, crs: crs, context: context)
    }

    private static func build(_ type: GeometryType, _ coordinates: UnsafeBufferPointer<Double>, _ hasZ: Bool,
                              _ counts: UnsafeBufferPointer<Int>, _ context: GEOSContext) throws -> OpaquePointer {
        var builder = FlatBuilder(h: context.handle, context: context, coordinates: coordinates,
                                  dimension: hasZ ? 3 : 2, counts: counts)
        let made = try builder.build(type)
        guard builder.isAtEnd else {
            GEOSGeom_destroy_r(context.handle, made)
            throw GeometryError.invalidCoordinates("\(type): more coordinates or counts than the geometry uses")
        }
        return made
    }

    private static func flatten(_ coordinates: [Coordinate]) -> ([Double], Bool) {
        let hasZ = coordinates.contains { $0.hasZ }
        var flat: [Double] = []
        flat.reserveCapacity(coordinates.count * (hasZ ? 3 : 2))
        for c in coordinates {
            flat.append(c.x)
            flat.append(c.y)
            if hasZ { flat.append(c.hasZ ? c.z : 0) }
        }
        return (flat, hasZ)
    }
}

/// Walks flat coordinates and counts, making GEOS objects bottom-up. Everything it makes is
/// either handed to GEOS's next constructor (which takes ownership) or destroyed on failure.
private struct FlatBuilder {
    let h: OpaquePointer
    let context: GEOSContext
    let coordinates: UnsafeBufferPointer<Double>
    let dimension: Int
    let counts: UnsafeBufferPointer<Int>
    var position = 0
    var countIndex = 0

    var isAtEnd: Bool { position == coordinates.count && countIndex == counts.count }

    mutating func nextCount(_ what: String) throws -> Int {
        guard countIndex < counts.count else {
            throw GeometryError.invalidCoordinates("\(what): missing count")
        }
        defer { countIndex += 1 }
        let n = counts[countIndex]
        guard n >= 0 else { throw GeometryError.invalidCoordinates("\(what): negative count \(n)") }
        return n
    }

    mutating func sequence(_ n: Int, _ what: String) throws -> OpaquePointer {
        let needed = n * dimension
        guard position + needed <= coordinates.count else {
            throw GeometryError.invalidCoordinates("\(what): \(n) positions announced, fewer given")
        }
        let start = coordinates.baseAddress.map { $0 + position }
        for i in position..<(position + needed) where !coordinates[i].isFinite {
            throw GeometryError.invalidCoordinates("\(what): position \((i - position) / dimension) has a coordinate that is not a finite number")
        }
        position += needed
        guard let seq = GEOSCoordSeq_copyFromBuffer_r(h, start, UInt32(n), dimension == 3 ? 1 : 0, 0) else {
            throw context.failure(what)
        }
        return seq
    }

    mutating func build(_ type: GeometryType) throws -> OpaquePointer {
        switch type {
        case .point: return try point()
        case .lineString: return try lineString("LineString")
        case .linearRing: return try ring("LinearRing")
        case .polygon: return try polygon("Polygon")
        case .multiPoint: return try collection(type, "MultiPoint") { b, _ in try b.singlePoint() }
        case .multiLineString: return try collection(type, "MultiLineString") { b, i in try b.lineString("MultiLineString line \(i)") }
        case .multiPolygon: return try collection(type, "MultiPolygon") { b, i in try b.polygon("MultiPolygon polygon \(i)") }
        case .geometryCollection:
            throw GeometryError.wrongGeometryType(operation: "init(type:flatCoordinates:)", expected: "a non-collection or Multi* type", actual: type)
        }
    }

    mutating func point() throws -> OpaquePointer {
        let n = try nextCount("Point")
        guard n <= 1 else { throw GeometryError.invalidCoordinates("Point: \(n) positions; a point has one") }
        if n == 0 {
            guard let empty = GEOSGeom_createEmptyPoint_r(h) else { throw context.failure("Point") }
            return empty
        }
        return try onePoint("Point")
    }

    /// A MultiPoint's element: one position, no count of its own.
    mutating func singlePoint() throws -> OpaquePointer { try onePoint("MultiPoint element") }

    mutating func onePoint(_ what: String) throws -> OpaquePointer {
        let seq = try sequence(1, what)
        guard let point = GEOSGeom_createPoint_r(h, seq) else {
            GEOSCoordSeq_destroy_r(h, seq)
            throw context.failure(what)
        }
        return point
    }

    mutating func lineString(_ what: String) throws -> OpaquePointer {
        let n = try nextCount(what)
        guard n != 1 else {
            throw GeometryError.invalidCoordinates("\(what) has 1 position; a line needs at least 2")
        }
        let seq = try sequence(n, what)
        guard let line = GEOSGeom_createLineString_r(h, seq) else {
            GEOSCoordSeq_destroy_r(h, seq)
            throw context.failure(what)
        }
        return line
    }

    mutating func ring(_ what: String) throws -> OpaquePointer {
        let n = try nextCount(what)
        let start = position
        guard n == 0 || n >= 4 else {
            throw GeometryError.invalidCoordinates("\(what) has \(n) positions; a ring needs at least 4 (closed)")
        }
        if n > 0 {
            let last = start + (n - 1) * dimension
            if position + n * dimension <= coordinates.count,
               coordinates[start] != coordinates[last] || coordinates[start + 1] != coordinates[last + 1] {
                throw GeometryError.invalidCoordinates("\(what) is not closed: it starts at (\(coordinates[start]) \(coordinates[start + 1])) and ends at (\(coordinates[last]) \(coordinates[last + 1]))")
            }
        }
        let seq = try sequence(n, what)
        guard let ring = GEOSGeom_createLinearRing_r(h, seq) else {
            GEOSCoordSeq_destroy_r(h, seq)
            throw context.failure(what)
        }
        return ring
    }

    mutating func polygon(_ what: String) throws -> OpaquePointer {
        let rings = try nextCount(what)
        if rings == 0 {
            guard let empty = GEOSGeom_createEmptyPolygon_r(h) else { throw context.failure(what) }
            return empty
        }
        let shell = try ring("\(what) exterior ring")
        var holes: [OpaquePointer?] = []
        holes.reserveCapacity(rings - 1)
        do {
            for i in 1..<rings { holes.append(try ring("\(what) ring \(i)")) }
        } catch {
            GEOSGeom_destroy_r(h, shell)
            holes.forEach { GEOSGeom_destroy_r(h, $0) }
            throw error
        }
        let made = holes.withUnsafeMutableBufferPointer {
            GEOSGeom_createPolygon_r(h, shell, $0.baseAddress, UInt32(rings - 1))
        }
        // GEOS owns shell and holes from the call on and frees them itself when it refuses them
        // (an empty shell with holes, say): destroying them here again was a double free.
        guard let made else { throw context.failure(what) }
        return made
    }

    mutating func collection(_ type: GeometryType, _ what: String,
                             element: (inout FlatBuilder, Int) throws -> OpaquePointer) throws -> OpaquePointer {
        let n = try nextCount(what)
        var parts: [OpaquePointer?] = []
        parts.reserveCapacity(n)
        do {
            for i in 0..<n { parts.append(try element(&self, i)) }
        } catch {
            parts.forEach { GEOSGeom_destroy_r(h, $0) }
            throw error
        }
        let made = parts.withUnsafeMutableBufferPointer {
            GEOSGeom_createCollection_r(h, Int32(type.rawValue), $0.baseAddress, UInt32(n))
        }
        guard let made else {
            parts.forEach { GEOSGeom_destroy_r(h, $0) }
            throw context.failure(what)
        }
        return made
    }
}
