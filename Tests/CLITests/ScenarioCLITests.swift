import Foundation
import Testing
import TestSupport

/// `run` with scenario files, `compare` and `validate` as a user runs them: results, messages,
/// exit codes, and what interruptions leave behind.
@Suite struct ScenarioCLITests {
    let dataset = ExternalTools.packageRoot.appendingPathComponent("datasets/dortmund").path

    func nordwaerts(_ arguments: [String]) throws -> ExternalTools.Result {
        try ExternalTools.run(ExternalTools.nordwaerts, arguments)
    }

    /// A scenario in a fresh folder, reading the embedded dataset.
    func scenario(_ body: String) throws -> (file: String, folder: String) {
        let folder = try ExternalTools.temporaryDirectory().path
        let text = """
        inputs:
          districts: {path: \(dataset)/stadtbezirke.geojson}
          parcels: {path: \(dataset)/parcels.geojson}
        \(body)
        """
        try text.write(toFile: folder + "/s.yaml", atomically: true, encoding: .utf8)
        return (folder + "/s.yaml", folder)
    }

    @Test func scenarioErrorsHaveTheirExitCodes() throws {
        let cases: [(String, Int32, String)] = [
            ("typo: 1", 64, "s.yaml:4: unknown key 'typo'"),
            ("analyses:\n  - kind: walkability", 64, "unknown analysis kind 'walkability'"),
            ("analyses:\n  - kind: catchment\n    quadrant_segments: eight", 64, "'analyses.0.quadrant_segments' must be a whole number"),
            ("analyses:\n  - kind: catchment\n    modes: [{name: bus, radius: -5}]", 64, "-5.0 is out of range"),
            ("outputs: {crs: 'EPSG:424242'}", 64, "PROJ does not know the CRS 'EPSG:424242'"),
        ]
        for (body, code, message) in cases {
            let (file, folder) = try scenario(body)
            let r = try nordwaerts(["run", file, "--out", folder + "/out", "--quiet"])
            #expect(r.status == code && r.stderr.contains(message), "\(body): \(r.status) \(r.stderr)")
            #expect(!FileManager.default.fileExists(atPath: folder + "/out"), "no output for \(body)")
            #expect(try nordwaerts(["run", "--check", file]).status == code)
        }
        // A missing scenario or input file: 66.
        #expect(try nordwaerts(["run", "/nonexistent/s.yaml", "--out", "/tmp/x"]).status == 66)
        let (file, folder) = try scenario("")
        try String(contentsOfFile: file, encoding: .utf8).replacingOccurrences(of: "parcels.geojson", with: "missing.geojson")
            .write(toFile: file, atomically: true, encoding: .utf8)
        let missing = try nordwaerts(["run", file, "--out", folder + "/out", "--quiet"])
        #expect(missing.status == 66 && missing.stderr.contains("missing.geojson"), "\(missing.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder + "/out"))
        // Malformed input data: 65.
        try String(contentsOfFile: file, encoding: .utf8).replacingOccurrences(of: "\(dataset)/missing.geojson", with: "\(folder)/broken.geojson")
            .write(toFile: file, atomically: true, encoding: .utf8)
        try "{\"type\": \"FeatureCollection\", \"features\": [ {\"type\": \"Feature\", ".write(toFile: folder + "/broken.geojson", atomically: true, encoding: .utf8)
        let malformed = try nordwaerts(["run", file, "--out", folder + "/out", "--quiet"])
        #expect(malformed.status == 65, "\(malformed.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder + "/out"))
        // Output not writable or not empty: 73.
        let (good, goodFolder) = try scenario("")
        try "x".write(toFile: goodFolder + "/full", atomically: true, encoding: .utf8)
        #expect(try nordwaerts(["run", good, "--out", goodFolder, "--quiet"]).status == 73)
        #expect(try nordwaerts(["run", good, "--out", "/proc/nordwaerts-out", "--quiet"]).status == 73)
    }

