import GeoCore
import GeoIO

/// The harbour zone and each parcel's relation to the water.
///
/// The zone is a polygon layer when one is given; otherwise it is derived from land use: the
/// union of the harbour parcels, grown by `zone_buffer_m` (default 50 m, so that the parcels
/// across a quay road join one zone). A parcel is in the zone when its interior point
/// (`GEOSPointOnSurface`) lies in it. `water_distance_m` is the exact distance from the parcel
/// to the nearest quay line or basin polygon of the water layer (0 when they touch).
public struct HarbourZone: Codable, Sendable, Equatable {
    /// Growth (m) of the union of harbour parcels when the zone is derived. Default 50.
    public var zoneBuffer: Double = 50

    public init(zoneBuffer: Double = 50) { self.zoneBuffer = zoneBuffer }

    enum CodingKeys: String, CodingKey { case zoneBuffer = "zone_buffer_m" }

    /// A parcel's relation to the harbour.
    public struct Position: Sendable, Equatable {
        public var inZone: Bool
        /// Distance (m) to the nearest quay or basin; nil without a water layer.
        public var waterDistance: Double?
        /// The nearest water feature (position in the water layer).
        public var nearestWater: Int?
    }

    /// The zone: the given polygons, or the harbour parcels' union grown by `zoneBuffer`.
    public func zone(given: Layer?, parcels: Layer, measures: [ParcelMetrics.Measures]) throws -> Geometry {
        if let given {
            return try Geometry.unaryUnion(of: given.geometries)
        }
        let harbour = parcels.features.indices.filter { measures[$0].landUse == .harbour }.map { parcels.features[$0].geometry! }
        guard !harbour.isEmpty else { return try Geometry(empty: .polygon, crs: parcels.crs) }
        return try Geometry.unaryUnion(of: harbour).buffer(zoneBuffer)
    }

    /// Each parcel's position, on all cores. `water` holds quay lines and basin polygons.
    public func run(parcels: Layer, zone: Geometry, water: Layer?) throws -> [Position] {
        let prepared = try Prepared(zone: zone, water: water)
        return try parcels.features.parallelMap(minimumChunk: 64) { try prepared.position(of: $0.geometry!) }
    }

    /// The zone and the water, indexed for parcel queries.
    public final class Prepared: Sendable {
        public let zone: Geometry
        public let water: Layer?
        let prepared: PreparedGeometry
        let waterIndex: SpatialIndex?

        public init(zone: Geometry, water: Layer?) throws {
            self.zone = zone
            self.water = water
            prepared = try PreparedGeometry(zone)
            waterIndex = water.map { SpatialIndex($0.geometries.envelopes()) }
        }

        public func position(of g: Geometry) throws -> Position {
            let inZone = zone.isEmpty ? false : try prepared.intersects(g.pointOnSurface())
            guard let water, let waterIndex, water.count > 0 else { return Position(inZone: inZone, waterDistance: nil, nearestWater: nil) }
            let hit = try waterIndex.nearest(to: g.envelope, k: 1) { try water.features[$0].geometry!.distance(to: g) }.first
            return Position(inZone: inZone, waterDistance: hit?.distance, nearestWater: hit?.item)
        }
    }
}
