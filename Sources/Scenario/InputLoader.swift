import Crypto
import Foundation
import GeoCore
import GeoIO
import UrbanAnalysis

/// What became of one input: where it came from, its checksum, and its features read =
/// kept + filtered + rejected.
public struct InputRecord: Sendable {
    public var name: String
    public var role: String
    public var path: String
    public var sha256: String
    public var bytes: Int
    public var summary: LayerReadSummary
    /// Features left out by the input's filter (a choice, not an error).
    public var filtered = 0
    /// Features a variant added.
    public var added = 0
    public var spec: InputSpec
}

/// Applies an input's field mapping, default properties, land-use mapping, filter and a
/// variant's edits to features as they are read.
struct InputTransform: Sendable {
    let spec: InputSpec
    let attributes: [(ids: Set<String>, properties: Properties)]
    let filter: AttributeFilter.Compiled?
    let mapping: LandUseMapping?

    init(spec: InputSpec, attributes: [(ids: Set<String>, properties: Properties)]) throws {
        self.spec = spec
        self.attributes = attributes
        filter = try spec.filter?.compiled()
        mapping = spec.landuseMapping?.mapping
    }

    /// The feature as the analyses see it, or nil when the filter leaves it out.
    func apply(_ feature: Feature) -> Feature? {
        var f = feature
        for (target, source) in spec.fields.sorted(by: { $0.key < $1.key }) {
            if let value = feature.properties[source] { f.properties[target] = value }
        }
        for (name, value) in spec.properties.sorted(by: { $0.key < $1.key }) where f.properties[name] == nil {
            f.properties[name] = .string(value)
        }
        if let mapping, case let .string(value)? = f.properties["landuse"], let use = mapping.landUse(for: value) {
            f.properties["landuse"] = .string(use.rawValue)
        }
        if !attributes.isEmpty, let id = f.id?.description ?? f.properties["id"]?.description {
            for edit in attributes where edit.ids.contains(id) {
                for (name, value) in edit.properties { f.properties[name] = value }
            }
        }
        if let filter, !filter.accepts(f) { return nil }
        return f
    }
}

extension Scenario {
    /// The reader options of an input.
    func readOptions(_ spec: InputSpec) throws -> ReadOptions {
        ReadOptions(crs: try spec.crs.map { try CRS($0) }, keepZ: false, xColumn: spec.x, yColumn: spec.y, layer: spec.layer)
    }

    /// Reads a small input whole, with its transform and a variant's edits, rejects into `rejects`.
    func loadLayer(_ name: String, _ spec: InputSpec, variant: Variant?, rejects: RejectsReport) throws -> (Layer, InputRecord) {
        let path = spec.resolvedPath(in: folder)
        var record = try Scenario.record(name: name, spec: spec, path: path)
        let transform = try InputTransform(spec: spec, attributes: variant?.attributes.filter { $0.input == name }.map { ($0.ids, $0.properties) } ?? [])
        let stream = try FeatureStream(path: path, format: spec.format.flatMap(InputFormat.init(rawValue:)), options: readOptions(spec),
                                       policy: spec.role(named: name) == "streets" ? .keep : spec.onInvalid, crs: workingCRS, rejects: rejects)
        var features: [Feature] = []
        while let batch = try stream.nextBatch({ feature, _ in transform.apply(feature) }) {
            record.filtered += batch.filter { $0 == nil }.count
            features += batch.compactMap { $0 }
        }
        for addition in variant?.additions.filter({ $0.input == name }) ?? [] {
            let added = try Scenario.parseAdditions(addition.geojson, crs: addition.crs, name: name, to: workingCRS).map { transform.apply($0) ?? $0 }
            record.added += added.count
            features += added
        }
        record.summary = stream.summary
        return (Layer(name: name, crs: stream.crs, features: features), record)
    }

    /// Features a variant adds, in the working CRS (EPSG:25832 by default).
    static func parseAdditions(_ geojson: String, crs: String, name: String, to working: CRS = .etrs89UTM32N) throws -> [Feature] {
        let reader = try GeoJSONReader(text: geojson, name: "variant features for \(name)", options: ReadOptions(crs: try CRS(crs)))
        let transformer = try Transformer.shared(from: reader.crs, to: working)
        var out: [Feature] = []
        while let item = try reader.next() {
            guard case var .feature(f) = item, let g = f.geometry else { continue }
            f.geometry = try transformer.transform(g.repaired())
            out.append(f)
        }
        return out
    }

    static func record(name: String, spec: InputSpec, path: String) throws -> InputRecord {
        guard let (digest, bytes) = try? sha256(path) else {
            throw ScenarioError.missingFile(file: "inputs.\(name)", key: "inputs.\(name).path", line: 0, path: path)
        }
        return InputRecord(name: name, role: spec.role(named: name), path: path, sha256: digest, bytes: bytes,
                           summary: LayerReadSummary(path: path), spec: spec)
    }
}

/// SHA-256 of a file (hex) and its size, read in 1 MiB pieces.
func sha256(_ path: String) throws -> (String, Int) {
    guard let handle = FileHandle(forReadingAtPath: path) else { throw IOError.cannotOpen(path: path, reason: "cannot open") }
    defer { try? handle.close() }
    var hasher = SHA256()
    var total = 0
    while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
        hasher.update(data: chunk)
        total += chunk.count
    }
    return (hasher.finalize().map { String(format: "%02x", $0) }.joined(), total)
}
