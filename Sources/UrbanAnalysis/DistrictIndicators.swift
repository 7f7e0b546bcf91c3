import GeoCore
import GeoIO

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Indicators per reporting unit (Stadtbezirk, statistical district, grid cell), for the
/// Nordwärts area as a whole and for the rest of the city, so that north and rest compare.
///
/// Over the parcels assigned to a unit (``DistrictAssignment``; with area weights each
/// parcel counts with its weight w, otherwise w = 1), with `A` the parcel area:
///
/// - `parcel_count = Σ w`, `parcel_area_m2 = S = Σ w·A`, `area_<class>_m2 = Σ w·A` per land use
/// - `landuse_entropy = −Σₖ pₖ ln pₖ / ln 8`, `pₖ` = class k's share of S over the classes
///   present; the divisor is always ln 8 (the eight classes), 0 if S = 0 (STANDARD PIPELINE, g)
/// - `mean_grz = Σ w·grz / Σ w` (unweighted by area, as stage g), 0 without parcels
/// - `grz_area_weighted = Σ w·G / S` and `gfz_area_weighted = Σ w·F / S`: the unit's built
///   and floor area over its parcel area (what a planner means by "the district's GRZ")
/// - `residents_per_km2 = population / (district_area_m2 / 10⁶)`, with the unit's own polygon area
/// - `potential_count`, `potential_area_m2`: eligible parcels of ``DevelopmentPotential``
/// - `served_share = Σ w·A·catchment_share / S` when catchment shares are given (stage g)
///
/// The `Nordwärts`, `Rest of city` and `Whole city` rows add up the sums of their units and
/// compute the ratios from those sums (not as means of the units' ratios). Land use that is missing or
/// not mapped counts in the parcel area but in no class (`area_unmapped_m2`).
public struct DistrictIndicators: Codable, Sendable, Equatable {
    /// Whether to add the `Nordwärts`, `Rest of city` and `Whole city` rows. Default true.
    public var nordwaertsRows: Bool = true

    public init(nordwaertsRows: Bool = true) { self.nordwaertsRows = nordwaertsRows }

    enum CodingKeys: String, CodingKey { case nordwaertsRows = "nordwaerts_rows" }

    /// Sums of one unit (or group), filled parcel by parcel so that a stream of parcels can
    /// feed it.
    public struct Tally: Sendable {
        public var parcels = 0.0
        public var parcelArea = 0.0
        public var areaByUse = [Double](repeating: 0, count: LandUse.allCases.count)
        public var unmappedArea = 0.0
        public var grzSum = 0.0
        public var builtArea = 0.0
        public var floorArea = 0.0
        public var potentialCount = 0.0
        public var potentialArea = 0.0
        public var servedArea = 0.0

        public init() {}

        /// Adds one parcel with weight `w`.
        public mutating func add(_ m: ParcelMetrics.Measures, weight w: Double = 1, eligible: Bool = false, catchmentShare: Double? = nil) {
            parcels += w
            parcelArea += w * m.area
            if let use = m.landUse { areaByUse[use.index] += w * m.area } else { unmappedArea += w * m.area }
            grzSum += w * m.grz
            builtArea += w * m.builtArea
            floorArea += w * m.floorArea
            if eligible {
                potentialCount += w
                potentialArea += w * m.area
            }
            if let catchmentShare { servedArea += w * m.area * catchmentShare }
        }

        public mutating func merge(_ other: Tally) {
            parcels += other.parcels
            parcelArea += other.parcelArea
            for k in areaByUse.indices { areaByUse[k] += other.areaByUse[k] }
            unmappedArea += other.unmappedArea
            grzSum += other.grzSum
            builtArea += other.builtArea
            floorArea += other.floorArea
            potentialCount += other.potentialCount
            potentialArea += other.potentialArea
            servedArea += other.servedArea
        }

