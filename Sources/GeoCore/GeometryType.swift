import CGEOS

/// The kinds of geometry of the OGC simple-features model, as GEOS numbers them.
public enum GeometryType: Int, Sendable, CaseIterable, CustomStringConvertible {
    case point = 0
    case lineString = 1
    case linearRing = 2
    case polygon = 3
    case multiPoint = 4
    case multiLineString = 5
    case multiPolygon = 6
    case geometryCollection = 7

    /// The name GeoJSON and WKT use (LinearRing has none in GeoJSON and is written as LineString).
    public var description: String {
        switch self {
        case .point: return "Point"
        case .lineString: return "LineString"
        case .linearRing: return "LinearRing"
        case .polygon: return "Polygon"
        case .multiPoint: return "MultiPoint"
        case .multiLineString: return "MultiLineString"
        case .multiPolygon: return "MultiPolygon"
        case .geometryCollection: return "GeometryCollection"
        }
    }

    /// Whether geometries of this type hold other geometries.
    public var isCollection: Bool { rawValue >= GeometryType.multiPoint.rawValue }

    /// The type of a collection's elements (`multiPolygon` → `polygon`), or nil.
    public var elementType: GeometryType? {
        switch self {
        case .multiPoint: return .point
        case .multiLineString: return .lineString
        case .multiPolygon: return .polygon
        default: return nil
        }
    }

    /// The topological dimension: 0 for points, 1 for lines, 2 for polygons (nil for mixed).
    public var topologicalDimension: Int? {
        switch self {
        case .point, .multiPoint: return 0
        case .lineString, .linearRing, .multiLineString: return 1
        case .polygon, .multiPolygon: return 2
        case .geometryCollection: return nil
        }
    }
}
