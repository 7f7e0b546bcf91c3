import GeoCore
import GeoIO
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The analyses of both layers run together on a parcel layer, as the default job does:
/// parcel measures, the join to districts, catchments and residents in reach, underserved
/// residential land, corridor proximity, the harbour zone, emission conflicts, conversion
/// candidates, development potential, rooftop solar, and the district indicators. Its stored
/// properties are the analyses' parameters; an optional analysis set to nil is left out.
///
/// Parcels are evaluated one at a time against the small layers (``evaluate(_:in:)``), so a
/// parcel file streams through (``FeatureStream``) and only sums per district and the parcels
/// worth listing are kept (``Summary``); ``run(_:)`` does the same on a layer in memory. The
/// harbour zone (when derived from land use) and the emission sources need the industrial and
/// harbour parcels before any other parcel is judged: ``sources(in:)`` collects them in a
/// first pass (a few percent of the parcels).
public struct ParcelStudy: Codable, Sendable, Equatable {
    public var metrics = ParcelMetrics()
    public var assignment = DistrictAssignment()
    public var potential: DevelopmentPotential? = DevelopmentPotential()
    public var indicators = DistrictIndicators()
    public var catchment: Catchment? = Catchment()
    public var residents: ResidentsInReach? = ResidentsInReach()
    public var underserved: UnderservedAreas? = UnderservedAreas()
    public var corridors: CorridorProximity? = CorridorProximity()
    public var harbour: HarbourZone? = HarbourZone()
    public var emissions: EmissionZones? = EmissionZones()
    public var conversion: ConversionCandidates? = ConversionCandidates()
    public var solar: RooftopSolar? = RooftopSolar()
    /// Residents from a population grid, when a population layer is given (its defaults
    /// otherwise).
    public var population: PopulationDistribution? = PopulationDistribution()
    /// A second catchment with `method: network` (walking distance on the streets), beside
    /// the crow-fly one; off unless a scenario lists it.
    public var walking: Catchment?

    public init() {}

    /// Only the analyses of layer I: measures, districts, potential.
    public static var parcelsAndDistricts: ParcelStudy {
        var study = ParcelStudy()
        study.catchment = nil
        study.residents = nil
        study.underserved = nil
        study.corridors = nil
        study.harbour = nil
        study.emissions = nil
        study.conversion = nil
        study.solar = nil
        study.population = nil
        return study
    }

    enum CodingKeys: String, CodingKey {
        case metrics, assignment, potential, indicators, catchment, residents, underserved, corridors, harbour, emissions, conversion, solar
        case population
        case walking
    }

    /// The layers the study reads besides the parcels, all in the same metric CRS.
    public struct Inputs: Sendable {
        public var districts: Layer
        public var buildings: Layer?
        public var stops: Layer?
        public var corridors: Layer?
        /// Basins (polygons) and quays (lines) of the harbour.
        public var water: Layer?
        /// A harbour zone polygon; without it the zone is derived from harbour land use.
        public var harbourZone: Layer?
        /// Address points: residents in reach counted from them instead of floor area.
        public var addresses: Layer?
        /// The industrial and harbour parcels (``ParcelStudy/sources(in:)``).
        public var sources: Layer?
        /// A second set of units (a square grid) to report on as well.
        public var grid: ReportingUnits?
        public var stopNameField: String
        /// Cells (or any polygons) with residents: spread over the addresses when given, else
        /// over residential and mixed floor area (``PopulationDistribution``).
        public var population: Layer?
        /// A finer grid over part of the area that checks the estimate from `population`
        /// (Zensus 100 m cells for Innenstadt-Nord); needs addresses.
        public var populationCheck: Layer?
        /// The street layer (lines) for a catchment with `method: network`.
        public var streets: Layer?

        public init(districts: Layer, buildings: Layer? = nil, stops: Layer? = nil, corridors: Layer? = nil, water: Layer? = nil,
                    harbourZone: Layer? = nil, addresses: Layer? = nil, sources: Layer? = nil, grid: ReportingUnits? = nil,
                    stopNameField: String = "name", population: Layer? = nil, populationCheck: Layer? = nil, streets: Layer? = nil) {
            self.population = population
            self.populationCheck = populationCheck
            self.streets = streets
            self.districts = districts
            self.buildings = buildings
            self.stops = stops
            self.corridors = corridors
            self.water = water
            self.harbourZone = harbourZone
            self.addresses = addresses
            self.sources = sources
            self.grid = grid
            self.stopNameField = stopNameField
        }
    }

