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
}

/// Streams features from a reader to a GeoJSON writer: validity policy, reprojection,
/// rejects.
///
/// Each batch is parsed, checked and encoded by the reader's workers in one parallel pass (a
/// feature is used and freed on the thread that parsed it), into per-worker byte buffers;
/// a writing queue then appends the batch to the file in input order while the next batch is
/// read. Two sets of buffers alternate, so output is byte-for-byte the same on every run.
public struct FeatureConversion: Sendable {
    public var policy: InvalidGeometryPolicy
    public var batchSize = 8192

    public init(policy: InvalidGeometryPolicy) {
        self.policy = policy
    }

    /// What became of one input record.
    private enum Outcome {
        /// Encoded into buffer `set` of `worker` at `range`.
        case written(worker: Int, range: Range<Int>, bounds: Envelope)
        case rejected(FeatureProblem, raw: String?, invalid: Bool)
        /// Stop the conversion (an invalid geometry under `fail`).
        case failed(any Error)
    }

    /// Encoded bytes of one worker for one batch.
    private final class OutputBuffer: @unchecked Sendable {
        var bytes: [UInt8] = []
    }

    /// One worker's encoders, buffers and counts. Only its worker touches it during a batch.
    private final class Worker: @unchecked Sendable {
        var encoder: GeoJSONEncoder
        var original: GeoJSONEncoder
        /// Two output buffers, each its own object: one being filled while the writing queue
        /// reads the other (a semaphore per buffer set orders the hand-over).
        let buffers = [OutputBuffer(), OutputBuffer()]
        var invalid: [String] = []
        var invalidCount = 0
        var repaired = 0

        init(encoder: GeoJSONEncoder, original: GeoJSONEncoder) {
            self.encoder = encoder
            self.original = original
        }
    }

    /// Counters the writing queue keeps (read by the caller only after `sync`).
    private final class Progress: @unchecked Sendable {
        var summary = ConversionSummary()
        /// The writing queue's first error; the reading loop polls it.
        let failure = Locked<(any Error)?>(nil)
    }

    /// Reads every feature of `reader` and writes it through `writer`, rejects into `rejects`
    /// (nil: the first rejection is thrown).
    public func run(reader: any FeatureReader, writer: GeoJSONWriter, rejects: RejectsReport?) throws -> ConversionSummary {
        let workerCount = Swift.max(1, Swift.min(8, Cores.available * 2))
        // Rejected features go to the report as read: in the source CRS, every digit kept.
        let original = try GeoJSONEncoder(options: GeoJSONWriteOptions(crs: reader.crs, precision: nil), sourceCRS: reader.crs)
        let workers = (0..<workerCount).map { _ in Worker(encoder: writer.makeEncoder(), original: original) }
        let progress = Progress()
        let writing = DispatchQueue(label: "nordwaerts.conversion.write")
        let free = [DispatchSemaphore(value: 1), DispatchSemaphore(value: 1)]
        nonisolated(unsafe) let writer = writer
        nonisolated(unsafe) let rejects = rejects
        let policy = self.policy
        let path = reader.path
        var read = 0
        var invalidExamples: [String] = []
        var invalidCount = 0, repaired = 0
        var batchNumber = 0

        func drain() throws {
            writing.sync {}
            if let failure = progress.failure.withLock({ $0 }) { throw failure }
        }

        while true {
            let set = batchNumber % 2
            free[set].wait()
            for worker in workers { worker.buffers[set].bytes.removeAll(keepingCapacity: true) }
            let outcomes: [Outcome]
            do {
                outcomes = try reader.nextBatch(maxCount: batchSize, workers: workerCount) { item, w in
                    FeatureConversion.handle(item, workers[w], set: set, index: w, policy: policy, path: path)
                }
            } catch {
                free[set].signal()
                writing.sync {}
                throw error
            }
            if outcomes.isEmpty { free[set].signal(); break }
            read += outcomes.count
            for worker in workers {
                invalidCount += worker.invalidCount
                repaired += worker.repaired
                for text in worker.invalid where invalidExamples.count < 5 { invalidExamples.append(text) }
                worker.invalid.removeAll()
                worker.invalidCount = 0
                worker.repaired = 0
            }
            for case let .failed(error) in outcomes {
                free[set].signal()
                try drain()
                throw error
            }
            batchNumber += 1
            writing.async {
                defer { free[set].signal() }
                guard progress.failure.withLock({ $0 == nil }) else { return }
                do {
                    for outcome in outcomes {
                        switch outcome {
                        case let .written(w, range, bounds):
                            try writer.writeEncoded(workers[w].buffers[set].bytes[range], bounds: bounds)
                            progress.summary.written += 1
                        case let .rejected(problem, raw, invalid):
                            progress.summary.rejected += 1
                            if invalid { progress.summary.skippedInvalid += 1 }
                            guard let rejects else { throw IOError.badFeature(problem) }
                            try rejects.add(problem, raw: raw)
                        case .failed:
                            break
                        }
                    }
                } catch {
                    progress.failure.withLock { if $0 == nil { $0 = error } }
                }
            }
            if progress.failure.withLock({ $0 != nil }) { break }
        }
        try drain()
        var summary = progress.summary
        summary.read = read
        summary.repaired = repaired
        summary.invalidKept = policy == .keep ? invalidCount : 0
        summary.invalidExamples = invalidExamples
        summary.warnings = reader.warnings
        return summary
    }

    /// Validity policy and encoding of one record, on its worker.
    private static func handle(_ item: ReadResult, _ worker: Worker, set: Int, index: Int,
                               policy: InvalidGeometryPolicy, path: String) -> Outcome {
        var feature: Feature
        switch item {
        case let .rejected(problem, raw): return .rejected(problem, raw: raw, invalid: false)
        case let .feature(read): feature = read
        }
        func raw() -> String? {
            var bytes: [UInt8] = []
            guard (try? worker.original.encode(feature, into: &bytes)) != nil else { return nil }
            return String(decoding: bytes, as: UTF8.self)
        }
        do {
            // isValid first (simple rings are answered without GEOS), the detail only when invalid.
            if let geometry = feature.geometry, !(try geometry.isValid()) {
                let validity = try geometry.validity()
                let problem = FeatureConversion.problem(feature, path, "invalid geometry: \(validity)")
                worker.invalidCount += 1
                if worker.invalid.count < 5 { worker.invalid.append(problem.description) }
                switch policy {
                case .keep: break
                case .fail: return .failed(IOError.badFeature(problem))
                case .skip: return .rejected(problem, raw: raw(), invalid: true)
                case .repair:
                    feature.geometry = try geometry.repaired(assumingInvalid: true)
                    worker.repaired += 1
                }
            }
            let buffer = worker.buffers[set]
            let start = buffer.bytes.count
            let bounds = try worker.encoder.encode(feature, into: &buffer.bytes)
            return .written(worker: index, range: start..<buffer.bytes.count, bounds: bounds)
        } catch let error as CRSError {
            return .rejected(FeatureConversion.problem(feature, path, "\(error)"), raw: raw(), invalid: false)
        } catch {
            return .failed(error)
        }
    }

    static func problem(_ feature: Feature, _ path: String, _ reason: String) -> FeatureProblem {
        FeatureProblem(feature: feature, path: path, reason: reason)
    }
}
