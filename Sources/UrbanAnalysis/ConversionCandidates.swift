import GeoCore
import GeoIO

/// Harbour land that could change use: brownfield parcels and underused harbour parcels
/// (GRZ below `underused_grz`) near the water and near transit, with the reasons.
///
/// A parcel is a candidate when it is brownfield or underused harbour land, in the harbour
/// zone or within `water_distance_m` (default 300 m) of a quay or basin, and within
/// `transit_distance_m` (default 500 m) of a stop. Outside an emission zone it also gets no
/// harbour-conflict penalty in ``DevelopmentPotential``, which this analysis feeds with the
/// conflict flags of ``EmissionZones``.
public struct ConversionCandidates: Codable, Sendable, Equatable {
    public var underusedGRZ: Double = 0.1
    public var waterDistance: Double = 300
    public var transitDistance: Double = 500

    public init(underusedGRZ: Double = 0.1, waterDistance: Double = 300, transitDistance: Double = 500) {
        self.underusedGRZ = underusedGRZ
        self.waterDistance = waterDistance
        self.transitDistance = transitDistance
    }

    enum CodingKeys: String, CodingKey {
        case underusedGRZ = "underused_grz", waterDistance = "water_distance_m", transitDistance = "transit_distance_m"
    }

    /// Each parcel's reasons in words ("6,300 m² brownfield, 120 m to water, 340 m to stop Hafen"),
    /// nil for parcels that are not candidates.
    public func run(parcels: Layer, measures: [ParcelMetrics.Measures], harbour: [HarbourZone.Position],
                    stops: Facilities?) throws -> [String?] {
        try Array(parcels.features.indices).parallelMap(minimumChunk: 64) { i in
            try reasons(parcels.features[i].geometry!, measures: measures[i], position: harbour[i], stops: stops)
        }
    }

    /// One parcel: the streaming form of ``run(parcels:measures:harbour:stops:)``.
    public func reasons(_ g: Geometry, measures m: ParcelMetrics.Measures, position: HarbourZone.Position, stops: Facilities?) throws -> String? {
        let brownfield = m.landUse == .brownfield
        let underusedHarbour = m.landUse == .harbour && m.grz < underusedGRZ
        guard brownfield || underusedHarbour else { return nil }
        guard position.inZone || (position.waterDistance.map { $0 <= waterDistance } ?? false) else { return nil }
        guard let stops, let stop = try stops.nearest(to: g), stop.distance <= transitDistance else { return nil }
        var words = ["\(DevelopmentPotential.grouped(m.area)) m² " + (brownfield ? "brownfield" : "harbour land, GRZ \(DevelopmentPotential.fixed(m.grz, 2))")]
        if let d = position.waterDistance { words.append("\(DevelopmentPotential.grouped(d)) m to water") }
        words.append("\(DevelopmentPotential.grouped(stop.distance)) m to stop \(stops.names[stop.facility])")
        return words.joined(separator: ", ")
    }
}
