import Foundation
import Crypto
import GeoCore
import GeoIO
import Transit
import UrbanAnalysis

/// The analysis `kind: transit-quality` inside a run: reads the feed of the `gtfs` input,
/// counts departures, grades the stations (``TransitQuality``), draws the class bands
/// (``QualityMap``), gives each parcel (and address) its class at its point on surface, and
/// sums per district. Writes `pt_stops.csv` (the audit), `pt_quality.geojson` (class
/// polygons), `pt_quality_districts.csv` and `gtfs.rejects.csv`, and a section of the reports.
///
/// Per district u and class X (and `none`, outside every band):
/// - `parcel_area_m2_X`: the area of the parcels whose point on surface has class X;
/// - `addresses_X`: address points of class X (with an `addresses` input);
/// - `residents_X` = pop(u) · F_X / F, with F the residential and mixed floor area of u's
///   parcels and F_X that of class X (as ``ResidentsInReach`` spreads residents); with
///   addresses, pop(u) · addresses_X / addresses;
/// - `residents_sdg_11_2_1`, `sdg_11_2_1_share`: residents within `sdg_low_capacity_m` of a
///   bus, tram or other station, or `sdg_high_capacity_m` of a rail or metro station, with at
///   least one departure in the window (UN-Habitat's SDG 11.2.1, straight-line distance:
///   the project's reading; walking distance with `method: network`);
/// - `residents_dg_regio_high|medium|low`: residents by the best DG REGIO frequency class
///   of those stations (departures per hour, `dg_regio_edges_per_hour`).
/// Rows: the districts, then Nordwärts, the rest of the city and the whole city (sums; shares
/// from the sums).
final class TransitQualityRun: @unchecked Sendable {
    let quality: TransitQuality
    let feed: GTFSFeed
    let date: ServiceDate
    let count: DepartureCount
    let grades: [StationGrade]
    let map: QualityMap
    let units: ReportingUnits
    let record: InputRecord
    let labels: [String]
    /// The metric working CRS of the run (`working_crs`), the map's and the class polygons'.
    let crs: CRS
    /// With `method: network`: the stations farther than `max_snap_m` from the streets (ids),
    /// which draw no band and serve nobody.
    let offNetwork: [String]
    private var area: [[Double]]
    private var floor: [[Double]]
    private var floorSDG: [Double]
    private var floorDG: [[Double]]
    private var addresses: [[Double]]?
    private let hasAddresses: Bool
    static let dgClasses = ["high", "medium", "low", "none"]

    init(_ quality: TransitQuality, scenario: Scenario, units: ReportingUnits, assignment: DistrictAssignment, addressLayer: Layer?,
         reach: StationReach? = nil, log: (String) -> Void) throws {
        guard let (name, spec) = scenario.inputs.first(where: { $0.spec.role(named: $0.name) == "gtfs" }) else {
            throw ScenarioError.missingKey(file: scenario.file, key: "inputs.gtfs", line: 0)
        }
        let path = spec.resolvedPath(in: scenario.folder)
        self.quality = quality
        feed = try GTFSFeed(path: path)
        date = try quality.serviceDate(in: feed)
        count = try DepartureCount(feed: feed, date: date, window: quality.window)
        grades = try quality.grade(feed, count)
        // The stations are placed in the run's working CRS (every layer of the run is read into it).
        crs = scenario.workingCRS
        map = try QualityMap(quality, feed: feed, grades: grades, crs: crs, reach: reach)
        if let walk = reach as? NetworkStationReach {
            offNetwork = try map.stations.filter { try !walk.isOnNetwork($0.location) }.map(\.id)
        } else {
            offNetwork = []
        }
        self.units = units
        labels = map.classNames + ["none"]
        let n = units.count
        area = Array(repeating: Array(repeating: 0, count: labels.count), count: n)
        floor = area
        floorSDG = Array(repeating: 0, count: n)
        floorDG = Array(repeating: Array(repeating: 0, count: 4), count: n)
        hasAddresses = addressLayer != nil
        addresses = nil
        var rec = try TransitQualityRun.record(name: name, spec: spec, path: path)
        let rows = feed.rowCounts.values.reduce(0, +) + count.stopTimeRows
        let rejected = feed.rejects.count + count.rejects.count
        rec.summary.read = rows
        rec.summary.kept = rows - rejected
        rec.summary.rejected = rejected
        rec.summary.sourceCRS = .wgs84
        record = rec
        log("read GTFS \(name): \(feed.stops.count) stops, \(feed.trips.count) trips, \(count.stopTimeRows) stop times (\(rejected) rows rejected); "
            + "\(count.runningTrips) trips run on \(date); \(grades.count) station × mode rows graded (\(quality.preset.rawValue))")
        if let addressLayer {
            let labels = self.labels, map = self.map
            var counts = Array(repeating: Array(repeating: 0.0, count: labels.count), count: n)
            let classes = try addressLayer.features.parallelMap(minimumChunk: 256) { f -> (Int, [DistrictAssignment.Share]) in
                let g = f.geometry!
                let p = g.type.topologicalDimension == 0 ? g : try g.pointOnSurface()
                let name = try map.classify(p)
                return (name.flatMap { labels.firstIndex(of: $0) } ?? labels.count - 1, try assignment.assign(g, units: units))
            }
            for (k, shares) in classes { for s in shares { counts[s.unit][k] += s.weight } }
            addresses = counts
        }
    }

