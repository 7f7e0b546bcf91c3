import GeoCore

/// What became of a layer's features while they were read: read = kept + rejected.
public struct LayerReadSummary: Sendable {
    public var path: String
    public var read = 0
    public var kept = 0
    public var repaired = 0
    public var rejected = 0
    /// The CRS the file was in (the features come out in the stream's target CRS).
    public var sourceCRS: CRS?
    /// Warnings of the reader (duplicate ids, …).
    public var warnings: [String] = []

    public init(path: String) { self.path = path }
}

/// A file's features, read in batches for analysis: each feature is checked and, by the
/// policy, repaired (with `keep`, nothing is checked) (``Geometry/repaired()``: GEOS MakeValid, then the parts of the input's
/// dimension), skipped or refused, and transformed into the target CRS (EPSG:25832 by
/// default, as every metric analysis works in metres), then handed to the caller's work on the
/// thread that parsed it. Features without a geometry, with an empty one, or that cannot be
/// transformed go to the rejects report with their reason (with none, the first is thrown).
///
/// Memory stays bounded by the batch, so a file of any size streams through; `Layer.read`
/// collects a whole (small) layer with it.
public final class FeatureStream {
    public let path: String
    /// The CRS every feature comes out in.
    public let crs: CRS
    public private(set) var summary: LayerReadSummary
    private let reader: any FeatureReader
    private let policy: InvalidGeometryPolicy
    private let transformer: Transformer?
    private let rejects: RejectsReport?
    private var original: GeoJSONEncoder?
    private let workers = Swift.max(1, Swift.min(64, Cores.available * 16))

    public init(path: String, format: InputFormat? = nil, options: ReadOptions = ReadOptions(),
                policy: InvalidGeometryPolicy = .repair, crs: CRS = .etrs89UTM32N, rejects: RejectsReport? = nil) throws {
        self.path = path
        self.crs = crs
        self.policy = policy
        self.rejects = rejects
        reader = try openFeatureReader(path: path, format: format, options: options)
        transformer = reader.crs == crs ? nil : try Transformer.shared(from: reader.crs, to: crs)
        summary = LayerReadSummary(path: path)
        summary.sourceCRS = reader.crs
    }

    /// What became of one feature on its worker. The caller's value sits apart from the
    /// (non-generic) status, so that the settling pass moves it out with `take()` instead of
    /// copying it out of an enum payload (a retain and release of all it holds).
    private struct Outcome<T> {
        var value: T?
        var status: Status

        static func kept(_ value: T, repaired: Bool) -> Outcome { Outcome(value: value, status: .kept(repaired: repaired)) }
        static func rejected(_ problem: FeatureProblem, raw: String?, feature: Feature?) -> Outcome {
            Outcome(value: nil, status: .rejected(problem, raw: raw, feature: feature))
        }
        static func failed(_ error: any Error) -> Outcome { Outcome(value: nil, status: .failed(error)) }
    }

    private enum Status {
        case kept(repaired: Bool)
        case rejected(FeatureProblem, raw: String?, feature: Feature?)
        case failed(any Error)
    }

    /// The next batch of up to `maxCount` kept features, each passed through `work` on a
    /// worker thread (`work` gets the worker's number, below ``workerCount``, to keep state
    /// per worker), results in file order; nil at the end of the file.
    public func nextBatch<T>(maxCount: Int = 16384, _ work: @Sendable (Feature, Int) throws -> T) throws -> [T]? {
        let path = self.path, policy = self.policy, transformer = self.transformer
        var outcomes: [Outcome<T>] = try reader.nextBatch(maxCount: maxCount, workers: workers) { item, worker in
            let feature: Feature
            switch item {
            case let .rejected(problem, raw): return .rejected(problem, raw: raw, feature: nil)
            case let .feature(read): feature = read
            }
            func reject(_ reason: String) -> Outcome<T> {
                .rejected(FeatureProblem(feature: feature, path: path, reason: reason), raw: nil, feature: feature)
            }
            guard var g = feature.geometry else { return reject("the feature has no geometry") }
            do {
                var repaired = false
                // `keep` takes geometries as they are, unchecked (a caller that repairs by its own rule).
                if policy != .keep, !(try g.isValid()) {
                    let validity = try g.validity()
                    switch policy {
                    case .keep: break
                    case .fail: return .failed(IOError.badFeature(FeatureProblem(feature: feature, path: path, reason: "invalid geometry: \(validity)")))
                    case .skip: return reject("invalid geometry: \(validity)")
                    case .repair:
                        g = try g.repaired(assumingInvalid: true)
                        repaired = true
                    }
                }
                if g.isEmpty { return reject(repaired ? "the geometry is empty after repair" : "the geometry is empty") }
                // The feature as read when nothing changed (a copy costs a reference count per field).
                guard repaired || transformer != nil else { return .kept(try work(feature, worker), repaired: false) }
                if let transformer { g = try transformer.transform(g) }
                var kept = feature
                kept.geometry = g
                return .kept(try work(kept, worker), repaired: repaired)
            } catch let error as CRSError {
                return reject("\(error)")
            } catch {
                return .failed(error)
            }
        }
        if outcomes.isEmpty {
            summary.warnings = reader.warnings
            return nil
        }
        var results: [T] = []
        results.reserveCapacity(outcomes.count)
        try outcomes.withUnsafeMutableBufferPointer { outcomes in
            for k in outcomes.indices {
                summary.read += 1
                switch outcomes[k].status {
                case let .kept(repaired):
                    results.append(outcomes[k].value.take()!)
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
        return results
    }

    /// How many workers a batch is spread over (the bound of `work`'s worker number).
    public var workerCount: Int { workers }
}

/// One GeoJSON encoder per worker, so that features are encoded on the threads that made
/// them and only written in order.
///
/// The encoders live in storage allocated once, never moved: each worker touches only its own
/// element (a Swift array would be mutated as a whole by every access, a race ThreadSanitizer
/// reports).
public final class EncoderPool: @unchecked Sendable {
    private let encoders: UnsafeMutableBufferPointer<GeoJSONEncoder>

    public init(for writer: GeoJSONWriter, workers: Int) {
        encoders = .allocate(capacity: workers)
        for k in 0..<workers { (encoders.baseAddress! + k).initialize(to: writer.makeEncoder()) }
    }

    deinit {
        encoders.baseAddress!.deinitialize(count: encoders.count)
        encoders.deallocate()
    }

    /// Encodes `feature` with worker `worker`'s encoder (each worker uses only its own).
    public func encode(_ feature: Feature, worker: Int) throws -> (bytes: [UInt8], bounds: Envelope) {
        var bytes: [UInt8] = []
        let bounds = try encoders[worker].encode(feature, into: &bytes)
        return (bytes, bounds)
    }

    /// Encodes a feature whose properties are already JSON text, appending to `out`.
    public func encode(id: FeatureID?, geometry: Geometry?, rawProperties: [UInt8], worker: Int, into out: inout [UInt8]) throws -> Envelope {
        try encoders[worker].encode(id: id, geometry: geometry, rawProperties: rawProperties, into: &out)
    }
}