        /// Stage g's land-use mix: −Σ pₖ ln pₖ / ln 8.
        public var landUseEntropy: Double {
            guard parcelArea > 0 else { return 0 }
            var h = 0.0
            for a in areaByUse where a > 0 {
                let p = a / parcelArea
                h -= p * log(p)
            }
            return h / log(8.0)
        }
    }

    /// Sums the parcels into one tally per unit. `assignment` comes from
    /// ``DistrictAssignment`` over the same parcels; `potential` and `catchmentShares`, when
    /// given, have one entry per parcel.
    public func tally(units: ReportingUnits, measures: [ParcelMetrics.Measures], assignment: [[DistrictAssignment.Share]],
                      potential: [DevelopmentPotential.Assessment]? = nil, catchmentShares: [Double]? = nil) -> [Tally] {
        var tallies = [Tally](repeating: Tally(), count: units.count)
        for (i, shares) in assignment.enumerated() {
            for share in shares {
                tallies[share.unit].add(measures[i], weight: share.weight, eligible: potential?[i].eligible ?? false,
                                        catchmentShare: catchmentShares?[i])
            }
        }
        return tallies
    }

    /// The indicator table: a row per unit in layer order, then (with `nordwaertsRows`)
    /// `Nordwärts` and `Rest of city`.
    public func run(units: ReportingUnits, measures: [ParcelMetrics.Measures], assignment: [[DistrictAssignment.Share]],
                    potential: [DevelopmentPotential.Assessment]? = nil, catchmentShares: [Double]? = nil,
                    buildingCounts: [Double]? = nil) -> Table {
        table(units: units, tallies: tally(units: units, measures: measures, assignment: assignment,
                                           potential: potential, catchmentShares: catchmentShares),
              served: catchmentShares != nil, buildingCounts: buildingCounts)
    }

    /// A column other analyses add to the table: per unit `Σ numerator` or, with
    /// denominators, `Σ numerator / Σ denominator`; the Nordwärts and rest rows sum their
    /// units' numerators and denominators first. A nil numerator is no figure (null), and
    /// makes the group's figure null too.
    public struct SumColumn: Sendable, Equatable {
        public var name: String
        public var numerators: [Double?]
        public var denominators: [Double?]?
        /// Whole sums are written as integers (counts).
        public var isCount: Bool

        public init(name: String, numerators: [Double?], denominators: [Double?]? = nil, isCount: Bool = false) {
            self.name = name
            self.numerators = numerators
            self.denominators = denominators
            self.isCount = isCount
        }

        public init(name: String, numerators: [Double], denominators: [Double]? = nil, isCount: Bool = false) {
            self.init(name: name, numerators: numerators.map { Optional($0) }, denominators: denominators.map { $0.map { Optional($0) } },
                      isCount: isCount)
        }

        /// The figure over the units in `members`.
        func value(_ members: [Int]) -> PropertyValue {
            var n = 0.0, d = 0.0
            for u in members {
                guard let x = numerators[u] else { return .null }
                n += x
                if let denominators {
                    guard let y = denominators[u] else { return .null }
                    d += y
                }
            }
            if denominators != nil { return d > 0 ? .double(n / d) : .null }
            if isCount, n == n.rounded(), abs(n) < 1e15 { return .integer(Int64(n)) }
            return .double(n)
        }
    }

