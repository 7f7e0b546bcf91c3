import Dispatch
import GeoCore

/// What a conversion did, for the summary a user reads and the note a script checks.
public struct ConversionSummary: Sendable {
    public var read = 0
    public var written = 0
    public var rejected = 0
    /// Invalid geometries passed through unchanged (policy `keep`).
    public var invalidKept = 0
    /// Invalid geometries made valid (policy `repair`).
    public var repaired = 0
    /// Invalid geometries left out (policy `skip`).
    public var skippedInvalid = 0
    /// The first few invalid features, for the warning.
    public var invalidExamples: [String] = []
    public var warnings: [String] = []
    /// Bounds of the input in its own CRS.
    public var sourceBounds = Envelope.empty
}

/// Streams features from a reader to a GeoJSON writer: validity policy, reprojection,
/// rejects. Features are processed in batches whose validity checks and encoding run on all
/// cores; output order is input order, so the result is byte-for-byte the same every run.
public struct FeatureConversion: Sendable {
    public var policy: InvalidGeometryPolicy
    public var batchSize = 4096

    public init(policy: InvalidGeometryPolicy) {
        self.policy = policy
    }

    private enum Outcome {
        /// Encoded into the chunk's byte buffer at `range`.
        case written(range: Range<Int>, bounds: Envelope, sourceBounds: Envelope)
        case rejected(FeatureProblem, raw: String?)
    }

    private struct ChunkResult {
        /// Every written feature of the chunk, encoded back to back.
        var bytes: [UInt8] = []
        var outcomes: [Outcome] = []
        var invalid: [(index: Int, text: String)] = []
        var repaired = 0
        var failure: Error?
    }

    /// State the processing queue owns while the reading thread goes on.
    private final class Pipeline: @unchecked Sendable {
        var summary = ConversionSummary()
        var encoders: [GeoJSONEncoder]
        /// Output buffers of the chunks, kept from batch to batch.
        var buffers: [[UInt8]] = []
        let original: GeoJSONEncoder
        var failure: (any Error)?
        let failed = Locked(false)

        init(encoders: [GeoJSONEncoder], original: GeoJSONEncoder) {
            self.encoders = encoders
            self.original = original
        }
    }

    /// Reads every feature of `reader` and writes it through `writer`, rejects into `rejects`
    /// (nil: the first rejection is thrown). The reading thread parses batch n + 1 while a
    /// processing queue checks, encodes (on all cores) and writes batch n.
    public func run(reader: any FeatureReader, writer: GeoJSONWriter, rejects: RejectsReport?) throws -> ConversionSummary {
        let chunkCount = Swift.max(1, Swift.min(8, ProcessCores.count * 2))
        // Rejected features go to the report as read: in the source CRS, every digit kept.
        let original = try GeoJSONEncoder(options: GeoJSONWriteOptions(crs: reader.crs, precision: nil), sourceCRS: reader.crs)
        let pipeline = Pipeline(encoders: (0..<chunkCount).map { _ in writer.makeEncoder() }, original: original)
        let queue = DispatchQueue(label: "nordwaerts.conversion")
        let inFlight = DispatchSemaphore(value: 2)
        let path = reader.path
        nonisolated(unsafe) let writer = writer
        nonisolated(unsafe) let rejects = rejects

        var read = 0
        var batch: [ReadResult] = []
        batch.reserveCapacity(batchSize)
        func handOn() {
            guard !batch.isEmpty else { return }
            inFlight.wait()
            let work = batch
            batch = []
            batch.reserveCapacity(batchSize)
            queue.async {
                defer { inFlight.signal() }
                guard pipeline.failure == nil else { return }
                do {
                    try self.processAndWrite(work, pipeline, writer: writer, rejects: rejects, path: path)
                } catch {
                    pipeline.failure = error
                    pipeline.failed.withLock { $0 = true }
                }
            }
        }
        do {
            while true {
                let items = try reader.nextBatch(maxCount: batchSize)
                if items.isEmpty { break }
                read += items.count
                batch.append(contentsOf: items)
                if batch.count >= batchSize / 2 {
                    handOn()
                    if pipeline.failed.withLock({ $0 }) { break }
                }
            }
            handOn()
        } catch {
            queue.sync {}
            throw error
        }
        queue.sync {}
        if let failure = pipeline.failure { throw failure }
        var summary = pipeline.summary
        summary.read = read
        summary.warnings = reader.warnings
        return summary
    }

