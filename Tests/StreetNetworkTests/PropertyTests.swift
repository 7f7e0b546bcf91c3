import Foundation
import Testing
import PropertyBased
import GeoCore
@testable import StreetNetwork

/// Properties every walking distance must have, on generated graphs: symmetric, the triangle
/// inequality, and never shorter than the straight line.
@Suite struct PropertyTests {
    static let nodes = zip(Gen.double(in: 0...1000), Gen.double(in: 0...1000)).array(of: 4...30)
    static let links = zip(Gen.int(in: 0...29), Gen.int(in: 0...29)).array(of: 3...60)
    static let points = zip(Gen.double(in: -50...1050), Gen.double(in: -50...1050)).array(of: 3)

    /// The graph whose edges join the generated nodes (pairs past the node count wrap round).
    static func graph(_ nodes: [(Double, Double)], _ links: [(Int, Int)]) throws -> StreetGraph {
        let lines = links.map { l in [nodes[l.0 % nodes.count], nodes[l.1 % nodes.count]].map { Coordinate($0.0, $0.1) } }
        return try StreetGraph(lines: lines, crs: .etrs89UTM32N)
    }

    /// The walking distance from p to q (q as the only facility), any component, no snap limit.
    static func distance(_ g: StreetGraph, _ p: (Double, Double), _ q: (Double, Double)) -> Double? {
        NetworkReach(snapper: EdgeSnapper(graph: g, target: .anyComponent), facilities: [(x: q.0, y: q.1)], cutoff: .infinity, maxSnap: .infinity)
            .walk(fromX: p.0, y: p.1).distance
    }

    @Test func symmetricTriangleAndNeverShorterThanTheCrowFlies() async {
        await propertyCheck(count: 200, input: PropertyTests.nodes, PropertyTests.links, PropertyTests.points) { nodes, links, points in
            let g = try PropertyTests.graph(nodes, links)
            guard g.edgeCount > 0 else { return }
            let (p, q, r) = (points[0], points[1], points[2])
            let pq = PropertyTests.distance(g, p, q), qp = PropertyTests.distance(g, q, p)
            #expect((pq == nil) == (qp == nil))
            if let pq, let qp { #expect(abs(pq - qp) <= 1e-9 * max(1, pq)) }
            if let pq { #expect(pq >= hypot(p.0 - q.0, p.1 - q.1) - 1e-9) }
            if let pq, let qr = PropertyTests.distance(g, q, r) {
                let pr = PropertyTests.distance(g, p, r)
                #expect(pr != nil)
                if let pr { #expect(pr <= pq + qr + 1e-9 * max(1, pq + qr)) }
            }
        }
    }

    /// Multi-source Dijkstra equals the minimum over single sources, node by node.
    @Test func multiSourceIsTheMinimumOfSingleSources() async {
        await propertyCheck(count: 100, input: PropertyTests.nodes, PropertyTests.links, PropertyTests.points) { nodes, links, points in
            let g = try PropertyTests.graph(nodes, links)
            guard g.edgeCount > 0 else { return }
            let snapper = EdgeSnapper(graph: g, target: .anyComponent)
            let all = NetworkReach(snapper: snapper, facilities: points.map { (x: $0.0, y: $0.1) }, cutoff: .infinity, maxSnap: .infinity)
            let singles = points.map { NetworkReach(snapper: snapper, facilities: [(x: $0.0, y: $0.1)], cutoff: .infinity, maxSnap: .infinity) }
            for n in 0..<g.nodeCount {
                #expect(all.paths.distance[n] == singles.map { $0.paths.distance[n] }.min()!)
            }
        }
    }
}
