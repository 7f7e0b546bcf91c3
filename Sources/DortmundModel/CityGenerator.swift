import GeoCore
import GeoIO
import UrbanAnalysis

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Makes a modelled Dortmund inside the real Stadtbezirke: land parcels with ALKIS-like
/// attributes, building footprints, the harbour (basins, quays, the start of the
/// Dortmund-Ems-Kanal) and the corridors (Stadtbahn lines through their real stops, rail
/// through the real DB stations, main roads).
///
/// Deterministic: a seed and a parcel count give the same layers, byte for byte, on any
/// number of threads (every block draws from its own random stream).
///
/// How it builds the parcels: a jittered street grid covers the city; each cell shrinks by
/// half a street width to a block; blocks are cut at the district boundaries and around the
/// water, so every parcel lies in exactly one Stadtbezirk. Each block takes a land use from
/// its place (``Geography``: the harbour, industrial and brownfield areas, parks, the city
/// centre, rail and road corridors, patches of green from smooth noise) and a number of lots
/// in proportion to its area and the density of its use, so that the parcel count is exactly
/// `parcels`; the lots are cut in one or two rows of equal area. Buildings are scaled copies
/// of their lot, with a GRZ drawn per land use (some lots left underused on purpose).
public struct CityGenerator: Sendable {
    /// How many parcels to make (exactly). From a few thousand to 1,000,000.
    public var parcels: Int
    /// The seed of every random choice.
    public var seed: UInt64

    public init(parcels: Int = 10_000, seed: UInt64 = 7) {
        self.parcels = parcels
        self.seed = seed
    }

    /// The real layers the model is built on, all read into EPSG:25832.
    public struct Inputs: Sendable {
        public var districts: Layer
        public var vrrStations: Layer
        public var dbStations: Layer

        public init(districts: Layer, vrrStations: Layer, dbStations: Layer) {
            self.districts = districts
            self.vrrStations = vrrStations
            self.dbStations = dbStations
        }
    }

    /// The modelled layers, in EPSG:25832.
    public struct City: Sendable {
        public var parcels: Layer
        public var buildings: Layer
        /// Harbour basins, the turning basin and the canal, as polygons (`kind`: basin, canal).
        public var water: Layer
        /// Quay edges of the basins, as lines.
        public var quays: Layer
        /// Stadtbahn, rail and road corridors (`kind`: stadtbahn, rail, road).
        public var corridors: Layer
        /// Counts and parameters, for the manifest.
        public var manifest: Properties
    }

    static let utm = CRS.etrs89UTM32N

