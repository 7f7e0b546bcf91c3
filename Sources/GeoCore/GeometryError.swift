/// What can go wrong in the geometry core.
public enum GeometryError: Error, Equatable, Sendable, CustomStringConvertible {
    /// GEOS refused or failed an operation; `message` is GEOS's own text.
    case geos(operation: String, message: String)
    /// Text or bytes that are not a geometry (WKT, WKB, hex WKB).
    case parse(format: String, message: String)
    /// Coordinates that cannot form the requested geometry.
    case invalidCoordinates(String)
    /// An operation between geometries in two different CRSs.
    case crsMismatch(operation: String, left: String, right: String)
    /// Metric work (areas in m², buffers in metres) on coordinates in degrees.
    case geographicCRS(operation: String, crs: String)
    /// An operation that needs another kind of geometry.
    case wrongGeometryType(operation: String, expected: String, actual: GeometryType)
    /// An argument outside what the operation accepts (a malformed DE-9IM pattern, say).
    case invalidArgument(operation: String, message: String)
    /// A component index past the end.
    case indexOutOfRange(operation: String, index: Int, count: Int)

    public var description: String {
        switch self {
        case let .geos(operation, message):
            return "\(operation) failed in GEOS: \(message)"
        case let .parse(format, message):
            return "cannot read \(format): \(message)"
        case let .invalidCoordinates(message):
            return "invalid coordinates: \(message)"
        case let .crsMismatch(operation, left, right):
            return "\(operation) between geometries in different CRSs (\(left) and \(right)); transform one of them first"
        case let .geographicCRS(operation, crs):
            return "\(operation) needs metric coordinates, but the geometry is in the geographic CRS \(crs) (degrees); transform it to a projected CRS such as EPSG:25832 first"
        case let .wrongGeometryType(operation, expected, actual):
            return "\(operation) needs \(expected), not a \(actual)"
        case let .invalidArgument(operation, message):
            return "\(operation): \(message)"
        case let .indexOutOfRange(operation, index, count):
            return "\(operation): index \(index) is out of range (0..<\(count))"
        }
    }
}
