import Dispatch
import GeoCore
import GeoIO
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The STANDARD PIPELINE of the benchmark kit (../shared/bench/README.md), made of the
/// toolkit's own analyses: stage b the repair rule of ``Geometry/repaired()``, c
/// ``ParcelMetrics`` (attribute variant, no shape measures), d ``DistrictAssignment`` (point
/// on surface, smallest id on ties), e ``Catchment`` (one 500 m radius, `buffer-union`, 8
/// segments per quarter circle, tiled), f ``CorridorProximity`` (300 m), g
/// ``DistrictIndicators``, h the RFC 7946 writer, i the two CSV tables. `nordwaerts pipeline`
/// runs it; `nordwaerts run` with `outputs.standard_pipeline: true` writes the same tables from
/// the same code.
///
/// Parcels stream through: each batch is parsed (stage a), then repaired, measured, joined,
/// tested and encoded on all cores in one pass per parcel, and written in input order. Only
/// the CSV rows (about 100 bytes a parcel) are kept, to be sorted by id at the end.
public struct StandardPipeline: Sendable {
    public var catchmentRadius = 500.0
    public var corridorDistance = 300.0

    public init() {}

    /// The analyses of stages c–g as a ``ParcelStudy``.
    public var study: ParcelStudy {
        var study = ParcelStudy.parcelsAndDistricts
        study.metrics = ParcelMetrics(shapeMeasures: false)
        study.potential = nil
        var catchment = Catchment.single(radius: catchmentRadius, mode: "all", method: .bufferUnion, quadrantSegments: 8)
        catchment.nearestFacility = false
        study.catchment = catchment
        study.corridors = CorridorProximity(distance: corridorDistance, nearestDistance: false)
        return study
    }

    /// The columns of parcels.csv and districts.csv, as the benchmark kit defines them.
    public static let parcelColumns = ["id", "district_id", "landuse", "area_m2", "perimeter_m", "compactness", "grz", "gfz",
                                       "catchment_share", "near_corridor"]
    public static let districtColumns = ["id", "parcel_count", "parcel_area_m2", "landuse_entropy", "served_share", "mean_grz"]

    /// The JSON member names of the parcel columns, `"id":` and so on: static text, so that
    /// workers on several cores append them without touching a shared array's reference count
    /// (a contended atomic per column, which cost more than formatting the row).
    private static func jsonKey(_ k: Int) -> StaticString {
        switch k {
        case 0: return "\"id\":"
        case 1: return "\"district_id\":"
        case 2: return "\"landuse\":"
        case 3: return "\"area_m2\":"
        case 4: return "\"perimeter_m\":"
        case 5: return "\"compactness\":"
        case 6: return "\"grz\":"
        case 7: return "\"gfz\":"
        case 8: return "\"catchment_share\":"
        default: return "\"near_corridor\":"
        }
    }

    /// A parcel's standard row, appended once as a CSV line (to `csv`) and once as a JSON
    /// properties object (to `json`), from the same formatted numbers.
    public static func appendRow(of e: ParcelStudy.Evaluation, id: String, landUse: String, units: ReportingUnits,
                                 csv: inout [UInt8], json: inout [UInt8]) {
        func key(_ k: Int) {
            jsonKey(k).withUTF8Buffer { json.append(contentsOf: $0) }
        }
        func text(_ k: Int, _ value: String) {
            if k > 0 { csv.append(0x2C); json.append(0x2C) }
            key(k)
            csv += value.utf8
            TextFields.appendJSONString(value, to: &json)
        }
        func number(_ k: Int, _ value: Double) {
            csv.append(0x2C); json.append(0x2C)
            key(k)
            let start = csv.count
            TextFields.appendShortest(value, to: &csv)
            json += csv[start...]
        }
        json.append(0x7B)
        text(0, id)
        text(1, e.shares.first.map { units.ids[$0.unit] } ?? "")
        text(2, landUse)
        let m = e.measures
        number(3, m.area)
        number(4, m.perimeter)
        number(5, m.compactness)
        number(6, m.grz)
        number(7, m.gfz)
        number(8, e.reach?.share ?? 0)
        let flag: UInt8 = e.proximity?.near == true ? 0x31 : 0x30
        csv.append(0x2C); json.append(0x2C)
        key(9)
        csv.append(flag)
        json.append(flag)
        csv.append(0x0A)
        json.append(0x7D)
    }

