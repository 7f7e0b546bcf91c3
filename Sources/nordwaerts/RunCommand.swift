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

            var summaries: [LayerReadSummary] = []
            func read(_ file: String, _ name: String, required: Bool = true) throws -> Layer? {
                let path = source + "/" + file
                guard required || FileManager.default.fileExists(atPath: path) else { return nil }
                let rejects = RejectsReport(path: folder.file("\(name).rejects.jsonl"))
                let (layer, summary) = try Layer.read(path: path, name: name, rejects: rejects)
                try rejects.finish()
                summaries.append(summary)
                say("read \(summary.read) \(name) (\(summary.repaired) repaired, \(summary.rejected) rejected) from \(path)")
                return layer
            }
            let districts = try read("stadtbezirke.geojson", "districts")!
            let parcels = try read("parcels.geojson", "parcels")!
            let buildings = try read("buildings.geojson", "buildings", required: false)
            let stops = try read("vrr_stations.geojson", "stops", required: false)

            let results = try ParcelStudy().run(.init(parcels: parcels, districts: districts, buildings: buildings, stops: stops))
            say("analysed \(parcels.count) parcels in \(districts.count) districts: \(results.potential.count) with development potential")

            let options = GeoJSONWriteOptions(crs: target)
            try results.parcels.write(to: folder.file("parcels.geojson"), options: options)
            try results.potential.write(to: folder.file("potential.geojson"), options: options)
            try results.districts.write(to: folder.file("districts.geojson"), options: options)
            let style: Table.CSVStyle = csvExcel ? .excel : .standard
            try results.districtTable.write(to: folder.file("districts.csv"), csvStyle: style)
            try results.districtTable.write(to: folder.file("districts.json"))
            if let grid {
                let units = try ReportingUnits.grid(cellSize: grid, covering: districts.envelope,
                                                    clip: Geometry.unaryUnion(of: districts.geometries))
                let study = ParcelStudy()
                let shares = try study.assignment.run(parcels, units: units)
                let table = study.indicators.run(units: units, measures: results.measures, assignment: shares, potential: results.assessments)
                try table.write(to: folder.file("grid.csv"), csvStyle: style)
                let cells = units.layer.features.indices.map { u -> Feature in
                    var feature = units.layer.features[u]
                    feature.properties = Properties(zip(table.columns, table.rows[u]).map { (name: $0.0, value: $0.1) })
                    return feature
                }
                try Layer(name: "grid", crs: units.layer.crs, features: cells).write(to: folder.file("grid.geojson"), options: options)
            }
            try folder.commit()
            say("results in \(folder.path)")
        }
    }
}
