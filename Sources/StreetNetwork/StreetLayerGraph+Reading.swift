import GeoCore
import GeoIO

extension StreetLayerGraph {
    /// Reads a street layer (GeoJSON) into the metric `crs` and makes its graph. Features the
    /// reader cannot use and lines that give no edge (fewer than two distinct vertices,
    /// non-finite coordinates, not a line) go to `rejects` with their reason; without a
    /// rejects report the first of them is thrown.
    public static func read(path: String, format: InputFormat? = nil, options: ReadOptions = ReadOptions(), crs: CRS = .etrs89UTM32N,
                            graph graphOptions: StreetGraph.Options = StreetGraph.Options(),
                            rejects: RejectsReport? = nil) throws -> (StreetLayerGraph, LayerReadSummary) {
        guard !crs.isGeographic else { throw NetworkError.notMetric(layer: path, crs: crs.identifier) }
        if let lean = try readLean(path: path, format: format, options: options, crs: crs, graph: graphOptions, rejects: rejects) { return lean }
        return try readStreaming(path: path, format: format, options: options, crs: crs, graph: graphOptions, rejects: rejects)
    }

    /// The layer read with ``FeatureStream`` (any format, any CRS, every problem reported).
    static func readStreaming(path: String, format: InputFormat?, options: ReadOptions, crs: CRS,
                              graph graphOptions: StreetGraph.Options, rejects: RejectsReport?) throws -> (StreetLayerGraph, LayerReadSummary) {
        let stream = try FeatureStream(path: path, format: format, options: options, policy: .keep, crs: crs, rejects: rejects)
        // Each feature is filtered and flattened on the thread that parsed it; a problem keeps its feature, to be named.
        var items: [StreetGraph.LineItem] = []
        var problemFeatures: [Int: Feature] = [:]
        let preset = graphOptions.preset
        while let batch = try stream.nextBatch({ feature, _ -> (StreetGraph.LineItem, Feature?) in
            let item = try StreetGraph.LineItem(feature, crs: crs, preset: preset)
            if item.mayBeProblem { return (item, feature) }
            return (item, nil)
        }) {
            for (item, feature) in batch {
                if let feature { problemFeatures[items.count] = feature }
                items.append(item)
            }
        }
        let made = try StreetGraph.make(from: items, crs: crs, options: graphOptions)
        var summary = stream.summary
        for problem in made.problems {
            let p = FeatureProblem(feature: problemFeatures[problem.feature] ?? Feature(geometry: nil), path: path, reason: problem.reason)
            guard let rejects else { throw IOError.badFeature(p) }
            try rejects.add(p, raw: nil)
            summary.rejected += 1
            summary.kept -= 1
        }
        return (made, summary)
    }
}