    func labelIndex(_ name: String?) -> Int { name.flatMap { labels.firstIndex(of: $0) } ?? labels.count - 1 }

    /// Sets `pt_class`, `pt_sdg_11_2_1` and `pt_dg_regio` of a parcel (on the worker that evaluates it).
    func annotate(_ feature: inout Feature) throws {
        guard let g = feature.geometry, !g.isEmpty else {
            feature.properties["pt_class"] = .null
            return
        }
        let p = g.type.topologicalDimension == 0 ? g : try g.pointOnSurface()
        let cls = try map.classify(p)
        let access = try map.access(p)
        feature.properties["pt_class"] = cls.map(PropertyValue.string) ?? .null
        feature.properties["pt_sdg_11_2_1"] = .bool(access.served)
        feature.properties["pt_dg_regio"] = access.dgRegioClass.map(PropertyValue.string) ?? .null
    }

    /// Adds an evaluated parcel to the sums (in input order, on one thread).
    func add(_ e: ParcelStudy.Evaluation) {
        let k = labelIndex(e.feature.properties["pt_class"]?.stringValue)
        let residential = e.measures.landUse?.isResidential == true
        let served = e.feature.properties["pt_sdg_11_2_1"] == .bool(true)
        let dg = TransitQualityRun.dgClasses.firstIndex(of: e.feature.properties["pt_dg_regio"]?.stringValue ?? "none") ?? 3
        for s in e.shares {
            area[s.unit][k] += s.weight * e.measures.area
            if residential {
                floor[s.unit][k] += s.weight * e.measures.floorArea
                if served { floorSDG[s.unit] += s.weight * e.measures.floorArea }
                floorDG[s.unit][dg] += s.weight * e.measures.floorArea
            }
        }
    }

    /// The district table: districts, Nordwärts, rest of the city, whole city.
    func districtTable() -> Table {
        var columns = ["id", "name", "population"]
        for l in labels { columns += ["parcel_area_m2_\(l)"] + (hasAddresses ? ["addresses_\(l)"] : []) + ["residents_\(l)", "residents_share_\(l)"] }
        columns += ["residents_sdg_11_2_1", "sdg_11_2_1_share"] + TransitQualityRun.dgClasses.map { "residents_dg_regio_\($0)" }
        // Per unit: residents per class, SDG and DG REGIO (nil without population or floor area).
        func residents(_ u: Int) -> (classes: [Double], sdg: Double, dg: [Double])? {
            guard let pop = units.populations[u] else { return nil }
            if let addresses {
                let total = addresses[u].reduce(0, +)
                guard total > 0 else { return nil }
                // SDG and DG REGIO still come from the floor area (addresses carry no reach here).
                let f = floor[u].reduce(0, +)
                return (addresses[u].map { pop * $0 / total }, f > 0 ? pop * floorSDG[u] / f : 0, floorDG[u].map { f > 0 ? pop * $0 / f : 0 })
            }
            let total = floor[u].reduce(0, +)
            guard total > 0 else { return nil }
            return (floor[u].map { pop * $0 / total }, pop * floorSDG[u] / total, floorDG[u].map { pop * $0 / total })
        }
        func row(id: String, name: String, members: [Int]) -> [PropertyValue] {
            let figures = members.map(residents)
            let known = members.indices.filter { figures[$0] != nil }
            let population = known.reduce(0.0) { $0 + (units.populations[members[$1]] ?? 0) }
            var out: [PropertyValue] = [.string(id), .string(name), known.isEmpty ? .null : .double(population)]
            for (k, _) in labels.enumerated() {
                out.append(.double(members.reduce(0) { $0 + area[$1][k] }))
                if let addresses { out.append(.double(members.reduce(0) { $0 + addresses[$1][k] })) }
                let r = known.reduce(0.0) { $0 + figures[$1]!.classes[k] }
                out += known.isEmpty ? [.null, .null] : [.double(r), population > 0 ? .double(r / population) : .null]
            }
            let sdg = known.reduce(0.0) { $0 + figures[$1]!.sdg }
            out += known.isEmpty ? [.null, .null] : [.double(sdg), population > 0 ? .double(sdg / population) : .null]
            for d in 0..<4 { out.append(known.isEmpty ? .null : .double(known.reduce(0.0) { $0 + figures[$1]!.dg[d] })) }
            return out
        }
        var table = Table(columns: columns)
        for u in 0..<units.count { table.rows.append(row(id: units.ids[u], name: units.names[u], members: [u])) }
        let all = Array(0..<units.count)
        table.rows.append(row(id: "nordwaerts", name: "Nordwärts", members: all.filter { units.nordwaerts[$0] }))
        table.rows.append(row(id: "rest", name: "rest of the city", members: all.filter { !units.nordwaerts[$0] }))
        table.rows.append(row(id: "city", name: "whole city", members: all))
        return table
    }