    public func generate(_ inputs: Inputs) throws -> City {
        guard parcels >= 100, parcels <= 5_000_000 else {
            throw AnalysisError.invalidParameter(parameter: "parcels", value: String(parcels), expected: "100 to 5,000,000")
        }
        let toUTM = try Transformer.shared(from: .wgs84, to: Self.utm)
        func utm(_ p: (Double, Double)) throws -> Coordinate { try toUTM.transform(Coordinate(p.0, p.1)) }

        let districtGeometries = inputs.districts.geometries
        let outline = try Geometry.unaryUnion(of: districtGeometries)
        let city = try PreparedGeometry(outline)
        let districts = try districtGeometries.map(PreparedGeometry.init)
        let districtIndex = SpatialIndex(districtGeometries.envelopes())

        // The harbour and the canal.
        let (water, quays, basinsUnion) = try makeWater(outline: outline, utm: utm)
        let waterUnion = try Geometry.unaryUnion(of: water.map { $0.geometry! })
        let waterPrepared = try PreparedGeometry(waterUnion)
        let basins = try PreparedGeometry(basinsUnion)
        let canalLine = try Geometry(lineString: [Geography.harbour] + Geography.canal.map(utm), crs: Self.utm)
        let canal = try PreparedGeometry(canalLine)

        // Corridors.
        let corridors = try makeCorridors(inputs: inputs, outline: outline, utm: utm)
        let rail = try PreparedGeometry(Geometry(collection: .geometryCollection,
                                                 of: corridors.filter { $0.properties["kind"] == .string("rail") }.map { $0.geometry! }, crs: Self.utm))
        let roads = try PreparedGeometry(Geometry(collection: .geometryCollection,
                                                  of: corridors.filter { $0.properties["kind"] == .string("road") }.map { $0.geometry! }, crs: Self.utm))
        let stations = inputs.dbStations.features.filter { $0.properties["name"] != .string("Dortmund Hbf") }.map { $0.geometry! }
        let stationPoints = try PreparedGeometry(Geometry(collection: .multiPoint, of: stations, crs: Self.utm))
        let areas = try Geography.areas.map { (area: $0, centre: try utm($0.centre)) }
        let boundary = try PreparedGeometry(outline.boundary())
        let noise = ValueNoise(seed: seed ^ 0x51ED, scale: 900)

        let field = LandUseField(seed: seed, basins: basins, canal: canal, rail: rail, roads: roads, stations: stationPoints,
                                 areas: areas, boundary: boundary, noise: noise)

        // The street grid and its blocks.
        let cityArea = try outline.area()
        let meanLot = 0.55 * cityArea / Double(parcels)
        let cell = Swift.min(800, Swift.max(36, (11 * meanLot).squareRoot()))
        let street = Swift.min(12, 0.12 * cell)
        let box = outline.envelope
        let columns = Int(((box.maxX - box.minX) / cell).rounded(.up)), rows = Int(((box.maxY - box.minY) / cell).rounded(.up))
        let seed = self.seed
        func corner(_ i: Int, _ j: Int) -> Coordinate {
            var r = SeededRandom(seed: seed, stream: "grid", index: i * 100_003 + j)
            let jitter = 0.16 * cell
            return Coordinate(box.minX + Double(i) * cell + r.uniform(-jitter, jitter), box.minY + Double(j) * cell + r.uniform(-jitter, jitter))
        }
        let cellIndices = (0..<(columns * rows)).map { $0 }
        let blockStyle = BufferStyle(quadrantSegments: 1, cap: .flat, join: .mitre, mitreLimit: 5)
        let blockLists: [[Block]] = try cellIndices.parallelMap(minimumChunk: 16) { k in
            let i = k % columns, j = k / columns
            let quad = [corner(i, j), corner(i + 1, j), corner(i + 1, j + 1), corner(i, j + 1), corner(i, j)]
            let cellPolygon = try Geometry(polygon: quad, crs: Self.utm)
            guard try city.intersects(cellPolygon) else { return [] }
            var block = try cellPolygon.buffer(-street / 2, style: blockStyle)
            guard !block.isEmpty else { return [] }
            var random = SeededRandom(seed: seed, stream: "block", index: k)
            let centre = try cellPolygon.centroid()
            let use = try field.landUse(at: Coordinate(centre.x!, centre.y!), random: &random)
            if try waterPrepared.intersects(block) {
                block = try block.difference(waterUnion).polygonalPart()
                if block.isEmpty { return [] }
            }
            var pieces: [Block] = []
            for d in districtIndex.query(intersecting: block.envelope) {
                let part: Geometry
                if try districts[d].containsProperly(block) {
                    part = block
                } else {
                    guard try districts[d].intersects(block) else { continue }
                    // 2 cm inside the district boundary, so that rounding the lots to the
                    // centimetre (at most 0.71 cm) cannot carry a vertex across it.
                    part = try districts[d].geometry.intersection(block).buffer(-0.02, style: blockStyle).polygonalPart()
                }
                for polygon in part.parts where polygon.type == .polygon {
                    let area = try polygon.area()
                    guard area >= Swift.max(40, 0.03 * cell * cell) else { continue }
                    pieces.append(Block(cell: k, district: d, polygon: polygon, area: area, landUse: use))
                }
                if part === block { break }
            }
            return pieces
        }
        let blocks = blockLists.flatMap { $0 }

        // Lots per block: one each (when there are enough parcels, so that no block is left
        // unparcelled), the rest in proportion to area × density of the use, exactly
        // `parcels` in all (largest remainder, ties by block order).
        let base = parcels >= blocks.count ? 1 : 0
        let spread = Double(parcels - base * blocks.count)
        let weights = blocks.map { $0.area * LandUseField.density($0.landUse) }
        let total = weights.reduce(0, +)
        let shares = weights.map { $0 / total * spread }
        var counts = shares.map { base + Int($0.rounded(.down)) }
        let order = weights.indices.sorted { a, b in
            let ra = shares[a] - shares[a].rounded(.down), rb = shares[b] - shares[b].rounded(.down)
            return ra != rb ? ra > rb : a < b
        }
        var missing = parcels - counts.reduce(0, +)
        for b in order where missing > 0 { counts[b] += 1; missing -= 1 }

        // Lots and buildings, block by block on all cores.
        let made: [[Lot]] = try Array(blocks.indices).parallelMap(minimumChunk: 8) { b in
            try self.cut(blocks[b], into: counts[b], index: b)
        }

        // Numbering (gemarkung per district, flur per 1 km tile, zähler per flur) in block order.
        var parcelsOut: [Feature] = [], buildingsOut: [Feature] = []
        parcelsOut.reserveCapacity(parcels)
        var flurOf: [String: Int] = [:], flurCount: [Int: Int] = [:], zaehler: [String: Int] = [:]
        var useCounts: [LandUse: Int] = [:], perDistrict = [Int](repeating: 0, count: districtGeometries.count)
        let districtIDs = inputs.districts.features.map { $0.properties["id"]?.description ?? "" }
        let districtNames = inputs.districts.features.map { $0.properties["name"]?.description ?? "" }
        for (b, lots) in made.enumerated() {
            let block = blocks[b]
            let gemarkung = 3301 + block.district
            let envelope = block.polygon.envelope
            let tile = "\(gemarkung)/\(Int((envelope.center.x / 1000).rounded(.down)))/\(Int((envelope.center.y / 1000).rounded(.down)))"
            let flur: Int
            if let known = flurOf[tile] { flur = known } else {
                flur = (flurCount[gemarkung] ?? 0) + 1
                flurCount[gemarkung] = flur
                flurOf[tile] = flur
            }
            for lot in lots {
                let key = "\(gemarkung)/\(flur)"
                let z = (zaehler[key] ?? 0) + 1
                zaehler[key] = z
                let kennz = "05" + Self.digits(gemarkung, 4) + Self.digits(flur, 3) + Self.digits(z, 5) + "______"
                useCounts[lot.landUse, default: 0] += 1
                perDistrict[block.district] += 1
                parcelsOut.append(Feature(id: .string(kennz), geometry: lot.polygon, properties: [
                    "flstkennz": .string(kennz), "gemarkung": .string(Self.digits(gemarkung, 4)), "flur": .integer(Int64(flur)),
                    "zaehler": .integer(Int64(z)), "landuse": .string(lot.landUse.rawValue), "floors": .integer(Int64(lot.floors)),
                    "built_area_m2": .double(lot.builtArea),
                ]))
                if let building = lot.building {
                    let id = "DENW\(Self.digits(gemarkung, 4))\(Self.digits(flur, 3))\(Self.digits(z, 5))"
                    buildingsOut.append(Feature(id: .string(id), geometry: building, properties: [
                        "flstkennz": .string(kennz),
                        "floors": lot.buildingFloorsKnown ? .integer(Int64(lot.floors)) : .null,
                        "function": .string(LandUseField.buildingFunction(lot.landUse)),
                    ]))
                }
            }
        }

        var manifest: Properties = [
            "generator": .string("nordwaerts generate (DortmundModel.CityGenerator)"),
            "seed": .integer(Int64(bitPattern: seed)), "parcels": .integer(Int64(parcelsOut.count)),
            "buildings": .integer(Int64(buildingsOut.count)), "blocks": .integer(Int64(blocks.count)),
            "cell_size_m": .double((cell * 100).rounded() / 100), "street_width_m": .double((street * 100).rounded() / 100),
            "crs": .string("EPSG:25832"),
        ]
        manifest["landuse_counts"] = .object(Properties(LandUse.allCases.map { (name: $0.rawValue, value: .integer(Int64(useCounts[$0] ?? 0))) }))
        manifest["parcels_per_district"] = .object(Properties(districtIDs.indices.map {
            (name: "\(districtIDs[$0]) \(districtNames[$0])", value: .integer(Int64(perDistrict[$0])))
        }))
        return City(parcels: Layer(name: "parcels", crs: Self.utm, features: parcelsOut),
                    buildings: Layer(name: "buildings", crs: Self.utm, features: buildingsOut),
                    water: Layer(name: "harbour", crs: Self.utm, features: water),
                    quays: Layer(name: "quays", crs: Self.utm, features: quays),
                    corridors: Layer(name: "corridors", crs: Self.utm, features: corridors),
                    manifest: manifest)
    }

