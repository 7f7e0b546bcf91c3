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
        let stream = try FeatureStream(path: path, format: format, options: options, policy: .keep, crs: crs, rejects: rejects)
        var features: [Feature] = []
        while let batch = try stream.nextBatch({ feature, _ in feature }) { features += batch }
        let made = try StreetGraph.make(from: features, crs: crs, options: graphOptions)
        var summary = stream.summary
        for problem in made.problems {
            let p = FeatureProblem(feature: features[problem.feature], path: path, reason: problem.reason)
            guard let rejects else { throw IOError.badFeature(p) }
            try rejects.add(p, raw: nil)
            summary.rejected += 1
            summary.kept -= 1
        }
        return (made, summary)
    }
}