    /// The parcels that emit or make up the harbour zone (land use with an emission class, or
    /// harbour), from a parcel layer or stream: the first pass of a streamed study.
    public func sources(in parcels: Layer) -> Layer {
        Layer(name: "sources", crs: parcels.crs, features: parcels.features.filter(isSource))
    }

    /// Whether a parcel is such a source (by its land-use field).
    public func isSource(_ parcel: Feature) -> Bool {
        guard let value = parcel.properties[metrics.fields.landUse]?.stringValue,
              let use = metrics.fields.landUseMapping.landUse(for: value) else { return false }
        return use == .harbour || (emissions?.classes[use] != nil)
    }

    /// The small layers every parcel is evaluated against, indexed once and shared by all threads.
    public final class Context: Sendable {
        public let study: ParcelStudy
        public let units: ReportingUnits
        public let grid: ReportingUnits?
        public let buildings: BuildingFootprints?
        public let stops: Facilities?
        public let catchment: Catchment.Prepared?
        /// The network catchment (``ParcelStudy/walking``), on the street graph.
        public let walking: NetworkCatchment.Prepared?
        public let corridors: CorridorProximity.Prepared?
        public let harbour: HarbourZone.Prepared?
        public let emissions: EmissionZones.Prepared?
        /// Per building: its solar estimate, and its district shares.
        public let solar: [RooftopSolar.Estimate]?
        let buildingShares: [[DistrictAssignment.Share]]?
        /// Residents in reach counted from addresses, when an address layer is given.
        let addressTallies: [ResidentsInReach.Tally]?
        /// The population grid, when one is given.
        public let population: PopulationDistribution.Grid?
        /// The ways reach is judged for residents: the catchment's method first, and for
        /// address points the other catchment methods too.
        public let reachMethods: [PopulationDistribution.ReachMethod]
        /// Residents spread over the addresses (nil without addresses: then over floor area,
        /// parcel by parcel, in ``Summary``).
        public let addressPopulation: PopulationDistribution.Result?
        /// The same from the check grid (a finer grid over part of the area) …
        public let populationCheck: PopulationDistribution.Result?
        /// … and the estimate from the main grid on the check grid's footprint: methods `in
        /// check grid` and `in check grid, in reach` (``PopulationDistribution/Addresses/restricted(to:)``).
        public let populationCheckEstimate: PopulationDistribution.Result?

        public init(_ inputs: Inputs, study: ParcelStudy) throws {
            self.study = study
            try study.potential?.validate()
            units = try ReportingUnits(inputs.districts, fields: study.assignment.fields)
            grid = inputs.grid
            buildings = try inputs.buildings.map { try BuildingFootprints($0, fields: study.metrics.buildingFields) }
            stops = try inputs.stops.map { try Facilities($0, nameField: inputs.stopNameField) }
            catchment = try study.catchment.flatMap { c in try inputs.stops.map { try c.prepare($0) } }
            walking = try study.walking.flatMap { c in
                try inputs.stops.map { stops in
                    guard let streets = inputs.streets else {
                        throw AnalysisError.invalidParameter(parameter: "catchment (method network)", value: "no streets",
                                                             expected: "an input of role streets (a line layer) to walk on")
                    }
                    return try NetworkCatchment.Prepared(c, streets: streets, facilities: stops)
                }
            }
            corridors = try study.corridors.flatMap { c in try inputs.corridors.map { try c.prepare($0) } }
            let sources = inputs.sources ?? Layer(name: "sources", crs: units.layer.crs, features: [])
            let sourceUses = sources.features.map { $0.properties[study.metrics.fields.landUse]?.stringValue.flatMap(study.metrics.fields.landUseMapping.landUse(for:)) }
            if let harbour = study.harbour {
                let measures = sourceUses.map { ParcelMetrics.Measures(area: 0, perimeter: 0, compactness: 0, rectangularity: 0, elongation: 0,
                                                                       builtArea: 0, floorArea: 0, grz: 0, gfz: 0, landUse: $0, buildingCount: 0) }
                let zone = try harbour.zone(given: inputs.harbourZone, parcels: sources, measures: measures)
                self.harbour = try HarbourZone.Prepared(zone: zone, water: inputs.water)
            } else {
                harbour = nil
            }
            emissions = try study.emissions.map { try $0.prepare(sources: sources, landUses: sourceUses) }
            if let solar = study.solar, let layer = inputs.buildings {
                self.solar = try solar.run(buildings: layer)
                buildingShares = try study.assignment.run(layer, units: units)
            } else if let layer = inputs.buildings {
                solar = nil
                buildingShares = try study.assignment.run(layer, units: units)
            } else {
                solar = nil
                buildingShares = nil
            }
            let residents = try PopulationDistribution.Setup(study.population ?? PopulationDistribution(), inputs: inputs, units: units,
                                                             assignment: study.assignment, catchment: catchment, walking: walking)
            population = residents.grid
            reachMethods = residents.methods
            addressPopulation = residents.overAddresses
            populationCheck = residents.check
            populationCheckEstimate = residents.checkEstimate
            if let addresses = inputs.addresses, let catchment, population == nil {
                var tallies = [ResidentsInReach.Tally](repeating: ResidentsInReach.Tally(), count: units.count)
                let reach = try addresses.features.parallelMap(minimumChunk: 256) { try catchment.reach($0.geometry!).served }
                let shares = try study.assignment.run(addresses, units: units)
                for (i, list) in shares.enumerated() {
                    for share in list { tallies[share.unit].add(floorArea: 1, share: reach[i] ? 1 : 0, weight: share.weight) }
                }
                addressTallies = tallies
            } else {
                addressTallies = nil
            }
        }
    }

