import GeoCore
import GeoIO

/// Residents from a population grid (the Zensus 2011 grid, or any polygons with counts),
/// spread over the features that can hold them, summed per reporting unit and counted within
/// reach of a catchment, in all and per age group.
///
/// For a cell c with count `P(c)` (per age group `Pₖ(c)`), area `A(c)`, the study area S
/// (the union of the districts):
///
/// - `inside(c) = area(c ∩ S) / A(c)` when `clip_to_study_area` (default), else 1; the cell
///   contributes `P(c) · inside(c)`; the rest is *outside* the study area.
/// - Receivers inside the cell get that population in proportion to their weight `w`: each
///   address point `w = 1` (equally over the addresses; a point belongs to the covering cell
///   of lowest position), or each residential and mixed parcel `w = F · area(p ∩ c) / area(p)`
///   (F its floor area), with `W(c) = Σ w` over the cell's receivers in any unit.
/// - A unit u holds `pop(u) = Σ_c P(c) · inside(c) · W(c, u) / W(c)`, `W(c, u)` the weights
///   of the cell's receivers in u (a receiver's unit shares multiply in); in reach by a
///   method m: the same with each weight times the receiver's share in reach under m
///   (0 or 1 for points, `catchment_share` for parcels).
/// - A cell with people but `W(c) = 0` (no receiver) is *unassigned*: its people are counted,
///   never moved to a neighbour. So `P in = outside + distributed + unassigned`.
///
/// Counts: `population` (the total; where a cell has none, the sum of its age groups) and the
/// five age groups `age_u18`, `age_18_29`, `age_30_49`, `age_50_64`, `age_65p`: toolkit field
/// names, which an input's `fields` maps onto the file's (the Zensus grid's `a_u18`, …).
/// Under the Zensus's SAFE perturbation the groups need not add up to the total.
public struct PopulationDistribution: Codable, Sendable, Equatable {
    /// The five age groups: key (column suffix) and label.
    public static let ageGroups: [(key: String, label: String)] = [
        ("u18", "under 18"), ("18_29", "18–29"), ("30_49", "30–49"), ("50_64", "50–64"), ("65p", "65+"),
    ]

    /// The field with a cell's residents. Default `population`.
    public var populationField: String = "population"
    /// The fields with a cell's residents per age group, in the order of ``ageGroups``.
    /// Default `age_u18`, `age_18_29`, `age_30_49`, `age_50_64`, `age_65p`.
    public var ageFields: [String] = PopulationDistribution.ageGroups.map { "age_" + $0.key }
    /// Whether a cell crossing the study area's boundary contributes only its share of area
    /// inside (true, default) or all its residents.
    public var clipToStudyArea: Bool = true

    public init(populationField: String = "population", ageFields: [String] = PopulationDistribution.ageGroups.map { "age_" + $0.key },
                clipToStudyArea: Bool = true) {
        self.populationField = populationField
        self.ageFields = ageFields
        self.clipToStudyArea = clipToStudyArea
    }

    enum CodingKeys: String, CodingKey {
        case populationField = "population_field", ageFields = "age_fields", clipToStudyArea = "clip_to_study_area"
    }

    public func validate() throws {
        guard ageFields.count == PopulationDistribution.ageGroups.count else {
            throw AnalysisError.invalidParameter(parameter: "age_fields", value: ageFields.joined(separator: ", "),
                                                 expected: "five field names (under 18, 18–29, 30–49, 50–64, 65+)")
        }
    }

    /// The measures counted: index 0 all residents, 1…5 the age groups.
    public static let measureCount = 1 + ageGroups.count

    /// The grid indexed, with each cell's counts and its share inside the study area.
    public func prepare(_ cells: Layer, studyArea: Geometry?) throws -> Grid {
        try validate()
        return try Grid(self, cells: cells, studyArea: studyArea)
    }

    /// A population grid prepared for spreading: shared by all threads.
    public final class Grid: Sendable {
        public let cells: Layer
        /// Per cell: the counts as read (measure 0 the total, 1…5 the age groups).
        public let counts: [[Double]]
        /// Per cell: the share of its area inside the study area (1 without clipping).
        public let inside: [Double]
        /// Whether any cell has age groups.
        public let hasAgeGroups: Bool
        let prepared: [PreparedGeometry]
        let areas: [Double]
        let index: SpatialIndex

