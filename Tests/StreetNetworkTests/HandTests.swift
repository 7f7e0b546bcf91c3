import Foundation
import Testing
import GeoCore
import GeoIO
@testable import StreetNetwork

/// The cases of issue 16, each worked out by hand from the geometry.
@Suite struct HandTests {
    let utm = CRS.etrs89UTM32N

    func graph(_ lines: [[(Double, Double)]], nodeCrossings: Bool = false) throws -> StreetGraph {
        try StreetGraph(lines: lines.map { $0.map { Coordinate($0.0, $0.1) } }, crs: utm, nodeCrossings: nodeCrossings)
    }

    func reach(_ g: StreetGraph, _ facilities: [(Double, Double)], cutoff: Double = 10_000, snapTo: EdgeSnapper.Target = .largestComponent,
               maxSnap: Double = 250) -> NetworkReach {
        NetworkReach(snapper: EdgeSnapper(graph: g, target: snapTo), facilities: facilities.map { (x: $0.0, y: $0.1) }, cutoff: cutoff, maxSnap: maxSnap)
    }

    @Test func tJunction() throws {
        // A: (0,0)-(100,0)-(200,0); B leaves A's middle vertex northwards: 4 nodes, 3 edges.
        let g = try graph([[(0, 0), (100, 0), (200, 0)], [(100, 0), (100, 100)]])
        #expect(g.nodeCount == 4 && g.edgeCount == 3 && g.componentNodeCounts == [4])
        // Stop 5 m north of A's east end; origin at B's north end: 0 + 100 + 100 + 5.
        let r = reach(g, [(200, 5)])
        let walk = r.walk(fromX: 100, y: 100)
        #expect(walk.distance == 205 && walk.facility == 0 && walk.snap?.distance == 0)
        // The statistics: 0.3 km (200 + 100 m), one component holding everything, 3 dead ends.
        let stats = GraphStatistics(g, reach: r)
        #expect(stats.kilometres == 0.3 && stats.components == 1 && stats.largestComponentNodeShare == 1 && stats.deadEnds == 3)
        #expect(stats.facilitiesOffNetwork == 0)
    }

    @Test func bridgeWithoutSharedVertex() throws {
        // B crosses A at (100, 0), where A has a vertex and B has none: a bridge.
        let lines = [[(0.0, 0.0), (100, 0), (200, 0)], [(100, -100), (100, 100)]]
        let bridge = try graph(lines)
        #expect(bridge.componentNodeCounts == [3, 2])
        // From B's north end to a stop at A's east end: no way along the streets.
        let apart = reach(bridge, [(200, 0)], snapTo: .anyComponent).walk(fromX: 100, y: 100)
        #expect(apart.distance == nil && !apart.offNetwork && apart.snap?.distance == 0)
        // Nodded at the crossing (ATKIS-style centrelines): 100 + 100.
        let noded = try graph(lines, nodeCrossings: true)
        #expect(noded.componentNodeCounts == [5] && noded.edgeCount == 4)
        #expect(reach(noded, [(200, 0)]).walk(fromX: 100, y: 100).distance == 200)
    }

    @Test func facilityInTheMiddleOfAnEdge() throws {
        let g = try graph([[(0, 0), (1000, 0)]])
        let r = reach(g, [(500, 20)], cutoff: 1000)
        #expect(r.facilitySnaps[0] == Snap(edge: 0, along: 500, distance: 20, x: 500, y: 0))
        // From the west end: 500 along the edge + 20 to the stop (not via a node 500 m off).
        #expect(r.walk(fromX: 0, y: 0).distance == 520)
        // 100 m of reach: 80 m either side of the snap point, though no node is reached.
        #expect(r.reachedPieces(within: 100) == [NetworkReach.Piece(edge: 0, start: 420, end: 580)])
        #expect(r.reachedPieces(within: 600) == [NetworkReach.Piece(edge: 0, start: 0, end: 1000)])
        // Its polygon: the 160 m piece buffered by 40 m: 160·80 + π·40² (a 32-gon's ends: 2·40²·8·sin(π/16)·... ).
        let area = try r.area(within: 100, buffer: 40).area()
        let capArea = 0.5 * 32 * 40 * 40 * sin(2 * Double.pi / 32)       // the two half 32-gons make one
        #expect(abs(area - (160 * 80 + capArea)) < 1e-6)
    }

    @Test func originExactlyAtTheRadius() throws {
        let g = try graph([[(0, 0), (300, 0), (300, 200)]])
        let r = reach(g, [(0, 0)], cutoff: 500)
        #expect(r.walk(fromX: 300, y: 200).distance == 500)
        // A hair beyond: not within the cutoff.
        #expect(r.walk(fromX: 300, y: 200.001).distance == nil)
        #expect(r.reachedPieces(within: 500).count == 2)
    }

    @Test func originAndFacilityOnTheSameEdge() throws {
        let g = try graph([[(0, 0), (1000, 0)]])
        let r = reach(g, [(300, 10)])
        // 10 to the street, 400 along it, 5 off it; via either node it would be 1,010 or more.
        #expect(r.walk(fromX: 700, y: -5).distance == 415)
    }

