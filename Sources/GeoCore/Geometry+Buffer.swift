import CGEOS

/// How a buffer is shaped: curve approximation, line ends, corners.
public struct BufferStyle: Sendable, Equatable {
    /// How line ends are closed.
    public enum CapStyle: Sendable { case round, flat, square }
    /// How corners are turned.
    public enum JoinStyle: Sendable { case round, mitre, bevel }

    /// Segments per quarter circle (8 gives 32 per full circle, GEOS's and Shapely's default).
    public var quadrantSegments: Int
    public var cap: CapStyle
    public var join: JoinStyle
    /// How far a mitre corner may reach, as a multiple of the distance, before it is bevelled.
    public var mitreLimit: Double
    /// Buffer one side only: the left for positive distances, the right for negative ones.
    public var singleSided: Bool

    public init(quadrantSegments: Int = 8, cap: CapStyle = .round, join: JoinStyle = .round,
                mitreLimit: Double = 5, singleSided: Bool = false) {
        self.quadrantSegments = quadrantSegments
        self.cap = cap
        self.join = join
        self.mitreLimit = mitreLimit
        self.singleSided = singleSided
    }

    public static let `default` = BufferStyle()
}

extension Geometry {
    /// Every point within `distance` (metres in a projected CRS); negative distances shrink
    /// polygons.
    public func buffer(_ distance: Double, style: BufferStyle = .default) throws -> Geometry {
        try requireMetric("buffer")
        let context = GEOSContext.current
        let h = context.handle
        context.reset()
        if style == .default {
            return try Geometry.result(GEOSBuffer_r(h, pointer, distance, 8), "buffer", crs: crs, context: context)
        }
        guard let parameters = GEOSBufferParams_create_r(h) else { throw context.failure("buffer") }
        defer { GEOSBufferParams_destroy_r(h, parameters) }
        GEOSBufferParams_setQuadrantSegments_r(h, parameters, Int32(style.quadrantSegments))
        GEOSBufferParams_setEndCapStyle_r(h, parameters, style.cap.geosCode)
        GEOSBufferParams_setJoinStyle_r(h, parameters, style.join.geosCode)
        GEOSBufferParams_setMitreLimit_r(h, parameters, style.mitreLimit)
        GEOSBufferParams_setSingleSided_r(h, parameters, style.singleSided ? 1 : 0)
        return try Geometry.result(GEOSBufferWithParams_r(h, pointer, parameters, distance), "buffer", crs: crs, context: context)
    }
}

extension BufferStyle.CapStyle {
    /// GEOSBufCapStyles.
    var geosCode: Int32 {
        switch self {
        case .round: return Int32(GEOSBUF_CAP_ROUND.rawValue)
        case .flat: return Int32(GEOSBUF_CAP_FLAT.rawValue)
        case .square: return Int32(GEOSBUF_CAP_SQUARE.rawValue)
        }
    }
}

extension BufferStyle.JoinStyle {
    /// GEOSBufJoinStyles.
    var geosCode: Int32 {
        switch self {
        case .round: return Int32(GEOSBUF_JOIN_ROUND.rawValue)
        case .mitre: return Int32(GEOSBUF_JOIN_MITRE.rawValue)
        case .bevel: return Int32(GEOSBUF_JOIN_BEVEL.rawValue)
        }
    }
}
