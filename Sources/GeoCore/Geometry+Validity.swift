import CGEOS

/// Validity after the OGC rules, the reason when invalid, and repair.
public struct Validity: Sendable, Equatable, CustomStringConvertible {
    public let isValid: Bool
    /// GEOS's reason ("Self-intersection", "Ring Self-intersection", …); nil when valid.
    public let reason: String?
    /// Where the problem is; nil when valid or when GEOS gives no place.
    public let location: Coordinate?

    public var description: String {
        guard !isValid else { return "valid" }
        return [reason ?? "invalid", location.map { "at \($0)" }].compactMap { $0 }.joined(separator: " ")
    }
}

extension Geometry {
    public enum MakeValidMethod: Sendable {
        /// Builds valid geometry from all the input's line work (GEOS's default,
        /// `shapely.make_valid`'s and `ST_MakeValid`'s).
        case linework
        /// Rebuilds polygons from their rings' structure; `keepCollapsed` keeps parts that
        /// collapse to lines or points.
        case structure(keepCollapsed: Bool)
    }

    /// Whether the geometry is valid after the OGC rules (GEOS's `isValid`). A Polygon without
    /// holes and with a small ring is first tested by ``SimpleRing`` (certified predicates;
    /// only a proven simple ring is answered there, everything else by GEOS).
    public func isValid() throws -> Bool {
        let context = GEOSContext.current
        if isCertainlySimplePolygon(context.handle) { return true }
        switch GEOSisValid_r(context.handle, pointer) {
        case 1: return true
        case 0: return false
        default: throw context.failure("isValid")
        }
    }

    /// A Polygon without holes whose ring ``SimpleRing`` proves simple (false: not decided).
    func isCertainlySimplePolygon(_ h: OpaquePointer) -> Bool {
        guard GEOSGeomTypeId_r(h, pointer) == Int32(GEOS_POLYGON.rawValue), GEOSGetNumInteriorRings_r(h, pointer) == 0,
              let ring = GEOSGetExteriorRing_r(h, pointer), let sequence = GEOSGeom_getCoordSeq_r(h, ring) else { return false }
        var size: UInt32 = 0
        guard GEOSCoordSeq_getSize_r(h, sequence, &size) != 0 else { return false }
        let n = Int(size)
        guard n >= 4, n <= SimpleRing.maximumPositions else { return false }
        return withUnsafeTemporaryAllocation(of: Double.self, capacity: 2 * n) { xy in
            guard GEOSCoordSeq_copyToBuffer_r(h, sequence, xy.baseAddress!, 0, 0) != 0 else { return false }
            return SimpleRing.isCertainlySimple(UnsafePointer(xy.baseAddress!), count: n)
        }
    }

    /// Validity with GEOS's reason and location (`GEOSisValidDetail_r`). GEOS's notice about
    /// the invalid geometry is captured, not printed or thrown.
    public func validity() throws -> Validity {
        let context = GEOSContext.current
        let h = context.handle
        var reason: UnsafeMutablePointer<CChar>?
        var location: OpaquePointer?
        switch GEOSisValidDetail_r(h, pointer, 0, &reason, &location) {
        case 1:
            return Validity(isValid: true, reason: nil, location: nil)
        case 0:
            defer {
                if let reason { GEOSFree_r(h, reason) }
                if let location { GEOSGeom_destroy_r(h, location) }
            }
            var place: Coordinate?
            if let location, GEOSisEmpty_r(h, location) == 0 {
                var x = 0.0, y = 0.0
                if GEOSGeomGetX_r(h, location, &x) == 1, GEOSGeomGetY_r(h, location, &y) == 1 {
                    place = Coordinate(x: x, y: y)
                }
            }
            return Validity(isValid: false, reason: reason.map { String(cString: $0) }, location: place)
        default:
            throw context.failure("validity")
        }
    }

    /// A valid geometry covering the same points (`GEOSMakeValid`). It can change type: a
    /// bow-tie polygon becomes a MultiPolygon of two triangles.
    public func makeValid(method: MakeValidMethod = .linework) throws -> Geometry {
        let context = GEOSContext.current
        let h = context.handle
        context.reset()
        guard case let .structure(keepCollapsed) = method else {
            return try Geometry.result(GEOSMakeValid_r(h, pointer), "makeValid", crs: crs, context: context)
        }
        guard let parameters = GEOSMakeValidParams_create_r(h) else { throw context.failure("makeValid") }
        defer { GEOSMakeValidParams_destroy_r(h, parameters) }
        GEOSMakeValidParams_setMethod_r(h, parameters, GEOS_MAKE_VALID_STRUCTURE)
        GEOSMakeValidParams_setKeepCollapsed_r(h, parameters, keepCollapsed ? 1 : 0)
        return try Geometry.result(GEOSMakeValidWithParams_r(h, pointer, parameters), "makeValid", crs: crs, context: context)
    }

    /// The polygonal part: a Polygon or MultiPolygon as it is; from anything else, all Polygon
    /// elements (collections flattened recursively, in order) as one MultiPolygon, empty if
    /// there are none. Used after `makeValid` so that a repaired parcel stays a polygon.
    public func polygonalPart() throws -> Geometry {
        switch type {
        case .polygon, .multiPolygon: return self
        case .point, .lineString, .linearRing:
            return try Geometry(empty: .multiPolygon, crs: crs)
        case .multiPoint, .multiLineString, .geometryCollection:
            var polygons: [Geometry] = []
            func collect(_ g: Geometry) {
                switch g.type {
                case .polygon: polygons.append(g)
                case .multiPolygon, .geometryCollection: g.parts.forEach(collect)
                default: break
                }
            }
            collect(self)
            return try Geometry(collection: .multiPolygon, of: polygons, crs: crs)
        }
    }

    /// The repair rule of the toolkit's analyses: a valid geometry is returned untouched; an
    /// invalid one is made valid and reduced to the parts of the input's dimension (a polygon
    /// stays polygonal, a line lineal), so that analyses never see a surprise type.
    /// `assumingInvalid` skips the validity check for a caller that has just made it (GEOS's
    /// check of an invalid geometry costs as much as a small repair's noding).
    public func repaired(assumingInvalid: Bool = false) throws -> Geometry {
        if !assumingInvalid, try isValid() { return self }
        let valid = try makeValid()
        switch type.topologicalDimension {
        case 2: return try valid.polygonalPart()
        default: return valid
        }
    }
}
