import GeoCore
import GeoIO

/// The parcel and district analyses run together, as the default job does: parcel measures,
/// the join to districts, development potential and the district indicators, with the result
/// layers ready to write. Its stored properties are the analyses' parameters.
///
/// Parcels are evaluated one at a time against the small layers (``evaluate(_:in:)``), so a
/// parcel file streams through (``FeatureStream``) and only the sums per district and the
/// eligible parcels are kept (``Summary``); ``run(_:)`` does the same on a layer in memory.
public struct ParcelStudy: Codable, Sendable, Equatable {
    public var metrics = ParcelMetrics()
    public var assignment = DistrictAssignment()
    public var potential = DevelopmentPotential()
    public var indicators = DistrictIndicators()

    public init(metrics: ParcelMetrics = ParcelMetrics(), assignment: DistrictAssignment = DistrictAssignment(),
                potential: DevelopmentPotential = DevelopmentPotential(), indicators: DistrictIndicators = DistrictIndicators()) {
        self.metrics = metrics
        self.assignment = assignment
        self.potential = potential
        self.indicators = indicators
    }

    /// The small layers every parcel is evaluated against, indexed once and shared by all threads.
    public struct Context: Sendable {
        public let units: ReportingUnits
        public let buildings: BuildingFootprints?
        public let stops: Facilities?
        /// A second set of units (a square grid) to report on as well.
        public let grid: ReportingUnits?
        let buildingCounts: [Double]?

        /// Prepares the context. `buildings` give GRZ/GFZ from footprints (else the parcels'
        /// built-area attribute is used), `stops` the transit criterion, `grid` a second set
        /// of reporting units.
        public init(districts: Layer, buildings: Layer? = nil, stops: Layer? = nil, stopNameField: String = "name",
                    grid: ReportingUnits? = nil, study: ParcelStudy = ParcelStudy()) throws {
            try study.potential.validate()
            units = try ReportingUnits(districts, fields: study.assignment.fields)
            self.buildings = try buildings.map { try BuildingFootprints($0, fields: study.metrics.buildingFields) }
            self.stops = try stops.map { try Facilities($0, nameField: stopNameField) }
            self.grid = grid
            if let buildings {
                var counts = [Double](repeating: 0, count: units.count)
                for share in try study.assignment.run(buildings, units: units).joined() { counts[share.unit] += share.weight }
                buildingCounts = counts
            } else {
                buildingCounts = nil
            }
        }
    }

    /// Everything the study says about one parcel.
    public struct Evaluation: Sendable {
        public var measures: ParcelMetrics.Measures
        public var shares: [DistrictAssignment.Share]
        public var gridShares: [DistrictAssignment.Share]
        public var assessment: DevelopmentPotential.Assessment
        /// The parcel with its results as properties (`district_id`, `area_m2`, `perimeter_m`,
        /// `compactness`, `rectangularity`, `elongation`, `grz`, `gfz`, `potential_eligible`,
        /// `potential_score`, `potential_reasons`).
        public var feature: Feature
    }

    /// Evaluates one parcel: the streaming form of ``run(_:)``.
    public func evaluate(_ parcel: Feature, in context: Context) throws -> Evaluation {
        let m = try metrics.measure(parcel, buildings: context.buildings)
        let g = parcel.geometry!
        let shares = try assignment.assign(g, units: context.units)
        let gridShares = try context.grid.map { try assignment.assign(g, units: $0) } ?? []
        let a = try potential.assess(parcel, measures: m, stops: context.stops, conflict: nil)
        var feature = parcel
        var p = feature.properties
        p["district_id"] = shares.max { $0.weight < $1.weight }.map { .string(context.units.ids[$0.unit]) } ?? .null
        p["area_m2"] = .double(m.area)
        p["perimeter_m"] = .double(m.perimeter)
        p["compactness"] = .double(m.compactness)
        p["rectangularity"] = .double(m.rectangularity)
        p["elongation"] = .double(m.elongation)
        p["grz"] = .double(m.grz)
        p["gfz"] = .double(m.gfz)
        p["potential_eligible"] = .bool(a.eligible)
        p["potential_score"] = a.eligible ? .double(a.score) : .null
        p["potential_reasons"] = a.eligible ? .string(a.reasons) : .null
        feature.properties = p
        return Evaluation(measures: m, shares: shares, gridShares: gridShares, assessment: a, feature: feature)
    }