    static func digits(_ n: Int, _ width: Int) -> String {
        let text = String(n)
        return String(repeating: "0", count: Swift.max(0, width - text.count)) + text
    }

    // MARK: Blocks and lots

    struct Block: Sendable {
        let cell: Int
        let district: Int
        let polygon: Geometry
        let area: Double
        let landUse: LandUse
    }

    struct Lot: Sendable {
        let polygon: Geometry
        let landUse: LandUse
        let floors: Int
        let builtArea: Double
        let building: Geometry?
        let buildingFloorsKnown: Bool
    }

    /// Cuts a block into `count` lots and puts a building on each lot that gets one.
    func cut(_ block: Block, into count: Int, index: Int) throws -> [Lot] {
        guard count > 0 else { return [] }
        var random = SeededRandom(seed: seed, stream: "lots", index: index)
        var ring = try block.polygon.exteriorRing().coordinates()
        ring.removeLast()
        if LotCutter.area(ring) < 0 { ring.reverse() }
        let hull = try block.polygon.convexHull().area()
        let convex = try block.polygon.interiorRings().isEmpty && block.area >= hull * (1 - 1e-9)
        let cutter = LotCutter(ring: ring, isConvex: convex)
        let rows = count >= 4 ? 2 : 1
        var lots: [Lot] = []
        for strip in cutter.strips(count: count, rows: rows) {
            let polygon: Geometry
            if convex {
                polygon = try Self.rounded(cutter.clipped(to: strip))
            } else {
                let rectangle = try Geometry(polygon: cutter.rectangle(strip), crs: Self.utm)
                let part = try block.polygon.intersection(rectangle).polygonalPart()
                let largest = try part.parts.filter { $0.type == .polygon }.max { try $0.area() < $1.area() }
                guard let largest else { continue }
                polygon = try Self.rounded(largest.exteriorRing().coordinates().dropLast(), holes: largest.interiorRings().map { Array(try $0.coordinates().dropLast()) })
            }
            let use = LandUseField.lotUse(block.landUse, random: &random)
            lots.append(try building(on: polygon, use: use, random: &random))
        }
        return lots
    }