    /// districts.csv: every district in id order (byte order), the stage-g columns.
    public static func districtTable(units: ReportingUnits, tallies: [DistrictIndicators.Tally]) -> Table {
        var table = Table(columns: districtColumns)
        for u in units.ids.indices.sorted(by: { units.ids[$0].utf8.lexicographicallyPrecedes(units.ids[$1].utf8) }) {
            let t = tallies[u]
            let s = t.parcelArea
            table.rows.append([.string(units.ids[u]), .integer(Int64(t.parcels)), .double(s), .double(t.landUseEntropy),
                               .double(s > 0 ? t.servedArea / s : 0), .double(t.parcels > 0 ? t.grzSum / t.parcels : 0)])
        }
        return table
    }

    /// One parcel's output: where its GeoJSON feature and its CSV line are in its worker's
    /// ``WorkerOutput``, the feature's bounds and what the district sums need.
    struct Row: Sendable {
        var worker: Int
        var geojson: Range<Int>
        var csv: Range<Int>
        var bounds: Envelope
        var tally: (unit: Int, measures: ParcelMetrics.Measures, share: Double?)?
    }

    /// What one worker wrote for its parcels of a batch, back to back (so that a parcel costs
    /// no allocation of its own), and its scratch for a parcel's JSON properties.
    final class WorkerOutput: @unchecked Sendable {
        var geojson: [UInt8] = []
        var csv: [UInt8] = []
        var properties: [UInt8] = []
    }

    /// Two sets of ``WorkerOutput``s in storage allocated once: a batch fills one set while the
    /// sink writes the previous batch from the other. Each worker touches only its own element.
    final class OutputSets: @unchecked Sendable {
        private let storage: UnsafeMutableBufferPointer<WorkerOutput>
        private let workers: Int

        init(workers: Int) {
            self.workers = workers
            storage = .allocate(capacity: 2 * workers)
            for k in 0..<2 * workers { (storage.baseAddress! + k).initialize(to: WorkerOutput()) }
        }

        deinit {
            storage.baseAddress!.deinitialize(count: storage.count)
            storage.deallocate()
        }

        func output(set: Int, worker: Int) -> WorkerOutput { storage[set * workers + worker] }

        /// Empties a set for the next batch (keeping the memory).
        func clear(set: Int) {
            for w in 0..<workers {
                let o = output(set: set, worker: w)
                o.geojson.removeAll(keepingCapacity: true)
                o.csv.removeAll(keepingCapacity: true)
            }
        }
    }

    /// Writes batches in order on a queue of its own, so that writing one batch overlaps
    /// reading and evaluating the next: GeoJSON features to the writer, CSV lines kept for
    /// sorting, district sums added in input order.
    final class OrderedSink: @unchecked Sendable {
        private let queue = DispatchQueue(label: "nordwaerts.pipeline.write")
        private let group = DispatchGroup()
        private let writer: GeoJSONWriter
        private var failure: (any Error)?
        // Touched only on `queue`, read after `waitForWrites()`.
        private var lines = SortedLines()
        private(set) var tallies: [DistrictIndicators.Tally]

        init(writer: GeoJSONWriter, districts: Int) {
            self.writer = writer
            tallies = .init(repeating: DistrictIndicators.Tally(), count: districts)
        }