    /// Everything the study says about one parcel.
    public struct Evaluation: Sendable {
        public var measures: ParcelMetrics.Measures
        public var shares: [DistrictAssignment.Share]
        public var gridShares: [DistrictAssignment.Share]
        public var reach: Catchment.Reach?
        public var proximity: CorridorProximity.Proximity?
        public var harbour: HarbourZone.Position?
        public var conflict: EmissionZones.Conflict?
        public var assessment: DevelopmentPotential.Assessment
        /// Reasons when the parcel is a conversion candidate.
        public var conversion: String?
        /// The residential part outside every catchment.
        public var underserved: Geometry?
        /// The parcel with its results as properties.
        public var feature: Feature
        /// The population cells a residential or mixed parcel lies in, with the share of its
        /// area in each (only when residents are spread over floor area).
        public var cellPieces: [(cell: Int, share: Double)] = []
        /// What the parcel reaches on foot (with a network catchment).
        public var walk: NetworkCatchment.Walk? = nil
    }

    /// Evaluates one parcel: the streaming form of ``run(parcels:inputs:)``. With a `clock`,
    /// the time of each stage is added to it (the STANDARD PIPELINE's stage times).
    /// Without `annotate`, the evaluation's feature is the parcel as it came (a caller that
    /// writes its own properties, as the STANDARD PIPELINE does, saves the work).
    public func evaluate(_ parcel: Feature, in context: Context, clock: StageClock? = nil, annotate: Bool = true) throws -> Evaluation {
        let g = parcel.geometry!
        clock?.start()
        let m = try metrics.measure(parcel, buildings: context.buildings)
        clock?.lap(.metrics)
        let shares = try assignment.assign(g, units: context.units)
        let gridShares = try context.grid.map { try assignment.assign(g, units: $0) } ?? []
        clock?.lap(.district)
        let reach = try context.catchment?.reach(g)
        let walk = try context.walking?.walk(g)
        clock?.lap(.catchment)
        let proximity = try context.corridors?.measure(g)
        clock?.lap(.corridor)
        let position = try context.harbour?.position(of: g)
        let conflict = try context.emissions?.conflict(for: g, landUse: m.landUse)
        let a = try potential?.assess(parcel, measures: m, stops: context.stops, conflict: context.emissions == nil ? nil : conflict != nil)
            ?? .notEligible
        let conversionReasons = try position.flatMap { try conversion?.reasons(g, measures: m, position: $0, stops: context.stops) }
        var piece: Geometry?
        if let underserved, let catchment = context.catchment, let use = m.landUse, underserved.landuses.contains(use) {
            piece = try catchment.outside(g)
        }

        var cellPieces: [(cell: Int, share: Double)] = []
        if let grid = context.population, context.addressPopulation == nil, let use = m.landUse, use.isResidential, m.floorArea > 0 {
            cellPieces = try grid.pieces(of: g)
        }
        guard annotate else {
            clock?.lap(.other)
            return Evaluation(measures: m, shares: shares, gridShares: gridShares, reach: reach, proximity: proximity, harbour: position,
                              conflict: conflict, assessment: a, conversion: conversionReasons, underserved: piece, feature: parcel,
                              cellPieces: cellPieces, walk: walk)
        }
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
        if let reach, let catchment = context.catchment {
            p["catchment_share"] = .double(reach.share)
            p["nearest_stop"] = reach.nearest.map { .string(catchment.names[$0]) } ?? .null
            p["nearest_stop_m"] = reach.distance.map(PropertyValue.double) ?? .null
        }
        if let walk, let walking = context.walking {
            p["walk_m"] = walk.distance.map(PropertyValue.double) ?? .null
            p["walk_stop"] = walk.facility.map { .string(walking.names[$0]) } ?? .null
            p["snap_m"] = walk.snap.map(PropertyValue.double) ?? .null
        }
        if let proximity, let corridors = context.corridors {
            p["near_corridor"] = .integer(proximity.near ? 1 : 0)
            p["corridor"] = proximity.corridor.map { .string(corridors.names[$0]) } ?? .null
            p["corridor_m"] = proximity.distance.map(PropertyValue.double) ?? .null
        }
        if let position {
            p["harbour_zone"] = .bool(position.inZone)
            p["water_m"] = position.waterDistance.map(PropertyValue.double) ?? .null
        }
        if context.emissions != nil {
            p["emission_conflict"] = .bool(conflict != nil)
        }
        p["potential_eligible"] = .bool(a.eligible)
        p["potential_score"] = a.eligible ? .double(a.score) : .null
        p["potential_reasons"] = a.eligible ? .string(a.reasons) : .null
        feature.properties = p
        clock?.lap(.other)
        return Evaluation(measures: m, shares: shares, gridShares: gridShares, reach: reach, proximity: proximity, harbour: position,
                          conflict: conflict, assessment: a, conversion: conversionReasons, underserved: piece, feature: feature,
                          cellPieces: cellPieces, walk: walk)
    }

