import ArgumentParser
import FoundationEssentials
import GeoCore
import GeoIO
import UrbanAnalysis

/// `nordwaerts pipeline`: the benchmark kit's STANDARD PIPELINE, timed like its peers.
struct PipelineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pipeline",
        abstract: "Run the benchmark kit's STANDARD PIPELINE on its four layers, timed stage by stage.",
        discussion: """
        Reads parcels.geojson, districts.geojson, stops.geojson and corridors.geojson from \
        --data (as ../shared/bench/gen_data.py writes them) and writes parcels.csv, \
        districts.csv and parcels_wgs84.geojson into --out exactly as ../shared/bench/README.md \
        defines them: repair, per-parcel metrics, district join, 500 m transit catchment, 300 m \
        corridor flag, district statistics, RFC 7946 GeoJSON. The stages are the toolkit's own \
        analyses ('nordwaerts run' writes the same tables with outputs.standard_pipeline).

        Progress goes to stderr; the last line on stdout is the kit's JSON timing line. Stages \
        b to f and the encoding run fused per parcel on all cores; their wall time is shared out \
        by the time the workers spent in each.

        Example: nordwaerts pipeline --data /tmp/n100k --out /tmp/out-nordwaerts
        """
    )

    @Option(help: "The folder with the four input layers.")
    var data: String

    @Option(help: "The output folder (created when missing; its three files are replaced).")
    var out: String

    @Option(help: "Threads to use (default: all processors).")
    var jobs: Int?

    @Flag(help: "No progress messages on standard error.")
    var quiet = false

    func run() throws {
        try reportingErrors {
            Cores.limit(to: jobs)
            for name in ["parcels", "districts", "stops", "corridors"] where !FileManager.default.fileExists(atPath: "\(data)/\(name).geojson") {
                throw CLIError(.noInput, "\(data)/\(name).geojson does not exist")
            }
            let progress = Progress("pipeline", total: nil, quiet: quiet)
            let timing = try StandardPipeline().run(data: data, out: out) { message in
                if message.hasPrefix("parcels: "), let n = Int(message.dropFirst(9)) { progress.update(n) } else { progress.say(message) }
            }
            progress.finish()
            for warning in timing.warnings { printError("warning: \(warning)") }
            if !quiet {
                for (name, seconds) in timing.stages { printError("  \(name.padding(toLength: 12, withPad: " ", startingAt: 0)) \(decimalText(seconds, decimals: 3)) s") }
                printError("  total        \(decimalText(timing.total, decimals: 3)) s for \(timing.parcels) parcels (\(timing.repaired) repaired)")
            }
            let stages = timing.stages.map { "\"\($0.0)\":\(decimalText($0.1, decimals: 4))" }.joined(separator: ",")
            print("{\"peer\":\"nordwaerts\",\"versions\":{\"nordwaerts\":\"\(Versions.toolkit)\",\"geos\":\"\(Versions.geos)\",\"proj\":\"\(Versions.proj)\"},"
                  + "\"parcels\":\(timing.parcels),\"repaired\":\(timing.repaired),\"import_s\":0,\"stages\":{\(stages)},"
                  + "\"total_s\":\(decimalText(timing.total, decimals: 4))}")
        }
    }
}
