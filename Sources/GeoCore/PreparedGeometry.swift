import CGEOS

/// A geometry with GEOS's indexes built for fast repeated predicates against it: test a
/// district, a catchment or a corridor against thousands of parcels.
///
/// Thread safety: a GEOS 3.11 prepared geometry must not be used by two threads at once. It
/// builds its indexes lazily on first use (GEOS issue 825), and, worse, its segment
/// intersector keeps the chains of the geometry under test in the prepared object on every
/// call to intersects, contains, covers and the like (fixed upstream only after 3.11, GEOS
/// pull request 826), so "warming" it first is not enough. This type therefore keeps a pool of
/// GEOS prepared geometries over the same base geometry: each call takes one that no other
/// thread is using (preparing a new one when all are busy) and gives it back. One
/// `PreparedGeometry` can be shared by any number of threads; each thread pays for building
/// the indexes once.
public final class PreparedGeometry: @unchecked Sendable {
    /// The geometry it was made from (kept alive: GEOS's prepared geometries point into it).
    public let geometry: Geometry
    /// Prepared geometries not in use right now.
    private let idle: Locked<[OpaquePointer]>
    /// Every prepared geometry made, for `deinit`.
    private let all: Locked<[OpaquePointer]>

    public init(_ geometry: Geometry) throws {
        self.geometry = geometry
        let first = try PreparedGeometry.prepare(geometry)
        idle = Locked([first])
        all = Locked([first])
    }

    deinit {
        let h = GEOSContext.handle
        all.withLock { $0.forEach { GEOSPreparedGeom_destroy_r(h, $0) } }
    }

    private static func prepare(_ geometry: Geometry) throws -> OpaquePointer {
        let context = GEOSContext.current
        context.reset()
        guard let prepared = GEOSPrepare_r(context.handle, geometry.pointer) else { throw context.failure("prepare") }
        return prepared
    }

    /// Runs `body` with a GEOS prepared geometry no other thread uses meanwhile.
    private func withPrepared<R>(_ body: (OpaquePointer) throws -> R) throws -> R {
        let prepared = try idle.withLock { $0.popLast() } ?? {
            let made = try PreparedGeometry.prepare(geometry)
            all.withLock { $0.append(made) }
            return made
        }()
        defer { idle.withLock { $0.append(prepared) } }
        return try body(prepared)
    }

    private typealias PreparedPredicate = (OpaquePointer?, OpaquePointer?, OpaquePointer?) -> CChar

    private func test(_ name: String, _ other: Geometry, _ predicate: PreparedPredicate) throws -> Bool {
        _ = try geometry.commonCRS(with: other, name)
        let context = GEOSContext.current
        let result = try withPrepared { predicate(context.handle, $0, other.pointer) }
        switch result {
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
        let status = try withPrepared { GEOSPreparedDistance_r(context.handle, $0, other.pointer, &value) }
        guard status == 1 else { throw context.failure("distance") }
        return value
    }

    /// Whether `other` comes within `distance` (CRS units).
    public func isWithinDistance(_ distance: Double, of other: Geometry) throws -> Bool {
        try geometry.requireMetric("isWithinDistance")
        _ = try geometry.commonCRS(with: other, "isWithinDistance")
        let context = GEOSContext.current
        switch try withPrepared({ GEOSPreparedDistanceWithin_r(context.handle, $0, other.pointer, distance) }) {
        case 1: return true
        case 0: return false
        default: throw context.failure("isWithinDistance")
        }
    }

    /// The closest pair of points: the first on the prepared geometry, the second on `other`.
    public func nearestPoints(with other: Geometry) throws -> (Coordinate, Coordinate) {
        _ = try geometry.commonCRS(with: other, "nearestPoints")
        let context = GEOSContext.current
        guard let sequence = try withPrepared({ GEOSPreparedNearestPoints_r(context.handle, $0, other.pointer) }) else {
            throw context.failure("nearestPoints")
        }
        return Geometry.pair(from: sequence, context.handle)
    }
}