        func write(_ rows: [Row], from outputs: OutputSets, set: Int) {
            queue.async(group: group) { [self] in
                guard failure == nil else { return }
                do {
                    for r in rows {
                        let o = outputs.output(set: set, worker: r.worker)
                        try writer.writeEncoded(o.geojson[r.geojson], bounds: r.bounds)
                        lines.append(o.csv[r.csv])
                        if let t = r.tally { tallies[t.unit].add(t.measures, catchmentShare: t.share) }
                    }
                } catch {
                    failure = error
                }
            }
        }

        /// The CSV lines, handed over (the sink keeps none, so that sorting them copies nothing).
        func takeLines() -> SortedLines {
            queue.sync {
                defer { lines = SortedLines() }
                return lines
            }
        }

        /// Waits until every batch handed over is written; rethrows the first write error.
        func waitForWrites() throws {
            group.wait()
            if let failure { throw failure }
        }
    }

    /// CSV lines kept to be written sorted by their first field (the id).
    ///
    /// The lines sit in chunks of 4 MiB that are filled once and never move (one growing
    /// buffer would be copied at every doubling and, at five million parcels, hold twice its
    /// size for a moment); each line's entry carries its id's first sixteen bytes as two
    /// big-endian numbers, which decide nearly every comparison of the sort (a cadastral id
    /// such as `053302-007-00066` is sixteen bytes long; memcmp settles longer ones). About
    /// 100 bytes of text and 32 bytes of entry a parcel.
    public struct SortedLines: Sendable {
        private struct Entry {
            var high: UInt64, low: UInt64
            var chunk: UInt32, start: UInt32, length: UInt32, idLength: UInt32

            func precedes(_ other: Entry) -> Bool { high != other.high ? high < other.high : low < other.low }
        }

        /// memcmp of two lines' whole ids, then the shorter first (for ids longer than the key).
        private func compareIDs(_ x: Entry, _ y: Entry) -> Int {
            chunks[Int(x.chunk)].withUnsafeBufferPointer { a in
                chunks[Int(y.chunk)].withUnsafeBufferPointer { b in
                    let c = memcmp(a.baseAddress! + Int(x.start), b.baseAddress! + Int(y.start), Int(Swift.min(x.idLength, y.idLength)))
                    return c != 0 ? Int(c) : Int(x.idLength) - Int(y.idLength)
                }
            }
        }

        private static let chunkSize = 4 << 20
        private var chunks: [[UInt8]] = []
        private var entries: [Entry] = []
        private var longIDs = false

        public init() {}

        public var count: Int { entries.count }

        public mutating func append(_ line: ArraySlice<UInt8>) {
            if chunks.isEmpty || chunks[chunks.count - 1].count + line.count > SortedLines.chunkSize {
                var chunk: [UInt8] = []
                chunk.reserveCapacity(Swift.max(SortedLines.chunkSize, line.count))
                chunks.append(chunk)
            }
            let k = chunks.count - 1
            let start = chunks[k].count
            chunks[k].append(contentsOf: line)
            let idLength = (line.firstIndex(of: 0x2C) ?? line.endIndex) - line.startIndex
            var high: UInt64 = 0, low: UInt64 = 0
            for j in 0..<16 {
                let byte = UInt64(j < idLength ? line[line.startIndex + j] : 0)
                if j < 8 { high = high << 8 | byte } else { low = low << 8 | byte }
            }
            if idLength > 16 { longIDs = true }
            entries.append(Entry(high: high, low: low, chunk: UInt32(k), start: UInt32(start), length: UInt32(line.count),
                                 idLength: UInt32(idLength)))
        }

