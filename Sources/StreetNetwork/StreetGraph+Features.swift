import GeoCore
import GeoIO

/// A street layer made into a graph, with what was left out and why: every feature is an
/// edge source, filtered out, or a problem (nothing is lost silently).
public struct StreetLayerGraph: Sendable {
    public var graph: StreetGraph
    /// Features the walkable filter left out.
    public var filteredOut: Int
    /// Features that gave no edge, with the reason (position in the layer, id, reason).
    public var problems: [(feature: Int, id: String?, reason: String)]
    /// Consecutive repeated vertices dropped (zero-length segments; self-loops).
    public var zeroLengthSegments: Int
    /// Features that gave edges.
    public var used: Int
}

extension StreetGraph {
    /// Options for making a graph of a street layer.
    public struct Options: Codable, Sendable, Equatable {
        /// Which lines are walkable. Default `all`.
        public var preset: WalkableFilter = .all
        /// Node lines where they cross, for centreline data without shared vertices. Default false.
        public var nodeCrossings: Bool = false

        public init(preset: WalkableFilter = .all, nodeCrossings: Bool = false) {
            self.preset = preset
            self.nodeCrossings = nodeCrossings
        }

        enum CodingKeys: String, CodingKey { case preset, nodeCrossings = "node_crossings" }
    }

    /// The graph of a layer's lines (LineString and MultiLineString; other geometries are
    /// problems), all in `crs`, which must be metric.
    public static func make(from features: [Feature], crs: CRS, options: Options = Options()) throws -> StreetLayerGraph {
        try make(from: features.map { try LineItem($0, crs: crs, preset: options.preset) }, crs: crs, options: options)
    }

    /// One feature of a street layer as the graph needs it: left out by the walkable filter, a
    /// problem, or its lines as flat x, y pairs. Made on the thread that read the feature, so
    /// that no GEOS geometry is held for the whole layer.
    struct LineItem: Sendable {
        enum Kind: Sendable {
            case filteredOut
            case problem(String)
            /// Flat x, y pairs and the vertex count of each line.
            case lines(flat: [Double], counts: [Int])
        }
        var kind: Kind
        /// The feature's id, for naming a problem.
        var id: String?

        /// Whether the graph may refuse every line of the item (then its feature is a problem).
        var mayBeProblem: Bool {
            guard case let .lines(flat, counts) = kind else { if case .problem = kind { return true }; return false }
            var offset = 0
            for c in counts {
                if Builder.refusal(of: flat[(2 * offset)..<(2 * (offset + c))]) == nil { return false }
                offset += c
            }
            return true
        }

        init(_ feature: Feature, crs: CRS, preset: WalkableFilter) throws {
            id = nil
            guard preset.accepts(feature.properties) else { kind = .filteredOut; return }
            guard let g = feature.geometry, !g.isEmpty else { kind = .problem("the feature has no geometry"); id = feature.displayID; return }
            if let gcrs = g.crs, gcrs != crs { throw GeometryError.crsMismatch(operation: "street graph", left: gcrs.identifier, right: crs.identifier) }
            guard g.type == .lineString || g.type == .multiLineString else {
                kind = .problem("a \(g.type) is not a line"); id = feature.displayID; return
            }
            var flat: [Double] = [], counts: [Int] = []
            try g.flatten(coordinates: &flat, counts: &counts, includeZ: false)
            kind = .lines(flat: flat, counts: g.type == .lineString ? counts : Array(counts.dropFirst()))
            id = feature.displayID
        }
    }

    static func make(from items: [LineItem], crs: CRS, options: Options) throws -> StreetLayerGraph {
        var builder = try Builder(crs: crs, nodeCrossings: options.nodeCrossings)
        var tally = Tally()
        for (i, item) in items.enumerated() { tally.add(item, feature: i, to: &builder) }
        let graph = try builder.build()
        return StreetLayerGraph(graph: graph, filteredOut: tally.filtered, problems: tally.problems, zeroLengthSegments: builder.zeroLengthSegments, used: tally.used)
    }

    /// What became of a layer's features so far: filtered out, problems (in feature order),
    /// used.
    struct Tally {
        var problems: [(feature: Int, id: String?, reason: String)] = []
        var filtered = 0, used = 0

        mutating func add(_ item: LineItem, feature i: Int, to builder: inout Builder) {
            switch item.kind {
            case .filteredOut: filtered += 1
            case let .problem(reason): problems.append((i, item.id, reason))
            case let .lines(flat, lineCounts):
                flat.withUnsafeBufferPointer { add(lines: $0, counts: lineCounts, feature: i, id: item.id, to: &builder) }
            }
        }

        /// A feature's lines (flat x, y pairs, and the vertex count of each line): used when
        /// any line gives edges, else a problem with the last refusal.
        mutating func add(lines flat: UnsafeBufferPointer<Double>, counts: some Sequence<Int>, feature i: Int, id: String?, to builder: inout Builder) {
            var offset = 0, gave = false
            var refusal: Builder.Refusal?
            for c in counts {
                let part = UnsafeBufferPointer(rebasing: flat[(2 * offset)..<(2 * (offset + c))])
                offset += c
                if let r = builder.add(line: part, feature: i) { refusal = r } else { gave = true }
            }
            if gave { used += 1 } else { problems.append((i, id, (refusal ?? .tooShort).rawValue)) }
        }
    }
}
