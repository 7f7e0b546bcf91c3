import Foundation
import Testing
import TestSupport

/// The `nordwaerts` binary as a user runs it: output, messages and exit codes.
@Suite struct CLITests {
    func nordwaerts(_ arguments: [String], input: String? = nil) throws -> ExternalTools.Result {
        try ExternalTools.run(ExternalTools.nordwaerts, arguments, input: input)
    }

    func file(_ name: String, _ text: String) throws -> String {
        let path = try ExternalTools.temporaryDirectory().appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func versionNamesTheLibraries() throws {
        let result = try nordwaerts(["version"])
        #expect(result.status == 0)
        let geos = try ExternalTools.run("pkg-config", ["--modversion", "geos"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let proj = try ExternalTools.run("pkg-config", ["--modversion", "proj"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(result.stdout.contains("GEOS \(geos)") && result.stdout.contains("PROJ \(proj)"))
    }

    @Test func helpDocumentsExitCodes() throws {
        let result = try nordwaerts(["--help"])
        for code in ["64", "65", "66", "73"] { #expect(result.stdout.contains("  \(code) ")) }
    }

    @Test func transformAgreesWithCS2CSForHundredsOfPoints() throws {
        var lonLat: [(Double, Double)] = []
        for i in 0..<25 { for j in 0..<12 { lonLat.append((7.30 + Double(i) * 0.0137, 51.41 + Double(j) * 0.0161)) } }
        let ours = try nordwaerts(["transform", "--from", "EPSG:4326", "--to", "EPSG:25832", "--precision", "6"],
                                  input: lonLat.map { "\($0.0) \($0.1)" }.joined(separator: "\n") + "\n")
        #expect(ours.status == 0, "\(ours.stderr)")
        // cs2cs takes EPSG:4326 as latitude longitude.
        let reference = try ExternalTools.run("cs2cs", ["-f", "%.6f", "EPSG:4326", "EPSG:25832"],
                                              input: lonLat.map { "\($0.1) \($0.0)" }.joined(separator: "\n") + "\n")
        let a = ours.stdout.split(separator: "\n"), b = reference.stdout.split(separator: "\n")
        #expect(a.count == 300 && b.count == 300)
        var worst = 0.0
        for (x, y) in zip(a, b) {
            let p = x.split(separator: " ").compactMap { Double($0) }
            let q = y.split(whereSeparator: { $0 == " " || $0 == "\t" }).compactMap { Double($0) }
            worst = max(worst, abs(p[0] - q[0]), abs(p[1] - q[1]))
        }
        #expect(worst < 0.001, "largest difference from cs2cs: \(worst) m")
        // And back, to well under a millimetre.
        let back = try nordwaerts(["transform", "--from", "EPSG:25832", "--to", "EPSG:4326", "--precision", "10"], input: ours.stdout)
        let returned = back.stdout.split(separator: "\n").map { $0.split(separator: " ").compactMap { Double($0) } }
        for (k, p) in returned.enumerated() {
            #expect(abs(p[0] - lonLat[k].0) < 1e-8 && abs(p[1] - lonLat[k].1) < 1e-8)
        }
    }

    @Test func transformUsage() throws {
        let args = try nordwaerts(["transform", "--from", "EPSG:4326", "--to", "EPSG:25832", "7.45889", "51.51750"])
        #expect(args.stdout == "393071.202 5708501.231\n")
        let z = try nordwaerts(["transform", "--from", "EPSG:25832", "--to", "EPSG:25832"], input: "1\t2\t3 rest\n# note\n\n")
        #expect(z.stdout == "1.000 2.000 3 rest\n# note\n\n")
        #expect(try nordwaerts(["transform", "--from", "EPSG:99999", "--to", "EPSG:4326", "1", "2"]).status == 64)
        #expect(try nordwaerts(["transform", "--from", "EPSG:4326", "--to", "EPSG:25832", "1"]).status == 64)
        #expect(try nordwaerts(["transform", "--to", "EPSG:25832", "1", "2"]).status == 64)
        let bad = try nordwaerts(["transform", "--from", "EPSG:4326", "--to", "EPSG:25832"], input: "7 51\nseven 51\n")
        #expect(bad.status == 65 && bad.stderr.contains("stdin line 2"))
        let far = try nordwaerts(["transform", "--from", "EPSG:25832", "--to", "EPSG:4326", "1e30", "1e30"])
        #expect(far.status == 65 && far.stderr.contains("cannot be transformed"))
    }

    @Test func convertAndInspectTheRealDistricts() throws {
        guard let source = ExternalTools.sharedFile("data/dortmund/stadtbezirke-fjonnw/dortmund_stadtbezirke_epsg25832.geojson") else { return }
        let dir = try ExternalTools.temporaryDirectory()
        let out = dir.appendingPathComponent("bezirke.geojson").path
        let result = try nordwaerts(["convert", source.path, out])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("12 features read") && result.stderr.contains("12 written"))
        #expect(try Checks.ogrFeatureCount(out).count == 12)
        if let check = try Checks.rfc7946([out]) { #expect(check.passed, "\(check.output)") }
        let metric = dir.appendingPathComponent("bezirke_25832.geojsonl").path
        #expect(try nordwaerts(["convert", source.path, metric, "--to", "EPSG:25832"]).status == 0)
        #expect(try String(contentsOfFile: metric, encoding: .utf8).split(separator: "\n").count == 12)
        #expect(try Checks.ogrFeatureCount(metric).count == 12)
        let inspect = try nordwaerts(["inspect", source.path, "--json"])
        #expect(inspect.status == 0)
        let report = try JSONSerialization.jsonObject(with: Data(inspect.stdout.utf8)) as! [String: Any]
        #expect(report["features"] as? Int == 12 && report["crs"] as? String == "EPSG:25832" && report["valid"] as? Int == 12)
        // GDAL's extent of the file (ogrinfo) is the same as ours.
        let ogr = try ExternalTools.run("ogrinfo", ["-ro", "-al", "-so", source.path]).stdout
        let extent = ogr.split(separator: "\n").first { $0.hasPrefix("Extent:") }.map(String.init) ?? ""
        let bounds = report["bounds"] as! [String: Double]
        #expect(extent.contains(String(format: "(%.6f, %.6f)", bounds["minX"]!, bounds["minY"]!)))
    }

    @Test func addressesAsCSV() throws {
        guard let csv = ExternalTools.sharedFile("data/dortmund/kor-addrlink/dortmund_adressen.csv") else { return }
        let out = try ExternalTools.temporaryDirectory().appendingPathComponent("adressen.geojsonl").path
        #expect(try nordwaerts(["convert", csv.path, out]).status == 64)  // CSV without --from
        let result = try nordwaerts(["convert", csv.path, out, "--from", "EPSG:25832", "--x", "RW", "--y", "HW"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try Checks.ogrFeatureCount(out).count == 109_700)
    }

    @Test func badInputGetsTheDocumentedExitCodes() throws {
        let dir = try ExternalTools.temporaryDirectory()
        let out = dir.appendingPathComponent("out.geojson").path
        let truncated = try file("truncated.geojson", #"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{}"#)
        var r = try nordwaerts(["convert", truncated, out])
        #expect(r.status == 65 && r.stderr.contains("truncated.geojson") && r.stderr.contains("truncated"))
        #expect(!FileManager.default.fileExists(atPath: out))
        r = try nordwaerts(["convert", dir.appendingPathComponent("missing.geojson").path, out])
        #expect(r.status == 66 && r.stderr.contains("missing.geojson"))
        let good = try file("good.geojson", #"{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[7,51]}}"#)
        // A file where a folder should be: the output cannot be created.
        r = try nordwaerts(["convert", good, good + "/out.geojson"])
        #expect(r.status == 73 && r.stderr.contains("not a directory"))
        // Missing folders are made.
        r = try nordwaerts(["convert", good, dir.appendingPathComponent("new/folder/out.geojson").path])
        #expect(r.status == 0)
        r = try nordwaerts(["convert", good, out, "--on-invalid", "sometimes"])
        #expect(r.status == 64)
        r = try nordwaerts(["convert", good, out, "--to", "EPSG:0"])
        #expect(r.status == 64)
        r = try nordwaerts(["inspect", try file("notjson.geojson", "hello")])
        #expect(r.status == 65)
    }

    @Test func dataOutsideTheAreaOfUseIsWarnedAboutNotRefused() throws {
        // 150000 5650000 in EPSG:25832 lies near 4.0° E (cs2cs), west of the zone's 6° E:
        // NRW data can reach there, so it is converted, with a warning.
        let input = #"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"EPSG:25832"}},"features":[{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[150000,5650000]}}]}"#
        let r = try nordwaerts(["convert", "-", "-"], input: input)
        #expect(r.status == 0)
        #expect(r.stderr.contains("outside the area of use of EPSG:25832"))
        let cs2cs = try ExternalTools.run("cs2cs", ["-f", "%.7f", "EPSG:25832", "EPSG:4326"], input: "150000 5650000\n")
        let latLon = cs2cs.stdout.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).compactMap { Double($0) }
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        let point = (((json["features"] as! [[String: Any]])[0]["geometry"] as! [String: Any])["coordinates"] as! [Double])
        #expect(abs(point[0] - latLon[1]) < 1.5e-7 && abs(point[1] - latLon[0]) < 1.5e-7)
    }

    @Test func standardInputAndOutput() throws {
        let seq = (0..<3).map { #"{"type":"Feature","properties":{"n":\#($0)},"geometry":{"type":"Point","coordinates":[7.4,51.\#($0)]}}"# }.joined(separator: "\n")
        let r = try nordwaerts(["convert", "-", "-", "--format", "geojsonseq"], input: seq)
        #expect(r.status == 0 && r.stdout.split(separator: "\n").count == 3)
        let inspect = try nordwaerts(["inspect", "-"], input: seq)
        #expect(inspect.stdout.contains("features:  3") && inspect.stdout.contains("OGC:CRS84"))
    }

    @Test func rejectedFeaturesAreReportedNotLost() throws {
        let dir = try ExternalTools.temporaryDirectory()
        let input = try file("mixed.geojson", """
        {"type":"FeatureCollection","features":[
        {"type":"Feature","id":"ok","properties":{},"geometry":{"type":"Point","coordinates":[7.4,51.5]}},
        {"type":"Feature","id":"ring","properties":{},"geometry":{"type":"Polygon","coordinates":[[[7,51],[7.1,51],[7,51]]]}},
        {"type":"Feature","id":"metres","properties":{},"geometry":{"type":"Point","coordinates":[391238.57,5705056.61]}},
        {"type":"Feature","id":"odd","properties":{},"geometry":{"type":"Circle","coordinates":[7,51]}}
        ]}
        """)
        let out = dir.appendingPathComponent("out.geojson").path
        let r = try nordwaerts(["convert", input, out])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("4 features read") && r.stderr.contains("1 written") && r.stderr.contains("3 rejected"))
        let report = try String(contentsOfFile: out + ".rejects.jsonl", encoding: .utf8).split(separator: "\n")
        #expect(report.count == 3)
        let entries = try report.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        #expect(entries.map { $0["id"] as? String } == ["ring", "metres", "odd"])
        #expect(entries.map { $0["line"] as? Int } == [3, 4, 5])
        #expect((entries[1]["reason"] as! String).contains("--from"))
        #expect((entries[2]["feature"] as! [String: Any])["id"] as? String == "odd")
        #expect(try nordwaerts(["convert", input, out, "--on-invalid", "fail"]).status == 65)
    }

    /// The generator writes 565 invalid parcels of 10,000 (its manifest says so); each policy
    /// must account for every one of them.
    @Test func invalidGeometryPolicies() throws {
        guard let generator = ExternalTools.sharedFile("bench/gen_data.py") else { return }
        let dir = try ExternalTools.temporaryDirectory()
        let data = dir.appendingPathComponent("data").path
        #expect(try ExternalTools.run("python3", [generator.path, "--out", data, "--parcels", "10000", "--invalid-rate", "0.05"]).status == 0)
        let manifest = try Checks.json(data + "/manifest.json")
        let invalid = (manifest["parcel_stats"] as! [String: Any])["invalid"] as! Int
        let parcels = data + "/parcels.geojson"

        let inspect = try nordwaerts(["inspect", parcels, "--json"])
        let report = try JSONSerialization.jsonObject(with: Data(inspect.stdout.utf8)) as! [String: Any]
        #expect(report["invalid"] as? Int == invalid && report["features"] as? Int == 10_000)

        let keep = dir.appendingPathComponent("keep.geojson").path
        var r = try nordwaerts(["convert", parcels, keep])
        #expect(r.status == 0 && r.stderr.contains("\(invalid) invalid geometries kept"))
        #expect(try Checks.ogrFeatureCount(keep).count == 10_000)

        let skip = dir.appendingPathComponent("skip.geojson").path
        r = try nordwaerts(["convert", parcels, skip, "--on-invalid", "skip"])
        #expect(r.status == 0)
        #expect(try Checks.ogrFeatureCount(skip).count == 10_000 - invalid)
        #expect(try String(contentsOfFile: skip + ".rejects.jsonl", encoding: .utf8).split(separator: "\n").count == invalid)

        let repair = dir.appendingPathComponent("repair.geojson").path
        r = try nordwaerts(["convert", parcels, repair, "--on-invalid", "repair"])
        #expect(r.status == 0 && r.stderr.contains("\(invalid) invalid geometries repaired"))
        let repaired = try nordwaerts(["inspect", repair, "--json"])
        let after = try JSONSerialization.jsonObject(with: Data(repaired.stdout.utf8)) as! [String: Any]
        #expect(after["invalid"] as? Int == 0 && after["features"] as? Int == 10_000)
        let types = after["geometryTypes"] as! [String: Int]
        #expect(Set(types.keys).isSubset(of: ["Polygon", "MultiPolygon"]))
        if let check = try Checks.rfc7946([keep, skip, repair]) { #expect(check.passed, "\(check.output)") }

        r = try nordwaerts(["convert", parcels, dir.appendingPathComponent("fail.geojson").path, "--on-invalid", "fail"])
        #expect(r.status == 65 && r.stderr.contains("invalid geometry"))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("fail.geojson").path))
    }
}
