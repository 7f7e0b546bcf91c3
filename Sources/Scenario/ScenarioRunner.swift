import Foundation
import GeoCore
import GeoIO
import UrbanAnalysis
import Transit
import StreetNetwork

/// Runs a scenario: reads its inputs, runs its analyses (parcels streaming through), and
/// writes the result layers, the district tables, the Markdown report and the run manifest
/// into a folder. With variants, the baseline and each variant go to folders of their own and
/// `comparison/` holds their differences.
public struct ScenarioRunner: Sendable {
    public let scenario: Scenario
    /// Messages for the user ("read 10000 parcels …"), one line each.
    public var log: @Sendable (String) -> Void
    /// Parcels evaluated so far (called after each batch), for a progress bar.
    public var progress: @Sendable (Int) -> Void
    /// The command line, for the manifest.
    public var command: [String]

    public init(scenario: Scenario, command: [String] = [], log: @escaping @Sendable (String) -> Void = { _ in },
                progress: @escaping @Sendable (Int) -> Void = { _ in }) {
        self.scenario = scenario
        self.command = command
        self.log = log
        self.progress = progress
    }

    /// What a run produced, for the caller's summary and the comparison.
    public struct Record: Sendable {
        public var name: String
        public var inputs: [InputRecord]
        public var parcels: Int
        public var districtTable: Table
        public var files: [String]
    }

    /// Runs the scenario into `directory` (which must exist and be empty): the baseline alone,
    /// or, with variants, `baseline/`, one folder per variant and `comparison/`.
    @discardableResult
    public func run(into directory: String) throws -> [Record] {
        guard !scenario.variants.isEmpty else { return [try runOne(scenario, variant: nil, into: directory)] }
        var records = [try runOne(scenario, variant: nil, into: directory + "/baseline")]
        for variant in scenario.variants {
            log("variant \(variant.name)")
            records.append(try runOne(try scenario.applying(variant), variant: variant, into: directory + "/" + variant.name))
        }
        for record in records.dropFirst() {
            try RunComparison(baseline: directory + "/baseline", variant: directory + "/" + record.name)
                .write(into: directory + "/comparison/" + record.name, baselineName: "baseline", variantName: record.name)
        }
        if !scenario.outputs.standardPipeline {
            let page = try HTMLReport.comparisonPage(directory: directory, variants: scenario.variants, baseline: records[0])
            try Files.write(page, to: directory + "/report.html")
        }
        return records
    }

    /// Checks a scenario and its inputs without running the analyses: every input is read
    /// (repaired, filtered, transformed) and counted.
    public func check() throws -> [InputRecord] {
        var records: [InputRecord] = []
        let scratch = NSTemporaryDirectory() + "/nordwaerts-check-\(getpid())"
        defer { try? Files.remove(scratch) }
        for (name, spec) in scenario.inputs where spec.role(named: name) != "gtfs" {
            let (_, record) = try scenario.loadLayer(name, spec, variant: nil, rejects: RejectsReport(path: scratch + "/\(name).rejects.jsonl"))
            log("\(name): \(record.summary.read) features read, \(record.summary.kept) kept (\(record.summary.repaired) repaired), "
                + "\(record.filtered) filtered out, \(record.summary.rejected) rejected")
            records.append(record)
        }
        for (name, spec) in scenario.inputs where spec.role(named: name) == "gtfs" {
            let feed = try GTFSFeed(path: spec.resolvedPath(in: scenario.folder))
            log("\(name): GTFS feed with \(feed.stops.count) stops, \(feed.routes.count) routes, \(feed.trips.count) trips (\(feed.rejects.count) rows rejected)")
        }
        for variant in scenario.variants { _ = try scenario.applying(variant) }
        return records
    }

