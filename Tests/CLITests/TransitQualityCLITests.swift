import Foundation
import Testing
import TestSupport

/// `kind: transit-quality` in a scenario, as a planner runs it: the files, the sums of the
/// district table, the audit, and the exit codes of a missing feed and of bad rules.
@Suite struct TransitQualityCLITests {
    let dataset = ExternalTools.packageRoot.appendingPathComponent("datasets/dortmund").path

    func run(_ body: String, gtfs: String? = nil) throws -> (ExternalTools.Result, String) {
        let folder = try ExternalTools.temporaryDirectory().path
        let text = """
        inputs:
          districts: {path: \(dataset)/stadtbezirke.geojson}
          parcels: {path: \(dataset)/parcels.geojson}
          buildings: {path: \(dataset)/buildings.geojson}
          gtfs: {path: \(gtfs ?? dataset + "/gtfs")}
        \(body)
        """
        try text.write(toFile: folder + "/s.yaml", atomically: true, encoding: .utf8)
        return (try ExternalTools.run(ExternalTools.nordwaerts, ["run", folder + "/s.yaml", "--out", folder + "/out", "--quiet"]), folder + "/out")
    }

    @Test func theEmbeddedFeedGradesNorthAgainstRest() throws {
        let (r, out) = try run("analyses:\n  - kind: transit-quality\n    preset: are")
        #expect(r.status == 0, "\(r.stderr)")
        for file in ["pt_stops.csv", "pt_quality.geojson", "pt_quality_districts.csv", "gtfs.rejects.csv", "parcels.geojson"] {
            #expect(FileManager.default.fileExists(atPath: out + "/" + file), "\(file)")
        }
        let table = try String(contentsOfFile: out + "/pt_quality_districts.csv", encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let header = table[0]
        let rows = Array(table.dropFirst())
        #expect(rows.count == 15 && rows.suffix(3).map { $0[0] } == ["nordwaerts", "rest", "city"])
        // Per district, the residents of all classes add up to its population; the whole city
        // is the sum of Nordwärts and the rest, and of the twelve districts.
        let residentColumns = header.indices.filter { header[$0].hasPrefix("residents_") && !header[$0].hasPrefix("residents_share") && !header[$0].contains("sdg") && !header[$0].contains("dg_regio") }
        #expect(residentColumns.count >= 3)
        for row in rows {
            let population = Double(row[2])!
            let sum = residentColumns.reduce(0.0) { $0 + Double(row[$1])! }
            #expect(abs(sum - population) < 1e-6 * population, "\(row[0]): \(sum) vs \(population)")
        }
        for c in residentColumns + header.indices.filter({ header[$0].hasPrefix("parcel_area_m2_") }) {
            let districts = rows.prefix(12).reduce(0.0) { $0 + Double($1[c])! }
            let north = Double(rows[12][c])!, rest = Double(rows[13][c])!, city = Double(rows[14][c])!
            #expect(abs(city - districts) <= 1e-9 * max(1, city) && abs(city - north - rest) <= 1e-9 * max(1, city), "\(header[c])")
        }
        // The audit: a row per station and mode group, every one with its rule.
        let audit = try String(contentsOfFile: out + "/pt_stops.csv", encoding: .utf8)
        #expect(audit.hasPrefix("station_id,name,mode_group,departures,effective_departures,interval_min,type,category,"))
        #expect(audit.contains("halved (both directions)") && audit.contains("category IV"))
        // Each parcel has pt_class (null outside every band).
        let parcels = try String(contentsOfFile: out + "/parcels.geojson", encoding: .utf8)
        #expect(parcels.components(separatedBy: "\"pt_class\":").count - 1 == 10_000)
        let report = try String(contentsOfFile: out + "/report.md", encoding: .utf8)
        #expect(report.contains("Residents in classes A–B: Nordwärts"))
        #expect(report.contains("service date 2026-01-07 (the first Wednesday the feed serves)"))
    }

    @Test func missingFeedAndBadRulesHaveTheirExitCodes() throws {
        let (missing, out) = try run("analyses:\n  - kind: transit-quality", gtfs: "/nonexistent/vrr.zip")
        #expect(missing.status == 66 && missing.stderr.contains("/nonexistent/vrr.zip"), "\(missing.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
        let noStopTimes = try ExternalTools.temporaryDirectory().path
        for f in ["stops.txt", "routes.txt", "trips.txt", "calendar.txt"] {
            try FileManager.default.copyItem(atPath: dataset + "/gtfs/" + f, toPath: noStopTimes + "/" + f)
        }
        let (incomplete, _) = try run("analyses:\n  - kind: transit-quality", gtfs: noStopTimes)
        #expect(incomplete.status == 66 && incomplete.stderr.contains("stop_times.txt"), "\(incomplete.stderr)")
        for (body, message) in [("    closed_side: middle", "closed_side"), ("    interval_edges_min: [10, 5]", "interval_edges_min"),
                                ("    stadtbahn: ferry", "stadtbahn"), ("    date: tomorrow", "date"), ("    windw: \"06:00-20:00\"", "windw")] {
            let (r, _) = try run("analyses:\n  - kind: transit-quality\n" + body)
            #expect(r.status == 64 && r.stderr.contains(message), "\(body): \(r.status) \(r.stderr)")
        }
    }
}
