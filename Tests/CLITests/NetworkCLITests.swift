import Foundation
import Testing
import TestSupport

/// `network inspect`, `network walk` and `run` with a network catchment, as a user runs them.
@Suite struct NetworkCLITests {
    let dataset = ExternalTools.packageRoot.appendingPathComponent("datasets/dortmund").path

    func nordwaerts(_ arguments: [String]) throws -> ExternalTools.Result {
        try ExternalTools.run(ExternalTools.nordwaerts, arguments)
    }

    /// A scenario with a network catchment on `streets` in a fresh folder.
    func scenario(streets: String, extra: String = "") throws -> (file: String, folder: String) {
        let folder = try ExternalTools.temporaryDirectory().path
        let text = """
        \(extra)
        inputs:
          districts: {path: \(dataset)/stadtbezirke.geojson}
          parcels: {path: \(dataset)/parcels.geojson}
          stops: {path: \(dataset)/vrr_stations.geojson}
          streets: {path: \(streets)}
        analyses:
          - kind: catchment
            method: network
        outputs: {layers: [districts, walk_catchments]}
        """
        try text.write(toFile: folder + "/s.yaml", atomically: true, encoding: .utf8)
        return (folder + "/s.yaml", folder)
    }

    @Test func inspectCountsTheGraph() throws {
        let r = try nordwaerts(["network", "inspect", dataset + "/streets.geojson", "--facilities", dataset + "/vrr_stations.geojson", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let stats = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        // GDAL counts the same features; each segment of the grid is one edge, each footpath two.
        let info = try ExternalTools.run("ogrinfo", ["-ro", "-al", "-so", dataset + "/streets.geojson"])
        let count = Int(try #require(info.stdout.split(separator: "\n").first { $0.contains("Feature Count:") }).split(separator: ":")[1]
            .trimmingCharacters(in: .whitespaces))!
        let footpaths = try ExternalTools.run("ogrinfo", ["-ro", "-al", "-q", "-where", "kind = 'footpath'", dataset + "/streets.geojson"])
            .stdout.components(separatedBy: "OGRFeature(").count - 1
        #expect(stats["edges"] as? Int == count + footpaths)
        #expect(stats["facilities"] as? Int == 1004 && stats["facilities_off_network"] as? Int == 0)
        // A geographic working CRS is a usage error.
        #expect(try nordwaerts(["network", "inspect", dataset + "/streets.geojson", "--to", "EPSG:4326"]).status == 64)
    }

    @Test func everyStopOffTheNetworkWarnsAndServesNobody() throws {
        // One street 100 km west of Dortmund: every stop is off the network.
        let folder = try ExternalTools.temporaryDirectory().path
        let far = folder + "/far.geojson"
        try """
        {"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::25832"}},
         "features": [{"type": "Feature", "properties": {}, "geometry": {"type": "LineString", "coordinates": [[290000, 5710000], [290100, 5710000]]}}]}
        """.write(toFile: far, atomically: true, encoding: .utf8)
        let (file, dir) = try scenario(streets: far)
        let r = try nordwaerts(["run", file, "--out", dir + "/out"])
        #expect(r.status == 0 && r.stderr.contains("warning: every stop is off the street network"), "\(r.stderr)")
        let districts = try String(contentsOfFile: dir + "/out/districts.csv", encoding: .utf8)
        let header = districts.split(separator: "\n")[0].split(separator: ",").map(String.init)
        let served = try #require(header.firstIndex(of: "walk_served_count"))
        let off = try #require(header.firstIndex(of: "off_network_count"))
        let rows = districts.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        #expect(rows.allSatisfy { $0[served] == "0" })
        // Every parcel is off the network (the street is 100 km away): the city's rows add up to 10,000.
        #expect(rows.filter { !["nordwaerts", "rest", "city"].contains($0[0]) }.map { Int($0[off])! }.reduce(0, +) == 10_000)
        let catchments = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/out/walk_catchments.geojson"))) as! [String: Any]
        #expect((catchments["features"] as? [Any])?.isEmpty == true)
    }

    @Test func networkWithoutStreetsOrInDegreesIsAUsageError() throws {
        let folder = try ExternalTools.temporaryDirectory().path
        try """
        inputs:
          districts: {path: \(dataset)/stadtbezirke.geojson}
          parcels: {path: \(dataset)/parcels.geojson}
          stops: {path: \(dataset)/vrr_stations.geojson}
        analyses:
          - kind: catchment
            method: network
        """.write(toFile: folder + "/s.yaml", atomically: true, encoding: .utf8)
        let r = try nordwaerts(["run", folder + "/s.yaml", "--out", folder + "/out"])
        #expect(r.status == 64 && r.stderr.contains("analyses.0.method") && r.stderr.contains("streets"), "\(r.stderr)")
        let (file, dir) = try scenario(streets: dataset + "/streets.geojson", extra: "working_crs: EPSG:4326")
        let d = try nordwaerts(["run", file, "--out", dir + "/out"])
        #expect(d.status == 64 && d.stderr.contains("working_crs"), "\(d.stderr)")
    }

    @Test func unusableAndUnwalkableLinesAreAccountedFor() throws {
        // A residential street, a "line" of one repeated vertex, a motorway; preset osm-walk.
        let folder = try ExternalTools.temporaryDirectory().path
        try """
        {"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::25832"}}, "features": [
         {"type": "Feature", "id": "ok", "properties": {"highway": "residential"}, "geometry": {"type": "LineString", "coordinates": [[391900, 5709400], [392000, 5709400]]}},
         {"type": "Feature", "id": "dot", "properties": {"highway": "footway"}, "geometry": {"type": "LineString", "coordinates": [[391900, 5709500], [391900, 5709500]]}},
         {"type": "Feature", "id": "mw", "properties": {"highway": "motorway"}, "geometry": {"type": "LineString", "coordinates": [[391800, 5709400], [391900, 5709400]]}}]}
        """.write(toFile: folder + "/streets.geojson", atomically: true, encoding: .utf8)
        let (file, dir) = try scenario(streets: folder + "/streets.geojson")
        try (try String(contentsOfFile: file, encoding: .utf8) + "\n    preset: osm-walk\n").replacingOccurrences(of: "outputs: {layers: [districts, walk_catchments]}\n    preset: osm-walk", with: "    preset: osm-walk\noutputs: {layers: [districts]}")
            .write(toFile: file, atomically: true, encoding: .utf8)
        let r = try nordwaerts(["run", file, "--out", dir + "/out"])
        #expect(r.status == 0, "\(r.stderr)")
        let rejects = try String(contentsOfFile: dir + "/out/streets.rejects.jsonl", encoding: .utf8)
        #expect(rejects.contains("\"id\":\"dot\"") && rejects.contains("fewer than two distinct vertices") && !rejects.contains("\"mw\""))
        // read 3 = kept 1 + filtered 1 (the motorway) + rejected 1 (the dot), as the report says.
        let report = try String(contentsOfFile: dir + "/out/report.md", encoding: .utf8)
        #expect(report.contains("/streets.geojson` | 3 | 0 | 1 | 1 |"), "\(report)")
    }
}
