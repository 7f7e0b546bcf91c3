/// What can go wrong with coordinate reference systems and transformations.
public enum CRSError: Error, Equatable, Sendable, CustomStringConvertible {
    /// PROJ does not know the definition (an unknown EPSG code, a malformed WKT, …).
    case unknown(definition: String, message: String)
    /// No transformation between the two CRSs could be set up.
    case noTransformation(from: String, to: String, message: String)
    /// A position PROJ could not transform (outside the projection's domain, say).
    case untransformable(index: Int, from: String, to: String, message: String)
    /// A geometry in another CRS than the transformer's source.
    case wrongSource(expected: String, actual: String)

    public var description: String {
        switch self {
        case let .unknown(definition, message):
            return "unknown CRS '\(definition)': \(message)"
        case let .noTransformation(from, to, message):
            return "no transformation from \(from) to \(to): \(message)"
        case let .untransformable(index, from, to, message):
            return "position \(index) cannot be transformed from \(from) to \(to): \(message)"
        case let .wrongSource(expected, actual):
            return "the geometry is in \(actual), but the transformer starts from \(expected)"
        }
    }
}