    @Test func island() throws {
        // A grid block and an island of one edge 5 km away.
        let g = try graph([[(0, 0), (100, 0), (100, 100), (0, 100), (0, 0)], [(5000, 5000), (5010, 5000)]])
        #expect(g.componentNodeCounts == [4, 2])
        let stats = GraphStatistics(g)
        #expect(stats.components == 2 && stats.largestComponentNodes == 4 && abs(stats.largestComponentLengthShare - 400.0 / 410) < 1e-15)
        // By default an origin by the island snaps onto the main network, 7 km away: off the network.
        let main = reach(g, [(50, 0)]).walk(fromX: 5005, y: 5001)
        #expect(main.offNetwork && main.distance == nil && main.snap!.distance > 250)
        // Allowed onto any component, it snaps onto the island (1 m) and reaches nothing.
        let any = reach(g, [(50, 0)], snapTo: .anyComponent).walk(fromX: 5005, y: 5001)
        #expect(!any.offNetwork && any.distance == nil && any.snap?.distance == 1)
        // A stop on the island is off the network by default: it serves no one, and is counted.
        let r = reach(g, [(5005, 5000)])
        #expect(r.offNetwork == [0] && r.reachedPieces(within: 500).isEmpty)
        #expect(try r.area(within: 500, buffer: 40).isEmpty)
    }

    @Test func canalWithOneBridge() throws {
        // West bank x = 0, east bank x = 100 (the canal between), one bridge at y = -800.
        let g = try graph([[(0, -1000), (0, -800), (0, 0), (0, 1000)], [(100, -1000), (100, -800), (100, 0), (100, 1000)],
                           [(0, -800), (100, -800)]])
        let stop = (100.0, 0.0), origin = (-10.0, 0.0)
        // As the crow flies the stop is 110 m away: served within 300 m.
        #expect(hypot(stop.0 - origin.0, stop.1 - origin.1) <= 300)
        // On foot: 10 to the bank, 800 south, 100 over the bridge, 800 north.
        #expect(reach(g, [stop], cutoff: 300).walk(fromX: origin.0, y: origin.1).distance == nil)
        #expect(reach(g, [stop], cutoff: 2000).walk(fromX: origin.0, y: origin.1).distance == 1710)
        // The 300 m catchment stays on the east bank: its pieces are the east street ±300 m.
        let pieces = reach(g, [stop], cutoff: 300).reachedPieces(within: 300)
        #expect(pieces.allSatisfy { g.edgeFeature[$0.edge] == 1 })
        #expect(abs(pieces.map { $0.end - $0.start }.reduce(0, +) - 600) < 1e-9)
    }

    @Test func badInput() throws {
        var builder = try StreetGraph.Builder(crs: utm)
        #expect(builder.add(line: [0, 0], feature: 0) == .tooShort)
        #expect(builder.add(line: [5, 5, 5, 5, 5, 5], feature: 1) == .tooShort)            // a self-loop of zero length
        #expect(builder.add(line: [0, 0, .nan, 1], feature: 2) == .nonFinite)
        #expect(builder.add(line: [0, 0, 0, 0, 10, 0, 10, 0], feature: 3) == nil)            // two zero-length segments dropped
        #expect(builder.zeroLengthSegments == 2)
        let g = try builder.build()
        #expect(g.edgeCount == 1 && g.edgeLength == [10])
        // A streets layer in degrees is refused.
        #expect(throws: NetworkError.self) { try StreetGraph.Builder(crs: .wgs84) }
        // From features: every feature is used, filtered out or a problem with its reason.
        let features = [
            Feature(id: .string("a"), geometry: try Geometry(lineString: [Coordinate(0, 0), Coordinate(10, 0)], crs: utm), properties: ["highway": .string("residential")]),
            Feature(id: .string("b"), geometry: try Geometry(x: 3, y: 3, crs: utm), properties: ["highway": .string("footway")]),
            Feature(id: .string("c"), geometry: try Geometry(lineString: [Coordinate(0, 0), Coordinate(0, 10)], crs: utm), properties: ["highway": .string("motorway")]),
        ]
        let made = try StreetGraph.make(from: features, crs: utm, options: .init(preset: .osmWalk))
        #expect(made.used == 1 && made.filteredOut == 1 && made.problems.count == 1 && made.problems[0].id == "b")
        // Every facility off the network: no distances, nothing reached, no crash.
        let r = reach(made.graph, [(5000, 5000), (-900, 0)])
        #expect(r.offNetwork == [0, 1] && r.walk(fromX: 5, y: 0).distance == nil)
        #expect(try r.area(within: 500, buffer: 40).isEmpty)
    }

    @Test func osmWalkPreset() {
        let f = WalkableFilter.osmWalk
        #expect(f.accepts(["highway": .string("footway")]))
        #expect(!f.accepts(["highway": .string("motorway")]))
        #expect(!f.accepts(["highway": .string("cycleway")]))
        #expect(f.accepts(["highway": .string("cycleway"), "other_tags": .string(#""foot"=>"designated","surface"=>"asphalt""#)]))
        #expect(!f.accepts(["highway": .string("residential"), "other_tags": .string(#""access"=>"private""#)]))
        #expect(f.accepts(["highway": .string("service"), "other_tags": .string(#""access"=>"private","foot"=>"yes""#)]))
        #expect(!f.accepts(["highway": .string("primary"), "foot": .string("use_sidepath")]))
        #expect(!f.accepts(["railway": .string("rail")]))
        #expect(WalkableFilter.hstore(#""name"=>"Kai \"Nord\"","x"=>"a,b""#) == ["name": #"Kai "Nord""#, "x": "a,b"])
    }
}