    /// The audit: one row per station and mode group.
    func stopsTable() -> Table {
        var table = Table(columns: ["station_id", "name", "mode_group", "departures", "effective_departures", "interval_min", "type", "category",
                                    "departures_per_hour", "dg_regio_class", "rule"])
        for g in grades {
            table.rows.append([.string(g.stationID), .string(g.name), .string(g.mode.rawValue), .integer(Int64(g.departures)),
                               .double(g.effectiveDepartures), g.intervalMinutes.map(PropertyValue.double) ?? .null, .string(g.type),
                               g.category.map { .string(romanNumeral($0)) } ?? .null, .double(g.departuresPerHour), .string(g.dgRegioClass),
                               .string(g.rule)])
        }
        return table
    }

    /// The class polygons, best class first: made once per run (the GeoJSON file and the
    /// GeoPackage both take it), on the runner's thread.
    func polygonLayer() throws -> Layer {
        if let polygons { return polygons }
        let layer = try makePolygonLayer()
        polygons = layer
        return layer
    }
    private var polygons: Layer?

    private func makePolygonLayer() throws -> Layer {
        Layer(name: "pt_quality", crs: crs, features: try map.polygons.map { p in
            Feature(geometry: p.area, properties: ["pt_class": .string(p.name), "area_m2": .double(try p.area.area()),
                                                   "preset": .string(quality.preset.rawValue), "method": .string(quality.method.rawValue)])
        })
    }

    /// Writes the files; returns their names.
    func write(into directory: String, csvStyle: Table.CSVStyle, options: GeoJSONWriteOptions) throws -> [String] {
        try stopsTable().write(to: directory + "/pt_stops.csv", csvStyle: csvStyle)
        try districtTable().write(to: directory + "/pt_quality_districts.csv", csvStyle: csvStyle)
        try polygonLayer().write(to: directory + "/pt_quality.geojson", options: options)
        var rejects = Table(columns: ["file", "line", "reason"])
        for r in feed.rejects + count.rejects { rejects.rows.append([.string(r.file), .integer(Int64(r.line)), .string(r.reason)]) }
        try rejects.write(to: directory + "/gtfs.rejects.csv", csvStyle: csvStyle)
        return ["pt_stops.csv", "pt_quality_districts.csv", "pt_quality.geojson", "gtfs.rejects.csv"]
    }

    /// Residents in classes A and B (the best two) and their share, for a row of the table.
    func bestTwo(_ table: Table, row id: String) -> (residents: Double, share: Double)? {
        guard let r = table.rows.firstIndex(where: { $0.first == .string(id) }) else { return nil }
        let best = map.classNames.prefix(2)
        var residents = 0.0
        for name in best {
            guard let v = table[r, "residents_\(name)"]?.doubleValue else { return nil }
            residents += v
        }
        guard let pop = table[r, "population"]?.doubleValue, pop > 0 else { return nil }
        return (residents, residents / pop)
    }

