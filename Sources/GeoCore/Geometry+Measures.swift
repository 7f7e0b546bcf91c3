import CGEOS

/// Areas, lengths and distances, in the units of a projected CRS (m², m). Refused for
/// geographic CRSs, where they would come out in meaningless square degrees.
extension Geometry {
    /// The area: exterior minus holes; 0 for points and lines.
    public func area() throws -> Double {
        try requireMetric("area")
        return try measure("area") { GEOSArea_r($0, pointer, $1) }
    }

    /// The length of lines, or the perimeter of polygons (all rings, holes included).
    public func length() throws -> Double {
        try requireMetric("length")
        return try measure("length") { GEOSLength_r($0, pointer, $1) }
    }

    /// The smallest distance between the two geometries (0 when they intersect).
    public func distance(to other: Geometry) throws -> Double {
        try requireMetric("distance")
        _ = try commonCRS(with: other, "distance")
        return try measure("distance") { GEOSDistance_r($0, pointer, other.pointer, $1) }
    }

    /// The discrete Hausdorff distance: how far the farthest point of one geometry is from the
    /// other. `densify` (0 < f ≤ 1) splits segments for a closer approximation.
    public func hausdorffDistance(to other: Geometry, densify: Double? = nil) throws -> Double {
        try requireMetric("hausdorffDistance")
        _ = try commonCRS(with: other, "hausdorffDistance")
        if let densify {
            return try measure("hausdorffDistance") { GEOSHausdorffDistanceDensify_r($0, pointer, other.pointer, densify, $1) }
        }
        return try measure("hausdorffDistance") { GEOSHausdorffDistance_r($0, pointer, other.pointer, $1) }
    }

    /// The closest pair of points, one on each geometry.
    public func nearestPoints(with other: Geometry) throws -> (Coordinate, Coordinate) {
        _ = try commonCRS(with: other, "nearestPoints")
        let context = GEOSContext.current
        guard let sequence = GEOSNearestPoints_r(context.handle, pointer, other.pointer) else {
            throw context.failure("nearestPoints")
        }
        return Geometry.pair(from: sequence, context.handle)
    }

    static func pair(from sequence: OpaquePointer, _ h: OpaquePointer) -> (Coordinate, Coordinate) {
        defer { GEOSCoordSeq_destroy_r(h, sequence) }
        var a = Coordinate(x: 0, y: 0), b = Coordinate(x: 0, y: 0)
        GEOSCoordSeq_getXY_r(h, sequence, 0, &a.x, &a.y)
        GEOSCoordSeq_getXY_r(h, sequence, 1, &b.x, &b.y)
        return (a, b)
    }

    private func measure(_ name: String, _ call: (OpaquePointer, UnsafeMutablePointer<Double>) -> Int32) throws -> Double {
        let context = GEOSContext.current
        var value = 0.0
        guard call(context.handle, &value) == 1 else { throw context.failure(name) }
        return value
    }
}