        init(_ p: PopulationDistribution, cells: Layer, studyArea: Geometry?) throws {
            guard !cells.crs.isGeographic else { throw AnalysisError.notMetric(layer: cells.name, crs: cells.crs.identifier) }
            self.cells = cells
            let names = cells.labels("id", "grid_id")
            for (c, f) in cells.features.enumerated() {
                let what = "\(names[c]) (number \(c + 1))"
                guard let g = f.geometry, g.type.topologicalDimension == 2 else {
                    throw AnalysisError.badFeature(layer: cells.name, feature: what,
                                                   problem: "a population cell must be a polygon, not a \(f.geometry?.type.description ?? "feature without geometry")")
                }
                for field in [p.populationField] + p.ageFields {
                    if let x = f.properties[field]?.doubleValue, !(x >= 0 && x.isFinite) {
                        throw AnalysisError.badFeature(layer: cells.name, feature: what, problem: "\(field) = \(x): a count of residents must be 0 or more")
                    }
                }
            }
            var anyAge = false
            counts = cells.features.map { f in
                let ages = p.ageFields.map { f.properties[$0]?.doubleValue }
                if ages.contains(where: { $0 != nil }) { anyAge = true }
                let total = f.properties[p.populationField]?.doubleValue ?? ages.reduce(0) { $0 + ($1 ?? 0) }
                return [total] + ages.map { $0 ?? 0 }
            }
            hasAgeGroups = anyAge
            let geometries = cells.geometries
            areas = try geometries.areas()
            let area = studyArea.map { try? PreparedGeometry($0) } ?? nil
            let areas = self.areas
            inside = try Array(geometries.indices).parallelMap(minimumChunk: 8) { c -> Double in
                guard p.clipToStudyArea, let studyArea, let area, areas[c] > 0 else { return 1 }
                if try area.covers(geometries[c]) { return 1 }
                guard try area.intersects(geometries[c]) else { return 0 }
                return Swift.min(1, try geometries[c].intersection(studyArea).area() / areas[c])
            }
            prepared = try geometries.map(PreparedGeometry.init)
            index = SpatialIndex(geometries.envelopes())
        }

        public var count: Int { counts.count }

        /// The cell of a point: the covering cell of lowest position, nil outside the grid.
        public func cell(of point: Geometry) throws -> Int? {
            var found: Int?
            try index.forEach(intersecting: point.envelope) { c in
                if try prepared[c].covers(point), found.map({ c < $0 }) ?? true { found = c }
                return true
            }
            return found
        }

        /// The cells a polygon lies in, each with the share of its area there (points: the
        /// point's cell with share 1).
        public func pieces(of g: Geometry) throws -> [(cell: Int, share: Double)] {
            guard g.type.topologicalDimension == 2 else {
                let point = g.type == .point ? g : try g.pointOnSurface()
                return try cell(of: point).map { [($0, 1.0)] } ?? []
            }
            let area = try g.area()
            guard area > 0 else { return [] }
            var out: [(Int, Double)] = []
            try index.forEach(intersecting: g.envelope) { c in
                if try prepared[c].covers(g) { out = [(c, 1)]; return false }
                if try prepared[c].intersects(g) {
                    let part = try g.intersection(cells.features[c].geometry!).area() / area
                    if part > 0 { out.append((c, part)) }
                }
                return true
            }
            return out.sorted { $0.0 < $1.0 }
        }
    }

    /// Receiver weights per cell and unit, in all and within reach by each method, filled
    /// receiver by receiver (streaming parcels, or addresses).
    public struct Tally: Sendable {
        public let cells: Int, units: Int, methods: Int
        /// `weight[c · units + u]`.
        public private(set) var weight: [Double]
        /// `served[m][c · units + u]`.
        public private(set) var served: [[Double]]
        /// Receivers (addresses, parcels) counted, and those in no cell or unit.
        public private(set) var receivers = 0.0

        public init(cells: Int, units: Int, methods: Int) {
            self.cells = cells
            self.units = units
            self.methods = methods
            weight = Array(repeating: 0, count: cells * units)
            served = Array(repeating: Array(repeating: 0, count: cells * units), count: methods)
        }

        /// One receiver: its weight `w`, its pieces per cell, its unit shares, and its share
        /// in reach under each method.
        public mutating func add(weight w: Double, pieces: [(cell: Int, share: Double)], units shares: [DistrictAssignment.Share],
                                 inReach: [Double]) {
            receivers += 1
            for piece in pieces {
                for s in shares {
                    let k = piece.cell * units + s.unit, x = w * piece.share * s.weight
                    weight[k] += x
                    for m in 0..<methods { served[m][k] += x * inReach[m] }
                }
            }
        }
    }