    private func processAndWrite(_ batch: [ReadResult], _ pipeline: Pipeline, writer: GeoJSONWriter,
                                 rejects: RejectsReport?, path: String) throws {
        let results = try process(batch, encoders: &pipeline.encoders, buffers: &pipeline.buffers,
                                  original: pipeline.original, path: path)
        defer { pipeline.buffers = results.map { var b = $0.bytes; b.removeAll(keepingCapacity: true); return b } }
        for result in results {
            if let failure = result.failure { throw failure }
            pipeline.summary.repaired += result.repaired
            for (_, text) in result.invalid {
                if policy == .keep { pipeline.summary.invalidKept += 1 }
                if pipeline.summary.invalidExamples.count < 5 { pipeline.summary.invalidExamples.append(text) }
            }
            for outcome in result.outcomes {
                switch outcome {
                case let .written(range, bounds, sourceBounds):
                    try writer.writeEncoded(result.bytes[range], bounds: bounds)
                    pipeline.summary.written += 1
                    if !sourceBounds.isEmpty { pipeline.summary.sourceBounds.formUnion(sourceBounds) }
                case let .rejected(problem, raw):
                    pipeline.summary.rejected += 1
                    if policy == .skip, problem.reason.hasPrefix("invalid geometry") { pipeline.summary.skippedInvalid += 1 }
                    guard let rejects else { throw IOError.badFeature(problem) }
                    try rejects.add(problem, raw: raw)
                }
            }
        }
    }

    /// Validity and encoding of a batch, cut into contiguous chunks that run in parallel.
    private func process(_ batch: [ReadResult], encoders: inout [GeoJSONEncoder], buffers: inout [[UInt8]],
                         original: GeoJSONEncoder, path: String) throws -> [ChunkResult] {
        let chunks = batch.count < 256 ? 1 : encoders.count
        var results = [ChunkResult](repeating: ChunkResult(), count: chunks)
        for k in 0..<Swift.min(chunks, buffers.count) { swap(&results[k].bytes, &buffers[k]) }
        let policy = self.policy
        encoders.withUnsafeMutableBufferPointer { encoders in
            results.withUnsafeMutableBufferPointer { results in
                batch.withUnsafeBufferPointer { batch in
                    nonisolated(unsafe) let encoders = encoders
                    nonisolated(unsafe) let results = results
                    nonisolated(unsafe) let batch = batch
                    DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                        let start = batch.count * chunk / chunks, end = batch.count * (chunk + 1) / chunks
                        var result = ChunkResult()
                        swap(&result.bytes, &results[chunk].bytes)
                        result.outcomes.reserveCapacity(end - start)
                        var original = original
                        func raw(_ feature: Feature) -> String? {
                            var bytes: [UInt8] = []
                            guard (try? original.encode(feature, into: &bytes)) != nil else { return nil }
                            return String(decoding: bytes, as: UTF8.self)
                        }
                        for i in start..<end {
                            switch batch[i] {
                            case let .rejected(problem, raw):
                                result.outcomes.append(.rejected(problem, raw: raw))
                            case var .feature(feature):
                                do {
                                    if let problem = try FeatureConversion.apply(policy, to: &feature, path: path, result: &result) {
                                        result.outcomes.append(.rejected(problem, raw: raw(feature)))
                                        continue
                                    }
                                    let start = result.bytes.count
                                    let bounds = try encoders[chunk].encode(feature, into: &result.bytes)
                                    result.outcomes.append(.written(range: start..<result.bytes.count, bounds: bounds,
                                                                    sourceBounds: feature.geometry?.envelope ?? .empty))
                                } catch let error as CRSError {
                                    result.outcomes.append(.rejected(FeatureConversion.problem(feature, path, "\(error)"), raw: raw(feature)))
                                } catch {
                                    result.failure = error
                                    break
                                }
                            }
                        }
                        results[chunk] = result
                    }
                }
            }
        }
        return results
    }

    /// Applies the validity policy; returns the problem when the feature is to be left out.
    private static func apply(_ policy: InvalidGeometryPolicy, to feature: inout Feature, path: String,
                              result: inout ChunkResult) throws -> FeatureProblem? {
        guard let geometry = feature.geometry else { return nil }
        let validity = try geometry.validity()
        guard !validity.isValid else { return nil }
        let problem = problem(feature, path, "invalid geometry: \(validity)")
        result.invalid.append((feature.origin?.index ?? 0, problem.description))
        switch policy {
        case .keep:
            return nil
        case .fail:
            throw IOError.badFeature(problem)
        case .skip:
            return problem
        case .repair:
            feature.geometry = try geometry.repaired()
            result.repaired += 1
            return nil
        }
    }

    static func problem(_ feature: Feature, _ path: String, _ reason: String) -> FeatureProblem {
        FeatureProblem(path: path, index: feature.origin?.index ?? 0, id: feature.displayID,
                       location: feature.origin?.line.map { SourceLocation(offset: feature.origin!.offset, line: $0) },
                       reason: reason)
    }
}

/// How many cores the process may use.
enum ProcessCores {
    static let count: Int = {
        #if canImport(Glibc)
        return Swift.max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        #else
        return Swift.max(1, Int(sysconf(_SC_NPROCESSORS_ONLN)))
        #endif
    }()
}

#if canImport(Glibc)
import Glibc
#endif
