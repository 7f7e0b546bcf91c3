import GeoCore

/// An undirected street graph in compressed sparse row (CSR) form, in one metric CRS.
///
/// Every distinct vertex of a line is a node; every pair of consecutive distinct vertices of
/// a line is an edge whose length is their Euclidean distance. Lines meet only where they
/// share a vertex with identical coordinates (bridges and tunnels stay apart, as OpenStreetMap
/// models them); ``Builder/nodeCrossings`` nodes lines where they cross instead, for
/// centreline data without shared vertices.
///
/// Storage: node coordinates (`x`, `y`), edges as endpoint and length arrays, and per node
/// the range `offsets[n]..<offsets[n + 1]` of `neighbours`/`neighbourEdges` (each edge
/// appears once from each end). All arrays are immutable once built, so one graph serves
/// any number of threads.
public struct StreetGraph: Sendable {
    public let crs: CRS
    /// Node coordinates.
    public let x: [Double], y: [Double]
    /// Edge endpoints (node numbers), lengths (m) and the feature each came from (-1 when
    /// made by noding).
    public let edgeFrom: [Int32], edgeTo: [Int32]
    public let edgeLength: [Double]
    public let edgeFeature: [Int32]
    /// CSR adjacency: node n's neighbours are `neighbours[offsets[n]..<offsets[n + 1]]`,
    /// reached along `neighbourEdges` at the same positions.
    public let offsets: [Int32]
    public let neighbours: [Int32]
    public let neighbourEdges: [Int32]
    /// The connected component of each node, numbered by size (0 is the largest: most nodes,
    /// ties to the one with the lowest node).
    public let component: [Int32]
    /// Nodes per component, largest first.
    public let componentNodeCounts: [Int]

    public var nodeCount: Int { x.count }
    public var edgeCount: Int { edgeLength.count }

    /// The component of an edge.
    public func component(ofEdge e: Int) -> Int { Int(component[Int(edgeFrom[e])]) }

    /// Makes the CSR arrays and the components from nodes and edges.
    init(crs: CRS, x: [Double], y: [Double], edgeFrom: [Int32], edgeTo: [Int32], edgeFeature: [Int32]) {
        self.crs = crs
        self.x = x
        self.y = y
        self.edgeFrom = edgeFrom
        self.edgeTo = edgeTo
        self.edgeFeature = edgeFeature
        let n = x.count, m = edgeFrom.count
        var length = [Double](repeating: 0, count: m)
        var degree = [Int32](repeating: 0, count: n + 1)
        for e in 0..<m {
            let a = Int(edgeFrom[e]), b = Int(edgeTo[e])
            length[e] = (x[b] - x[a]).hypot(y[b] - y[a])
            degree[a + 1] += 1
            degree[b + 1] += 1
        }
        edgeLength = length
        for i in 0..<n { degree[i + 1] += degree[i] }
        offsets = degree
        var fill = Array(degree.dropLast())
        var neighbours = [Int32](repeating: 0, count: 2 * m), edges = [Int32](repeating: 0, count: 2 * m)
        for e in 0..<m {
            let a = Int(edgeFrom[e]), b = Int(edgeTo[e])
            neighbours[Int(fill[a])] = Int32(b); edges[Int(fill[a])] = Int32(e); fill[a] += 1
            neighbours[Int(fill[b])] = Int32(a); edges[Int(fill[b])] = Int32(e); fill[b] += 1
        }
        self.neighbours = neighbours
        neighbourEdges = edges
        // Components by breadth-first search, then renumbered largest first.
        var label = [Int32](repeating: -1, count: n)
        var sizes: [(size: Int, first: Int)] = []
        var queue: [Int32] = []
        for start in 0..<n where label[start] < 0 {
            let c = Int32(sizes.count)
            label[start] = c
            queue.removeAll(keepingCapacity: true)
            queue.append(Int32(start))
            var head = 0
            while head < queue.count {
                let u = Int(queue[head]); head += 1
                for k in Int(degree[u])..<Int(degree[u + 1]) where label[Int(neighbours[k])] < 0 {
                    label[Int(neighbours[k])] = c
                    queue.append(neighbours[k])
                }
            }
            sizes.append((queue.count, start))
        }
        let order = sizes.indices.sorted { sizes[$0].size != sizes[$1].size ? sizes[$0].size > sizes[$1].size : sizes[$0].first < sizes[$1].first }
        var rank = [Int32](repeating: 0, count: sizes.count)
        for (r, c) in order.enumerated() { rank[c] = Int32(r) }
        component = label.map { rank[Int($0)] }
        componentNodeCounts = order.map { sizes[$0].size }
    }

    /// The graph from lines given as coordinate lists (the first line is feature 0), as
    /// ``Builder`` makes it.
    public init(lines: [[Coordinate]], crs: CRS, nodeCrossings: Bool = false) throws {
        var builder = try Builder(crs: crs, nodeCrossings: nodeCrossings)
        for (i, line) in lines.enumerated() { builder.add(line: line.flatMap { [$0.x, $0.y] }, feature: i) }
        self = try builder.build()
    }
}

extension Double {
    /// √(self² + other²) without intermediate overflow.
    @inline(__always) func hypot(_ other: Double) -> Double {
        #if canImport(Glibc)
        return Glibc.hypot(self, other)
        #else
        return (self * self + other * other).squareRoot()
        #endif
    }
}

#if canImport(Glibc)
import Glibc
#endif
