/// What to do with a geometry that is not valid by the OGC rules (self-intersections and
/// the like).
public enum InvalidGeometryPolicy: String, Sendable, CaseIterable, Codable {
    /// Pass it through unchanged, with a warning and a count (the default of `convert`,
    /// which should not alter geometry).
    case keep
    /// Stop with an error naming the feature.
    case fail
    /// Leave the feature out and put it in the rejects report.
    case skip
    /// Make it valid with GEOS MakeValid and keep the parts of the input's dimension (a
    /// polygon stays polygonal); the default wherever analyses follow.
    case repair
}