    /// What the study keeps of a stream of parcels: sums per district (and grid cell) and the
    /// eligible parcels; memory grows with the eligible parcels only.
    public struct Summary: Sendable {
        public let context: Context
        public private(set) var tallies: [DistrictIndicators.Tally]
        public private(set) var gridTallies: [DistrictIndicators.Tally]
        public private(set) var parcels = 0
        private var eligible: [(score: Double, order: Int, feature: Feature, criteria: [(DevelopmentPotential.Criterion, Double)])] = []

        public init(context: Context) {
            self.context = context
            tallies = Array(repeating: DistrictIndicators.Tally(), count: context.units.count)
            gridTallies = Array(repeating: DistrictIndicators.Tally(), count: context.grid?.count ?? 0)
        }

        /// Adds one evaluated parcel (in input order, so that ties keep it).
        public mutating func add(_ e: Evaluation) {
            for share in e.shares {
                tallies[share.unit].add(e.measures, weight: share.weight, eligible: e.assessment.eligible)
            }
            for share in e.gridShares {
                gridTallies[share.unit].add(e.measures, weight: share.weight, eligible: e.assessment.eligible)
            }
            if e.assessment.eligible { eligible.append((e.assessment.score, parcels, e.feature, e.assessment.criteria)) }
            parcels += 1
        }

        /// The eligible parcels, best score first (input order on ties), with `potential_rank`
        /// and each criterion's value as `criterion_<name>`.
        public func potentialLayer(crs: CRS) -> Layer {
            let ranked = eligible.sorted { $0.score != $1.score ? $0.score > $1.score : $0.order < $1.order }
            return Layer(name: "potential", crs: crs, features: ranked.enumerated().map { rank, item in
                var feature = item.feature
                feature.properties["potential_rank"] = .integer(Int64(rank + 1))
                for (criterion, value) in item.criteria { feature.properties["criterion_\(criterion.rawValue)"] = .double(value) }
                return feature
            })
        }

        /// The indicator table per district, with the Nordwärts and rest-of-city rows.
        public func districtTable(_ indicators: DistrictIndicators) -> Table {
            indicators.table(units: context.units, tallies: tallies, served: false, buildingCounts: context.buildingCounts)
        }

        /// The indicator table per grid cell (empty without a grid).
        public func gridTable(_ indicators: DistrictIndicators) -> Table? {
            context.grid.map { DistrictIndicators(nordwaertsRows: false).table(units: $0, tallies: gridTallies, served: false) }
        }

        /// A unit layer with the table's row as each unit's properties.
        public static func layer(_ units: ReportingUnits, _ table: Table, name: String) -> Layer {
            Layer(name: name, crs: units.layer.crs, features: units.layer.features.indices.map { u in
                var feature = units.layer.features[u]
                feature.properties = Properties(zip(table.columns, table.rows[u]).map { (name: $0.0, value: $0.1) })
                return feature
            })
        }
    }

    /// The layers it reads, all in the same metric CRS.
    public struct Inputs: Sendable {
        public var parcels: Layer
        public var districts: Layer
        public var buildings: Layer?
        public var stops: Layer?
        public var stopNameField: String

        public init(parcels: Layer, districts: Layer, buildings: Layer? = nil, stops: Layer? = nil, stopNameField: String = "name") {
            self.parcels = parcels
            self.districts = districts
            self.buildings = buildings
            self.stops = stops
            self.stopNameField = stopNameField
        }
    }

    public struct Results: Sendable {
        public var evaluations: [Evaluation]
        /// One row per district, then Nordwärts and the rest of the city.
        public var districtTable: Table
        /// The parcels with their results as properties.
        public var parcels: Layer
        /// The eligible parcels, best score first, with the reasons.
        public var potential: Layer
        /// The districts with their indicators as properties.
        public var districts: Layer
    }

    /// The whole study on layers in memory, parcels on all cores.
    public func run(_ inputs: Inputs) throws -> Results {
        let context = try Context(districts: inputs.districts, buildings: inputs.buildings, stops: inputs.stops,
                                  stopNameField: inputs.stopNameField, study: self)
        let evaluations = try inputs.parcels.features.parallelMap(minimumChunk: 64) { try evaluate($0, in: context) }
        var summary = Summary(context: context)
        for e in evaluations { summary.add(e) }
        let table = summary.districtTable(indicators)
        return Results(evaluations: evaluations, districtTable: table,
                       parcels: Layer(name: "parcels", crs: inputs.parcels.crs, features: evaluations.map(\.feature)),
                       potential: summary.potentialLayer(crs: inputs.parcels.crs),
                       districts: Summary.layer(context.units, table, name: "districts"))
    }
}