    /// A polygon from ring vertices rounded to the centimetre (as the files hold them),
    /// repaired (largest polygonal part) in the rare case that rounding breaks it.
    static func rounded<C: Collection>(_ ring: C, holes: [[Coordinate]] = []) throws -> Geometry where C.Element == Coordinate {
        func round(_ points: some Collection<Coordinate>) -> [Coordinate] {
            var out: [Coordinate] = []
            for p in points {
                let q = Coordinate((p.x * 100).rounded() / 100, (p.y * 100).rounded() / 100)
                if out.last != q { out.append(q) }
            }
            while out.count > 1, out.first == out.last { out.removeLast() }
            return out + (out.first.map { [$0] } ?? [])
        }
        let exterior = round(ring)
        let inner = holes.map { round($0) }.filter { $0.count >= 4 }
        guard exterior.count >= 4 else { return try Geometry(empty: .polygon, crs: utm) }
        let polygon = try Geometry(polygon: exterior, holes: inner, crs: utm)
        if try polygon.isValid() { return polygon }
        let repaired = try polygon.repaired()
        return try repaired.parts.filter { $0.type == .polygon }.max { try $0.area() < $1.area() } ?? polygon
    }

    /// The lot's building: its polygon inset and scaled about the centroid to the drawn GRZ.
    func building(on lot: Geometry, use: LandUse, random: inout SeededRandom) throws -> Lot {
        let area = try lot.area()
        let (grz, floors) = LandUseField.drawGRZ(use, random: &random)
        guard grz > 0, area > 30, !lot.isEmpty else {
            return Lot(polygon: lot, landUse: use, floors: 0, builtArea: 0, building: nil, buildingFloorsKnown: true)
        }
        let centroid = try lot.centroid()
        let cx = centroid.x!, cy = centroid.y!
        var ring = try lot.exteriorRing().coordinates()
        var scale = (grz).squareRoot()
        for _ in 0..<3 {
            let footprint = try Self.rounded(ring.dropLast().map { Coordinate(cx + ($0.x - cx) * scale, cy + ($0.y - cy) * scale) })
            if !footprint.isEmpty, try lot.covers(footprint) {
                let built = (try footprint.area() * 100).rounded() / 100
                return Lot(polygon: lot, landUse: use, floors: floors, builtArea: built, building: footprint,
                           buildingFloorsKnown: !random.chance(0.02))
            }
            scale *= 0.6
        }
        ring.removeAll()
        return Lot(polygon: lot, landUse: use, floors: 0, builtArea: 0, building: nil, buildingFloorsKnown: true)
    }