    /// The indicator table from tallies (see ``tally(units:measures:assignment:potential:catchmentShares:)``),
    /// with `extra` columns of other analyses at the end.
    ///
    /// `populations`, when given, replaces the units' own (residents from a population grid).
    /// For a point layer (`points`: addresses evaluated as parcels) the columns of area, land
    /// use, GRZ/GFZ, potential and served area share do not apply and are left out, and the
    /// count is `point_count`.
    public func table(units: ReportingUnits, tallies: [Tally], served: Bool, buildingCounts: [Double]? = nil,
                      extra: [SumColumn] = [], populations: [Double?]? = nil, points: Bool = false) -> Table {
        let populations = populations ?? units.populations
        var columns = ["id", "name", "nordwaerts", "district_area_m2", "parcel_count", "parcel_area_m2"]
        columns += LandUse.allCases.map { "area_\($0.rawValue)_m2" } + ["area_unmapped_m2"]
        columns += ["landuse_entropy", "mean_grz", "grz_area_weighted", "gfz_area_weighted", "built_area_m2", "floor_area_m2",
                    "population", "residents_per_km2", "potential_count", "potential_area_m2"]
        if served { columns.append("served_share") }
        if buildingCounts != nil { columns.append("building_count") }
        columns += extra.map(\.name)
        var table = Table(columns: columns)

        func row(id: String, name: String, nordwaerts: PropertyValue, unitArea: Double, population: Double?,
                 _ t: Tally, buildings: Double?, members: [Int]) -> [PropertyValue] {
            let s = t.parcelArea
            var values: [PropertyValue] = [.string(id), .string(name), nordwaerts, .double(unitArea),
                                           count(t.parcels), .double(s)]
            values += t.areaByUse.map { .double($0) } + [.double(t.unmappedArea)]
            values += [.double(t.landUseEntropy), .double(t.parcels > 0 ? t.grzSum / t.parcels : 0),
                       .double(s > 0 ? t.builtArea / s : 0), .double(s > 0 ? t.floorArea / s : 0),
                       .double(t.builtArea), .double(t.floorArea),
                       population.map { count($0) } ?? .null,
                       population.map { .double(unitArea > 0 ? $0 / (unitArea / 1e6) : 0) } ?? .null,
                       count(t.potentialCount), .double(t.potentialArea)]
            if served { values.append(.double(s > 0 ? t.servedArea / s : 0)) }
            if buildingCounts != nil { values.append(buildings.map(count) ?? .null) }
            values += extra.map { $0.value(members) }
            return values
        }
        for u in 0..<units.count {
            table.rows.append(row(id: units.ids[u], name: units.names[u], nordwaerts: .bool(units.nordwaerts[u]),
                                  unitArea: units.areas[u], population: populations[u], tallies[u],
                                  buildings: buildingCounts?[u], members: [u]))
        }
        if nordwaertsRows {
            for (id, name, member) in [("nordwaerts", "Nordwärts", true as Bool?), ("rest", "Rest of city", false), ("city", "Whole city", nil)] {
                var t = Tally(), area = 0.0, buildings = 0.0
                var population: Double? = 0
                let members = (0..<units.count).filter { member == nil || units.nordwaerts[$0] == member }
                for u in members {
                    t.merge(tallies[u])
                    area += units.areas[u]
                    buildings += buildingCounts?[u] ?? 0
                    population = populations[u].flatMap { p in population.map { $0 + p } }
                }
                table.rows.append(row(id: id, name: name, nordwaerts: .null, unitArea: area, population: population, t,
                                      buildings: buildingCounts == nil ? nil : buildings, members: members))
            }
        }
        return points ? DistrictIndicators.forPoints(table) : table
    }

    /// The columns that apply to area features only.
    public static let areaColumns: Set<String> = Set(["parcel_area_m2", "area_unmapped_m2", "landuse_entropy", "mean_grz", "grz_area_weighted",
                                                      "gfz_area_weighted", "built_area_m2", "floor_area_m2", "potential_count",
                                                      "potential_area_m2", "served_share"] + LandUse.allCases.map { "area_\($0.rawValue)_m2" })

    /// A table of a point layer: the area columns left out, `parcel_count` named `point_count`.
    static func forPoints(_ table: Table) -> Table {
        let keep = table.columns.indices.filter { !areaColumns.contains(table.columns[$0]) }
        var out = Table(columns: keep.map { table.columns[$0] == "parcel_count" ? "point_count" : table.columns[$0] })
        out.rows = table.rows.map { row in keep.map { row[$0] } }
        return out
    }

    /// Whole counts as integers, fractional ones (area-weighted assignment) as doubles.
    private func count(_ value: Double) -> PropertyValue {
        value == value.rounded() && abs(value) < 1e15 ? .integer(Int64(value)) : .double(value)
    }
}
