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

    /// A string property of every feature (numbers as their text), or the feature id for
    /// `field` when the property is missing, or nil.
    func text(_ field: String, of index: Int) -> String? {
        let feature = features[index]
        if let value = feature.properties[field], !value.isNull { return value.description }
        return field == "id" ? feature.id?.description : nil
    }
}

/// What became of a layer's features while it was read: read = kept + rejected.
public struct LayerReadSummary: Sendable {
    public var path: String
    public var read = 0
    public var kept = 0
    public var repaired = 0
    public var rejected = 0
    /// The CRS the file was in (the layer itself is in the analysis CRS).
    public var sourceCRS: CRS?
    /// Warnings of the reader (duplicate ids, …) and of the loader.
    public var warnings: [String] = []

    public init(path: String) { self.path = path }
}

extension Layer {
    /// Reads a whole layer for analysis: each feature is checked and, by `policy`, repaired
    /// (``Geometry/repaired()``: GEOS MakeValid, then the parts of the input's dimension),
    /// skipped or refused, and transformed into `crs` (EPSG:25832 by default, since every
    /// metric analysis works in metres). Features without a geometry, with an empty one after
    /// repair, or that cannot be transformed go to `rejects` with their reason; with no
    /// rejects report the first of them is thrown. Parsing, repair and transformation run on
    /// all cores; the order of the file is kept.
    public static func read(path: String, name: String, format: InputFormat? = nil,
                            options: ReadOptions = ReadOptions(), policy: InvalidGeometryPolicy = .repair,
                            crs: CRS = .etrs89UTM32N, rejects: RejectsReport? = nil) throws -> (Layer, LayerReadSummary) {
        let reader = try openFeatureReader(path: path, format: format, options: options)
        var summary = LayerReadSummary(path: path)
        summary.sourceCRS = reader.crs
        let transformer: Transformer? = reader.crs == crs ? nil : try Transformer.shared(from: reader.crs, to: crs)
        var features: [Feature] = []
        var original: GeoJSONEncoder?

        enum Outcome: @unchecked Sendable {
            case kept(Feature, repaired: Bool)
            case rejected(FeatureProblem, raw: String?, feature: Feature?)
            case failed(any Error)
        }
        let workers = Swift.max(1, Swift.min(8, Cores.available * 2))
        while true {
            let outcomes: [Outcome] = try reader.nextBatch(maxCount: 8192, workers: workers) { item, _ in
                guard case var .feature(feature) = item else {
                    if case let .rejected(problem, raw) = item { return .rejected(problem, raw: raw, feature: nil) }
                    fatalError("unreachable")
                }
                func reject(_ reason: String) -> Outcome {
                    .rejected(FeatureProblem(feature: feature, path: path, reason: reason), raw: nil, feature: feature)
                }
                guard let geometry = feature.geometry else { return reject("the feature has no geometry") }
                do {
                    var repaired = false
                    var g = geometry
                    if !(try g.isValid()) {
                        let validity = try g.validity()
                        switch policy {
                        case .keep: break
                        case .fail: return .failed(IOError.badFeature(FeatureProblem(feature: feature, path: path, reason: "invalid geometry: \(validity)")))
                        case .skip: return reject("invalid geometry: \(validity)")
                        case .repair:
                            g = try g.repaired()
                            repaired = true
                        }
                    }
                    if g.isEmpty { return reject(repaired ? "the geometry is empty after repair" : "the geometry is empty") }
                    if let transformer { g = try transformer.transform(g) }
                    feature.geometry = g
                    return .kept(feature, repaired: repaired)
                } catch let error as CRSError {
                    return reject("\(error)")
                } catch {
                    return .failed(error)
                }
            }
            if outcomes.isEmpty { break }
            for outcome in outcomes {
                summary.read += 1
                switch outcome {
                case let .kept(feature, repaired):
                    features.append(feature)
                    summary.kept += 1
                    if repaired { summary.repaired += 1 }
                case let .rejected(problem, raw, feature):
                    summary.rejected += 1
                    guard let rejects else { throw IOError.badFeature(problem) }
                    var text = raw
                    if text == nil, let feature {
                        if original == nil {
                            original = try GeoJSONEncoder(options: GeoJSONWriteOptions(crs: reader.crs, precision: nil), sourceCRS: reader.crs)
                        }
                        var bytes: [UInt8] = []
                        if (try? original!.encode(feature, into: &bytes)) != nil { text = String(decoding: bytes, as: UTF8.self) }
                    }
                    try rejects.add(problem, raw: text)
                case let .failed(error):
                    throw error
                }
            }
        }
        summary.warnings = reader.warnings
        return (Layer(name: name, crs: crs, features: features), summary)
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
