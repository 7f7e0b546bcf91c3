import Foundation
import Testing
import TestSupport

/// `nordwaerts pipeline` and the standard-pipeline scenario of `run`, checked by the benchmark
/// kit's compare.py against GeoPandas's outputs (Reference/geopandas-10k) and against each other.
@Suite struct PipelineTests {
    @Test func pipelineAgreesWithGeoPandasAndRunAgreesWithPipeline() throws {
        guard let generator = ExternalTools.sharedFile("bench/gen_data.py"), let compare = ExternalTools.sharedFile("bench/compare.py") else { return }
        let work = try ExternalTools.temporaryDirectory().path
        let made = try ExternalTools.run("python3", [generator.path, "--out", work + "/data", "--parcels", "10000", "--invalid-rate", "0.01", "--seed", "7"])
        #expect(made.status == 0, "\(made.stderr)")
        let pipeline = try ExternalTools.run(ExternalTools.nordwaerts, ["pipeline", "--data", work + "/data", "--out", work + "/pipeline"])
        #expect(pipeline.status == 0, "\(pipeline.stderr)")
        // The last line on stdout is the kit's timing line.
        let last = pipeline.stdout.split(separator: "\n").last.map(String.init) ?? ""
        let timing = try JSONSerialization.jsonObject(with: Data(last.utf8)) as! [String: Any]
        #expect(timing["parcels"] as? Int == 10000 && timing["repaired"] as? Int == 112)
        #expect((timing["stages"] as! [String: Double]).keys.sorted() == ["a_read", "b_repair", "c_metrics", "d_district", "e_catchment",
                                                                          "f_corridor", "g_districts", "h_geojson", "i_csv"])
        // Number for number with GeoPandas (the GeoJSON part checks RFC 7946 on our side).
        let reference = ExternalTools.packageRoot.appendingPathComponent("Tests/CLITests/Reference/geopandas-10k").path
        let vsGeoPandas = try ExternalTools.run("python3", [compare.path, reference, work + "/pipeline", "--skip-geojson"])
        #expect(vsGeoPandas.status == 0, "\(vsGeoPandas.stdout)")
        #expect(vsGeoPandas.stdout.contains(" 0 failed"))
        let geojson = try ExternalTools.run("python3", [compare.path, work + "/pipeline", work + "/pipeline"])
        #expect(geojson.status == 0, "\(geojson.stdout)")
        // `run` with the standard-pipeline scenario writes the same tables, byte for byte.
        let scenario = ExternalTools.packageRoot.appendingPathComponent("datasets/scenarios/standard-pipeline.yaml").path
        let run = try ExternalTools.run(ExternalTools.nordwaerts, ["run", scenario, "--data", work + "/data", "--out", work + "/run", "--quiet"])
        #expect(run.status == 0, "\(run.stderr)")
        for table in ["parcels.csv", "districts.csv"] {
            #expect(try Data(contentsOf: URL(fileURLWithPath: "\(work)/run/\(table)")) == Data(contentsOf: URL(fileURLWithPath: "\(work)/pipeline/\(table)")), "\(table)")
        }
        let runVsPipeline = try ExternalTools.run("python3", [compare.path, work + "/pipeline", work + "/run"])
        #expect(runVsPipeline.status == 0, "\(runVsPipeline.stdout)")
    }
}
