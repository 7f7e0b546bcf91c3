import CGEOS

/// A geometry with GEOS's indexes built for fast repeated predicates against it: test a
/// district, a catchment or a corridor against thousands of parcels.
///
/// Thread safety: GEOS builds a prepared geometry's indexes lazily, on the first predicate
/// that needs them, and two threads making that first call race (GEOS issue 825). This type
/// therefore builds every index at creation ("warming": one intersects test with a segment
/// across the envelope, which builds the point locator and the segment index, and one
/// distance query, which builds the facet index). After `init` returns, no predicate writes
/// to the prepared geometry, and any number of threads may share it.
public final class PreparedGeometry: @unchecked Sendable {
    /// The geometry it was made from (kept alive: GEOS's prepared geometry points into it).
    public let geometry: Geometry
    private let prepared: OpaquePointer

    public init(_ geometry: Geometry) throws {
        self.geometry = geometry
        let context = GEOSContext.current
        let h = context.handle
        context.reset()
        guard let prepared = GEOSPrepare_r(h, geometry.pointer) else { throw context.failure("prepare") }
        self.prepared = prepared
        warm(context)
    }

    deinit {
        GEOSPreparedGeom_destroy_r(GEOSContext.handle, prepared)
    }

    private func warm(_ context: GEOSContext) {
        let h = context.handle
        let e = geometry.envelope
        guard !e.isEmpty else { return }
        let pad = Swift.max(e.width, e.height, 1)
        var diagonal = [e.minX - pad, e.minY - pad, e.maxX + pad, e.maxY + pad]
        guard let sequence = GEOSCoordSeq_copyFromBuffer_r(h, &diagonal, 2, 0, 0) else { return }
        guard let line = GEOSGeom_createLineString_r(h, sequence) else {
            GEOSCoordSeq_destroy_r(h, sequence)
            return
        }
        defer { GEOSGeom_destroy_r(h, line) }
        _ = GEOSPreparedIntersects_r(h, prepared, line)
        _ = GEOSPreparedContainsProperly_r(h, prepared, line)
        var distance = 0.0
        _ = GEOSPreparedDistance_r(h, prepared, line, &distance)
        context.reset()
    }

    private typealias PreparedPredicate = (OpaquePointer?, OpaquePointer?, OpaquePointer?) -> CChar

    private func test(_ name: String, _ other: Geometry, _ predicate: PreparedPredicate) throws -> Bool {
        _ = try geometry.commonCRS(with: other, name)
        let context = GEOSContext.current
        switch predicate(context.handle, prepared, other.pointer) {
        case 1: return true
        case 0: return false
        default: throw context.failure(name)
        }
    }

    public func intersects(_ other: Geometry) throws -> Bool { try test("intersects", other, GEOSPreparedIntersects_r) }
    public func disjoint(_ other: Geometry) throws -> Bool { try test("disjoint", other, GEOSPreparedDisjoint_r) }
    public func contains(_ other: Geometry) throws -> Bool { try test("contains", other, GEOSPreparedContains_r) }
    /// Contains with no contact with the boundary: the fastest "completely inside" test.
    public func containsProperly(_ other: Geometry) throws -> Bool { try test("containsProperly", other, GEOSPreparedContainsProperly_r) }
    public func covers(_ other: Geometry) throws -> Bool { try test("covers", other, GEOSPreparedCovers_r) }
    public func coveredBy(_ other: Geometry) throws -> Bool { try test("coveredBy", other, GEOSPreparedCoveredBy_r) }
    public func within(_ other: Geometry) throws -> Bool { try test("within", other, GEOSPreparedWithin_r) }
    public func touches(_ other: Geometry) throws -> Bool { try test("touches", other, GEOSPreparedTouches_r) }
    public func crosses(_ other: Geometry) throws -> Bool { try test("crosses", other, GEOSPreparedCrosses_r) }
    public func overlaps(_ other: Geometry) throws -> Bool { try test("overlaps", other, GEOSPreparedOverlaps_r) }

    /// The smallest distance to `other` (CRS units).
    public func distance(to other: Geometry) throws -> Double {
        try geometry.requireMetric("distance")
        _ = try geometry.commonCRS(with: other, "distance")
        let context = GEOSContext.current
        var value = 0.0
        guard GEOSPreparedDistance_r(context.handle, prepared, other.pointer, &value) == 1 else { throw context.failure("distance") }
        return value
    }

    /// Whether `other` comes within `distance` (CRS units).
    public func isWithinDistance(_ distance: Double, of other: Geometry) throws -> Bool {
        try geometry.requireMetric("isWithinDistance")
        _ = try geometry.commonCRS(with: other, "isWithinDistance")
        let context = GEOSContext.current
        switch GEOSPreparedDistanceWithin_r(context.handle, prepared, other.pointer, distance) {
        case 1: return true
        case 0: return false
        default: throw context.failure("isWithinDistance")
        }
    }

    /// The closest pair of points: the first on the prepared geometry, the second on `other`.
    public func nearestPoints(with other: Geometry) throws -> (Coordinate, Coordinate) {
        _ = try geometry.commonCRS(with: other, "nearestPoints")
        let context = GEOSContext.current
        guard let sequence = GEOSPreparedNearestPoints_r(context.handle, prepared, other.pointer) else {
            throw context.failure("nearestPoints")
        }
        return Geometry.pair(from: sequence, context.handle)
    }
}
