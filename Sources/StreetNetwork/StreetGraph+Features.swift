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
        var builder = try Builder(crs: crs, nodeCrossings: options.nodeCrossings)
        var problems: [(Int, String?, String)] = []
        var filtered = 0, used = 0
        var flat: [Double] = [], counts: [Int] = []
        for (i, feature) in features.enumerated() {
            guard options.preset.accepts(feature.properties) else { filtered += 1; continue }
            guard let g = feature.geometry, !g.isEmpty else { problems.append((i, feature.displayID, "the feature has no geometry")); continue }
            if let gcrs = g.crs, gcrs != crs { throw GeometryError.crsMismatch(operation: "street graph", left: gcrs.identifier, right: crs.identifier) }
            guard g.type == .lineString || g.type == .multiLineString else {
                problems.append((i, feature.displayID, "a \(g.type) is not a line")); continue
            }
            flat.removeAll(keepingCapacity: true)
            counts.removeAll(keepingCapacity: true)
            try g.flatten(coordinates: &flat, counts: &counts, includeZ: false)
            let lineCounts = g.type == .lineString ? counts : Array(counts.dropFirst())
            var offset = 0, gave = false
            var refusal: Builder.Refusal?
            for c in lineCounts {
                let part = Array(flat[(2 * offset)..<(2 * (offset + c))])
                offset += c
                if let r = builder.add(line: part, feature: i) { refusal = r } else { gave = true }
            }
            if gave { used += 1 } else { problems.append((i, feature.displayID, (refusal ?? .tooShort).rawValue)) }
        }
        let graph = try builder.build()
        return StreetLayerGraph(graph: graph, filteredOut: filtered, problems: problems, zeroLengthSegments: builder.zeroLengthSegments, used: used)
    }
}