    /// What the study keeps of a stream of parcels: sums per district (and grid cell) and the
    /// parcels worth listing (eligible, in conflict, conversion candidates, underserved pieces);
    /// memory grows with those only.
    public struct Summary: Sendable {
        public let context: Context
        public private(set) var tallies: [DistrictIndicators.Tally]
        public private(set) var gridTallies: [DistrictIndicators.Tally]
        public private(set) var residentTallies: [ResidentsInReach.Tally]
        public private(set) var underservedArea: [Double]
        public private(set) var conflictCount: [Double]
        public private(set) var conflictArea: [Double]
        public private(set) var nearCorridorArea: [Double]
        public private(set) var nearCorridorCount: [Double]
        /// Features served by the catchment (`served` of ``Catchment/Reach``) per district.
        public private(set) var servedCount: [Double]
        /// Served on foot and as the crow flies per district (with a network catchment).
        public private(set) var walkTallies: NetworkCatchment.Tallies?
        public private(set) var parcels = 0
        /// Parcels with an area (polygons); a layer with none is a point layer (addresses).
        public private(set) var polygonalParcels = 0
        /// Residential and mixed floor area per population cell and unit (residents spread over
        /// floor area: no address layer).
        public private(set) var populationTally: PopulationDistribution.Tally?
        private var eligible: [(score: Double, order: Int, feature: Feature, criteria: [(DevelopmentPotential.Criterion, Double)])] = []
        public private(set) var conflicts: [Feature] = []
        public private(set) var candidates: [Feature] = []
        public private(set) var underservedPieces: [Feature] = []

        public init(context: Context) {
            self.context = context
            let n = context.units.count
            tallies = Array(repeating: DistrictIndicators.Tally(), count: n)
            gridTallies = Array(repeating: DistrictIndicators.Tally(), count: context.grid?.count ?? 0)
            residentTallies = Array(repeating: ResidentsInReach.Tally(), count: n)
            underservedArea = Array(repeating: 0, count: n)
            conflictCount = Array(repeating: 0, count: n)
            conflictArea = Array(repeating: 0, count: n)
            nearCorridorArea = Array(repeating: 0, count: n)
            servedCount = Array(repeating: 0, count: n)
            nearCorridorCount = Array(repeating: 0, count: n)
            walkTallies = context.walking.map { _ in NetworkCatchment.Tallies(units: n) }
            if let grid = context.population, context.addressPopulation == nil {
                populationTally = PopulationDistribution.Tally(cells: grid.count, units: n, methods: context.reachMethods.count)
            }
        }

