import Foundation
import Testing
import TestSupport

/// `network walk` from polygon origins read the lean way (no GEOS geometry for simple parcels)
/// and the feature reader's way (NORDWAERTS_FULL_READ=1): byte-identical output.
@Suite struct NetworkWalkLeanCLITests {
    func walk(_ parcels: String, streets: String, stops: String, out: String, full: Bool) throws -> String {
        var environment = ProcessInfo.processInfo.environment
        if full { environment["NORDWAERTS_FULL_READ"] = "1" } else { environment["NORDWAERTS_FULL_READ"] = nil }
        let r = try ExternalTools.run(ExternalTools.nordwaerts, ["network", "walk", streets, "--facilities", stops, "--origins", parcels,
                                                                 "--out", out, "--cutoff-m", "1000"], environment: environment)
        #expect(r.status == 0, "\(r.stderr)")
        return try String(contentsOfFile: out, encoding: .utf8)
    }

    @Test func embeddedParcelsWalkTheSameBothWays() throws {
        let data = ExternalTools.packageRoot.appendingPathComponent("datasets/dortmund").path
        let dir = try ExternalTools.temporaryDirectory().path
        let args = (data + "/parcels.geojson", data + "/streets.geojson", data + "/vrr_stations.geojson")
        let lean = try walk(args.0, streets: args.1, stops: args.2, out: dir + "/lean.csv", full: false)
        let full = try walk(args.0, streets: args.1, stops: args.2, out: dir + "/full.csv", full: true)
        #expect(lean.split(separator: "\n").count == 10001)
        #expect(lean == full)
    }

    @Test func generatedParcelsWalkTheSameBothWays() throws {
        guard let generator = ExternalTools.sharedFile("bench/gen_data.py") else { return }
        let dir = try ExternalTools.temporaryDirectory().path
        let made = try ExternalTools.run("/usr/bin/python3", [generator.path, "--out", dir, "--parcels", "3000"])
        #expect(made.status == 0, "\(made.stderr)")
        let streets = ExternalTools.packageRoot.appendingPathComponent("datasets/dortmund/streets.geojson").path
        let lean = try walk(dir + "/parcels.geojson", streets: streets, stops: dir + "/stops.geojson", out: dir + "/lean.csv", full: false)
        let full = try walk(dir + "/parcels.geojson", streets: streets, stops: dir + "/stops.geojson", out: dir + "/full.csv", full: true)
        #expect(lean.split(separator: "\n").count == 3001)
        #expect(lean == full)
    }
}
