import CGEOS

/// Boolean overlay: intersection, union, difference, symmetric difference, unary union.
extension Geometry {
    private typealias BinaryOperation = (OpaquePointer?, OpaquePointer?, OpaquePointer?) -> OpaquePointer?

    private func overlay(_ name: String, _ other: Geometry, _ operation: BinaryOperation) throws -> Geometry {
        let crs = try commonCRS(with: other, name)
        let context = GEOSContext.current
        context.reset()
        return try Geometry.result(operation(context.handle, pointer, other.pointer), name, crs: crs, context: context)
    }

    public func intersection(_ other: Geometry) throws -> Geometry { try overlay("intersection", other, GEOSIntersection_r) }
    public func union(_ other: Geometry) throws -> Geometry { try overlay("union", other, GEOSUnion_r) }
    public func difference(_ other: Geometry) throws -> Geometry { try overlay("difference", other, GEOSDifference_r) }
    public func symmetricDifference(_ other: Geometry) throws -> Geometry { try overlay("symmetricDifference", other, GEOSSymDifference_r) }

    /// The union of all parts of this geometry (dissolving overlaps within a collection).
    public func unaryUnion() throws -> Geometry {
        let context = GEOSContext.current
        context.reset()
        return try Geometry.result(GEOSUnaryUnion_r(context.handle, pointer), "unaryUnion", crs: crs, context: context)
    }

    /// The union of many geometries in one cascaded pass (much faster than folding `union`):
    /// dissolves thousands of buffers into one catchment. Empty input gives an empty collection.
    public static func unaryUnion(of geometries: [Geometry]) throws -> Geometry {
        try Geometry(collection: .geometryCollection, of: geometries).unaryUnion()
    }
}