        /// Whether the parcels were points (an address layer in the parcels' place).
        public var isPointLayer: Bool { parcels > 0 && polygonalParcels == 0 }

        /// Residents from the population grid: over the addresses, or over the floor area
        /// tallied so far. Nil without a grid.
        public var population: PopulationDistribution.Result? {
            if let result = context.addressPopulation { return result }
            guard let grid = context.population, let populationTally else { return nil }
            return (context.study.population ?? PopulationDistribution()).resolve(grid, populationTally, methods: context.reachMethods.map(\.name))
        }

        /// Adds one evaluated parcel (in input order, so that ties keep it).
        public mutating func add(_ e: Evaluation) throws {
            let share = e.reach?.share
            var underservedPart = 0.0
            if let piece = e.underserved { underservedPart = try piece.area() }
            for s in e.shares {
                tallies[s.unit].add(e.measures, weight: s.weight, eligible: e.assessment.eligible, catchmentShare: share)
                if let use = e.measures.landUse, use.isResidential, let share {
                    residentTallies[s.unit].add(floorArea: e.measures.floorArea, share: share, weight: s.weight)
                }
                underservedArea[s.unit] += s.weight * underservedPart
                if e.conflict != nil {
                    conflictCount[s.unit] += s.weight
                    conflictArea[s.unit] += s.weight * e.measures.area
                }
                if e.proximity?.near == true {
                    nearCorridorArea[s.unit] += s.weight * e.measures.area
                    nearCorridorCount[s.unit] += s.weight
                }
                if e.reach?.served == true { servedCount[s.unit] += s.weight }
            }
            if let walk = e.walk { walkTallies?.add(walk, shares: e.shares) }
            for s in e.gridShares {
                gridTallies[s.unit].add(e.measures, weight: s.weight, eligible: e.assessment.eligible, catchmentShare: share)
            }
            if !e.cellPieces.isEmpty, populationTally != nil {
                populationTally!.add(weight: e.measures.floorArea, pieces: e.cellPieces, units: e.shares,
                                     inReach: Array(repeating: share ?? 0, count: populationTally!.methods))
            }
            if e.feature.geometry?.type.topologicalDimension == 2 { polygonalParcels += 1 }
            if e.assessment.eligible { eligible.append((e.assessment.score, parcels, e.feature, e.assessment.criteria)) }
            if let conflict = e.conflict, let emissions = context.emissions {
                var f = e.feature
                f.properties["source_parcel"] = emissions.layer.features[conflict.source].id.map { .string($0.description) } ?? .null
                f.properties["source_landuse"] = emissions.layer.features[conflict.source].properties[context.study.metrics.fields.landUse] ?? .null
                f.properties["distance_class"] = .string(conflict.distanceClass.rawValue)
                f.properties["class_distance_m"] = .double(conflict.distanceClass.metres)
                f.properties["source_distance_m"] = .double(conflict.distance)
                conflicts.append(f)
            }
            if let reasons = e.conversion {
                var f = e.feature
                f.properties["conversion_reasons"] = .string(reasons)
                candidates.append(f)
            }
            if let piece = e.underserved {
                underservedPieces.append(Feature(id: e.feature.id, geometry: piece, properties: [
                    "parcel": e.feature.id.map { .string($0.description) } ?? .null,
                    "district_id": e.feature.properties["district_id"] ?? .null,
                    "landuse": .string(e.measures.landUse?.rawValue ?? ""),
                    "underserved_area_m2": .double(underservedPart),
                ]))
            }
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

        /// The indicator table per district, with the Nordwärts and rest-of-city rows, and the
        /// columns of layer II where those analyses ran.
        public func districtTable() -> Table {
            let study = context.study
            var extra: [DistrictIndicators.SumColumn] = []
            let areas = tallies.map(\.parcelArea)
            if context.catchment != nil {
                extra.append(.init(name: "served_count", numerators: servedCount, isCount: true))
            }
            let population = self.population
            if isPointLayer, context.catchment != nil {
                extra.append(.init(name: "served_point_share", numerators: servedCount, denominators: tallies.map(\.parcels)))
            }
            if let population {
                extra += ResidentsInReach.columns(population, method: 0)
            } else if let residents = study.residents, context.catchment != nil {
                extra += residents.columns(units: context.units, tallies: context.addressTallies ?? residentTallies)
            }
            if study.underserved != nil, context.catchment != nil {
                extra.append(.init(name: "underserved_area_m2", numerators: underservedArea))
            }
            if context.corridors != nil {
                extra.append(.init(name: "near_corridor_count", numerators: nearCorridorCount, isCount: true))
                extra.append(isPointLayer ? .init(name: "near_corridor_share", numerators: nearCorridorCount, denominators: tallies.map(\.parcels))
                                          : .init(name: "near_corridor_share", numerators: nearCorridorArea, denominators: areas))
            }
            if context.emissions != nil {
                extra.append(.init(name: "conflict_count", numerators: conflictCount, isCount: true))
                extra.append(.init(name: "conflict_area_m2", numerators: conflictArea))
            }
            if let solar = context.solar, let shares = context.buildingShares {
                var kWp = [Double](repeating: 0, count: context.units.count), mWh = kWp, missing = kWp
                for (b, list) in shares.enumerated() {
                    for s in list {
                        kWp[s.unit] += s.weight * solar[b].kWp
                        mWh[s.unit] += s.weight * solar[b].mWhPerYear
                        if case .notEstimated = solar[b] { missing[s.unit] += s.weight }
                    }
                }
                extra += [.init(name: "solar_kwp", numerators: kWp), .init(name: "solar_mwh_per_a", numerators: mWh),
                          .init(name: "solar_buildings_not_estimated", numerators: missing, isCount: true)]
            }
            var buildingCounts: [Double]?
            if let shares = context.buildingShares {
                var counts = [Double](repeating: 0, count: context.units.count)
                for s in shares.joined() { counts[s.unit] += s.weight }
                buildingCounts = counts
            }
            if let walkTallies { extra += walkTallies.columns }
            let table = study.indicators.table(units: context.units, tallies: tallies, served: context.catchment != nil,
                                               buildingCounts: buildingCounts, extra: extra,
                                               populations: population.map { $0.population.map { Optional($0[0]) } }, points: isPointLayer)
            return walkTallies?.addingDetour(to: table, units: context.units) ?? table
        }

        /// The indicator table per grid cell (nil without a grid).
        public func gridTable() -> Table? {
            context.grid.map {
                DistrictIndicators(nordwaertsRows: false).table(units: $0, tallies: gridTallies, served: context.catchment != nil,
                                                                points: isPointLayer)
            }
        }

        /// A unit layer with the table's row as each unit's properties.
        public static func layer(_ units: ReportingUnits, _ table: Table, name: String) -> Layer {
            Layer(name: name, crs: units.layer.crs, features: units.layer.features.indices.map { u in
                var feature = units.layer.features[u]
                feature.properties = Properties(zip(table.columns, table.rows[u]).map { (name: $0.0, value: $0.1) })
                return feature
            })
        }

        /// The other result layers, by file name (without `.geojson`): catchments per mode,
        /// underserved land, emission zones and conflicts, the harbour zone, conversion
        /// candidates, rooftop solar per building. Layers of analyses that did not run are left out.
        public func resultLayers(crs: CRS) throws -> [(name: String, layer: Layer)] {
            var out: [(String, Layer)] = []
            if let catchment = context.catchment {
                out.append(("catchments", Layer(name: "catchments", crs: crs, features: catchment.areasByMode.map {
                    Feature(geometry: $0.area, properties: ["mode": .string($0.mode), "method": .string(catchment.catchment.method.rawValue)])
                })))
            }
            if let walking = context.walking {
                out.append(("walk_catchments", Layer(name: "walk_catchments", crs: crs, features: walking.areasByMode.map {
                    Feature(geometry: $0.area, properties: ["mode": .string($0.mode), "method": .string("network"),
                                                            "edge_buffer_m": .double(walking.catchment.edgeBuffer)])
                })))
            }
            if context.study.underserved != nil, context.catchment != nil {
                out.append(("underserved", Layer(name: "underserved", crs: crs, features: underservedPieces)))
            }
            if let emissions = context.emissions {
                out.append(("emission_zones", try emissions.zoneLayer()))
                out.append(("conflicts", Layer(name: "conflicts", crs: crs, features: conflicts)))
            }
            if let harbour = context.harbour, !harbour.zone.isEmpty {
                out.append(("harbour_zone", Layer(name: "harbour_zone", crs: crs, features: [
                    Feature(geometry: harbour.zone, properties: ["name": .string("harbour zone"), "area_m2": .double(try harbour.zone.area())]),
                ])))
            }
            if context.study.conversion != nil, context.harbour != nil {
                out.append(("conversion_candidates", Layer(name: "conversion_candidates", crs: crs, features: candidates)))
            }
            if let solar = context.solar, let buildings = context.buildings {
                out.append(("solar", Layer(name: "solar", crs: crs, features: buildings.layer.features.indices.map { b in
                    var f = buildings.layer.features[b]
                    switch solar[b] {
                    case let .estimate(roof, kWp, mWh):
                        f.properties["roof_m2"] = .double(roof)
                        f.properties["solar_kwp"] = .double(kWp)
                        f.properties["solar_mwh_per_a"] = .double(mWh)
                    case let .notEstimated(reason):
                        f.properties["solar_kwp"] = .null
                        f.properties["solar_not_estimated"] = .string(reason)
                    }
                    return f
                })))
            }
            return out
        }
    }

