import GeoCore
import GeoIO

/// The parcel and district analyses run together, as the default job does: parcel measures,
/// the join to districts, development potential and the district indicators, with the result
/// layers ready to write. Its stored properties are the analyses' parameters.
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

    /// The layers it reads, all in the same metric CRS.
    public struct Inputs: Sendable {
        public var parcels: Layer
        public var districts: Layer
        /// Building footprints for GRZ/GFZ; without them the parcels' built-area attribute is used.
        public var buildings: Layer?
        /// Stops for the transit criterion of the potential.
        public var stops: Layer?
        /// The field holding a stop's name. Default `name`.
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
        public var units: ReportingUnits
        public var measures: [ParcelMetrics.Measures]
        public var assignment: [[DistrictAssignment.Share]]
        public var assessments: [DevelopmentPotential.Assessment]
        /// One row per district, then Nordwärts and the rest of the city.
        public var districtTable: Table
        /// The parcels with their measures, district, and potential as properties.
        public var parcels: Layer
        /// The eligible parcels, best score first, with the reasons.
        public var potential: Layer
        /// The districts with their indicators as properties.
        public var districts: Layer
    }

    public func run(_ inputs: Inputs) throws -> Results {
        let units = try ReportingUnits(inputs.districts, fields: assignment.fields)
        let buildings = try inputs.buildings.map { try BuildingFootprints($0, fields: metrics.buildingFields) }
        let measures = try metrics.run(parcels: inputs.parcels, buildings: buildings)
        let shares = try assignment.run(inputs.parcels, units: units)
        let stops = try inputs.stops.map { try Facilities($0, nameField: inputs.stopNameField) }
        let assessments = try potential.run(parcels: inputs.parcels, measures: measures, stops: stops)
        var buildingCounts: [Double]?
        if let buildingLayer = inputs.buildings {
            var counts = [Double](repeating: 0, count: units.count)
            for share in try assignment.run(buildingLayer, units: units).joined() { counts[share.unit] += share.weight }
            buildingCounts = counts
        }
        let table = indicators.run(units: units, measures: measures, assignment: shares, potential: assessments, buildingCounts: buildingCounts)

        let parcelFeatures = inputs.parcels.features.indices.map { i -> Feature in
            var feature = inputs.parcels.features[i]
            let m = measures[i], a = assessments[i]
            var p = feature.properties
            p["district_id"] = shares[i].max { $0.weight < $1.weight }.map { .string(units.ids[$0.unit]) } ?? .null
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
            return feature
        }
        let ranked = parcelFeatures.indices.filter { assessments[$0].eligible }
            .sorted { assessments[$0].score != assessments[$1].score ? assessments[$0].score > assessments[$1].score : $0 < $1 }
        let potentialFeatures = ranked.enumerated().map { rank, i -> Feature in
            var feature = parcelFeatures[i]
            feature.properties["potential_rank"] = .integer(Int64(rank + 1))
            for (criterion, value) in assessments[i].criteria { feature.properties["criterion_\(criterion.rawValue)"] = .double(value) }
            return feature
        }
        let districtFeatures = inputs.districts.features.indices.map { u -> Feature in
            var feature = inputs.districts.features[u]
            var p = Properties()
            for (column, value) in zip(table.columns, table.rows[u]) { p[column] = value }
            feature.properties = p
            return feature
        }
        let crs = inputs.parcels.crs
        return Results(units: units, measures: measures, assignment: shares, assessments: assessments, districtTable: table,
                       parcels: Layer(name: "parcels", crs: crs, features: parcelFeatures),
                       potential: Layer(name: "potential", crs: crs, features: potentialFeatures),
                       districts: Layer(name: "districts", crs: inputs.districts.crs, features: districtFeatures))
    }
}
