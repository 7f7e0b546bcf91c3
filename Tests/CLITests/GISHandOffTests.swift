import Foundation
import Testing
import TestSupport

/// The GIS hand-off as a planner meets it: `run` leaves results.gpkg (GDAL's validator,
/// ogrinfo's counts, SQLite's R-tree check) and project.qgz, which QGIS opens without a
/// display from a moved folder, every layer valid, styled as report.html and rendered;
/// `convert` to and from GeoPackage; scenario inputs from a GeoPackage.
@Suite(.serialized) struct GISHandOffTests {
    let dataset = ExternalTools.packageRoot.appendingPathComponent("datasets/dortmund").path
    let checker = ExternalTools.packageRoot.appendingPathComponent("Tests/CLITests/QGIS/check_project.py").path

    func nordwaerts(_ arguments: [String]) throws -> ExternalTools.Result {
        try ExternalTools.run(ExternalTools.nordwaerts, arguments)
    }

    @Test func runWritesAValidGeoPackageAndAQGISProjectThatOpensStyledFromAMovedFolder() throws {
        let folder = try ExternalTools.temporaryDirectory()
        let out = folder.appendingPathComponent("run").path
        let run = try nordwaerts(["run", "--out", out, "--quiet"])
        #expect(run.status == 0, "\(run.stderr)")
        let gpkg = out + "/results.gpkg"
        let validation = try GeoPackageChecks.validate(gpkg)
        #expect(validation.passed, "\(validation.output)")
        // Every GeoJSON layer of the run is a table with the same count (GDAL reads both).
        let geojsons = try FileManager.default.contentsOfDirectory(atPath: out).filter { $0.hasSuffix(".geojson") }.sorted()
        #expect(geojsons.count >= 9)
        for file in geojsons {
            let table = String(file.dropLast(".geojson".count))
            let expected = try Checks.ogrFeatureCount(out + "/" + file).count
            #expect(try GeoPackageChecks.ogrFeatureCount(gpkg, layer: table) == expected, "\(table)")
            #expect(try GeoPackageChecks.rtreeCheck(gpkg, table: table) == "ok", "\(table)")
        }
        let manifest = try String(contentsOfFile: out + "/manifest.json", encoding: .utf8)
        #expect(manifest.contains("results.gpkg") && manifest.contains("project.qgz"))

        // Move the folder: relative paths keep the project working.
        let moved = folder.appendingPathComponent("elsewhere/moved run").path
        try FileManager.default.createDirectory(atPath: folder.appendingPathComponent("elsewhere").path, withIntermediateDirectories: true)
        try FileManager.default.moveItem(atPath: out, toPath: moved)
        let image = folder.appendingPathComponent("render.png").path
        let qgis = try ExternalTools.run("/usr/bin/python3", [checker, moved, image], environment: ["QT_QPA_PLATFORM": "offscreen"])
        guard qgis.status == 0, let report = try JSONSerialization.jsonObject(with: Data(qgis.stdout.utf8)) as? [String: Any] else {
            Issue.record("QGIS could not check the project (install qgis and python3-qgis): \(qgis.status) \(qgis.stderr.suffix(2000))")
            return
        }
        #expect(report["read"] as? Bool == true)
        #expect(report["crs"] as? String == "EPSG:25832")
        let layers = report["layers"] as! [[String: Any]]
        #expect(layers.count >= 13, "\(layers.map { $0["name"]! })")
        for layer in layers {
            let name = layer["name"] as! String
            #expect(layer["valid"] as? Bool == true, "\(name) is not valid in QGIS")
            #expect((layer["source"] as! String).hasPrefix(moved + "/results.gpkg|layername="), "\(name): \(layer["source"]!)")
            #expect((layer["features"] as! Int) > 0, "\(name)")
            #expect(layer["crs"] as? String == "EPSG:25832")
        }
        // The choropleths: QGIS gives every district the colour report.html gives it.
        let html = try String(contentsOfFile: moved + "/report.html", encoding: .utf8)
        let choropleths = layers.filter { ($0["id"] as! String).hasPrefix("districts_") }
        #expect(choropleths.count == 4)
        for layer in choropleths {
            let column = String((layer["id"] as! String).dropFirst("districts_".count))
            let svg = try #require(html.range(of: "id=\"map-\(column)\"").map { html[$0.lowerBound...] }.flatMap { s in s.range(of: "</svg>").map { s[..<$0.lowerBound] } })
            var reportColours: [String: String] = [:]
            for match in svg.matches(of: /<path[^>]*?data-id="([^"]+)"[^>]*?fill="(#[0-9a-f]{6})"/) {
                reportColours[String(match.1)] = String(match.2)
            }
            #expect(reportColours.count == 12, "\(column)")
            #expect(layer["colours"] as? [String: String] == reportColours, "\(column)")
            #expect(layer["labels"] as? Bool == true)
        }
        let parcels = try #require(layers.first { ($0["source"] as! String).hasSuffix("layername=parcels") })
        #expect(parcels["renderer"] as? String == "categorizedSymbol")
        #expect((parcels["categories"] as? [[String]])?.count == 8)
        // results.gpkg opened alone: QGIS applies the styles kept in layer_styles.
        let alone = report["gpkg_alone"] as! [String: [String: Any]]
        #expect(alone["parcels"]?["renderer"] as? String == "categorizedSymbol")
        #expect(alone["districts"]?["renderer"] as? String == "graduatedSymbol" && alone["districts"]?["labels"] as? Bool == true)
        #expect(alone["potential"]?["renderer"] as? String == "graduatedSymbol")
        // The rendering is a map, not a blank page.
        let painted = report["painted_samples"] as! Int, samples = report["samples"] as! Int
        #expect(Double(painted) > 0.3 * Double(samples), "\(painted) of \(samples)")
    }

    @Test func convertToGeoPackageAndBackIsIdentical() throws {
        let folder = try ExternalTools.temporaryDirectory().path
        for layer in ["parcels", "buildings", "harbour"] {
            let source = "\(dataset)/\(layer).geojson"
            #expect(try nordwaerts(["convert", source, "\(folder)/\(layer).gpkg"]).status == 0)
            #expect(try GeoPackageChecks.validate("\(folder)/\(layer).gpkg").passed)
            #expect(try nordwaerts(["convert", "\(folder)/\(layer).gpkg", "\(folder)/back.geojson"]).status == 0)
            #expect(try nordwaerts(["convert", source, "\(folder)/direct.geojson"]).status == 0)
            let back = try Data(contentsOf: URL(fileURLWithPath: "\(folder)/back.geojson"))
            let direct = try Data(contentsOf: URL(fileURLWithPath: "\(folder)/direct.geojson"))
            #expect(back == direct, "\(layer): GeoJSON → GeoPackage → GeoJSON differs from GeoJSON → GeoJSON")
        }
        // Features without ids come back with their fid as id (GeoPackage rows always have one).
        #expect(try nordwaerts(["convert", "\(dataset)/stadtbezirke.geojson", "\(folder)/d.gpkg"]).status == 0)
        #expect(try nordwaerts(["convert", "\(folder)/d.gpkg", "\(folder)/d.geojson"]).status == 0)
        let text = try String(contentsOfFile: "\(folder)/d.geojson", encoding: .utf8)
        #expect(text.contains(#"{"type":"Feature","id":1,"properties":{"id":"00""#), "\(text.prefix(300))")
    }

    @Test func geoPackageErrorsHaveTheirExitCodes() throws {
        let folder = try ExternalTools.temporaryDirectory().path
        try "this is text".write(toFile: folder + "/text.gpkg", atomically: true, encoding: .utf8)
        var r = try nordwaerts(["inspect", folder + "/text.gpkg"])
        #expect(r.status == 65 && r.stderr.contains("not a GeoPackage"), "\(r.stderr)")
        r = try nordwaerts(["convert", folder + "/absent.gpkg", folder + "/x.geojson"])
        #expect(r.status == 66, "\(r.stderr)")
        // Several tables: inspect lists them; convert wants --layer (usage, 64).
        #expect(try nordwaerts(["convert", "\(dataset)/stadtbezirke.geojson", folder + "/two.gpkg", "--layer", "bezirke"]).status == 0)
        try GeoPackageChecks.sqlite(folder + "/two.gpkg", "CREATE TABLE other (fid INTEGER PRIMARY KEY, geom POINT); INSERT INTO gpkg_contents (table_name, data_type, srs_id) VALUES ('other', 'features', 4326); INSERT INTO gpkg_geometry_columns VALUES ('other', 'geom', 'POINT', 4326, 0, 0);")
        r = try nordwaerts(["inspect", folder + "/two.gpkg"])
        #expect(r.status == 0 && r.stdout.contains("bezirke") && r.stdout.contains("12 features") && r.stdout.contains("other"), "\(r.stdout)")
        r = try nordwaerts(["convert", folder + "/two.gpkg", folder + "/x.geojson"])
        #expect(r.status == 64 && r.stderr.contains("has 2 feature tables (bezirke, other)"), "\(r.stderr)")
        r = try nordwaerts(["inspect", folder + "/two.gpkg", "--layer", "bezirke"])
        #expect(r.status == 0 && r.stdout.contains("features:  12") && r.stdout.contains("EPSG:25832"), "\(r.stdout)")
        // An unwritable output: 73, nothing left behind.
        r = try nordwaerts(["convert", "\(dataset)/stadtbezirke.geojson", "/proc/nope/x.gpkg"])
        #expect(r.status == 73, "\(r.stderr)")
    }

    @Test func scenarioInputsFromAGeoPackage() throws {
        let folder = try ExternalTools.temporaryDirectory().path
        #expect(try nordwaerts(["convert", "\(dataset)/parcels.geojson", folder + "/data.gpkg", "--layer", "flurstuecke"]).status == 0)
        let text = """
        inputs:
          districts: {path: \(dataset)/stadtbezirke.geojson}
          parcels: {path: data.gpkg, format: gpkg, layer: flurstuecke}
        outputs: {formats: [geojson, gpkg]}
        """
        try text.write(toFile: folder + "/s.yaml", atomically: true, encoding: .utf8)
        let r = try nordwaerts(["run", folder + "/s.yaml", "--out", folder + "/out", "--quiet"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try Checks.ogrFeatureCount(folder + "/out/parcels.geojson").count == 10000)
        #expect(try GeoPackageChecks.ogrFeatureCount(folder + "/out/results.gpkg", layer: "parcels") == 10000)
        #expect(!FileManager.default.fileExists(atPath: folder + "/out/project.qgz"))
        // A layer that is not there, and a format that is not one: named errors.
        try text.replacingOccurrences(of: "layer: flurstuecke", with: "layer: parzellen").write(toFile: folder + "/bad.yaml", atomically: true, encoding: .utf8)
        let bad = try nordwaerts(["run", "--check", folder + "/bad.yaml"])
        #expect(bad.status == 64 && bad.stderr.contains("no feature table named 'parzellen'; it has flurstuecke"), "\(bad.stderr)")
        try text.replacingOccurrences(of: "[geojson, gpkg]", with: "[gpkg, shp]").write(toFile: folder + "/bad2.yaml", atomically: true, encoding: .utf8)
        let bad2 = try nordwaerts(["run", "--check", folder + "/bad2.yaml"])
        #expect(bad2.status == 64 && bad2.stderr.contains("'shp' is not an output format"), "\(bad2.stderr)")
    }
}