    // MARK: Water and corridors

    func makeWater(outline: Geometry, utm: ((Double, Double)) throws -> Coordinate) throws -> ([Feature], [Feature], Geometry) {
        let d = Geography.basinDirection
        let across = Coordinate(d.y, -d.x) // to the east-north-east
        let h = Geography.harbour
        var water: [Feature] = [], quays: [Feature] = [], basinGeometries: [Geometry] = []
        let n = Geography.basins.count
        let north = 380.0 // the basins' north ends line up on the turning basin
        for (k, basin) in Geography.basins.enumerated() {
            let offset = (Double(k) - Double(n - 1) / 2) * Geography.basinSpacing
            let cx = h.x + offset * across.x, cy = h.y + offset * across.y
            func at(_ along: Double, _ side: Double) -> Coordinate {
                Coordinate(((cx + along * d.x + side * across.x) * 100).rounded() / 100, ((cy + along * d.y + side * across.y) * 100).rounded() / 100)
            }
            let w = Geography.basinWidth / 2, south = north - basin.length
            let corners = [at(south, -w), at(south, w), at(north, w), at(north, -w), at(south, -w)]
            let polygon = try Geometry(polygon: corners, crs: Self.utm)
            basinGeometries.append(polygon)
            water.append(Feature(id: .string("W\(k + 1)"), geometry: polygon, properties: [
                "id": .string("W\(k + 1)"), "name": .string(basin.name), "kind": .string("basin"),
            ]))
            for (side, label) in [(-w, "west"), (w, "east")] {
                let quay = try Geometry(lineString: [at(south, side), at(north, side)], crs: Self.utm)
                quays.append(Feature(id: .string("Q\(quays.count + 1)"), geometry: quay, properties: [
                    "id": .string("Q\(quays.count + 1)"), "name": .string("\(basin.name), \(label) quay"), "basin": .string(basin.name),
                ]))
            }
        }
        // The turning basin across the north ends, and the canal from there.
        let half = (Double(n) / 2) * Geography.basinSpacing
        func at(_ along: Double, _ side: Double) -> Coordinate {
            Coordinate(((h.x + along * d.x + side * across.x) * 100).rounded() / 100, ((h.y + along * d.y + side * across.y) * 100).rounded() / 100)
        }
        let turning = try Geometry(polygon: [at(north - 10, -half), at(north - 10, half), at(north + 110, half), at(north + 110, -half), at(north - 10, -half)], crs: Self.utm)
        water.append(Feature(id: .string("W\(n + 1)"), geometry: turning, properties: [
            "id": .string("W\(n + 1)"), "name": .string("Wendebecken"), "kind": .string("basin"),
        ]))
        basinGeometries.append(turning)
        let canalLine = try Geometry(lineString: [at(north + 60, 0)] + Geography.canal.map(utm), crs: Self.utm)
        let canal = try canalLine.buffer(Geography.canalWidth / 2, style: BufferStyle(quadrantSegments: 2, cap: .flat))
            .intersection(outline).polygonalPart()
        water.append(Feature(id: .string("W\(n + 2)"), geometry: canal, properties: [
            "id": .string("W\(n + 2)"), "name": .string("Dortmund-Ems-Kanal"), "kind": .string("canal"),
        ]))
        return (water, quays, try Geometry.unaryUnion(of: basinGeometries))
    }