        /// Writes a header and the lines in byte order of their ids (sorting the lines in place);
        /// returns how many lines repeat the id of the line before (in the sorted order, lines
        /// with one id are neighbours, so no set of ids is needed to find them).
        @discardableResult
        public mutating func write(to path: String, header: [String]) throws -> Int {
            let sortedAlready = entries.indices.dropFirst().allSatisfy { entries[$0 - 1].precedes(entries[$0]) }
            if !sortedAlready {
                if longIDs {
                    var sorted = entries  // taken out, so that the comparison may read the chunks
                    entries = []
                    sorted.sort { x, y in x.precedes(y) || (!y.precedes(x) && compareIDs(x, y) < 0) }
                    entries = sorted
                } else {
                    entries.sort { $0.precedes($1) }
                }
            }
            var repeats = 0
            for k in entries.indices.dropFirst() {
                let x = entries[k - 1], y = entries[k]
                guard x.high == y.high, x.low == y.low, x.idLength == y.idLength else { continue }
                if x.idLength <= 16 || compareIDs(x, y) == 0 { repeats += 1 }
            }
            let file = try OutputFile(path: path)
            try file.write(Array((header.joined(separator: ",") + "\n").utf8))
            // In pieces, so that the file's buffer stays small.
            var next = 0
            while next < entries.count {
                let end = Swift.min(entries.count, next + 8192)
                try file.append { out in
                    for e in entries[next..<end] {
                        chunks[Int(e.chunk)].withUnsafeBufferPointer { b in
                            out.append(contentsOf: UnsafeBufferPointer(rebasing: b[Int(e.start)..<Int(e.start + e.length)]))
                        }
                    }
                }
                next = end
            }
            try file.commit()
            return repeats
        }
    }

    /// Stage times (wall seconds), parcels and repairs of one run.
    public struct Timing: Sendable {
        public var stages: [(String, Double)] = []
        public var parcels = 0
        public var repaired = 0
        /// The reader's warnings, and parcels whose id an earlier parcel has.
        public var warnings: [String] = []
        public var total: Double { stages.reduce(0) { $0 + $1.1 } }
    }

