import ArgumentParser
import Foundation
import GeoCore
import GeoIO
import Scenario
import UrbanAnalysis

/// `nordwaerts run`: a scenario's analyses, results into an output folder.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a scenario (by default every analysis on the embedded dataset) and write the results.",
        discussion: """
        A scenario file (YAML or JSON) names the input layers, the analyses with their \
        parameters, the outputs and any variants; docs/scenarios.md documents every key. Without \
        one, run uses the default scenario of the embedded dataset (datasets/dortmund/scenario.yaml): \
        parcel metrics and development potential, district indicators with rows for the \
        Nordwärts area and the rest of the city, catchments, residents in reach and underserved \
        land, corridors, the harbour with its emission conflicts and conversion candidates, and \
        rooftop solar. The binary finds its dataset from any working folder (or set \
        NORDWAERTS_DATA).

        The output folder gets one GeoJSON per result layer (RFC 7946 unless the scenario or \
        --to names another CRS), districts.csv and districts.json, report.md, manifest.json \
        (what reproduces the run) and a rejects report per input with unusable features. With \
        variants it holds baseline/, one folder per variant and comparison/. The folder appears \
        only when the run has succeeded; an existing non-empty folder is refused unless --force.

        Examples:
          nordwaerts run
          nordwaerts run my-scenario.yaml --out results --force
          nordwaerts run --check my-scenario.yaml
        """
    )

    @Argument(help: "The scenario file (YAML or JSON). Default: the embedded dataset's scenario.")
    var scenario: String?

    @Option(help: "The output folder.")
    var out = "nordwaerts-out"

    @Flag(help: "Replace an existing output folder once the run has succeeded.")
    var force = false

    @Flag(help: "Check the scenario and read its inputs without running the analyses.")
    var check = false

    @Option(help: "A dataset folder: the default scenario reads it by the embedded dataset's file names; a scenario file's relative paths resolve against it instead of the scenario's folder.")
    var data: String?

    @Option(help: "The CRS of the GeoJSON results, overriding the scenario (EPSG:25832 for QGIS).")
    var to: String?

    @Flag(name: .customLong("csv-excel"), help: "Write the CSV tables with ';', decimal commas and a UTF-8 byte order mark, for Excel.")
    var csvExcel = false

    @Option(help: "Also report the indicators on a square grid of this cell size in metres (grid.csv, grid.geojson).")
    var grid: Double?

    @Option(help: "Threads to use (default: all processors).")
    var jobs: Int?

    @Flag(help: "No progress messages on standard error.")
    var quiet = false

    func validate() throws {
        if let grid, !(grid > 0) { throw ValidationError("--grid must be a positive number of metres, not \(grid)") }
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1, not \(jobs)") }

    }

    func run() throws {
        try reportingErrors {
            Cores.limit(to: jobs)
            var loaded = try loadScenario()
            if let to { _ = try CRS(to); loaded.outputs.crs = to }
            if csvExcel { loaded.outputs.csv = "excel" }
            if let grid { loaded.outputs.gridCellM = grid }
            let progress = Progress("parcels", total: nil, quiet: quiet)
            let runner = ScenarioRunner(scenario: loaded, command: CommandLine.arguments,
                                        log: { progress.say("run: " + $0) }, progress: { progress.update($0) })
            if check {
                let records = try runner.check()
                let variants = loaded.variants.map(\.name)
                print("scenario \(loaded.file) is valid: \(records.count) inputs, analyses \(loaded.analysisKinds.joined(separator: ", "))"
                      + (variants.isEmpty ? "" : ", variants \(variants.joined(separator: ", "))"))
                return
            }
            let folder = try OutputFolder(path: out, force: force)
            try runner.run(into: folder.temporary)
            progress.finish()
            try folder.commit()
            progress.say("run: results in \(folder.path)")
        }
    }

    /// The scenario file given, or the default one of the dataset.
    func loadScenario() throws -> Scenario {
        if let scenario {
            guard FileManager.default.fileExists(atPath: scenario) else { throw CLIError(.noInput, "scenario file \(scenario) does not exist") }
            var loaded = try Scenario.load(path: scenario)
            if let data { loaded.folder = data }
            return loaded
        }
        let dataset = try data ?? EmbeddedData.directory(holding: ["scenario.yaml", "stadtbezirke.geojson", "parcels.geojson"])
        if FileManager.default.fileExists(atPath: dataset + "/scenario.yaml") {
            return try Scenario.load(path: dataset + "/scenario.yaml")
        }
        // A dataset without a scenario of its own: the embedded scenario, reading from it.
        let embedded = try EmbeddedData.directory(holding: ["scenario.yaml"]) + "/scenario.yaml"
        guard FileManager.default.fileExists(atPath: dataset + "/stadtbezirke.geojson") else {
            throw CLIError(.noInput, "\(dataset) holds no stadtbezirke.geojson: give --data a dataset folder (see datasets/README.md)")
        }
        return try Scenario(text: String(decoding: Files.read(embedded), as: UTF8.self), file: dataset + "/scenario.yaml")
    }
}
