import CGEOS

/// Spatial predicates (DE-9IM). Each refuses geometries in two different CRSs.
extension Geometry {
    private typealias BinaryPredicate = (OpaquePointer?, OpaquePointer?, OpaquePointer?) -> CChar

    private func test(_ name: String, _ other: Geometry, _ predicate: BinaryPredicate) throws -> Bool {
        _ = try commonCRS(with: other, name)
        let context = GEOSContext.current
        switch predicate(context.handle, pointer, other.pointer) {
        case 1: return true
        case 0: return false
        default: throw context.failure(name)
        }
    }

    public func intersects(_ other: Geometry) throws -> Bool { try test("intersects", other, GEOSIntersects_r) }
    public func disjoint(_ other: Geometry) throws -> Bool { try test("disjoint", other, GEOSDisjoint_r) }
    public func contains(_ other: Geometry) throws -> Bool { try test("contains", other, GEOSContains_r) }
    public func within(_ other: Geometry) throws -> Bool { try test("within", other, GEOSWithin_r) }
    public func covers(_ other: Geometry) throws -> Bool { try test("covers", other, GEOSCovers_r) }
    public func coveredBy(_ other: Geometry) throws -> Bool { try test("coveredBy", other, GEOSCoveredBy_r) }
    public func touches(_ other: Geometry) throws -> Bool { try test("touches", other, GEOSTouches_r) }
    public func crosses(_ other: Geometry) throws -> Bool { try test("crosses", other, GEOSCrosses_r) }
    public func overlaps(_ other: Geometry) throws -> Bool { try test("overlaps", other, GEOSOverlaps_r) }

    /// Topological equality: the same point set, whatever the vertex order or start.
    public func topologicallyEquals(_ other: Geometry) throws -> Bool { try test("topologicallyEquals", other, GEOSEquals_r) }

    /// Structural equality: the same type and the same vertices in the same order, each
    /// within `tolerance` (0: exactly the same doubles).
    public func equalsExact(_ other: Geometry, tolerance: Double = 0) throws -> Bool {
        _ = try commonCRS(with: other, "equalsExact")
        let context = GEOSContext.current
        switch GEOSEqualsExact_r(context.handle, pointer, other.pointer, tolerance) {
        case 1: return true
        case 0: return false
        default: throw context.failure("equalsExact")
        }
    }

    /// The DE-9IM intersection matrix, such as "212101212".
    public func relate(_ other: Geometry) throws -> String {
        _ = try commonCRS(with: other, "relate")
        let context = GEOSContext.current
        guard let matrix = GEOSRelate_r(context.handle, pointer, other.pointer) else { throw context.failure("relate") }
        defer { GEOSFree_r(context.handle, matrix) }
        return String(cString: matrix)
    }

    /// Whether the DE-9IM matrix matches a pattern such as "T*F**F***" (contains).
    public func relate(_ other: Geometry, matches pattern: String) throws -> Bool {
        guard pattern.utf8.count == 9, pattern.allSatisfy({ "TF*012".contains($0) }) else {
            throw GeometryError.invalidArgument(operation: "relate", message: "DE-9IM pattern '\(pattern)' must be 9 characters of T, F, *, 0, 1, 2")
        }
        _ = try commonCRS(with: other, "relate")
        let context = GEOSContext.current
        switch GEOSRelatePattern_r(context.handle, pointer, other.pointer, pattern) {
        case 1: return true
        case 0: return false
        default: throw context.failure("relate")
        }
    }

    /// Whether the two geometries come within `distance` of each other (in CRS units, metres
    /// for a projected CRS), without computing the full distance.
    public func isWithinDistance(_ distance: Double, of other: Geometry) throws -> Bool {
        try requireMetric("isWithinDistance")
        _ = try commonCRS(with: other, "isWithinDistance")
        let context = GEOSContext.current
        switch GEOSDistanceWithin_r(context.handle, pointer, other.pointer, distance) {
        case 1: return true
        case 0: return false
        default: throw context.failure("isWithinDistance")
        }
    }
}
