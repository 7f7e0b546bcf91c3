import CGEOS

/// Hulls, enclosing rectangles and representative points.
extension Geometry {
    private func unary(_ name: String, _ operation: (OpaquePointer) -> OpaquePointer?) throws -> Geometry {
        let context = GEOSContext.current
        context.reset()
        return try Geometry.result(operation(context.handle), name, crs: crs, context: context)
    }

    public func convexHull() throws -> Geometry { try unary("convexHull") { GEOSConvexHull_r($0, pointer) } }

    /// A concave hull: `ratio` 1 gives the convex hull, smaller values hug the points closer.
    public func concaveHull(ratio: Double, allowHoles: Bool = false) throws -> Geometry {
        try unary("concaveHull") { GEOSConcaveHull_r($0, pointer, ratio, allowHoles ? 1 : 0) }
    }

    /// GEOS's `GEOSMinimumRotatedRectangle`: in GEOS 3.11 the enclosing rectangle of minimum
    /// *width*, which is not always the one of minimum area (use ``minimumAreaRectangle()``
    /// for shape measures).
    public func minimumRotatedRectangle() throws -> Geometry {
        try unary("minimumRotatedRectangle") { GEOSMinimumRotatedRectangle_r($0, pointer) }
    }

    /// The centre of mass (it can lie outside a concave polygon).
    public func centroid() throws -> Geometry { try unary("centroid") { GEOSGetCentroid_r($0, pointer) } }

    /// A point guaranteed to lie on the geometry (inside a polygon): for joining parcels to
    /// districts without the centroid's pitfalls.
    public func pointOnSurface() throws -> Geometry { try unary("pointOnSurface") { GEOSPointOnSurface_r($0, pointer) } }

    /// The geometry's bounding rectangle as a polygon (a point or line when degenerate).
    public func envelopeGeometry() throws -> Geometry { try unary("envelopeGeometry") { GEOSEnvelope_r($0, pointer) } }

    /// The boundary (rings of polygons, end points of lines).
    public func boundary() throws -> Geometry { try unary("boundary") { GEOSBoundary_r($0, pointer) } }
}

extension Geometry {
    /// The smallest-area rectangle of any orientation that encloses the geometry, found from
    /// the convex hull by rotating calipers (see ``OrientedRectangle``); nil for an empty
    /// geometry.
    ///
    /// This is the rectangle Shapely 2's `minimum_rotated_rectangle` returns. GEOS 3.11's
    /// `GEOSMinimumRotatedRectangle` (``minimumRotatedRectangle()``) instead returns the
    /// rectangle of minimum *width*, which can be larger: parcel shape measures use this one.
    public func minimumAreaRectangle() throws -> OrientedRectangle? {
        guard !isEmpty else { return nil }
        let hull = try convexHull()
        var points: [Coordinate]
        switch hull.type {
        case .polygon:
            points = try hull.exteriorRing().coordinates()
            points.removeLast() // the closing repeat
            if points.signedArea < 0 { points.reverse() }
        default:
            points = try hull.coordinates()
        }
        return OrientedRectangle.enclosing(convexHull: points)
    }
}

extension Array where Element == Coordinate {
    /// The signed area of a ring's vertices (shoelace formula; positive when counter-clockwise;
    /// with or without the closing repeat).
    public var signedArea: Double {
        guard count > 2 else { return 0 }
        var sum = 0.0
        var previous = self[count - 1]
        for point in self {
            sum += previous.x * point.y - point.x * previous.y
            previous = point
        }
        return sum / 2
    }
}
