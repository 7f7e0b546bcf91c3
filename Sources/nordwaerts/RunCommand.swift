import ArgumentParser
import FoundationEssentials
import GeoCore
import GeoIO
import UrbanAnalysis

/// `nordwaerts run`: the analyses on a dataset, results into an output folder.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the parcel and district analyses on a dataset and write the results.",
        discussion: """
        Reads the dataset (by default the embedded one: the real Stadtbezirke and VRR stops with \
        modelled parcels and buildings), measures every parcel (area, perimeter, compactness, \
        rectangularity, elongation, GRZ and GFZ from the building footprints), joins parcels to \
        districts, scores development potential, and computes the district indicators with rows \
        for the Nordwärts area and the rest of the city.

        Writes into the output folder: parcels.geojson (every parcel with its measures, district \
        and potential), potential.geojson (the eligible parcels, best first, with their reasons), \
        districts.geojson, districts.csv and districts.json (the indicators), and a rejects \
        report for each input with unusable features. GeoJSON is RFC 7946 unless --to names \
        another CRS (EPSG:25832 for QGIS). The folder appears only when the run has succeeded; \
        an existing non-empty folder is refused unless --force.

        Example: nordwaerts run --out nordwaerts-out
        """
    )

    @Option(help: "The dataset folder (stadtbezirke.geojson, parcels.geojson, buildings.geojson, vrr_stations.geojson). Default: the embedded dataset.")
    var data: String?

    @Option(help: "The output folder.")
    var out = "nordwaerts-out"

    @Flag(help: "Replace an existing output folder once the run has succeeded.")
    var force = false

    @Option(help: "The CRS of the GeoJSON results (default: RFC 7946, WGS 84 longitude/latitude).")
    var to: String?

    @Flag(name: .customLong("csv-excel"), help: "Write the CSV tables with ';', decimal commas and a UTF-8 byte order mark, for Excel.")
    var csvExcel = false

    @Option(help: "Also report the indicators on a square grid of this cell size in metres (grid.csv, grid.geojson).")
    var grid: Double?

    @Flag(help: "No progress messages on standard error.")
    var quiet = false

    func validate() throws {
        if let grid, !(grid > 0) { throw ValidationError("--grid must be a positive number of metres, not \(grid)") }
    }

    func run() throws {
        try reportingErrors {
            let target = try to.map { try CRS($0) } ?? .wgs84
            let source = try data ?? EmbeddedData.directory()
            let folder = try OutputFolder(path: out, force: force)
            func say(_ text: String) { if !quiet { printError("run: \(text)") } }

            func read(_ file: String, _ name: String, required: Bool = true) throws -> Layer? {
                let path = source + "/" + file
                guard required || FileManager.default.fileExists(atPath: path) else { return nil }
                let rejects = RejectsReport(path: folder.file("\(name).rejects.jsonl"))
                let (layer, summary) = try Layer.read(path: path, name: name, rejects: rejects)
                try rejects.finish()
                say("read \(summary.read) \(name) (\(summary.repaired) repaired, \(summary.rejected) rejected) from \(path)")
                return layer
            }
            let districts = try read("stadtbezirke.geojson", "districts")!
            let buildings = try read("buildings.geojson", "buildings", required: false)
            let stops = try read("vrr_stations.geojson", "stops", required: false)
            let water = try [read("harbour.geojson", "harbour", required: false), read("quays.geojson", "quays", required: false)]
                .compactMap { $0 }.reduce(nil as Layer?) { merged, layer in
                    merged.map { Layer(name: "water", crs: $0.crs, features: $0.features + layer.features) } ?? layer
                }
            var corridors = try read("corridors.geojson", "corridors", required: false)
            if let rs1 = try read("rs1.geojson", "rs1", required: false) {
                let cycle = rs1.features.map { f -> Feature in
                    var f = f
                    f.properties["kind"] = .string("cycle")
                    return f
                }
                corridors = Layer(name: "corridors", crs: rs1.crs, features: (corridors?.features ?? []) + cycle)
            }
            let study = ParcelStudy()
            let gridUnits = try grid.map {
                try ReportingUnits.grid(cellSize: $0, covering: districts.envelope, clip: Geometry.unaryUnion(of: districts.geometries))
            }
            let parcelPath = source + "/parcels.geojson"

            // First pass: the industrial and harbour parcels (emission sources, harbour zone).
            let prepass = try FeatureStream(path: parcelPath, rejects: nil as RejectsReport?)
            var sources: [Feature] = []
            while let batch = try prepass.nextBatch({ parcel, _ in study.isSource(parcel) ? parcel : nil }) {
                sources += batch.compactMap { $0 }
            }
            let context = try ParcelStudy.Context(.init(districts: districts, buildings: buildings, stops: stops, corridors: corridors,
                                                        water: water, sources: Layer(name: "sources", crs: prepass.crs, features: sources),
                                                        grid: gridUnits), study: study)

            // Second pass: the parcels stream through, evaluated and encoded on the worker that
            // parsed them, written in input order; only sums and the parcels worth listing are kept.
            let options = GeoJSONWriteOptions(crs: target)
            let parcelRejects = RejectsReport(path: folder.file("parcels.rejects.jsonl"))
            let stream = try FeatureStream(path: parcelPath, rejects: parcelRejects)
            let writer = try GeoJSONWriter(path: folder.file("parcels.geojson"), options: options, sourceCRS: stream.crs)
            let encoders = EncoderPool(for: writer, workers: stream.workerCount)
            var summary = ParcelStudy.Summary(context: context)
            while let batch = try stream.nextBatch({ parcel, worker in
                let evaluation = try study.evaluate(parcel, in: context)
                return (evaluation, try encoders.encode(evaluation.feature, worker: worker))
            }) {
                for (evaluation, encoded) in batch {
                    try summary.add(evaluation)
                    try writer.writeEncoded(encoded.bytes[...], bounds: encoded.bounds)
                }
            }
            try writer.finish()
            try parcelRejects.finish()
            let read = stream.summary
            say("read \(read.read) parcels (\(read.repaired) repaired, \(read.rejected) rejected) from \(stream.path)")
            say("analysed \(summary.parcels) parcels in \(districts.count) districts")

            let potential = summary.potentialLayer(crs: stream.crs)
            try potential.write(to: folder.file("potential.geojson"), options: options)
            say("\(potential.count) parcels with development potential, \(summary.conflicts.count) in emission zones, \(summary.candidates.count) conversion candidates")
            for (name, layer) in try summary.resultLayers(crs: stream.crs) {
                try layer.write(to: folder.file("\(name).geojson"), options: options)
            }
            let table = summary.districtTable()
            try ParcelStudy.Summary.layer(context.units, table, name: "districts").write(to: folder.file("districts.geojson"), options: options)
            let style: Table.CSVStyle = csvExcel ? .excel : .standard
            try table.write(to: folder.file("districts.csv"), csvStyle: style)
            try table.write(to: folder.file("districts.json"))
            if let gridUnits, let gridTable = summary.gridTable() {
                try gridTable.write(to: folder.file("grid.csv"), csvStyle: style)
                try ParcelStudy.Summary.layer(gridUnits, gridTable, name: "grid").write(to: folder.file("grid.geojson"), options: options)
            }
            try folder.commit()
            say("results in \(folder.path)")
        }
    }
}
