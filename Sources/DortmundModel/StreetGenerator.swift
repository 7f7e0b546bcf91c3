import GeoCore
import GeoIO
import UrbanAnalysis

extension CityGenerator {
    /// How often the model puts a crossing over the canal, the harbour and the railways: on
    /// every `crossingEvery`-th grid line (the others stop at the barrier).
    static let crossingEvery = 4

    /// The modelled street network of the dataset: the centrelines of the same jittered street
    /// grid the blocks are cut from (one LineString per street segment between two grid
    /// corners, inside the city), footpaths through the parks (from the corners of a green
    /// cell to its centre), and over the canal, the harbour basins and the railways a street
    /// continues only on every fourth grid line (`kind: bridge`); elsewhere it stops at the
    /// barrier, so the barriers show in walking distances. Segments share their end vertices
    /// exactly, so the lines meet where the streets meet.
    ///
    /// Made separately from ``generate(_:)`` (the other layers keep their bytes); the same
    /// seed and parcel count give the same grid and land use as the blocks.
    public func streets(_ inputs: Inputs) throws -> Layer {
        let toUTM = try Transformer.shared(from: .wgs84, to: Self.utm)
        func utm(_ p: (Double, Double)) throws -> Coordinate { try toUTM.transform(Coordinate(p.0, p.1)) }
        let outline = try Geometry.unaryUnion(of: inputs.districts.geometries)
        let city = try PreparedGeometry(outline)
        let (water, _, basinsUnion) = try makeWater(outline: outline, utm: utm)
        let waterPrepared = try PreparedGeometry(Geometry.unaryUnion(of: water.map { $0.geometry! }))
        let basins = try PreparedGeometry(basinsUnion)
        let canal = try PreparedGeometry(Geometry(lineString: [Geography.harbour] + Geography.canal.map(utm), crs: Self.utm))
        let corridors = try makeCorridors(inputs: inputs, outline: outline, utm: utm)
        let railLines = corridors.filter { $0.properties["kind"] == .string("rail") }.map { $0.geometry! }
        let rail = try PreparedGeometry(Geometry(collection: .geometryCollection, of: railLines, crs: Self.utm))
        let roads = try PreparedGeometry(Geometry(collection: .geometryCollection,
                                                  of: corridors.filter { $0.properties["kind"] == .string("road") }.map { $0.geometry! }, crs: Self.utm))
        let stations = inputs.dbStations.features.filter { $0.properties["name"] != .string("Dortmund Hbf") }.map { $0.geometry! }
        let stationPoints = try PreparedGeometry(Geometry(collection: .multiPoint, of: stations, crs: Self.utm))
        let areas = try Geography.areas.map { (area: $0, centre: try utm($0.centre)) }
        let boundary = try PreparedGeometry(outline.boundary())
        let field = LandUseField(seed: seed, basins: basins, canal: canal, rail: rail, roads: roads, stations: stationPoints,
                                 areas: areas, boundary: boundary, noise: ValueNoise(seed: seed ^ 0x51ED, scale: 900))

        // The grid exactly as generate(_:) draws it.
        let meanLot = 0.55 * (try outline.area()) / Double(parcels)
        let cell = Swift.min(800, Swift.max(36, (11 * meanLot).squareRoot()))
        let box = outline.envelope
        let columns = Int(((box.maxX - box.minX) / cell).rounded(.up)), rows = Int(((box.maxY - box.minY) / cell).rounded(.up))
        let seed = self.seed
        func corner(_ i: Int, _ j: Int) -> Coordinate {
            var r = SeededRandom(seed: seed, stream: "grid", index: i * 100_003 + j)
            let jitter = 0.16 * cell
            return Coordinate(box.minX + Double(i) * cell + r.uniform(-jitter, jitter), box.minY + Double(j) * cell + r.uniform(-jitter, jitter))
        }
        func round(_ c: Coordinate) -> Coordinate { Coordinate((c.x * 100).rounded() / 100, (c.y * 100).rounded() / 100) }

        // Per cell: its street segments (south and west edge; the last row and column close
        // the grid) and, in a green cell, the footpath; all cells on all cores, kept in order.
        let cells = Array(0..<((columns + 1) * (rows + 1)))
        let pieces: [[Feature]] = try cells.parallelMap(minimumChunk: 32) { k in
            let i = k % (columns + 1), j = k / (columns + 1)
            var out: [Feature] = []
            func segment(_ a: Coordinate, _ b: Coordinate, onGridLine line: Int, id: String) throws {
                let g = try Geometry(lineString: [round(a), round(b)], crs: Self.utm)
                guard try city.intersects(g) else { return }
                let barrier = try waterPrepared.intersects(g) || rail.intersects(g)
                if barrier, line % Self.crossingEvery != 0 { return }
                out.append(Feature(id: .string(id), geometry: g, properties: ["kind": .string(barrier ? "bridge" : "street")]))
            }
            if i < columns { try segment(corner(i, j), corner(i + 1, j), onGridLine: j, id: "s\(i)-\(j)-e") }
            if j < rows { try segment(corner(i, j), corner(i, j + 1), onGridLine: i, id: "s\(i)-\(j)-n") }
            if i < columns, j < rows {
                let quad = [corner(i, j), corner(i + 1, j), corner(i + 1, j + 1), corner(i, j + 1), corner(i, j)]
                let cellPolygon = try Geometry(polygon: quad, crs: Self.utm)
                if try city.intersects(cellPolygon) {
                    var random = SeededRandom(seed: seed, stream: "block", index: j * columns + i)
                    let centre = try cellPolygon.centroid()
                    let middle = Coordinate(centre.x!, centre.y!)
                    if try field.landUse(at: middle, random: &random) == .green {
                        let path = try Geometry(lineString: [round(corner(i, j)), round(middle), round(corner(i + 1, j + 1))], crs: Self.utm)
                        if try !waterPrepared.intersects(path), try !rail.intersects(path), try city.intersects(path) {
                            out.append(Feature(id: .string("p\(i)-\(j)"), geometry: path, properties: ["kind": .string("footpath")]))
                        }
                    }
                }
            }
            return out
        }
        return Layer(name: "streets", crs: Self.utm, features: pieces.flatMap { $0 })
    }
}
