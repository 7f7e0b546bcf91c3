import GeoCore
import GeoIO

/// A layer held in memory for analysis: features whose geometries are all in one metric CRS.
///
/// Parcels, districts, stops and corridors are loaded into a `Layer` once; analyses then
/// read it from all cores at once (geometries are immutable and shareable).
public struct Layer: Sendable {
    /// A short name for messages and outputs (`parcels`, `districts`).
    public var name: String
    /// The CRS of every geometry in the layer.
    public var crs: CRS
    /// The features, in input order. Every feature has a geometry (see ``read(path:name:format:options:policy:crs:rejects:)``).
    public var features: [Feature]

    public init(name: String, crs: CRS, features: [Feature]) {
        self.name = name
        self.crs = crs
        self.features = features
    }

    public var count: Int { features.count }

    /// The geometries in feature order.
    public var geometries: [Geometry] { features.map { $0.geometry! } }

    /// The bounding box of all geometries.
    public var envelope: Envelope {
        features.reduce(into: Envelope.empty) { box, feature in box.formUnion(feature.geometry!.envelope) }
    }

    /// A label for every feature, for messages and outputs: the first of `fields` a feature
    /// has (text of the value; the feature id for `id`), else its position from 1.
    func labels(_ fields: String...) -> [String] {
        features.indices.map { i in fields.lazy.compactMap { text($0, of: i) }.first ?? String(i + 1) }
    }

    /// A string property of every feature (numbers as their text), or the feature id for
    /// `field` when the property is missing, or nil.
    func text(_ field: String, of index: Int) -> String? {
        let feature = features[index]
        if let value = feature.properties[field], !value.isNull { return value.description }
        return field == "id" ? feature.id?.description : nil
    }
}

extension Layer {
    /// Reads a whole layer for analysis through a ``FeatureStream``: each feature repaired by
    /// `policy`, transformed into `crs` (EPSG:25832 by default), unusable ones into `rejects`
    /// with their reason (with no rejects report the first of them is thrown). Parsing, repair
    /// and transformation run on all cores; the order of the file is kept.
    public static func read(path: String, name: String, format: InputFormat? = nil,
                            options: ReadOptions = ReadOptions(), policy: InvalidGeometryPolicy = .repair,
                            crs: CRS = .etrs89UTM32N, rejects: RejectsReport? = nil) throws -> (Layer, LayerReadSummary) {
        let stream = try FeatureStream(path: path, format: format, options: options, policy: policy, crs: crs, rejects: rejects)
        var features: [Feature] = []
        while let batch = try stream.nextBatch({ feature, _ in feature }) { features += batch }
        return (Layer(name: name, crs: crs, features: features), stream.summary)
    }
}

extension Layer {
    /// Writes the layer as GeoJSON, atomically: RFC 7946 (WGS 84, 7 decimals) by default, or
    /// in `options.crs` with the legacy `crs` member (EPSG:25832 for QGIS).
    public func write(to path: String, options: GeoJSONWriteOptions = GeoJSONWriteOptions()) throws {
        let writer = try GeoJSONWriter(path: path, options: options, sourceCRS: crs)
        do {
            for feature in features { try writer.write(feature) }
            try writer.finish()
        } catch {
            writer.abandon()
            throw error
        }
    }
}
