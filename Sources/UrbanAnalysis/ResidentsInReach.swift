import GeoCore
import GeoIO

/// Residents within reach of a catchment, per district, as a number and a share.
///
/// A district's population is spread over its residential and mixed floor area: a parcel p
/// of district u holds `pop(u) · F(p) / Σ F` residents (F = floor area, GFZ × area), of whom
/// the share inside the catchment (``Catchment``, stage e) is in reach:
///
/// `residents_in_reach(u) = pop(u) · Σ F(p)·share(p) / Σ F(p)` over u's residential and mixed parcels.
///
/// With an address layer the count comes from the addresses instead:
/// `residents_in_reach(u) = pop(u) · served addresses(u) / addresses(u)`.
/// Districts without population, or with no residential floor area (no addresses), have no
/// figure (null), never a guess. `residents_in_reach_share = residents_in_reach / pop`.
public struct ResidentsInReach: Codable, Sendable, Equatable {
    public init() {}

    /// Sums for one district, filled parcel by parcel (or address by address).
    public struct Tally: Sendable, Equatable {
        public var weight = 0.0
        public var servedWeight = 0.0
        public init() {}

        /// A residential or mixed parcel (floor area F, share in reach), or an address (F = 1, share 0 or 1).
        public mutating func add(floorArea: Double, share: Double, weight w: Double = 1) {
            weight += w * floorArea
            servedWeight += w * floorArea * share
        }
    }

    /// The two columns from the tallies and the units' populations (group rows from sums).
    public func columns(units: ReportingUnits, tallies: [Tally]) -> [DistrictIndicators.SumColumn] {
        let reach: [Double?] = units.populations.indices.map { u in
            guard let population = units.populations[u], tallies[u].weight > 0 else { return nil }
            return population * tallies[u].servedWeight / tallies[u].weight
        }
        let population: [Double?] = units.populations.indices.map { reach[$0] == nil ? nil : units.populations[$0] }
        return [
            DistrictIndicators.SumColumn(name: "residents_in_reach", numerators: reach),
            DistrictIndicators.SumColumn(name: "residents_in_reach_share", numerators: reach, denominators: population),
        ]
    }
}
