import Foundation
import Testing
import PropertyBased
import GeoCore
@testable import StreetNetwork

/// The snapper's grid search finds what an exhaustive search over every edge finds: the least
/// distance to an edge, ties to the lowest edge number, for points on, beside, between and far
/// outside the network (where the R-tree answers).
@Suite struct SnapSearchTests {
    static let nodes = zip(Gen.double(in: 0...2000), Gen.double(in: 0...800)).array(of: 2...60)
    static let links = zip(Gen.int(in: 0...59), Gen.int(in: 0...59)).array(of: 1...120)
    static let points = zip(Gen.double(in: -3000...5000), Gen.double(in: -3000...4000)).array(of: 20)

    /// Every edge tried: the least distance, ties to the lowest edge.
    static func exhaustive(_ snapper: EdgeSnapper, _ g: StreetGraph, _ x: Double, _ y: Double) -> Snap? {
        var best: Snap?
        for e in 0..<g.edgeCount where snapper.target == .anyComponent || g.component(ofEdge: e) == 0 {
            let s = snapper.project(x, y, onto: e)
            if best == nil || s.distance < best!.distance { best = s }
        }
        return best
    }

    @Test func gridSearchEqualsExhaustiveSearch() async {
        await propertyCheck(count: 300, input: SnapSearchTests.nodes, SnapSearchTests.links, SnapSearchTests.points) { nodes, links, points in
            let lines = links.map { l in [nodes[l.0 % nodes.count], nodes[l.1 % nodes.count]].map { Coordinate($0.0, $0.1) } }
            guard let g = try? StreetGraph(lines: lines, crs: .etrs89UTM32N), g.edgeCount > 0 else { return }
            for target in EdgeSnapper.Target.allCases {
                let snapper = EdgeSnapper(graph: g, target: target)
                // The generated points, and points exactly on nodes and edge midpoints (ties between edges).
                var probes = points
                for e in 0..<min(g.edgeCount, 10) {
                    let a = Int(g.edgeFrom[e]), b = Int(g.edgeTo[e])
                    probes.append((g.x[a], g.y[a]))
                    probes.append(((g.x[a] + g.x[b]) / 2, (g.y[a] + g.y[b]) / 2))
                }
                for (x, y) in probes {
                    let found = snapper.snap(x, y), expected = SnapSearchTests.exhaustive(snapper, g, x, y)
                    #expect(found == expected, "(\(x), \(y)) \(target)")
                }
            }
        }
    }

    /// A city-like grid (200 m blocks, 30 x 30), probed on a fine lattice: the case the grid is for.
    @Test func streetGridProbedEverywhere() throws {
        var lines: [[Coordinate]] = []
        for i in 0...30 {
            lines.append([Coordinate(Double(i) * 200, 0), Coordinate(Double(i) * 200, 6000)])
            lines.append([Coordinate(0, Double(i) * 200), Coordinate(6000, Double(i) * 200)])
        }
        lines.append([Coordinate(10, 10), Coordinate(5990, 5977)])
        let g = try StreetGraph(lines: lines, crs: .etrs89UTM32N)
        let snapper = EdgeSnapper(graph: g, target: .anyComponent)
        var checked = 0
        for i in stride(from: -400.0, through: 6400, by: 37.3) {
            for j in stride(from: -400.0, through: 6400, by: 41.9) {
                #expect(snapper.snap(i, j) == SnapSearchTests.exhaustive(snapper, g, i, j), "(\(i), \(j))")
                checked += 1
            }
        }
        #expect(checked > 20000)
    }
}