    /// Runs the pipeline on the four layers in `data` (parcels, districts, stops and corridors
    /// .geojson) and writes parcels.csv, districts.csv and parcels_wgs84.geojson into `out`.
    /// `progress` hears the stage names and parcel counts.
    public func run(data: String, out: String, progress: (String) -> Void = { _ in }) throws -> Timing {
        var timing = Timing()
        var clockStart = StageClock.now()
        // a (small layers).
        let (districts, _) = try Layer.read(path: data + "/districts.geojson", name: "districts")
        let (stops, _) = try Layer.read(path: data + "/stops.geojson", name: "stops")
        let (corridors, _) = try Layer.read(path: data + "/corridors.geojson", name: "corridors")
        let readSmall = StageClock.now() - clockStart
        clockStart = StageClock.now()
        let study = self.study
        let context = try ParcelStudy.Context(.init(districts: districts, stops: stops, corridors: corridors), study: study)
        let prepare = StageClock.now() - clockStart
        progress("districts \(districts.count), stops \(stops.count), corridors \(corridors.count) read; catchment and corridor index built")

        let writer = try GeoJSONWriter(path: out + "/parcels_wgs84.geojson", options: GeoJSONWriteOptions(), sourceCRS: .etrs89UTM32N)
        // Repeated ids are found in the sorted table at the end, not by keeping a set of ids.
        let stream = try FeatureStream(path: data + "/parcels.geojson", options: ReadOptions(countsRepeatedIDs: false), policy: .keep)
        let workers = stream.workerCount
        let encoders = EncoderPool(for: writer, workers: workers)
        let clocks = (0..<workers).map { _ in StageClock() }
        // Repairs are counted per worker; the district sums are added in input order (so that
        // they are the same, bit for bit, on any number of threads and in `run`).
        final class Count: @unchecked Sendable { var repaired = 0 }
        let counts = (0..<workers).map { _ in Count() }
        let sink = OrderedSink(writer: writer, districts: context.units.count)
        let outputs = OutputSets(workers: workers)
        var batchSeconds = 0.0, waitSeconds = 0.0, batchNumber = 0
        while true {
            var t0 = StageClock.now()
            // The sink is done with this set: it wrote the batch before last.
            let set = batchNumber % 2
            outputs.clear(set: set)
            // One pass per parcel on the thread that parsed it: repair, stages c–f, the CSV row
            // and the GeoJSON feature, appended to the worker's output.
            let batch = try stream.nextBatch { parcel, worker -> Row in
                let clock = clocks[worker].sampled(every: 8), mine = counts[worker]
                let o = outputs.output(set: set, worker: worker)
                clock?.start()
                var parcel = parcel
                if let g = parcel.geometry, !(try g.isValid()) {
                    parcel.geometry = try g.repaired(assumingInvalid: true)
                    mine.repaired += 1
                }
                clock?.lap(.repair)
                let e = try study.evaluate(parcel, in: context, clock: clock, annotate: false)
                let csvStart = o.csv.count
                o.properties.removeAll(keepingCapacity: true)
                StandardPipeline.appendRow(of: e, id: parcel.id?.description ?? parcel.properties["id"]?.description ?? "",
                                           landUse: parcel.properties["landuse"]?.description ?? "", units: context.units,
                                           csv: &o.csv, json: &o.properties)
                clock?.lap(.csv)
                // RFC 7946 writes an empty geometry as null.
                let start = o.geojson.count
                let bounds = try encoders.encode(id: nil, geometry: parcel.geometry.flatMap { $0.isEmpty ? nil : $0 },
                                                 rawProperties: o.properties, worker: worker, into: &o.geojson)
                clock?.lap(.geojson)
                return Row(worker: worker, geojson: start..<o.geojson.count, csv: csvStart..<o.csv.count, bounds: bounds,
                           tally: e.shares.first.map { ($0.unit, e.measures, e.reach?.share) })
            }
            batchSeconds += StageClock.now() - t0
            t0 = StageClock.now()
            // The previous batch's writes ran meanwhile; this batch's run while the next is read.
            try sink.waitForWrites()
            waitSeconds += StageClock.now() - t0
            guard let batch else { break }
            sink.write(batch, from: outputs, set: set)
            batchNumber += 1
            timing.parcels += batch.count
            progress("parcels: \(timing.parcels)")
        }
        var t0 = StageClock.now()
        try writer.finish()
        let finishSeconds = StageClock.now() - t0
        timing.repaired = counts.reduce(0) { $0 + $1.repaired }
        let tallies = sink.tallies
        var lines = sink.takeLines()

        // The fused pass, apportioned to its stages by the time the workers spent in each; the
        // rest of a batch's wall time is reading (scanning and parsing the features).
        let spent = StageClock.total(clocks)
        let threads = Double(Swift.max(1, Swift.min(workers, Cores.available)))
        func share(_ stage: StageClock.Stage) -> Double { spent[stage.rawValue] / threads }
        let readSeconds = readSmall + Swift.max(0, batchSeconds - spent.reduce(0, +) / threads)
        let writeSeconds = waitSeconds + finishSeconds
        t0 = StageClock.now()
        let table = StandardPipeline.districtTable(units: context.units, tallies: tallies)
        try table.write(to: out + "/districts.csv")
        let gSeconds = StageClock.now() - t0
        t0 = StageClock.now()
        let repeats = try lines.write(to: out + "/parcels.csv", header: StandardPipeline.parcelColumns)
        timing.warnings = stream.summary.warnings
        if repeats > 0 {
            timing.warnings.append("\(data)/parcels.geojson: \(repeats) \(repeats == 1 ? "parcel repeats" : "parcels repeat") an id used before (parcels.csv has a line for each)")
        }
        let csvSeconds = StageClock.now() - t0
        // Building the context is mostly the catchment's union and tiles: it counts to stage e.
        timing.stages = [
            ("a_read", readSeconds), ("b_repair", share(.repair)), ("c_metrics", share(.metrics) + share(.other)),
            ("d_district", share(.district)), ("e_catchment", prepare + share(.catchment)), ("f_corridor", share(.corridor)),
            ("g_districts", gSeconds), ("h_geojson", share(.geojson) + writeSeconds), ("i_csv", share(.csv) + csvSeconds),
        ]
        return timing
    }
}