    func runOne(_ scenario: Scenario, variant: Variant?, into directory: String) throws -> Record {
        try Files.makeFolder(directory)
        let started = Date()
        let study = scenario.study
        let working = scenario.workingCRS
        var records: [InputRecord] = []
        var layers: [String: Layer] = [:]
        var rejectReports: [RejectsReport] = []
        for (name, spec) in scenario.inputs where spec.role(named: name) != "parcels" && spec.role(named: name) != "gtfs" {
            let rejects = RejectsReport(path: directory + "/\(name).rejects.jsonl")
            let (layer, record) = try scenario.loadLayer(name, spec, variant: variant, rejects: rejects)
            rejectReports.append(rejects)
            log("read \(record.summary.read) \(name) (\(record.summary.repaired) repaired, \(record.summary.rejected) rejected, \(record.filtered) filtered out)")
            let role = record.role
            layers[role] = layers[role].map { Layer(name: role, crs: $0.crs, features: $0.features + layer.features) } ?? Layer(name: role, crs: layer.crs, features: layer.features)
            records.append(record)
        }
        guard let districts = layers["districts"] else { throw ScenarioError.missingKey(file: scenario.file, key: "inputs.districts", line: 0) }

        // The parcels: a first pass for the emission sources and the harbour zone, then the stream.
        let parcelInputs = scenario.inputs.filter { $0.spec.role(named: $0.name) == "parcels" }
        let outputCRS = try CRS(scenario.outputs.crs)
        let options = GeoJSONWriteOptions(crs: outputCRS, precision: scenario.outputs.precision ?? (outputCRS.isGeographic ? 7 : 3))
        var sources: [Feature] = []
        let needsSources = study.harbour != nil || study.emissions != nil
        for (name, spec) in parcelInputs where needsSources {
            let transform = try InputTransform(spec: spec, attributes: variant?.attributes.filter { $0.input == name }.map { ($0.ids, $0.properties) } ?? [])
            // Rejections are reported by the main pass; this one only looks for sources.
            let ignored = RejectsReport(path: directory + "/.\(name).prepass.rejects.jsonl")
            defer { ignored.abandon() }
            let prepass = try FeatureStream(path: spec.resolvedPath(in: scenario.folder), format: spec.format.flatMap(InputFormat.init(rawValue:)),
                                            options: scenario.readOptions(spec), policy: spec.onInvalid, crs: working, rejects: ignored)
            while let batch = try prepass.nextBatch({ parcel, _ in transform.apply(parcel).flatMap { study.isSource($0) ? $0 : nil } }) {
                sources += batch.compactMap { $0 }
            }
            for addition in variant?.additions.filter({ $0.input == name }) ?? [] {
                sources += try Scenario.parseAdditions(addition.geojson, crs: addition.crs, name: name, to: working).filter(study.isSource)
            }
        }
        let grid = try scenario.outputs.gridCellM.map {
            try ReportingUnits.grid(cellSize: $0, covering: districts.envelope, crs: working, clip: Geometry.unaryUnion(of: districts.geometries))
        }
        let context = try ParcelStudy.Context(.init(districts: districts, buildings: layers["buildings"], stops: layers["stops"],
                                                    corridors: layers["corridors"], water: layers["water"], harbourZone: layers["harbour_zone"],
                                                    addresses: layers["addresses"],
                                                    sources: Layer(name: "sources", crs: districts.crs, features: sources), grid: grid,
                                                    population: layers["population"], populationCheck: layers["population_check"], streets: layers["streets"]),
                                              study: study)
        if let walking = context.walking {
            logNetwork(walking)
            // Lines that gave no edge go to the streets input's rejects report, lines the preset
            // leaves out count as filtered: read = kept + filtered + rejected still holds.
            let streetInputs = records.indices.filter { records[$0].role == "streets" }
            if streetInputs.count == 1, let streets = layers["streets"], streetInputs[0] < rejectReports.count {
                let k = streetInputs[0]
                for p in walking.network.problems {
                    try rejectReports[k].add(FeatureProblem(feature: streets.features[p.feature], path: records[k].path, reason: p.reason), raw: nil)
                }
                records[k].summary.rejected += walking.network.problems.count
                records[k].filtered += walking.network.filteredOut
                records[k].summary.kept -= walking.network.problems.count + walking.network.filteredOut
            }
        }
        let transit = try scenario.transitQuality.flatMap { q in
            scenario.outputs.standardPipeline ? nil : try TransitQualityRun(q, scenario: scenario, units: context.units, assignment: study.assignment,
                                                                             addressLayer: layers["addresses"],
                                                                             reach: try TransitQualityRun.reach(q, streets: layers["streets"], walking: context.walking),
                                                                             log: log)
        }
        if let transit { records.append(transit.record) }
        let wanted = Set(scenario.outputs.layers ?? OutputSpec.layerNames)
        var files: [String] = []
        var summary = ParcelStudy.Summary(context: context)
        let standard = scenario.outputs.standardPipeline
        var standardLines = StandardPipeline.SortedLines()
        let parcelWriter = standard
            ? try GeoJSONWriter(path: directory + "/parcels_wgs84.geojson", options: GeoJSONWriteOptions(), sourceCRS: working)
            : (wanted.contains("parcels") ? try GeoJSONWriter(path: directory + "/parcels.geojson", options: options, sourceCRS: working) : nil)
        let package = !standard && scenario.outputs.writes("gpkg") ? try ResultPackage(path: directory + "/results.gpkg", crs: working) : nil
        var done = 0
        for (name, spec) in parcelInputs {
            var record = try Scenario.record(name: name, spec: spec, path: spec.resolvedPath(in: scenario.folder))
            let transform = try InputTransform(spec: spec, attributes: variant?.attributes.filter { $0.input == name }.map { ($0.ids, $0.properties) } ?? [])
            let rejects = RejectsReport(path: directory + "/\(name).rejects.jsonl")
            rejectReports.append(rejects)
            // The standard pipeline keeps parcels that repair leaves empty (written with a null
            // geometry), so it repairs here rather than in the stream, by the same rule.
            let repairHere = standard && spec.onInvalid == .repair
            let stream = try FeatureStream(path: record.path, format: spec.format.flatMap(InputFormat.init(rawValue:)),
                                           options: scenario.readOptions(spec), policy: repairHere ? .keep : spec.onInvalid, crs: working, rejects: rejects)
            let encoders = parcelWriter.map { EncoderPool(for: $0, workers: stream.workerCount) }
            let repairedHere = Locked(0)
            typealias Item = (ParcelStudy.Evaluation, (bytes: [UInt8], bounds: Envelope)?, csv: [UInt8])
            func consume(_ batch: [Item?]) throws {
                for item in batch {
                    guard let (evaluation, encoded, csv) = item else { record.filtered += 1; continue }
                    try summary.add(evaluation)
                    transit?.add(evaluation)
                    if let encoded { try parcelWriter?.writeEncoded(encoded.bytes[...], bounds: encoded.bounds) }
                    if standard { standardLines.append(csv[...]) }
                }
                if wanted.contains("parcels") { try package?.addParcels(batch.compactMap { $0?.0.feature }) }
                done += batch.count
                progress(done)
            }
            while let batch = try stream.nextBatch({ parcel, worker -> Item? in
                guard var f = transform.apply(parcel) else { return nil }
                if repairHere, let g = f.geometry, !(try g.isValid()) {
                    f.geometry = try g.repaired(assumingInvalid: true)
                    repairedHere.withLock { $0 += 1 }
                }
                guard standard else {
                    var evaluation = try study.evaluate(f, in: context)
                    try transit?.annotate(&evaluation.feature)
                    return (evaluation, try encoders?.encode(evaluation.feature, worker: worker), [])
                }
                let evaluation = try study.evaluate(f, in: context, annotate: false)
                var csv: [UInt8] = [], json: [UInt8] = [], bytes: [UInt8] = []
                StandardPipeline.appendRow(of: evaluation, id: f.id?.description ?? f.properties["id"]?.description ?? "",
                                           landUse: f.properties["landuse"]?.description ?? "", units: context.units, csv: &csv, json: &json)
                let bounds = try encoders!.encode(id: nil, geometry: f.geometry.flatMap { $0.isEmpty ? nil : $0 }, rawProperties: json,
                                                  worker: worker, into: &bytes)
                return (evaluation, (bytes, bounds), csv)
            }) {
                try consume(batch)
            }
            for addition in variant?.additions.filter({ $0.input == name }) ?? [] {
                let added = try Scenario.parseAdditions(addition.geojson, crs: addition.crs, name: name, to: working).compactMap(transform.apply)
                record.added += added.count
                let evaluated = try added.map { f -> Item? in
                    var e = try study.evaluate(f, in: context)
                    try transit?.annotate(&e.feature)
                    return (e, try encoders?.encode(e.feature, worker: 0), [])
                }
                try consume(evaluated)
            }
            record.summary = stream.summary
            record.summary.repaired += repairedHere.withLock { $0 }
            log("read \(record.summary.read) \(name) (\(record.summary.repaired) repaired, \(record.summary.rejected) rejected, \(record.filtered) filtered out)")
            records.append(record)
        }
        try parcelWriter?.finish()
        for rejects in rejectReports { try rejects.finish() }
        if standard {
            // The STANDARD PIPELINE's files, from the same code as `nordwaerts pipeline`.
            try standardLines.write(to: directory + "/parcels.csv", header: StandardPipeline.parcelColumns)
            try StandardPipeline.districtTable(units: context.units, tallies: summary.tallies).write(to: directory + "/districts.csv")
            let table = summary.districtTable()
            let record = Record(name: variant?.name ?? "baseline", inputs: records, parcels: summary.parcels, districtTable: table,
                                files: ["parcels.csv", "districts.csv", "parcels_wgs84.geojson"])
            log("\(summary.parcels) parcels: the STANDARD PIPELINE's files written")
            let report = RunReport(scenario: scenario, variant: variant, record: record, started: started, summary: summary)
            try report.writeMarkdown(to: directory + "/report.md")
            try report.writeManifest(to: directory + "/manifest.json", command: command, directory: directory)
            return record
        }
        if parcelWriter != nil { files.append("parcels.geojson") }

        // Results.
        let table = summary.districtTable()
        try table.write(to: directory + "/districts.csv", csvStyle: scenario.outputs.csvStyle)
        try table.write(to: directory + "/districts.json")
        files += ["districts.csv", "districts.json"]
        if let population = summary.population {
            try ResidentsInReach.table(population, units: context.units).write(to: directory + "/residents_in_reach.csv", csvStyle: scenario.outputs.csvStyle)
            files.append("residents_in_reach.csv")
            log("residents from the population grid: \(Int(population.input[0].rounded())) = \(Int(population.outside[0].rounded())) outside the districts + "
                + "\(Int(population.distributed[0].rounded())) distributed + \(Int(population.unassigned[0].rounded())) unassigned")
        }
        var results: [(String, Layer)] = [("potential", summary.potentialLayer(crs: working)),
                                          ("districts", ParcelStudy.Summary.layer(context.units, table, name: "districts"))]
        results += try summary.resultLayers(crs: working)
        if let grid, let gridTable = summary.gridTable() {
            try gridTable.write(to: directory + "/grid.csv", csvStyle: scenario.outputs.csvStyle)
            files.append("grid.csv")
            results.append(("grid", ParcelStudy.Summary.layer(grid, gridTable, name: "grid")))
        }
        for (name, layer) in results where wanted.contains(name) {
            try layer.write(to: directory + "/\(name).geojson", options: options)
            files.append("\(name).geojson")
        }
        if let transit { files += try transit.write(into: directory, csvStyle: scenario.outputs.csvStyle, options: options) }
        // The GeoPackage and the QGIS project hold every layer of the run, the class areas of
        // the ÖV-Güteklassen too.
        var packaged = results.filter { wanted.contains($0.0) }
        if let transit { packaged.append(("pt_quality", try transit.polygonLayer())) }
        for (name, layer) in packaged { try package?.add(name, layer) }
        if let package { try package.finish(); files.append("results.gpkg") }
        if scenario.outputs.writes("qgis") {
            let title = "Nordwärts: " + (scenario.file.split(separator: "/").last.map(String.init) ?? scenario.file) + (variant.map { ", variant \($0.name)" } ?? "")
            try QGISProject(title: title, results: packaged, package: package, geojsonCRS: outputCRS, files: files, districts: districts, crs: working)
                .write(to: directory + "/project.qgz")
            files.append("project.qgz")
        }
        log("\(summary.parcels) parcels: \(summary.potentialLayer(crs: working).count) with development potential, "
            + "\(summary.conflicts.count) in emission zones, \(summary.candidates.count) conversion candidates")

        let record = Record(name: variant?.name ?? "baseline", inputs: records, parcels: summary.parcels, districtTable: table, files: files)
        var report = RunReport(scenario: scenario, variant: variant, record: record, started: started, summary: summary)
        report.transit = transit
        try report.writeMarkdown(to: directory + "/report.md")
        try report.writeHTML(to: directory + "/report.html")
        try report.writeManifest(to: directory + "/manifest.json", command: command, directory: directory)
        return record
    }

    /// What became of the streets as a graph, and a warning when no stop is on it.
    func logNetwork(_ walking: NetworkCatchment.Prepared) {
        let s = GraphStatistics(walking.network.graph, reach: walking.all)
        log("streets: \(s.nodes) nodes, \(s.edges) edges, \(RunReport.format(s.kilometres, 1)) km, \(s.components) components (the largest "
            + "\(RunReport.format(100 * s.largestComponentNodeShare, 1)) % of the nodes); \(walking.network.filteredOut) lines not walkable, "
            + "\(walking.network.problems.count) without an edge; \(walking.offNetwork.count) of \(walking.facilities.count) stops off the network")
        for p in walking.network.problems.prefix(5) { log("streets: feature \(p.feature)\(p.id.map { " (id \($0))" } ?? ""): \(p.reason)") }
        if !walking.facilities.features.isEmpty, walking.offNetwork.count == walking.facilities.count {
            log("warning: every stop is off the street network (farther than \(RunReport.format(walking.catchment.maxSnap, 0)) m): the network catchment is empty and no parcel is served on foot")
        }
    }
}
