#if canImport(Glibc)
import Glibc
#endif
import GeoCore
import GeoIO

extension StreetLayerGraph {
    /// The street layer at `path` read by ``GeoJSONLines`` (a GeoJSON FeatureCollection of
    /// plain lines in `crs`, parsed on all cores without GEOS geometries), or nil when that
    /// reader does not take the file: then ``read(path:format:options:crs:graph:rejects:)``
    /// streams it, which gives the same graph, problems and counts for every file this takes.
    /// NORDWAERTS_FULL_READ=1 in the environment turns this way off (tests compare the two).
    static func readLean(path: String, format: InputFormat?, options: ReadOptions, crs: CRS,
                        graph graphOptions: StreetGraph.Options, rejects: RejectsReport?) throws -> (StreetLayerGraph, LayerReadSummary)? {
        guard getenv("NORDWAERTS_FULL_READ") == nil, format == nil || format == .geojson else { return nil }
        let preset = graphOptions.preset
        let filter: @Sendable (Properties) -> Bool = { preset.accepts($0) }
        let accepts = preset == .all ? nil : filter
        guard let lines = (try? GeoJSONLines.read(path: path, options: options, crs: crs, accepts: accepts)) ?? nil else { return nil }
        let made = try StreetGraph.make(from: lines, crs: crs, options: graphOptions)
        var summary = lines.summary
        for problem in made.problems {
            // Named as the stream names them: by the feature's position and display id.
            let p = lines.others[problem.feature].map { FeatureProblem(feature: $0, path: path, reason: problem.reason) }
                ?? FeatureProblem(path: path, index: problem.feature, id: problem.id, location: nil, reason: problem.reason)
            guard let rejects else { throw IOError.badFeature(p) }
            try rejects.add(p, raw: nil)
            summary.rejected += 1
            summary.kept -= 1
        }
        return (made, summary)
    }
}

extension StreetGraph {
    /// The graph of the lines ``GeoJSONLines`` read, as ``make(from:crs:options:)`` makes it of
    /// the same features: lean features' lines straight from the flat arrays (already
    /// filtered), the others through ``LineItem`` as the stream path takes them.
    static func make(from lines: GeoJSONLines.Lines, crs: CRS, options: Options) throws -> StreetLayerGraph {
        var builder = try Builder(crs: crs, nodeCrossings: options.nodeCrossings)
        builder.reserve(edges: lines.xy.count / 2)
        var tally = Tally()
        var line = 0, offset = 0
        try lines.xy.withUnsafeBufferPointer { xy in
            for (i, k) in lines.featureLines.enumerated() {
                switch k {
                case GeoJSONLines.filteredOut:
                    tally.filtered += 1
                case GeoJSONLines.other:
                    tally.add(try LineItem(lines.others[i]!, crs: crs, preset: options.preset), feature: i, to: &builder)
                default:
                    let counts = lines.lineVertexCounts[line..<(line + Int(k))]
                    let vertices = counts.reduce(0) { $0 + Int($1) }
                    tally.add(lines: UnsafeBufferPointer(rebasing: xy[offset..<(offset + 2 * vertices)]), counts: counts.lazy.map { Int($0) },
                              feature: i, id: lines.ids[i], to: &builder)
                    line += Int(k)
                    offset += 2 * vertices
                }
            }
        }
        let graph = try builder.build()
        return StreetLayerGraph(graph: graph, filteredOut: tally.filtered, problems: tally.problems, zeroLengthSegments: builder.zeroLengthSegments, used: tally.used)
    }
}