    /// Residents per unit, in all and within reach per method, and the accounting.
    public struct Result: Sendable, Equatable {
        /// The method names, in the order of ``inReach``.
        public var methods: [String]
        /// `population[u][k]`: residents of unit u, measure k (0 all, 1…5 the age groups).
        public var population: [[Double]]
        /// `inReach[m][u][k]`.
        public var inReach: [[[Double]]]
        /// Per measure: the grid's residents as read, outside the study area, distributed
        /// onto receivers, and unassigned (cells with people but no receiver).
        public var input: [Double]
        public var outside: [Double]
        public var distributed: [Double]
        public var unassigned: [Double]
        /// Cells with people but no receiver.
        public var unassignedCells: Int
        public var hasAgeGroups: Bool
    }

    /// Spreads the grid over the tallied receivers.
    public func resolve(_ grid: Grid, _ tally: Tally, methods: [String]) -> Result {
        let k = PopulationDistribution.measureCount, units = tally.units
        var population = Array(repeating: Array(repeating: 0.0, count: k), count: units)
        var inReach = Array(repeating: population, count: tally.methods)
        var input = Array(repeating: 0.0, count: k), outside = input, distributed = input, unassigned = input
        var unassignedCells = 0
        for c in 0..<grid.count {
            let counts = grid.counts[c]
            let total = (0..<units).reduce(0.0) { $0 + tally.weight[c * units + $1] }
            for j in 0..<k {
                input[j] += counts[j]
                outside[j] += counts[j] * (1 - grid.inside[c])
            }
            let people = counts.map { $0 * grid.inside[c] }
            guard total > 0 else {
                if people.contains(where: { $0 > 0 }) { unassignedCells += 1 }
                for j in 0..<k { unassigned[j] += people[j] }
                continue
            }
            for j in 0..<k { distributed[j] += people[j] }
            for u in 0..<units {
                let w = tally.weight[c * units + u]
                guard w > 0 else { continue }
                for j in 0..<k { population[u][j] += people[j] * w / total }
                for m in 0..<tally.methods {
                    let s = tally.served[m][c * units + u]
                    if s > 0 { for j in 0..<k { inReach[m][u][j] += people[j] * s / total } }
                }
            }
        }
        return Result(methods: methods, population: population, inReach: inReach, input: input, outside: outside,
                      distributed: distributed, unassigned: unassigned, unassignedCells: unassignedCells, hasAgeGroups: grid.hasAgeGroups)
    }

    /// A way to judge reach: its name and the share of a feature within reach (0 or 1 for a
    /// point). The catchment methods give one each (``Catchment/Prepared/reachMethod``); a
    /// street-network or transit-quality method plugs in the same way.
    public struct ReachMethod: Sendable {
        public var name: String
        public var share: @Sendable (Geometry) throws -> Double

        public init(name: String, share: @escaping @Sendable (Geometry) throws -> Double) {
            self.name = name
            self.share = share
        }
    }

    /// Address points as receivers: each one's units and its reach under every method,
    /// found once (on all cores) for any number of grids.
    public struct Addresses: Sendable {
        public let points: Layer
        public let units: [[DistrictAssignment.Share]]
        /// `inReach[i][m]`: 1 when address i is within reach by method m, else 0.
        public let inReach: [[Double]]
        public let methods: [String]
        public let unitCount: Int

        public init(_ points: Layer, units: ReportingUnits, assignment: DistrictAssignment = DistrictAssignment(),
                    methods: [ReachMethod]) throws {
            self.points = points
            self.units = try assignment.run(points, units: units)
            inReach = try points.features.parallelMap(minimumChunk: 256) { f in try methods.map { try $0.share(f.geometry!) } }
            self.methods = methods.map(\.name)
            unitCount = units.count
        }

        /// Receivers with given units and reach (``restricted(to:)`` makes such).
        public init(points: Layer, units: [[DistrictAssignment.Share]], inReach: [[Double]], methods: [String], unitCount: Int) {
            self.points = points
            self.units = units
            self.inReach = inReach
            self.methods = methods
            self.unitCount = unitCount
        }

        /// For comparing with a grid that covers only part of the area (`check`): two
        /// methods, `in check grid` (1 for an address inside one of its cells) and
        /// `in check grid, in reach` (that times the reach of the first method). Spread over
        /// these, a grid's ``Result/inReach`` holds the residents on the check grid's footprint.
        public func restricted(to check: Grid) throws -> Addresses {
            let inside = try points.features.parallelMap(minimumChunk: 256) { try check.cell(of: $0.geometry!) != nil ? 1.0 : 0.0 }
            return Addresses(points: points, units: units,
                             inReach: inside.indices.map { [inside[$0], inside[$0] * (inReach[$0].first ?? 0)] },
                             methods: ["in check grid", "in check grid, in reach"], unitCount: unitCount)
        }
    }

