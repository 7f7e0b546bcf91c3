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

    /// The columns from a population grid (``PopulationDistribution``), for the method at
    /// `method`: `residents_in_reach`, `residents_in_reach_share`, and per age group g
    /// `residents_<g>`, `residents_<g>_in_reach`, `residents_<g>_in_reach_share` (when the
    /// grid has age groups). Without a method (no catchment) only the residents per group.
    public static func columns(_ result: PopulationDistribution.Result, method: Int) -> [DistrictIndicators.SumColumn] {
        func column(_ u: Int, _ k: Int) -> Double? { result.population[u][k] }
        let units = result.population.indices
        var out: [DistrictIndicators.SumColumn] = []
        let hasMethod = result.inReach.indices.contains(method)
        if hasMethod {
            let reach = units.map { result.inReach[method][$0][0] }
            out += [.init(name: "residents_in_reach", numerators: reach),
                    .init(name: "residents_in_reach_share", numerators: reach, denominators: units.map { result.population[$0][0] })]
        }
        guard result.hasAgeGroups else { return out }
        for (g, group) in PopulationDistribution.ageGroups.enumerated() {
            let k = g + 1
            let population = units.map { result.population[$0][k] }
            out.append(.init(name: "residents_\(group.key)", numerators: population))
            if hasMethod {
                let reach = units.map { result.inReach[method][$0][k] }
                out += [.init(name: "residents_\(group.key)_in_reach", numerators: reach),
                        .init(name: "residents_\(group.key)_in_reach_share", numerators: reach, denominators: population)]
            }
        }
        return out
    }

    /// The long table of residents in reach: a row per unit (then Nordwärts, rest of the city,
    /// the whole city) and method, with residents, residents in reach and their share, in all
    /// and per age group. Generic over the methods: each method of the result gives its rows.
    public static func table(_ result: PopulationDistribution.Result, units: ReportingUnits) -> Table {
        var columns = ["id", "name", "method", "residents", "residents_in_reach", "residents_in_reach_share"]
        let groups = result.hasAgeGroups ? PopulationDistribution.ageGroups.map(\.key) : []
        for g in groups { columns += ["residents_\(g)", "residents_\(g)_in_reach", "residents_\(g)_in_reach_share"] }
        var table = Table(columns: columns)
        var sets: [(String, String, [Int])] = (0..<units.count).map { (units.ids[$0], units.names[$0], [$0]) }
        sets += [("nordwaerts", "Nordwärts", (0..<units.count).filter { units.nordwaerts[$0] }),
                 ("rest", "Rest of city", (0..<units.count).filter { !units.nordwaerts[$0] }),
                 ("city", "Whole city", Array(0..<units.count))]
        for (m, method) in result.methods.enumerated() {
            for (id, name, members) in sets {
                var row: [PropertyValue] = [.string(id), .string(name), .string(method)]
                for k in 0..<(1 + groups.count) {
                    let p = members.reduce(0.0) { $0 + result.population[$1][k] }
                    let r = members.reduce(0.0) { $0 + result.inReach[m][$1][k] }
                    row += [.double(p), .double(r), p > 0 ? .double(r / p) : .null]
                }
                table.rows.append(row)
            }
        }
        return table
    }
}
