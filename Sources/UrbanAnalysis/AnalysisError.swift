/// What can stop an analysis. Each case names the layer and, where it is about one feature,
/// the feature, so that a planner can find it.
public enum AnalysisError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A feature without a geometry reached an analysis (``Layer/read(path:name:format:options:policy:crs:rejects:)`` rejects those).
    case missingGeometry(layer: String, feature: String?)
    /// A parameter outside its range: `parameter` names it as the scenario spells it.
    case invalidParameter(parameter: String, value: String, expected: String)
    /// A layer in a CRS whose unit is not the metre, for a metric analysis.
    case notMetric(layer: String, crs: String)
    /// A field the analysis needs is missing from every feature of a layer.
    case missingField(layer: String, field: String)
    /// A feature an analysis cannot use (a population cell that is not a polygon, a negative count).
    case badFeature(layer: String, feature: String, problem: String)

    public var description: String {
        switch self {
        case let .missingGeometry(layer, feature):
            return "\(layer): feature \(feature ?? "without id") has no geometry"
        case let .invalidParameter(parameter, value, expected):
            return "\(parameter) = \(value) is out of range: expected \(expected)"
        case let .notMetric(layer, crs):
            return "\(layer) is in \(crs), whose unit is not the metre: read it into a projected CRS (EPSG:25832)"
        case let .missingField(layer, field):
            return "\(layer) has no field '\(field)': name the field that holds it in the field mapping"
        case let .badFeature(layer, feature, problem):
            return "\(layer): feature \(feature): \(problem)"
        }
    }
}
