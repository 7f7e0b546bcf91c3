import GeoCore
import GeoIO

/// A point layer of facilities (stops, stations, later schools or service points) indexed for
/// nearest-neighbour and radius queries.
public final class Facilities: Sendable {
    public let layer: Layer
    /// Each facility's name (from `nameField`, else its id, else its position).
    public let names: [String]
    let index: SpatialIndex

    public init(_ layer: Layer, nameField: String = "name") throws {
        guard !layer.crs.isGeographic else { throw AnalysisError.notMetric(layer: layer.name, crs: layer.crs.identifier) }
        self.layer = layer
        names = layer.labels(nameField, "id")
        index = SpatialIndex(layer.geometries.envelopes())
    }

    public var count: Int { names.count }

    /// The facility nearest to `g` (exact GEOS distance, m), or nil when there is none.
    public func nearest(to g: Geometry) throws -> (facility: Int, distance: Double)? {
        guard !g.isEmpty else { return nil }
        let hit = try index.nearest(to: g.envelope, k: 1) { try layer.features[$0].geometry!.distance(to: g) }
        return hit.first.map { ($0.item, $0.distance) }
    }
}
