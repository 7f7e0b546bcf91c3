/// A street layer seen as a graph, for a user to judge it before trusting distances on it:
/// nodes, edges, kilometres, components and the largest one's share, and which facilities
/// would be off the network.
public struct GraphStatistics: Sendable, Equatable, Codable {
    public var nodes: Int
    public var edges: Int
    public var kilometres: Double
    public var components: Int
    /// The largest component's nodes and its share of all nodes and of all length.
    public var largestComponentNodes: Int
    public var largestComponentNodeShare: Double
    public var largestComponentLengthShare: Double
    /// Nodes with one edge (dead ends, or lines that should meet and do not).
    public var deadEnds: Int
    /// Facilities checked, and those farther than `max_snap_m` from the edges they may snap onto.
    public var facilities: Int?
    public var facilitiesOffNetwork: Int?

    enum CodingKeys: String, CodingKey {
        case nodes, edges, kilometres = "km", components
        case largestComponentNodes = "largest_component_nodes", largestComponentNodeShare = "largest_component_node_share"
        case largestComponentLengthShare = "largest_component_length_share", deadEnds = "dead_ends"
        case facilities, facilitiesOffNetwork = "facilities_off_network"
    }

    public init(_ graph: StreetGraph, reach: NetworkReach? = nil) {
        nodes = graph.nodeCount
        edges = graph.edgeCount
        let total = graph.edgeLength.reduce(0, +)
        kilometres = total / 1000
        components = graph.componentNodeCounts.count
        largestComponentNodes = graph.componentNodeCounts.first ?? 0
        largestComponentNodeShare = nodes > 0 ? Double(largestComponentNodes) / Double(nodes) : 0
        var largest = 0.0
        for e in 0..<graph.edgeCount where graph.component(ofEdge: e) == 0 { largest += graph.edgeLength[e] }
        largestComponentLengthShare = total > 0 ? largest / total : 0
        deadEnds = (0..<graph.nodeCount).filter { graph.offsets[$0 + 1] - graph.offsets[$0] == 1 }.count
        facilities = reach?.facilitySnaps.count
        facilitiesOffNetwork = reach?.offNetwork.count
    }
}