    public struct Results: Sendable {
        public var evaluations: [Evaluation]
        public var summary: Summary
        /// One row per district, then Nordwärts and the rest of the city.
        public var districtTable: Table
        /// The parcels with their results as properties.
        public var parcels: Layer
        /// The eligible parcels, best score first, with the reasons.
        public var potential: Layer
        /// The districts with their indicators as properties.
        public var districts: Layer
    }

    /// The whole study on a parcel layer in memory, parcels on all cores. `inputs.sources`
    /// is filled from the parcels when nil.
    public func run(parcels: Layer, inputs: Inputs) throws -> Results {
        var inputs = inputs
        if inputs.sources == nil { inputs.sources = sources(in: parcels) }
        let context = try Context(inputs, study: self)
        let evaluations = try parcels.features.parallelMap(minimumChunk: 64) { try evaluate($0, in: context) }
        var summary = Summary(context: context)
        for e in evaluations { try summary.add(e) }
        let table = summary.districtTable()
        return Results(evaluations: evaluations, summary: summary, districtTable: table,
                       parcels: Layer(name: "parcels", crs: parcels.crs, features: evaluations.map(\.feature)),
                       potential: summary.potentialLayer(crs: parcels.crs),
                       districts: Summary.layer(context.units, table, name: "districts"))
    }
}

/// Time spent per stage by one worker (thread CPU of the stages it ran), for reporting stage
/// times of a pipeline whose stages run fused per parcel on all cores.
public final class StageClock: @unchecked Sendable {
    public enum Stage: Int, CaseIterable, Sendable { case repair, metrics, district, catchment, corridor, other, tally, geojson, csv }

