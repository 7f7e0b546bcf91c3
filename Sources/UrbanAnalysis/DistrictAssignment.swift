import GeoCore
import GeoIO

/// Which reporting unit (Stadtbezirk, statistical district, grid cell) each feature belongs
/// to.
///
/// - ``Method/pointOnSurface`` (default; the STANDARD PIPELINE's stage d): the unit whose
///   polygon intersects the feature's interior point `GEOSPointOnSurface(g)` (interior or
///   boundary); on a shared boundary the unit with the smallest id in byte order; none when
///   no unit holds the point. Each feature goes to at most one unit with weight 1.
/// - ``Method/areaWeighted``: the feature is shared among the units it overlaps, each with the
///   weight `area(g ∩ unit) / area(g)`; a point or line feature falls back to point-on-surface.
///   Use it for large parcels that straddle boundaries, where counts become fractional.
///
/// Cost: an R-tree over the units and a prepared polygon per unit, so O(n log m) for n
/// features and m units, on all cores.
public struct DistrictAssignment: Codable, Sendable, Equatable {
    public enum Method: String, Codable, Sendable, CaseIterable {
        case pointOnSurface = "point-on-surface"
        case areaWeighted = "area-weighted"
    }

    /// How features are assigned. Default ``Method/pointOnSurface``.
    public var method: Method
    /// Where the unit layer keeps its id.
    public var fields: DistrictFields

    public init(method: Method = .pointOnSurface, fields: DistrictFields = .standard) {
        self.method = method
        self.fields = fields
    }

    /// A feature's share in one unit.
    public struct Share: Sendable, Equatable {
        /// The unit's position in its layer.
        public var unit: Int
        /// 1 for point-on-surface; the area share for area-weighted.
        public var weight: Double
    }

    /// The units of every feature of `features`, in feature order (empty: in no unit).
    public func run(_ features: Layer, units: ReportingUnits) throws -> [[Share]] {
        try features.features.parallelMap(minimumChunk: 64) { try assign($0.geometry!, units: units) }
    }

    /// The units of one geometry: the streaming form of ``run(_:units:)``.
    public func assign(_ g: Geometry, units: ReportingUnits) throws -> [Share] {
        if g.isEmpty { return [] }
        if method == .areaWeighted, g.type.topologicalDimension == 2 {
            let area = try g.area()
            guard area > 0 else { return [] }
            var shares: [Share] = []
            for i in units.index.query(intersecting: g.envelope) {
                let unit = units.prepared[i]
                if try unit.covers(g) { return [Share(unit: i, weight: 1)] }
                guard try unit.intersects(g) else { continue }
                let part = try unit.geometry.intersection(g).area()
                if part > 0 { shares.append(Share(unit: i, weight: part / area)) }
            }
            return shares
        }
        let point = try g.pointOnSurface()
        var best: Int?
        // The smallest id in byte order wins, whatever order the index visits the units in.
        try units.index.forEach(intersecting: point.envelope) { i in
            if try units.prepared[i].intersects(point),
               best == nil || units.ids[i].utf8.lexicographicallyPrecedes(units.ids[best!].utf8) { best = i }
            return true
        }
        return best.map { [Share(unit: $0, weight: 1)] } ?? []
    }
}
