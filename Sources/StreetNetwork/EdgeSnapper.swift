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
    /// The grid most queries are answered from; the R-tree, built on first need, takes the
    /// rest (points outside the grid or far from every edge).
    let grid: EdgeGrid
    private let boxes: [Envelope]
    private let tree = Locked<SpatialIndex?>(nil)
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
        // so the same distances), reading the arrays without bounds checks or reference counts.
        let hit = graph.x.withUnsafeBufferPointer { xs in
            graph.y.withUnsafeBufferPointer { ys in
                graph.edgeFrom.withUnsafeBufferPointer { from in
                    graph.edgeTo.withUnsafeBufferPointer { to in
                        edges.withUnsafeBufferPointer { edges in
                            grid.nearest(px, py) { i in
                                let e = Int(edges[i])
                                let a = Int(from[e]), b = Int(to[e])
                                let ax = xs[a], ay = ys[a], dx = xs[b] - ax, dy = ys[b] - ay
                                let t = Swift.min(1, Swift.max(0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
                                let sx = ax + t * dx, sy = ay + t * dy
                                return (px - sx).hypot(py - sy)
                            }
                        }
                    }
                }
            }
        }
        if let hit { return project(px, py, onto: Int(edges[hit.item])) }
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