    /// The grid spread equally over the addresses.
    public func run(grid: Grid, addresses: Addresses) throws -> Result {
        let cells = try addresses.points.features.parallelMap(minimumChunk: 256) { try grid.pieces(of: $0.geometry!) }
        var tally = Tally(cells: grid.count, units: addresses.unitCount, methods: addresses.methods.count)
        for (i, pieces) in cells.enumerated() {
            tally.add(weight: 1, pieces: pieces, units: addresses.units[i], inReach: addresses.inReach[i])
        }
        return resolve(grid, tally, methods: addresses.methods)
    }
}

extension PopulationDistribution {
    /// What a study's context keeps of a population input: the grid, the reach methods (the
    /// catchment's method first; over address points the other catchment methods too), and
    /// with addresses the grid spread over them, and the check grid with the estimate on its
    /// footprint. Empty without a population input.
    public struct Setup: Sendable {
        public var grid: Grid?
        public var methods: [ReachMethod] = []
        public var overAddresses: Result?
        public var check: Result?
        public var checkEstimate: Result?

        public init(_ distribution: PopulationDistribution, inputs: ParcelStudy.Inputs, units: ReportingUnits,
                    assignment: DistrictAssignment, catchment: Catchment.Prepared?,
                    walking: NetworkCatchment.Prepared? = nil) throws {
            guard let cells = inputs.population else { return }
            let studyArea = try Geometry.unaryUnion(of: inputs.districts.geometries)
            let grid = try distribution.prepare(cells, studyArea: studyArea)
            self.grid = grid
            if let catchment, let stops = inputs.stops {
                methods.append(catchment.reachMethod)
                if inputs.addresses != nil {
                    for method in [Catchment.Method.radius, .bufferUnion] where method != catchment.catchment.method {
                        var other = catchment.catchment
                        other.method = method
                        other.nearestFacility = false
                        methods.append(try other.prepare(stops).reachMethod)
                    }
                }
            }
            if let walking {
                // On foot: a receiver is in reach when its point on surface is within its mode's
                // radius along the streets (``NetworkCatchment/Prepared/walk(_:)``).
                methods.append(PopulationDistribution.ReachMethod(name: Catchment.Method.network.rawValue) { g in
                    try walking.walk(g).servedOnFoot ? 1 : 0
                })
            }
            guard let layer = inputs.addresses else { return }
            let addresses = try Addresses(layer, units: units, assignment: assignment, methods: methods)
            overAddresses = try distribution.run(grid: grid, addresses: addresses)
            if let finer = inputs.populationCheck {
                let checkGrid = try distribution.prepare(finer, studyArea: studyArea)
                check = try distribution.run(grid: checkGrid, addresses: addresses)
                checkEstimate = try distribution.run(grid: grid, addresses: addresses.restricted(to: checkGrid))
            }
        }
    }
}

extension Catchment.Prepared {
    /// This catchment as a reach method named after its method (`radius`, `buffer-union`):
    /// for points 1 when served, for polygons the share inside.
    public var reachMethod: PopulationDistribution.ReachMethod {
        PopulationDistribution.ReachMethod(name: catchment.method.rawValue) { [self] g in try self.shareInReach(g) }
    }

    /// For a polygon its share inside `C` (``share(_:)``), for a point or line 1 when served by
    /// the method's rule, else 0 (``reach(_:)`` without the nearest-facility search).
    public func shareInReach(_ g: Geometry) throws -> Double {
        guard !g.isEmpty, facilities.count > 0 else { return 0 }
        if g.type.topologicalDimension == 2 { return try share(g) }
        switch catchment.method {
        case .radius:
            var served = false
            try index.forEach(intersecting: g.envelope.expanded(by: maxRadius)) { i in
                if modeOf[i] >= 0, try facilities.features[i].geometry!.isWithinDistance(radius[i], of: g) { served = true; return false }
                return true
            }
            return served ? 1 : 0
        case .bufferUnion:
            return try unionPrepared.intersects(g) ? 1 : 0
        case .network:
            // A crow-fly catchment never has this method (the network one is ``NetworkCatchment``).
            return 0
        }
    }
}
