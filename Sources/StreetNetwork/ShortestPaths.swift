import HeapModule

/// Shortest walking distances from many sources at once (multi-source Dijkstra with a
/// binary heap, swift-collections' `Heap`), up to a cutoff.
///
/// Each seed starts a node at a distance (a facility's snap distance plus the way along its
/// edge to that end), so the result at every node is the distance to the nearest source and
/// which source that is. Nodes farther than `cutoff` stay unreached (`distance` infinite,
/// `source` -1): a path through them is longer than the cutoff anyway.
public struct ShortestPaths: Sendable {
    /// Per node: the distance (m) to the nearest source, or +infinity.
    public let distance: [Double]
    /// Per node: the nearest source, or -1.
    public let source: [Int32]
    public let cutoff: Double

    /// A node's start: `node` at `distance` from `source`.
    public struct Seed: Sendable, Equatable {
        public var node: Int32
        public var distance: Double
        public var source: Int32
        public init(node: Int32, distance: Double, source: Int32) {
            self.node = node
            self.distance = distance
            self.source = source
        }
    }

    struct Entry: Comparable {
        var distance: Double
        var node: Int32
        static func < (a: Entry, b: Entry) -> Bool { a.distance != b.distance ? a.distance < b.distance : a.node < b.node }
    }

    public init(graph: StreetGraph, seeds: [Seed], cutoff: Double = .infinity) {
        var distance = [Double](repeating: .infinity, count: graph.nodeCount)
        var source = [Int32](repeating: -1, count: graph.nodeCount)
        var heap = Heap<Entry>()
        for seed in seeds where seed.distance <= cutoff {
            let n = Int(seed.node)
            if seed.distance < distance[n] || (seed.distance == distance[n] && seed.source < source[n]) {
                distance[n] = seed.distance
                source[n] = seed.source
                heap.insert(Entry(distance: seed.distance, node: seed.node))
            }
        }
        var done = [Bool](repeating: false, count: graph.nodeCount)
        graph.offsets.withUnsafeBufferPointer { offsets in
            graph.neighbours.withUnsafeBufferPointer { neighbours in
                graph.neighbourEdges.withUnsafeBufferPointer { edges in
                    graph.edgeLength.withUnsafeBufferPointer { lengths in
                        while let entry = heap.popMin() {
                            let u = Int(entry.node)
                            if done[u] || entry.distance > distance[u] { continue }
                            done[u] = true
                            let du = distance[u], su = source[u]
                            for k in Int(offsets[u])..<Int(offsets[u + 1]) {
                                let v = Int(neighbours[k])
                                if done[v] { continue }
                                let dv = du + lengths[Int(edges[k])]
                                if dv <= cutoff, dv < distance[v] {
                                    distance[v] = dv
                                    source[v] = su
                                    heap.insert(Entry(distance: dv, node: Int32(v)))
                                }
                            }
                        }
                    }
                }
            }
        }
        self.distance = distance
        self.source = source
        self.cutoff = cutoff
    }
}