    /// The report's section (Markdown).
    func markdownSection() -> String {
        let table = districtTable()
        let best = map.classNames.prefix(2).joined(separator: "–")
        var text = "\n\n## Public-transport quality (ÖV-Güteklassen)\n\n"
        text += "Preset `\(quality.preset.rawValue)`, service date \(date)" + (quality.date == "weekday" ? " (the first Wednesday the feed serves)" : "")
            + ", window \(quality.window), bands by `\(quality.method.rawValue)`. \(count.runningTrips) of \(feed.trips.count) trips run that day; "
            + "\(grades.count) station × mode group rows are graded in `pt_stops.csv`, each with the rule that decided it.\n\n"
        if let n = bestTwo(table, row: "nordwaerts"), let r = bestTwo(table, row: "rest") {
            text += "**Residents in classes \(best): Nordwärts \(RunReport.format(n.residents, 0)) (\(RunReport.format(100 * n.share, 1)) %), "
                + "rest of the city \(RunReport.format(r.residents, 0)) (\(RunReport.format(100 * r.share, 1)) %).**\n\n"
        }
        let shown = map.classNames + ["none"]
        text += "| district | " + shown.map { "residents \($0)" }.joined(separator: " | ") + " | SDG 11.2.1 share |\n"
        text += "| --- | " + shown.map { _ in "---:" }.joined(separator: " | ") + " | ---: |\n"
        for r in table.rows.indices {
            let id = table[r, "id"]?.description ?? ""
            let name = table[r, "name"]?.description ?? ""
            let cells = shown.map { l in table[r, "residents_\(l)"]?.doubleValue.map { RunReport.format($0, 0) } ?? "–" }
            let sdg = table[r, "sdg_11_2_1_share"]?.doubleValue.map { RunReport.format(100 * $0, 1) + " %" } ?? "–"
            let label = ["nordwaerts", "rest", "city"].contains(id) ? "**\(name)**" : name
            text += "| \(label) | " + cells.joined(separator: " | ") + " | \(sdg) |\n"
        }
        text += "\nResidents are spread over residential and mixed floor area (or addresses); a parcel takes the class at its point on surface. "
            + "Parcel area and DG REGIO frequency classes per class are in `pt_quality_districts.csv`; rows of the feed that could not be used "
            + "(\(feed.rejects.count + count.rejects.count)) are in `gtfs.rejects.csv`."
        if !map.unplaced.isEmpty { text += " Stations without a position, left off the map: \(map.unplaced.joined(separator: ", "))." }
        if quality.method == .network {
            text += " Bands along the streets: the reached streets buffered by \(RunReport.format(quality.edgeBufferM, 0)) m; "
                + "\(offNetwork.count) of \(map.stations.count) stations lie farther than \(RunReport.format(quality.maxSnapM, 0)) m from the streets "
                + "and draw no band" + (offNetwork.isEmpty ? "." : " (" + offNetwork.prefix(20).joined(separator: ", ") + (offNetwork.count > 20 ? ", …" : "") + ").")
        }
        return text + "\n"
    }

    /// The record of the feed as an input (checksum of the zip, or of the folder's files in name order).
    static func record(name: String, spec: InputSpec, path: String) throws -> InputRecord {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ScenarioError.missingFile(file: "inputs.\(name)", key: "inputs.\(name).path", line: 0, path: path)
        }
        guard isDirectory.boolValue else { return try Scenario.record(name: name, spec: spec, path: path) }
        var hasher = SHA256()
        var bytes = 0
        for file in (try FileManager.default.contentsOfDirectory(atPath: path)).sorted() where file.hasSuffix(".txt") {
            guard let data = FileManager.default.contents(atPath: path + "/" + file) else { continue }
            hasher.update(data: Data(file.utf8))
            hasher.update(data: data)
            bytes += data.count
        }
        return InputRecord(name: name, role: spec.role(named: name), path: path, sha256: hasher.finalize().map { String(format: "%02x", $0) }.joined(),
                           bytes: bytes, summary: LayerReadSummary(path: path), spec: spec)
    }
}

extension Scenario {
    /// Decodes the parameters of `kind: transit-quality`; returns its effective parameters.
    static func applyTransit(parameters: ScenarioNode, path: [String], decoder: TreeDecoder) throws -> (TransitQuality, ScenarioNode) {
        let merged = parameters.merged(over: try TreeEncoder().encode(TransitQuality()))
        let quality = try decode(TransitQuality.self, merged, path, decoder)
        do { try quality.validate() } catch let GTFSError.invalidParameter(parameter, value, expected) {
            let key = parameter.split(separator: ".").map(String.init)
            let line = parameters.find(key)?.position.line ?? parameters.position.line
            throw ScenarioError.invalidValue(file: decoder.file, key: (path + key).joined(separator: "."), line: line,
                                             message: "\(value) is out of range: expected \(expected)")
        }
        return (quality, merged)
    }
}
