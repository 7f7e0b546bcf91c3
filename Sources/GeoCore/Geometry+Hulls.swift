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

    /// The smallest-area rectangle of any orientation that holds the geometry; the base of
    /// rectangularity and elongation measures of parcels.
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
