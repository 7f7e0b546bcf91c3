import GeoCore
import GeoIO

/// Which parcels and points lie within `distance` metres of a mobility corridor (Stadtbahn,
/// rail, cycle highway, main road), and how far the nearest corridor is.
///
/// `near_corridor = 1` when the planar distance from the feature to any selected corridor line
/// is ≤ `distance_m` (0 when they intersect), else 0 (the STANDARD PIPELINE's stage f with
/// d = 300 m); `corridor_distance_m` is the exact distance to the nearest corridor, and
/// `corridor` its name.
///
/// The lines are cut into their segments, indexed in an R-tree, and each feature is tested
/// only against the segments its envelope (grown by the distance) meets: the distance to a
/// line is the least distance to its segments. (In GEOS 3.11 a prepared distance test against
/// the whole lines falls back to brute force, 0.9 s at 100,000 parcels in C; the segment tree
/// took 0.07 s with identical results.)
public struct CorridorProximity: Codable, Sendable, Equatable {
    /// The distance (m) within which a feature counts as near. Default 300.
    public var distance: Double = 300
    /// Which corridors count (e.g. `kind` in [stadtbahn, rail]); nil: all.
    public var filter: AttributeFilter?
    /// The corridor name field. Default `name`.
    public var nameField: String = "name"
    /// Whether to find the exact distance to the nearest corridor for every feature (a
    /// nearest-neighbour search; the STANDARD PIPELINE needs only the flag). Default true.
    public var nearestDistance: Bool = true

    public init(distance: Double = 300, filter: AttributeFilter? = nil, nameField: String = "name", nearestDistance: Bool = true) {
        self.distance = distance
        self.filter = filter
        self.nameField = nameField
        self.nearestDistance = nearestDistance
    }

    enum CodingKeys: String, CodingKey { case distance = "distance_m", filter, nameField = "name_field", nearestDistance = "nearest_distance" }

    public func validate() throws {
        guard distance >= 0, distance.isFinite else {
            throw AnalysisError.invalidParameter(parameter: "distance_m", value: String(distance), expected: "a distance ≥ 0 in metres")
        }
        try filter?.validate()
    }

    /// One feature's relation to the corridors.
    public struct Proximity: Sendable, Equatable {
        public var near: Bool
        /// Distance (m) to the nearest corridor; nil without corridors or for an empty geometry.
        public var distance: Double?
        /// The nearest corridor (position in the corridor layer).
        public var corridor: Int?
    }

    public func prepare(_ corridors: Layer) throws -> Prepared {
        try validate()
        return try Prepared(self, corridors: corridors.filtered(by: filter))
    }

    /// The corridor lines cut into segments and indexed.
    public final class Prepared: Sendable {
        public let proximity: CorridorProximity
        public let corridors: Layer
        public let names: [String]
        let segments: [Geometry]
        /// The corridor each segment belongs to.
        let owner: [Int]
        let index: SpatialIndex

        init(_ p: CorridorProximity, corridors: Layer) throws {
            guard !corridors.crs.isGeographic else { throw AnalysisError.notMetric(layer: corridors.name, crs: corridors.crs.identifier) }
            proximity = p
            self.corridors = corridors
            names = corridors.labels(p.nameField, "id")
            var segments: [Geometry] = [], owner: [Int] = []
            for (c, feature) in corridors.features.enumerated() {
                func add(_ line: Geometry) throws {
                    switch line.type {
                    case .lineString, .linearRing:
                        let points = try line.coordinates()
                        for k in 0..<Swift.max(0, points.count - 1) where points[k] != points[k + 1] {
                            segments.append(try Geometry(lineString: [points[k], points[k + 1]], crs: corridors.crs))
                            owner.append(c)
                        }
                    case .polygon:
                        try add(line.boundary())
                    default:
                        for part in line.parts where part !== line { try add(part) }
                    }
                }
                try add(feature.geometry!)
            }
            self.segments = segments
            self.owner = owner
            index = SpatialIndex(segments.envelopes())
        }

        /// How near `g` is to the corridors.
        public func measure(_ g: Geometry) throws -> Proximity {
            guard !g.isEmpty, !segments.isEmpty else { return Proximity(near: false, distance: nil, corridor: nil) }
            let d = proximity.distance
            var near = false
            try index.forEach(intersecting: g.envelope.expanded(by: d)) { s in
                if try segments[s].isWithinDistance(d, of: g) { near = true; return false }
                return true
            }
            guard proximity.nearestDistance else { return Proximity(near: near, distance: nil, corridor: nil) }
            let hit = try index.nearest(to: g.envelope, k: 1) { try segments[$0].distance(to: g) }.first
            return Proximity(near: near, distance: hit?.distance, corridor: hit.map { owner[$0.item] })
        }

        /// Kilometres of each corridor inside each unit: `[unit][corridor]`, by intersecting
        /// the lines with the unit polygons.
        public func kilometres(in units: ReportingUnits) throws -> [[Double]] {
            try units.layer.features.indices.map { u in
                try corridors.features.map { corridor in
                    let line = corridor.geometry!
                    guard units.layer.features[u].geometry!.envelope.intersects(line.envelope),
                          try units.prepared[u].intersects(line) else { return 0 }
                    return try units.layer.features[u].geometry!.intersection(line).length() / 1000
                }
            }
        }
    }
}