    @Test func checkValidatesWithoutRunning() throws {
        let (file, folder) = try scenario("analyses:\n  - kind: parcel-metrics")
        let r = try nordwaerts(["run", "--check", file])
        #expect(r.status == 0 && r.stdout.contains("is valid") && r.stderr.contains("parcels: 10000 features read"), "\(r.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["s.yaml"])
    }

    @Test func interruptedAndKilledRunsLeaveNothing() throws {
        for signal in [SIGKILL] {  // SIGINT and SIGTERM: HostileInputCLITests
            let work = try ExternalTools.temporaryDirectory().path
            // Start a run, stop it while it works (once its temporary folder exists), then look.
            let (process, started) = try ExternalTools.interruptedRun(["run", "--out", "results", "--quiet"], in: work, output: "results", signal: signal)
            #expect(started, "the run did not start")
            #expect(process.terminationReason == .uncaughtSignal, "the run should have been stopped by signal \(signal)")
            #expect(!FileManager.default.fileExists(atPath: work + "/results"), "signal \(signal) left results")
            // The next run cleans up the stopped run's temporary folder and succeeds.
            let next = try ExternalTools.run("sh", ["-c", "cd \(work) && \(ExternalTools.nordwaerts) run --out results --quiet"])
            #expect(next.status == 0, "\(next.stderr)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: work) == ["results"], "signal \(signal)")
        }
    }

    @Test func variantsAndCompare() throws {
        let out = try ExternalTools.temporaryDirectory().path + "/runs"
        let scenario = ExternalTools.packageRoot.appendingPathComponent("datasets/scenarios/more-transit.yaml").path
        let r = try nordwaerts(["run", scenario, "--out", out, "--quiet"])
        #expect(r.status == 0, "\(r.stderr)")
        let folders = try FileManager.default.contentsOfDirectory(atPath: out).sorted()
        #expect(folders == ["baseline", "comparison", "report.html", "stop-scharnhorst", "transit-weighted"])
        // The new stop serves more of Scharnhorst (id 2) and changes nothing in Huckarde (id 8).
        let text = try String(contentsOfFile: out + "/comparison/stop-scharnhorst/districts.csv", encoding: .utf8)
        let rows = text.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let column = rows[0].firstIndex(of: "served_share_change")!
        #expect(Double(rows.first { $0[0] == "2" }![column])! > 0)
        #expect(Double(rows.first { $0[0] == "8" }![column])! == 0)
        // compare writes the same comparison for any two run folders.
        let diff = out + "-diff"
        #expect(try nordwaerts(["compare", out + "/baseline", out + "/stop-scharnhorst", "--out", diff]).status == 0)
        #expect(try String(contentsOfFile: diff + "/districts.csv", encoding: .utf8) == text)
        #expect(try nordwaerts(["compare", out, out + "/baseline", "--out", diff + "2"]).status == 66)
    }

    @Test func validateListsEveryInvalidGeometry() throws {
        guard let generator = ExternalTools.sharedFile("bench/gen_data.py") else { return }
        let dir = try ExternalTools.temporaryDirectory().path
        _ = try ExternalTools.run("python3", [generator.path, "--out", dir, "--parcels", "2000", "--invalid-rate", "0.02", "--seed", "7"])
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/manifest.json"))) as! [String: Any]
        let invalid = (manifest["parcel_stats"] as! [String: Any])["invalid"] as! Int
        let r = try nordwaerts(["validate", dir + "/parcels.geojson", "--json"])
        #expect(r.status == 0)
        let report = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        #expect(report["invalid"] as? Int == invalid && (report["problems"] as! [Any]).count == invalid)
        let repaired = try nordwaerts(["validate", dir + "/parcels.geojson", "--repair", dir + "/fixed.geojson"])
        #expect(repaired.status == 0 && repaired.stderr.contains("\(invalid) repaired"))
        let again = try nordwaerts(["validate", dir + "/fixed.geojson", "--json"])
        let after = try JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as! [String: Any]
        #expect(after["invalid"] as? Int == 0 && after["features"] as? Int == 2000)
    }
}