    func makeCorridors(inputs: Inputs, outline: Geometry, utm: ((Double, Double)) throws -> Coordinate) throws -> [Feature] {
        var out: [Feature] = []
        func add(_ id: String, _ name: String, _ kind: String, _ points: [Coordinate], source: String) throws {
            guard points.count >= 2 else { return }
            let line = try Geometry(lineString: points.map { Coordinate(($0.x * 100).rounded() / 100, ($0.y * 100).rounded() / 100) }, crs: Self.utm)
            let inside = try line.intersection(outline)
            guard !inside.isEmpty else { return }
            out.append(Feature(id: .string(id), geometry: inside, properties: [
                "id": .string(id), "name": .string(name), "kind": .string(kind), "source": .string(source),
            ]))
        }
        // Stadtbahn: the stations whose `lines` include the line, in the shortest order.
        var byLine: [String: [Coordinate]] = [:]
        for feature in inputs.vrrStations.features {
            guard case let .string(lines)? = feature.properties["lines"], let g = feature.geometry else { continue }
            for line in lines.split(separator: ";") where line.count == 3 && line.hasPrefix("U4") {
                byLine[String(line), default: []].append(Coordinate(g.x!, g.y!))
            }
        }
        for line in byLine.keys.sorted() {
            try add(line, "Stadtbahn \(line)", "stadtbahn", Self.shortestPath(through: byLine[line]!),
                    source: "modelled: straight lines through the real VRR stations of the line")
        }
        var stationAt: [String: Coordinate] = [:]
        for feature in inputs.dbStations.features {
            if case let .string(name)? = feature.properties["name"], let g = feature.geometry { stationAt[name] = Coordinate(g.x!, g.y!) }
        }
        for line in Geography.railLines {
            try add(line.id, line.name, "rail", line.stations.compactMap { stationAt[$0] },
                    source: "modelled: straight lines between real DB stations")
        }
        for road in Geography.roads {
            try add(road.id, road.name, "road", try road.points.map(utm), source: "modelled: schematic course")
        }
        return out
    }

    /// An order of the points with a short total length: nearest neighbour from every start,
    /// improved by 2-opt, the shortest kept (the stops of one line, n ≤ 40).
    static func shortestPath(through points: [Coordinate]) -> [Coordinate] {
        let n = points.count
        guard n > 2 else { return points }
        func d(_ a: Int, _ b: Int) -> Double { ((points[a].x - points[b].x) * (points[a].x - points[b].x) + (points[a].y - points[b].y) * (points[a].y - points[b].y)).squareRoot() }
        func length(_ o: [Int]) -> Double { (0..<(n - 1)).reduce(0) { $0 + d(o[$1], o[$1 + 1]) } }
        var best: (Double, [Int])?
        for start in 0..<n {
            var order = [start], left = Set(0..<n).subtracting([start])
            while !left.isEmpty {
                let last = order.last!
                let next = left.min { d($0, last) != d($1, last) ? d($0, last) < d($1, last) : $0 < $1 }!
                order.append(next)
                left.remove(next)
            }
            var improved = true
            while improved {
                improved = false
                for i in 0..<(n - 2) {
                    for j in (i + 2)..<n {
                        let old = d(order[i], order[i + 1]) + (j + 1 < n ? d(order[j], order[j + 1]) : 0)
                        let new = d(order[i], order[j]) + (j + 1 < n ? d(order[i + 1], order[j + 1]) : 0)
                        if new < old - 1e-9 { order[(i + 1)...j].reverse(); improved = true }
                    }
                }
                for j in 1..<(n - 1) where d(order[0], order[j + 1]) < d(order[j], order[j + 1]) - 1e-9 {
                    order[0...j].reverse()
                    improved = true
                }
            }
            let total = length(order)
            if best == nil || total < best!.0 { best = (total, order) }
        }
        return best!.1.map { points[$0] }
    }
}

extension CityGenerator.City {
    /// The files `write(to:)` makes, in the order it makes them.
    public static let fileNames = ["parcels.geojson", "buildings.geojson", "harbour.geojson", "quays.geojson",
                                   "corridors.geojson", "manifest.json"]

    /// Writes the modelled layers into `directory` in EPSG:25832 with the legacy `crs` member
    /// and centimetre precision (as Dortmund's and NRW's portals publish), and the manifest.
    public func write(to directory: String) throws {
        let options = GeoJSONWriteOptions(crs: .etrs89UTM32N, precision: 2)
        for (layer, name) in [(parcels, "parcels"), (buildings, "buildings"), (water, "harbour"), (quays, "quays"), (corridors, "corridors")] {
            try layer.write(to: "\(directory)/\(name).geojson", options: options)
        }
        let file = try OutputFile(path: "\(directory)/manifest.json")
        try file.write(PropertyValue.object(manifest).jsonText + "\n")
        try file.commit()
    }
}
