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

    /// A parcel's standard row, appended once as a CSV line (to `csv`) and once as a JSON
    /// properties object (to `json`), from the same formatted numbers.
    public static func appendRow(of e: ParcelStudy.Evaluation, id: String, landUse: String, units: ReportingUnits,
                                 csv: inout [UInt8], json: inout [UInt8]) {
        let district = e.shares.first.map { units.ids[$0.unit] } ?? ""
        var number: [UInt8] = []
        json.append(0x7B)
        for (k, column) in parcelColumns.enumerated() {
            if k > 0 { csv.append(0x2C); json.append(0x2C) }
            TextFields.appendJSONString(column, to: &json)
            json.append(0x3A)
            switch k {
            case 0, 1, 2:
                let text = k == 0 ? id : (k == 1 ? district : landUse)
                csv += text.utf8
                TextFields.appendJSONString(text, to: &json)
            case 9:
                let flag: UInt8 = e.proximity?.near == true ? 0x31 : 0x30
                csv.append(flag)
                json.append(flag)
            default:
                let m = e.measures
                let value = [m.area, m.perimeter, m.compactness, m.grz, m.gfz, e.reach?.share ?? 0][k - 3]
                number.removeAll(keepingCapacity: true)
                TextFields.appendShortest(value, to: &number)
                csv += number
                json += number
            }
        }
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

    /// CSV lines kept in one buffer, to be written sorted by their first field (the id).
    public struct SortedLines: Sendable {
        private var bytes: [UInt8] = []
        /// Per line: start, end of the id, end of the line.
        private var lines: [(start: Int, idEnd: Int, end: Int)] = []

        public init() {}

        public var count: Int { lines.count }

        public mutating func append(_ line: ArraySlice<UInt8>) {
            let start = bytes.count
            bytes += line
            let idEnd = bytes[start...].firstIndex(of: 0x2C) ?? bytes.count
            lines.append((start, idEnd, bytes.count))
        }

        /// Writes a header and the lines in byte order of their ids. The ids' first eight bytes,
        /// as a big-endian number, decide most comparisons; memcmp settles the rest.
        public func write(to path: String, header: [String]) throws {
            let order: [Int] = bytes.withUnsafeBufferPointer { b in
                let keys: [UInt64] = lines.map { line in
                    var key: UInt64 = 0
                    for k in 0..<8 { key = key << 8 | UInt64(line.start + k < line.idEnd ? b[line.start + k] : 0) }
                    return key
                }
                let sortedAlready = keys.indices.dropFirst().allSatisfy { keys[$0 - 1] < keys[$0] }
                if sortedAlready { return Array(lines.indices) }
                return lines.indices.sorted { i, j in
                    if keys[i] != keys[j] { return keys[i] < keys[j] }
                    let x = lines[i], y = lines[j]
                    let n = Swift.min(x.idEnd - x.start, y.idEnd - y.start)
                    let c = memcmp(b.baseAddress! + x.start, b.baseAddress! + y.start, n)
                    return c != 0 ? c < 0 : (x.idEnd - x.start) < (y.idEnd - y.start)
                }
            }
            let file = try OutputFile(path: path)
            try file.write(Array((header.joined(separator: ",") + "\n").utf8))
            try file.append { out in
                for i in order { out += bytes[lines[i].start..<lines[i].end] }
            }
            try file.commit()
        }
    }

    /// Stage times (wall seconds), parcels and repairs of one run.
    public struct Timing: Sendable {
        public var stages: [(String, Double)] = []
        public var parcels = 0
        public var repaired = 0
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
        let stream = try FeatureStream(path: data + "/parcels.geojson", policy: .keep)
        let workers = stream.workerCount
        let encoders = EncoderPool(for: writer, workers: workers)
        let clocks = (0..<workers).map { _ in StageClock() }
        // Repairs are counted per worker; the district sums are added in input order (so that
        // they are the same, bit for bit, on any number of threads and in `run`).
        final class Count: @unchecked Sendable { var repaired = 0 }
        let counts = (0..<workers).map { _ in Count() }
        var tallies = [DistrictIndicators.Tally](repeating: DistrictIndicators.Tally(), count: context.units.count)
        var lines = SortedLines()
        var readSeconds = readSmall, parallelSeconds = 0.0, writeSeconds = 0.0, tallySeconds = 0.0
        while true {
            var t0 = StageClock.now()
            guard let batch = try stream.nextBatch({ feature, _ in feature }) else { break }
            readSeconds += StageClock.now() - t0
            t0 = StageClock.now()
            // Per parcel: GeoJSON feature bytes, then the CSV line; `split` between them.
            let results = try concurrentChunks(batch.count, chunks: workers) { i, worker -> (bytes: [UInt8], split: Int, bounds: Envelope, tally: (Int, ParcelMetrics.Measures, Double?)?) in
                let clock = clocks[worker], mine = counts[worker]
                clock.start()
                var parcel = batch[i]
                if let g = parcel.geometry, !(try g.isValid()) {
                    parcel.geometry = try g.repaired()
                    mine.repaired += 1
                }
                clock.lap(.repair)
                let e = try study.evaluate(parcel, in: context, clock: clock, annotate: false)
                clock.start()
                var csv: [UInt8] = [], json: [UInt8] = []
                StandardPipeline.appendRow(of: e, id: parcel.id?.description ?? parcel.properties["id"]?.description ?? "",
                                           landUse: parcel.properties["landuse"]?.description ?? "", units: context.units, csv: &csv, json: &json)
                clock.lap(.csv)
                // RFC 7946 writes an empty geometry as null.
                var bytes: [UInt8] = []
                bytes.reserveCapacity(json.count + 400)
                let bounds = try encoders.encode(id: nil, geometry: parcel.geometry.flatMap { $0.isEmpty ? nil : $0 }, rawProperties: json,
                                                 worker: worker, into: &bytes)
                let split = bytes.count
                bytes += csv
                clock.lap(.geojson)
                return (bytes, split, bounds, e.shares.first.map { ($0.unit, e.measures, e.reach?.share) })
            }
            parallelSeconds += StageClock.now() - t0
            t0 = StageClock.now()
            for r in results {
                try writer.writeEncoded(r.bytes[..<r.split], bounds: r.bounds)
                lines.append(r.bytes[r.split...])
            }
            writeSeconds += StageClock.now() - t0
            t0 = StageClock.now()
            for r in results {
                if let (unit, measures, share) = r.tally { tallies[unit].add(measures, catchmentShare: share) }
            }
            tallySeconds += StageClock.now() - t0
            timing.parcels += batch.count
            progress("parcels: \(timing.parcels)")
        }
        var t0 = StageClock.now()
        try writer.finish()
        writeSeconds += StageClock.now() - t0
        timing.repaired = counts.reduce(0) { $0 + $1.repaired }

        // The fused parallel pass, apportioned to its stages by the time the workers spent in each.
        let spent = StageClock.total(clocks)
        let busy = spent.reduce(0, +)
        func share(_ stage: StageClock.Stage) -> Double { busy > 0 ? parallelSeconds * spent[stage.rawValue] / busy : 0 }
        t0 = StageClock.now()
        let table = StandardPipeline.districtTable(units: context.units, tallies: tallies)
        try table.write(to: out + "/districts.csv")
        let gSeconds = StageClock.now() - t0
        t0 = StageClock.now()
        try lines.write(to: out + "/parcels.csv", header: StandardPipeline.parcelColumns)
        let csvSeconds = StageClock.now() - t0
        // Building the context is mostly the catchment's union and tiles: it counts to stage e.
        timing.stages = [
            ("a_read", readSeconds), ("b_repair", share(.repair)), ("c_metrics", share(.metrics) + share(.other)),
            ("d_district", share(.district)), ("e_catchment", prepare + share(.catchment)), ("f_corridor", share(.corridor)),
            ("g_districts", gSeconds + tallySeconds), ("h_geojson", share(.geojson) + writeSeconds), ("i_csv", share(.csv) + csvSeconds),
        ]
        return timing
    }
}
