import Dispatch
import GeoCore

/// Where a point meets the street network: the nearest point on the nearest walkable edge,
/// interpolated along it (not the nearest node).
public struct Snap: Sendable, Equatable {
    /// The edge, and the way along it from its `edgeFrom` node (m).
    public var edge: Int
    public var along: Double
    /// The straight distance from the point to the snap point (m): `snap_m`.
    public var distance: Double
    /// The snap point.
    public var x: Double, y: Double
}

/// Snaps points onto a graph's edges, by default only onto its largest connected component.
public struct EdgeSnapper: Sendable {
    /// Which edges points may snap onto.
    public enum Target: String, Codable, Sendable, CaseIterable {
        /// The largest connected component (most nodes): a point is never stranded on an
        /// island of a few edges, which would serve it from nowhere.
        case largestComponent = "largest-component"
        case anyComponent = "any-component"
    }

    public let graph: StreetGraph
    public let target: Target
    /// The edges points may snap onto, ascending; the index's positions refer to it.
    let edges: [Int32]
    /// The grid most queries are answered from; the R-tree takes the rest (points outside the
    /// grid or far from every edge). The R-tree is started on another core when the snapper is
    /// made, so it is ready (or nearly) when the first far point asks for it.
    let grid: EdgeGrid
    /// Per position in `edges`: the edge's start (x, y) and its run to the end (dx, dy), as
    /// ``project(_:_:onto:)`` computes them, side by side so a grid query reads one place per edge.
    private let segments: [Double]
    private let boxes: [Envelope]
    private let tree: Locked<SpatialIndex?>
    var index: SpatialIndex {
        tree.withLock { tree in
            if tree == nil { tree = SpatialIndex(boxes) }
            return tree!
        }
    }

    public init(graph: StreetGraph, target: Target = .largestComponent) {
        self.graph = graph
        self.target = target
        let edges = (0..<graph.edgeCount).filter { target == .anyComponent || graph.component(ofEdge: $0) == 0 }.map(Int32.init)
        self.edges = edges
        let boxes = edges.map { e in
            let a = Int(graph.edgeFrom[Int(e)]), b = Int(graph.edgeTo[Int(e)])
            return Envelope(minX: min(graph.x[a], graph.x[b]), minY: min(graph.y[a], graph.y[b]),
                            maxX: max(graph.x[a], graph.x[b]), maxY: max(graph.y[a], graph.y[b]))
        }
        self.boxes = boxes
        var segments = [Double](repeating: 0, count: 4 * edges.count)
        for (i, e) in edges.enumerated() {
            let a = Int(graph.edgeFrom[Int(e)]), b = Int(graph.edgeTo[Int(e)])
            segments[4 * i] = graph.x[a]
            segments[4 * i + 1] = graph.y[a]
            segments[4 * i + 2] = graph.x[b] - graph.x[a]
            segments[4 * i + 3] = graph.y[b] - graph.y[a]
        }
        self.segments = segments
        // The R-tree is built on another core while the grid is built here and the caller snaps
        // its facilities and runs its Dijkstra, rather than on the first far point, where every
        // thread snapping would wait for it. A query that needs it first waits for it (or, if
        // it comes before the build has begun, builds it; the build then finds it done).
        let tree = Locked<SpatialIndex?>(nil)
        self.tree = tree
        DispatchQueue.global().async {
            tree.withLock { if $0 == nil { $0 = SpatialIndex(boxes) } }
        }
        grid = EdgeGrid(boxes: boxes)
    }

    /// The nearest point on edge `e` to (px, py).
    public func project(_ px: Double, _ py: Double, onto e: Int) -> Snap {
        let a = Int(graph.edgeFrom[e]), b = Int(graph.edgeTo[e])
        let ax = graph.x[a], ay = graph.y[a], dx = graph.x[b] - ax, dy = graph.y[b] - ay
        let t = Swift.min(1, Swift.max(0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
        let sx = ax + t * dx, sy = ay + t * dy
        return Snap(edge: e, along: t * graph.edgeLength[e], distance: (px - sx).hypot(py - sy), x: sx, y: sy)
    }

    /// The snap of a point: nearest edge (ties: the lowest edge number), nil when there is
    /// no edge to snap onto.
    public func snap(_ px: Double, _ py: Double) -> Snap? {
        guard px.isFinite, py.isFinite else { return nil }
        // The grid's candidates are measured as `project` measures them (the same arithmetic,
        // so the same distances; squared, with `hypot` only for near ties), reading the
        // segments without bounds checks or reference counts.
        let hit = segments.withUnsafeBufferPointer { segments in
            grid.nearest(px, py, squaredDistance: { i in
                let ax = segments[4 * i], ay = segments[4 * i + 1], dx = segments[4 * i + 2], dy = segments[4 * i + 3]
                let t = Swift.min(1, Swift.max(0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
                let ex = px - (ax + t * dx), ey = py - (ay + t * dy)
                return ex * ex + ey * ey
            }, distance: { i in
                let ax = segments[4 * i], ay = segments[4 * i + 1], dx = segments[4 * i + 2], dy = segments[4 * i + 3]
                let t = Swift.min(1, Swift.max(0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
                let sx = ax + t * dx, sy = ay + t * dy
                return (px - sx).hypot(py - sy)
            })
        }
        if let hit { return project(px, py, onto: Int(edges[hit])) }
        let box = Envelope(minX: px, minY: py, maxX: px, maxY: py)
        let tree = index
        guard let hit = tree.nearest(to: box, k: 1, distance: { project(px, py, onto: Int(edges[$0])).distance }).first else { return nil }
        // The best-first search may pass over an edge as near (a shared node) or nearer by a
        // rounding of its box's distance: every edge within a hair of the distance found decides.
        let reach = hit.distance * (1 + 1e-9) + 1e-9
        var best = (item: hit.item, distance: hit.distance)
        tree.forEach(intersecting: Envelope(minX: px - reach, minY: py - reach, maxX: px + reach, maxY: py + reach)) { item in
            let d = project(px, py, onto: Int(edges[item])).distance
            if d < best.distance || (d == best.distance && item < best.item) { best = (item, d) }
            return true
        }
        return project(px, py, onto: Int(edges[best.item]))
    }
}
