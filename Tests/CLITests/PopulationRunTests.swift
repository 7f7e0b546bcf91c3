import Foundation
import Testing
import GeoIO
import TestSupport

/// Runs with a population grid as a planner runs them: the real-data scenario (addresses in the
/// parcels' place) and a scenario whose inputs are named through `..`.
@Suite struct PopulationRunTests {
    let root = ExternalTools.packageRoot.path

    @Test func realDataScenarioCountsPointsAndResidents() throws {
        guard ExternalTools.sharedFile("data/dortmund/kor-addrlink/dortmund_adressen.csv") != nil else { return }
        let out = try ExternalTools.temporaryDirectory().appendingPathComponent("real").path
        let r = try ExternalTools.run(ExternalTools.nordwaerts, ["run", root + "/datasets/scenarios/real-dortmund.yaml", "--out", out, "--quiet"])
        #expect(r.status == 0, "\(r.stderr)")
        let table = try Table.read(csv: out + "/districts.csv")
        // A point layer: counts and shares of points; no column of areas, GRZ or served area.
        for column in ["parcel_area_m2", "grz_area_weighted", "mean_grz", "served_share", "potential_area_m2", "parcel_count"] {
            #expect(table.index(of: column) == nil, "\(column) does not apply to points")
        }
        #expect(table.rows.count == 15 && table[14, "id"] == .string("city"))
        // 109,700 addresses; 36,491 within 500 m of a Stadtbahn stop (Reference/real_checks.json, GeoPandas).
        #expect(table[14, "point_count"]?.doubleValue == 109_700 && table[14, "served_count"]?.doubleValue == 36_491)
        for row in table.rows.indices {
            let points = try #require(table[row, "point_count"]?.doubleValue), served = try #require(table[row, "served_count"]?.doubleValue)
            let share = try #require(table[row, "served_point_share"]?.doubleValue)
            #expect(abs(share - served / points) < 1e-12)
            // Residents from the Zensus grid: the districts add up to the whole city.
            #expect(try #require(table[row, "residents_65p_in_reach_share"]?.doubleValue) > 0)
        }
        let districts = (0..<12).reduce(0.0) { $0 + table[$1, "population"]!.doubleValue! }
        #expect(abs(districts - table[14, "population"]!.doubleValue!) < 1e-6)
        let report = try String(contentsOfFile: out + "/report.md", encoding: .utf8)
        #expect(report.contains("Zensus 2011, reference date 9 May 2011") && report.contains("SAFE"))
        #expect(report.contains("**Nordwärts") && report.contains("of those aged 65+") && report.contains("whole city"))
        #expect(report.contains("### Check against the finer grid") && report.contains("| Innenstadt-Nord | residents |"))
        #expect(report.contains("`../dortmund/zensus2011_1km.geojson`") && !report.contains(root))
        #expect(!report.contains("| 0.0 %") && !report.contains("GRZ"))
        let csv = try String(contentsOfFile: out + "/residents_in_reach.csv", encoding: .utf8)
        #expect(csv.contains(",radius,") && csv.contains(",buffer-union,"))
    }

    @Test func inputsAreNamedRelativeToTheScenario() throws {
        let folder = try ExternalTools.temporaryDirectory()
        let scenarios = folder.appendingPathComponent("scenarios")
        try FileManager.default.createDirectory(at: scenarios, withIntermediateDirectories: true)
        let data = root + "/datasets/dortmund"
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("dortmund").path, withDestinationPath: data)
        let text = """
        inputs:
          districts: {path: ../dortmund/../dortmund/stadtbezirke.geojson}
          parcels: {path: ./../dortmund/parcels.geojson}
        outputs: {layers: [districts]}
        """
        try text.write(to: scenarios.appendingPathComponent("s.yaml"), atomically: true, encoding: .utf8)
        let out = folder.appendingPathComponent("out").path
        let r = try ExternalTools.run(ExternalTools.nordwaerts, ["run", scenarios.appendingPathComponent("s.yaml").path, "--out", out, "--quiet"])
        #expect(r.status == 0, "\(r.stderr)")
        let report = try String(contentsOfFile: out + "/report.md", encoding: .utf8)
        #expect(report.contains("| districts | `../dortmund/stadtbezirke.geojson` |") && report.contains("| parcels | `../dortmund/parcels.geojson` |"))
        #expect(report.contains("scenario `s.yaml`") && !report.contains(folder.path))
        // Without a population grid the report says where the populations come from.
        #expect(report.contains("District populations are the district layer's `population` field"))
        let html = try String(contentsOfFile: out + "/report.html", encoding: .utf8)
        #expect(html.contains(">../dortmund/stadtbezirke.geojson<") && !html.contains(folder.path))
    }
}
