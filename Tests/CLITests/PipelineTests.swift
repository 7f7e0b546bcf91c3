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

    @Test func repeatedIDsAreReportedAndKept() throws {
        // Parcel ids are unique in the generator's data; a copy of the second parcel's line
        // makes one repeat, which the sorted table finds (warned, and both rows kept).
        guard let generator = ExternalTools.sharedFile("bench/gen_data.py") else { return }
        let work = try ExternalTools.temporaryDirectory().path
        let made = try ExternalTools.run("python3", [generator.path, "--out", work + "/data", "--parcels", "50"])
        #expect(made.status == 0, "\(made.stderr)")
        let path = work + "/data/parcels.geojson"
        var lines = try String(contentsOfFile: path, encoding: .utf8).components(separatedBy: "\n")
        let features = lines.indices.filter { lines[$0].hasPrefix("{\"type\":\"Feature\"") }
        let copy = lines[features[1]].hasSuffix(",") ? lines[features[1]] : lines[features[1]] + ","
        lines.insert(copy, at: features[1])
        try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let pipeline = try ExternalTools.run(ExternalTools.nordwaerts, ["pipeline", "--data", work + "/data", "--out", work + "/out"])
        #expect(pipeline.status == 0, "\(pipeline.stderr)")
        #expect(pipeline.stderr.contains("1 parcel repeats an id used before"), "\(pipeline.stderr)")
        let csv = try String(contentsOfFile: work + "/out/parcels.csv", encoding: .utf8)
        #expect(csv.split(separator: "\n").count == 1 + 51)
        // The generator's own file: no warning.
        let original = try ExternalTools.run("python3", [generator.path, "--out", work + "/data2", "--parcels", "50"])
        #expect(original.status == 0)
        let unique = try ExternalTools.run(ExternalTools.nordwaerts, ["pipeline", "--data", work + "/data2", "--out", work + "/out3"])
        #expect(unique.status == 0 && !unique.stderr.contains("repeat"), "\(unique.stderr)")
    }
}
