import CGEOS

/// Simplification, densification and normal form.
extension Geometry {
    public enum SimplifyMethod: Sendable {
        /// Douglas-Peucker: fastest; can make polygons invalid or collapse them.
        case douglasPeucker
        /// Keeps rings from crossing each other and holes inside their shells.
        case preservingTopology
    }

    /// Removes vertices closer than `tolerance` (CRS units) to the simplified line.
    public func simplified(tolerance: Double, method: SimplifyMethod = .preservingTopology) throws -> Geometry {
        let context = GEOSContext.current
        context.reset()
        let made = method == .douglasPeucker ? GEOSSimplify_r(context.handle, pointer, tolerance)
                                             : GEOSTopologyPreserveSimplify_r(context.handle, pointer, tolerance)
        return try Geometry.result(made, "simplified", crs: crs, context: context)
    }

    /// Inserts vertices so that no segment is longer than `maxSegmentLength` (metres in a
    /// projected CRS); useful before reprojecting long straight edges.
    public func densified(maxSegmentLength: Double) throws -> Geometry {
        try requireMetric("densified")
        let context = GEOSContext.current
        context.reset()
        return try Geometry.result(GEOSDensify_r(context.handle, pointer, maxSegmentLength), "densified", crs: crs, context: context)
    }

    /// The normal form: rings start at their lowest vertex with a fixed orientation and
    /// collection elements are sorted, so equal geometries compare equal exactly.
    public func normalized() throws -> Geometry {
        let context = GEOSContext.current
        context.reset()
        guard let copy = GEOSGeom_clone_r(context.handle, pointer) else { throw context.failure("normalized") }
        guard GEOSNormalize_r(context.handle, copy) == 0 else {
            GEOSGeom_destroy_r(context.handle, copy)
            throw context.failure("normalized")
        }
        return Geometry(taking: copy, crs: crs, context: context)
    }
}
