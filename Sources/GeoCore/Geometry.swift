import CGEOS

/// An immutable geometry backed by a GEOS geometry, tagged with the CRS its coordinates are in.
///
/// Ownership: a geometry either owns its GEOS handle, and frees it exactly once when the last
/// reference goes, or borrows a component of another geometry (a polygon's ring, a
/// collection's element) and keeps that owner alive instead. Nothing here mutates a GEOS
/// geometry after construction.
///
/// Thread safety: GEOS 3.11 computes a geometry's envelope on first use and caches it, which
/// races when two threads ask first (GEOS ticket 855; eager since GEOS 3.12). Every geometry is
/// therefore "primed" when it is made (all envelopes, rings included, computed once), after
/// which any number of threads may read it at once. That is what makes `Sendable` true here.
public final class Geometry: @unchecked Sendable {
    /// The GEOS geometry. Never exposed: callers work with Swift values only.
    let pointer: OpaquePointer
    /// The geometry that owns `pointer` when this one is a borrowed component; nil when this
    /// geometry owns it.
    private let owner: Geometry?
    /// The CRS of the coordinates, or nil when unknown.
    public let crs: CRS?

    /// Takes ownership of a fresh GEOS geometry and primes it for sharing.
    init(taking pointer: OpaquePointer, crs: CRS?, context: GEOSContext = .current) {
        self.pointer = pointer
        self.owner = nil
        self.crs = crs
        Geometry.prime(pointer, context.handle)
    }

    /// Borrows a geometry that `owner` owns (a component of it, or the same handle with
    /// another CRS tag).
    init(borrowing pointer: OpaquePointer, from owner: Geometry, crs: CRS?) {
        self.pointer = pointer
        self.owner = owner.owner ?? owner
        self.crs = crs
    }

    deinit {
        if owner == nil {
            GEOSGeom_destroy_r(GEOSContext.handle, pointer)
        }
    }

    /// Wraps the result of a GEOS call that returns a new geometry, or throws GEOS's error.
    static func result(_ pointer: OpaquePointer?, _ operation: String, crs: CRS?, context: GEOSContext) throws -> Geometry {
        guard let pointer else { throw context.failure(operation) }
        return Geometry(taking: pointer, crs: crs, context: context)
    }

    /// Computes and caches every envelope in the geometry (see the type's thread-safety note).
    private static func prime(_ g: OpaquePointer, _ h: OpaquePointer) {
        guard GEOSisEmpty_r(h, g) == 0 else { return }
        var value = 0.0
        _ = GEOSGeom_getXMin_r(h, g, &value)
        switch GEOSGeomTypeId_r(h, g) {
        case Int32(GEOS_POLYGON.rawValue):
            let holes = GEOSGetNumInteriorRings_r(h, g)
            if holes > 0 {
                for i in 0..<holes {
                    if let ring = GEOSGetInteriorRingN_r(h, g, i) { _ = GEOSGeom_getXMin_r(h, ring, &value) }
                }
            }
        case Int32(GEOS_MULTIPOLYGON.rawValue), Int32(GEOS_GEOMETRYCOLLECTION.rawValue):
            for i in 0..<GEOSGetNumGeometries_r(h, g) {
                if let part = GEOSGetGeometryN_r(h, g, i) { prime(part, h) }
            }
        default:
            break
        }
    }

    /// The same geometry tagged with another CRS, without copying it. Use it to state the CRS
    /// of data that did not say, never to "convert" (that is ``Transformer``'s job).
    public func assigningCRS(_ crs: CRS?) -> Geometry {
        Geometry(borrowing: pointer, from: self, crs: crs)
    }

    // MARK: Structure

    public var type: GeometryType {
        GeometryType(rawValue: Int(GEOSGeomTypeId_r(GEOSContext.handle, pointer))) ?? .geometryCollection
    }

    public var isEmpty: Bool { GEOSisEmpty_r(GEOSContext.handle, pointer) == 1 }

    /// 2 when the coordinates have x and y, 3 when they also have z.
    public var coordinateDimension: Int { Int(GEOSGeom_getCoordinateDimension_r(GEOSContext.handle, pointer)) }

    public var hasZ: Bool { GEOSHasZ_r(GEOSContext.handle, pointer) == 1 }

    /// How many geometries a collection holds (1 for a single geometry, as in GEOS).
    public var numberOfGeometries: Int { Int(GEOSGetNumGeometries_r(GEOSContext.handle, pointer)) }

    /// The number of positions in the whole geometry.
    public var numberOfCoordinates: Int { Int(GEOSGetNumCoordinates_r(GEOSContext.handle, pointer)) }

    /// Element `index` of a collection, borrowed (no copy).
    public func geometry(at index: Int) throws -> Geometry {
        let count = numberOfGeometries
        guard index >= 0, index < count else {
            throw GeometryError.indexOutOfRange(operation: "geometry(at:)", index: index, count: count)
        }
        guard let part = GEOSGetGeometryN_r(GEOSContext.handle, pointer, Int32(index)) else {
            throw GEOSContext.current.failure("geometry(at:)")
        }
        return Geometry(borrowing: part, from: self, crs: crs)
    }

    /// The elements of a collection, or the geometry itself when it is not one, borrowed.
    public var parts: [Geometry] {
        guard type.isCollection else { return [self] }
        let h = GEOSContext.handle
        return (0..<numberOfGeometries).map { i in
            Geometry(borrowing: GEOSGetGeometryN_r(h, pointer, Int32(i))!, from: self, crs: crs)
        }
    }

    /// A polygon's exterior ring, borrowed.
    public func exteriorRing() throws -> Geometry {
        guard type == .polygon else {
            throw GeometryError.wrongGeometryType(operation: "exteriorRing", expected: "a Polygon", actual: type)
        }
        guard let ring = GEOSGetExteriorRing_r(GEOSContext.handle, pointer) else {
            throw GEOSContext.current.failure("exteriorRing")
        }
        return Geometry(borrowing: ring, from: self, crs: crs)
    }

    /// A polygon's holes, borrowed.
    public func interiorRings() throws -> [Geometry] {
        guard type == .polygon else {
            throw GeometryError.wrongGeometryType(operation: "interiorRings", expected: "a Polygon", actual: type)
        }
        let h = GEOSContext.handle
        let count = GEOSGetNumInteriorRings_r(h, pointer)
        guard count > 0 else { return [] }
        return (0..<count).map { i in
            Geometry(borrowing: GEOSGetInteriorRingN_r(h, pointer, i)!, from: self, crs: crs)
        }
    }

    // MARK: CRS rules

    /// The CRS two geometries share, or an error when both know theirs and they differ.
    /// A geometry without a CRS takes the other's.
    func commonCRS(with other: Geometry, _ operation: String) throws -> CRS? {
        switch (crs, other.crs) {
        case let (a?, b?):
            guard a == b else {
                throw GeometryError.crsMismatch(operation: operation, left: a.identifier, right: b.identifier)
            }
            return a
        case let (a?, nil): return a
        case let (nil, b): return b
        }
    }

    /// Refuses metric work on coordinates in degrees.
    @inline(__always)
    func requireMetric(_ operation: String) throws {
        if let crs, crs.isGeographic {
            throw GeometryError.geographicCRS(operation: operation, crs: crs.identifier)
        }
    }
}
