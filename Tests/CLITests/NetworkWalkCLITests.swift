import Foundation
import Testing
import TestSupport

/// `network walk` on a T junction worked out by hand, with origins as GeoJSON (a polygon from
/// its point on surface), as a plain CSV (read without features) and as a CSV with quotes
/// (read feature by feature): the same walks each way.
@Suite struct NetworkWalkCLITests {
    func nordwaerts(_ arguments: [String]) throws -> ExternalTools.Result {
        try ExternalTools.run(ExternalTools.nordwaerts, arguments)
    }

    /// A street from x 390000 to 391000 along y 5710000 with a vertex at 390500, where a
    /// 400 m street leaves north (a T junction); stop S 10 m east of that street, 390 m up it.
    func folder() throws -> String {
        let dir = try ExternalTools.temporaryDirectory().path
        let crs = #"{"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::25832"}}"#
        try """
        {"type": "FeatureCollection", "crs": \(crs), "features": [
         {"type": "Feature", "properties": {}, "geometry": {"type": "LineString", "coordinates": [[390000, 5710000], [390500, 5710000], [391000, 5710000]]}},
         {"type": "Feature", "properties": {}, "geometry": {"type": "LineString", "coordinates": [[390500, 5710000], [390500, 5710400]]}}]}
        """.write(toFile: dir + "/streets.geojson", atomically: true, encoding: .utf8)
        try """
        {"type": "FeatureCollection", "crs": \(crs), "features": [
         {"type": "Feature", "properties": {"name": "S"}, "geometry": {"type": "Point", "coordinates": [390510, 5710390]}}]}
        """.write(toFile: dir + "/stops.geojson", atomically: true, encoding: .utf8)
        // a: a 20 m square whose point on surface is its centre (390100, 5710020).
        try """
        {"type": "FeatureCollection", "crs": \(crs), "features": [
         {"type": "Feature", "id": "a", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [[[390090, 5710010], [390110, 5710010], [390110, 5710030], [390090, 5710030], [390090, 5710010]]]}},
         {"type": "Feature", "id": "b", "properties": {}, "geometry": {"type": "Point", "coordinates": [390900, 5709970]}},
         {"type": "Feature", "id": "c", "properties": {}, "geometry": {"type": "Point", "coordinates": [390000, 5709000]}},
         {"type": "Feature", "id": "d", "properties": {}, "geometry": {"type": "Point", "coordinates": [390505, 5710200]}}]}
        """.write(toFile: dir + "/origins.geojson", atomically: true, encoding: .utf8)
        try "name,RW,HW\na,390100,5710020\nb,390900.0,5709970\n\nc,390000,5709000\nd,390505,5710200\n"
            .write(toFile: dir + "/plain.csv", atomically: true, encoding: .utf8)
        try "name,RW,HW\n\"a, the first\",390100,5710020\nb,390900.0,5709970\nc,390000,5709000\nd,390505,5710200\n"
            .write(toFile: dir + "/quoted.csv", atomically: true, encoding: .utf8)
        return dir
    }

    /// By hand, cutoff 825 m: a snaps 20 m onto the main street, walks 400 m to the junction,
    /// 390 m up and 10 m to S: 820 m. b: 30 + 400 + 390 + 10 = 830 m, beyond the cutoff.
    /// c: 1,000 m from the nearest vertex, off the network (max 250 m). d: 5 m onto the side
    /// street, 190 m along it to S's snap point, 10 m to S: 205 m.
    static let expected: [(walk: Double?, stop: String, snap: Double)] = [(820, "S", 20), (nil, "", 30), (nil, "", 1000), (205, "S", 5)]

    func check(_ csv: String, ids: [String]) throws {
        let lines = csv.split(separator: "\n").map(String.init)
        #expect(lines.first == "id,walk_m,walk_stop,snap_m")
        #expect(lines.count == 5, "\(csv)")
        for (k, line) in lines.dropFirst().enumerated() where k < 4 {
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let want = NetworkWalkCLITests.expected[k]
            #expect(f[0] == ids[k] && f[2] == want.stop, "\(line)")
            if let w = want.walk { #expect(abs(Double(f[1])! - w) < 1e-9, "\(line)") } else { #expect(f[1].isEmpty, "\(line)") }
            #expect(abs(Double(f[3])! - want.snap) < 1e-9, "\(line)")
        }
    }

    @Test func walksFromGeoJSONAndBothKindsOfCSV() throws {
        let dir = try folder()
        let common = [dir + "/streets.geojson", "--facilities", dir + "/stops.geojson", "--cutoff-m", "825"]
        var r = try nordwaerts(["network", "walk"] + common + ["--origins", dir + "/origins.geojson", "--out", dir + "/g.csv"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("4 origins: 2 within 825 m of a facility, 1 off the network"), "\(r.stderr)")
        try check(try String(contentsOfFile: dir + "/g.csv", encoding: .utf8), ids: ["a", "b", "c", "d"])
        for name in ["plain", "quoted"] {
            r = try nordwaerts(["network", "walk"] + common + ["--origins", dir + "/\(name).csv", "--origins-from", "EPSG:25832", "--out", dir + "/\(name).out.csv"])
            #expect(r.status == 0, "\(r.stderr)")
            try check(try String(contentsOfFile: dir + "/\(name).out.csv", encoding: .utf8), ids: ["1", "2", "3", "4"])
        }
    }

    @Test func missingInputsAreNamedInTheOrderGiven() throws {
        let dir = try folder()
        // Streets and origins both missing: the streets are named (66), as before origins are read.
        var r = try nordwaerts(["network", "walk", dir + "/nope.geojson", "--facilities", dir + "/stops.geojson",
                                "--origins", dir + "/none.geojson", "--out", dir + "/o.csv"])
        #expect(r.status == 66 && r.stderr.contains("nope.geojson"), "\(r.stderr)")
        r = try nordwaerts(["network", "walk", dir + "/streets.geojson", "--facilities", dir + "/stops.geojson",
                            "--origins", dir + "/none.geojson", "--out", dir + "/o.csv"])
        #expect(r.status == 66 && r.stderr.contains("none.geojson"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/o.csv"))
        // A CSV without its CRS is a usage problem of the origins, reported after the graph is made.
        r = try nordwaerts(["network", "walk", dir + "/streets.geojson", "--facilities", dir + "/stops.geojson",
                            "--origins", dir + "/plain.csv", "--out", dir + "/o.csv"])
        #expect(r.status != 0 && r.stderr.contains("CRS"), "\(r.stderr)")
    }
}
