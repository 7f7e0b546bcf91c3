import GeoCore
import GeoIO

/// Residential and mixed land outside every catchment: where people live beyond the reach of
/// transit.
///
/// For each parcel whose land use is in `landuses` (default residential and mixed), the part
/// outside the catchment `C` of ``Catchment``: `g − C` (the whole parcel where they do not
/// meet, nothing where `C` covers it). The pieces are polygons for the map, and their area is
/// summed per district (`underserved_area_m2`).
public struct UnderservedAreas: Codable, Sendable, Equatable {
    public var landuses: [LandUse] = [.residential, .mixed]

    public init(landuses: [LandUse] = [.residential, .mixed]) { self.landuses = landuses }

    /// The underserved part of every parcel (nil: none or not residential), on all cores.
    public func run(parcels: Layer, measures: [ParcelMetrics.Measures], catchment: Catchment.Prepared) throws -> [Geometry?] {
        try Array(parcels.features.indices).parallelMap(minimumChunk: 64) { i -> Geometry? in
            guard let use = measures[i].landUse, landuses.contains(use) else { return nil }
            return try catchment.outside(parcels.features[i].geometry!)
        }
    }
}

extension Catchment.Prepared {
    /// The part of `g` outside the catchment `C` (nil when nothing is), cut against the tiles.
    public func outside(_ g: Geometry) throws -> Geometry? {
        if try unionPrepared.covers(g) { return nil }
        guard try unionPrepared.intersects(g) else { return g }
        let near = tileIndex.query(intersecting: g.envelope).map { tiles[$0] }
        let local = near.count == 1 ? near[0] : try Geometry.unaryUnion(of: near)
        let rest = try g.difference(local).polygonalPart()
        if rest.isEmpty { return nil }
        return try rest.area() > 0 ? rest : nil
    }
}
