/// Batch operations over arrays of geometries on all cores, results in input order: what the
/// analyses use for 10,000 to 1,000,000 parcels.
extension Array where Element == Geometry {
    /// Areas of all geometries.
    public func areas() throws -> [Double] { try parallelMap { try $0.area() } }

    /// Lengths (perimeters of polygons) of all geometries.
    public func lengths() throws -> [Double] { try parallelMap { try $0.length() } }

    /// Envelopes of all geometries (empty for empty geometries), e.g. to build a ``SpatialIndex``.
    public func envelopes() -> [Envelope] { map(\.envelope) }

    /// Each geometry repaired by ``Geometry/repaired()``.
    public func repaired() throws -> [Geometry] { try parallelMap { try $0.repaired() } }
}

extension PreparedGeometry {
    /// Whether each geometry intersects this one.
    public func intersects(each geometries: [Geometry]) throws -> [Bool] {
        try geometries.parallelMap { try self.intersects($0) }
    }

    /// Whether each geometry lies within `distance` of this one.
    public func isWithinDistance(_ distance: Double, ofEach geometries: [Geometry]) throws -> [Bool] {
        try geometries.parallelMap { try self.isWithinDistance(distance, of: $0) }
    }
}