    public private(set) var seconds = [Double](repeating: 0, count: Stage.allCases.count)
    private var last = 0.0

    public init() {}

    static func now() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }

    /// Starts timing from now.
    public func start() { last = StageClock.now() }

    /// Adds the time since the last mark to `stage`.
    public func lap(_ stage: Stage) {
        let t = StageClock.now()
        seconds[stage.rawValue] += t - last
        last = t
    }

    /// Parcels seen by ``sampled(every:)`` and how many of them were timed.
    public private(set) var parcels = 0, timedParcels = 0

    /// The clock for every `every`-th parcel, nil for the others: reading the clock ten times
    /// a parcel costs more than one stage of a fast pass, and a sample of one parcel in eight
    /// shares the time out as well. ``total(_:)`` scales the sample up.
    public func sampled(every: Int) -> StageClock? {
        defer { parcels += 1 }
        guard parcels % every == 0 else { return nil }
        timedParcels += 1
        return self
    }

    /// The sums of several clocks (a sampled clock's seconds scaled by parcels / timed parcels).
    public static func total(_ clocks: [StageClock]) -> [Double] {
        clocks.reduce(into: [Double](repeating: 0, count: Stage.allCases.count)) { sum, c in
            let scale = c.timedParcels > 0 ? Double(c.parcels) / Double(c.timedParcels) : 1
            for i in sum.indices { sum[i] += c.seconds[i] * scale }
        }
    }
}
