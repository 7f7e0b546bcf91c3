/// What can stop building or using a street network.
public enum NetworkError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The street layer is in a CRS whose unit is not the metre (lengths would be degrees).
    case notMetric(layer: String, crs: String)
    /// A parameter outside its range, as the scenario spells it.
    case invalidParameter(parameter: String, value: String, expected: String)

    public var description: String {
        switch self {
        case let .notMetric(layer, crs):
            return "\(layer) is in \(crs), whose unit is not the metre: a street graph needs a projected working CRS (EPSG:25832 for Dortmund), "
                + "so edge lengths are metres, not degrees"
        case let .invalidParameter(parameter, value, expected):
            return "\(parameter) = \(value) is out of range: expected \(expected)"
        }
    }
}
