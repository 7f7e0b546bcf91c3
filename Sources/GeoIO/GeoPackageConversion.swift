import Dispatch
import GeoCore

/// Streams features from a reader into one feature table of a GeoPackage (`convert IN
/// OUT.gpkg`): validity policy, reprojection, rejects, as `FeatureConversion` does for GeoJSON.
///
/// Each batch is checked, reprojected and encoded to GeoPackage blobs by the reader's
/// workers; one inserting thread puts the rows in input order through one prepared statement
/// while the workers parse the next batch (SQLite's inserts were a third of the work, done
/// while the other core waited). The table is made when the first batch is in: its columns and whether single
/// parts are promoted to Multi come from that batch (columns seen later are added, types
/// that widen later are widened at the end).
public struct GeoPackageConversion: Sendable {
    public var policy: InvalidGeometryPolicy
    public var batchSize = 8192

    public init(policy: InvalidGeometryPolicy) {
        self.policy = policy
    }

    /// The inserting thread's state; the calling thread reads it only after waiting for it.
    private final class Inserting: @unchecked Sendable {
        var layer: GeoPackageLayerWriter?
        let rejects: RejectsReport?
        var error: (any Error)?
        var written = 0, rejected = 0, skippedInvalid = 0

        init(rejects: RejectsReport?) { self.rejects = rejects }

        func insert(_ outcomes: [Outcome]) throws {
            for outcome in outcomes {
                switch outcome {
                case let .failed(error):
                    throw error
                case let .rejected(problem, raw, isInvalid):
                    rejected += 1
                    if isInvalid { skippedInvalid += 1 }
                    guard let rejects else { throw IOError.badFeature(problem) }
                    try rejects.add(problem, raw: raw)
                case let .written(feature, bytes, encoded):
                    do {
                        try layer!.add(feature, encoded: encoded.map { ($0, bytes[$0.range]) })
                        written += 1
                    } catch let IOError.badFeature(problem) {
                        rejected += 1
                        guard let rejects else { throw IOError.badFeature(problem) }
                        try rejects.add(problem, raw: nil)
                    }
                }
            }
        }
    }

    private enum Outcome {
        case written(Feature, [UInt8], GeoPackageLayerWriter.EncodedGeometry?)
        case rejected(FeatureProblem, raw: String?, invalid: Bool)
        case failed(any Error)
    }

    /// Reads every feature of `reader` into table `layer` of `writer`, in `crs` (nil: the
    /// reader's), rejects into `rejects` (nil: the first rejection is thrown).
    public func run(reader: any FeatureReader, into writer: GeoPackageWriter, layer name: String, crs: CRS? = nil,
                    keepZ: Bool = true, style: String? = nil, rejects: RejectsReport?) throws -> ConversionSummary {
        let target = crs ?? reader.crs
        let transformer = target == reader.crs ? nil : try Transformer.shared(from: reader.crs, to: target)
        let srsID = try writer.srsID(for: target)
        let policy = self.policy
        let path = reader.path
        var summary = ConversionSummary()
        var layer: GeoPackageLayerWriter?
        // Batch k is inserted on `inserter` while batch k + 1 is read; an empty `sync` waits
        // for it before the next hand-over (the pattern of RepeatedIDCheck, which
        // ThreadSanitizer follows), so the database is used by one thread at a time.
        let inserter = DispatchQueue(label: "nordwaerts.gpkg.insert")
        let inserting = Inserting(rejects: rejects)
        defer { inserter.sync {} }
        let invalid = Locked<(count: Int, repaired: Int, examples: [String])>((0, 0, []))

        while true {
            let outcomes: [Outcome]
            do {
                outcomes = try nextBatch(reader, policy: policy, path: path, transformer: transformer, srsID: srsID, keepZ: keepZ, invalid: invalid)
            } catch {
                // A problem in the batch being inserted came first in the file: it is the one to report.
                inserter.sync {}
                throw inserting.error ?? error
            }
            if outcomes.isEmpty { break }
            summary.read += outcomes.count
            inserter.sync {}
            if let error = inserting.error { throw error }
            if layer == nil {
                // The table's columns and geometry types, from the first batch.
                var schema = Schema()
                var types: Set<GeometryType> = []
                for case let .written(feature, _, encoded) in outcomes {
                    if let encoded { types.insert(encoded.type) }
                    schema.include(feature.properties)
                }
                layer = try writer.addLayer(name: name, crs: target, fields: schema.fields.map { ($0.name, $0.type) },
                                            geometryTypes: types, keepZ: keepZ, style: style)
                inserting.layer = layer
            }
            let batch = outcomes
            inserter.async {
                do { try inserting.insert(batch) } catch { inserting.error = error }
            }
        }
        inserter.sync {}
        if let error = inserting.error { throw error }
        summary.written = inserting.written
        summary.rejected = inserting.rejected
        summary.skippedInvalid = inserting.skippedInvalid
        if layer == nil {
            layer = try writer.addLayer(name: name, crs: target, fields: [], keepZ: keepZ, style: style)
        }
        let state = invalid.withLock { $0 }
        summary.invalidKept = policy == .keep ? state.count : 0
        summary.repaired = state.repaired
        summary.invalidExamples = state.examples
        summary.warnings = reader.warnings
        return summary
    }

    /// The next batch of `reader`, each feature checked, reprojected and encoded on the workers.
    private func nextBatch(_ reader: any FeatureReader, policy: InvalidGeometryPolicy, path: String, transformer: Transformer?,
                           srsID: Int32, keepZ: Bool,
                           invalid: Locked<(count: Int, repaired: Int, examples: [String])>) throws -> [Outcome] {
        try reader.nextBatch(maxCount: batchSize, workers: Swift.max(1, Cores.available * 2)) { item, _ in
            var feature: Feature
            switch item {
            case let .rejected(problem, raw): return .rejected(problem, raw: raw, invalid: false)
            case let .feature(read): feature = read
            }
            do {
                if let geometry = feature.geometry, !(try geometry.isValid()) {
                    let problem = FeatureProblem(feature: feature, path: path, reason: "invalid geometry: \(try geometry.validity())")
                    invalid.withLock { state in
                        state.count += 1
                        if state.examples.count < 5 { state.examples.append(problem.description) }
                    }
                    switch policy {
                    case .keep: break
                    case .fail: return .failed(IOError.badFeature(problem))
                    case .skip: return .rejected(problem, raw: nil, invalid: true)
                    case .repair:
                        feature.geometry = try geometry.repaired(assumingInvalid: true)
                        invalid.withLock { $0.repaired += 1 }
                    }
                }
                if let transformer, let geometry = feature.geometry { feature.geometry = try transformer.transform(geometry) }
                var bytes: [UInt8] = []
                let encoded = try GeoPackageLayerWriter.encodeGeometry(feature.geometry, srsID: srsID, keepZ: keepZ, into: &bytes)
                feature.geometry = nil
                return .written(feature, bytes, encoded)
            } catch let error as CRSError {
                return .rejected(FeatureProblem(feature: feature, path: path, reason: "\(error)"), raw: nil, invalid: false)
            } catch {
                return .failed(error)
            }
        }
    }
}
