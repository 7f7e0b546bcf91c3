import Foundation
import Testing
import TestSupport

/// Esri JSON and shapefiles through the `nordwaerts` binary: inspect, convert, validate, the
/// exit codes of broken files, and a scenario whose inputs are a shapefile and Esri JSON.
@Suite struct EsriShapefileCLITests {
    func nordwaerts(_ arguments: [String]) throws -> ExternalTools.Result {
        try ExternalTools.run(ExternalTools.nordwaerts, arguments)
    }

    let bezirke = ExternalTools.packageRoot.appendingPathComponent("datasets/dortmund/stadtbezirke.geojson").path

    /// `source` written as a shapefile by GDAL into a fresh folder; the .shp path.
    func shapefile(_ source: String, name: String = "bezirke", extra: [String] = []) throws -> String {
        let shp = try ExternalTools.temporaryDirectory().appendingPathComponent(name + ".shp").path
        let r = try ExternalTools.run("ogr2ogr", ["-f", "ESRI Shapefile", "-lco", "ENCODING=UTF-8"] + extra + [shp, source])
        #expect(r.status == 0, "\(r.stderr)")
        return shp
    }

    @Test func inspectConvertAndValidateAShapefile() throws {
        let shp = try shapefile(bezirke)
        let inspect = try nordwaerts(["inspect", shp, "--json"])
        #expect(inspect.status == 0, "\(inspect.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(inspect.stdout.utf8)) as! [String: Any]
        #expect(report["features"] as? Int == 12 && report["crs"] as? String == "EPSG:25832" && report["crsOrigin"] as? String == ".prj")
        let out = try ExternalTools.temporaryDirectory().appendingPathComponent("bezirke.geojson").path
        let convert = try nordwaerts(["convert", shp, out])
        #expect(convert.status == 0, "\(convert.stderr)")
        #expect(convert.stderr.contains("12 features read") && convert.stderr.contains("12 written"))
        #expect(try Checks.ogrFeatureCount(out).count == 12)
        if let check = try Checks.rfc7946([out]) { #expect(check.passed, "\(check.output)") }
        let text = try String(contentsOfFile: out, encoding: .utf8)
        #expect(text.contains("LÜTTGENDORTMUND") && text.contains("HÖRDE"))
        let validate = try nordwaerts(["validate", shp])
        #expect(validate.status == 0, "\(validate.stderr)")
        // --input-format names the new formats.
        #expect(try nordwaerts(["inspect", shp, "--input-format", "shapefile"]).status == 0)
        #expect(try nordwaerts(["inspect", shp, "--input-format", "shp"]).status == 64)
    }

    @Test func theRealEsriJSONStadtbezirke() throws {
        guard let url = ExternalTools.sharedFile("data/dortmund/stadtbezirke-fjonnw/stadtbezirke_esrijson_epsg25832.json") else { return }
        let inspect = try nordwaerts(["inspect", url.path, "--json"])
        #expect(inspect.status == 0, "\(inspect.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(inspect.stdout.utf8)) as! [String: Any]
        #expect(report["features"] as? Int == 12 && report["valid"] as? Int == 12)
        #expect(report["crsOrigin"] as? String == "spatialReference latestWkid")
        let out = try ExternalTools.temporaryDirectory().appendingPathComponent("bezirke.geojson").path
        #expect(try nordwaerts(["convert", url.path, out]).status == 0)
        if let check = try Checks.rfc7946([out]) { #expect(check.passed, "\(check.output)") }
        let text = try String(contentsOfFile: out, encoding: .utf8)
        #expect(text.contains("\"edatum\":\"1989-12-31T00:00:00Z\"") && text.contains("LÜTTGENDORTMUND"))
    }

    @Test func brokenFilesHaveTheirExitCodes() throws {
        let shp = try shapefile(bezirke)
        let stem = String(shp.dropLast(4))
        func copy(_ name: String, without: String? = nil) throws -> String {
            let target = try ExternalTools.temporaryDirectory().appendingPathComponent(name).path
            for ext in ["shp", "shx", "dbf", "prj", "cpg"] where ext != without {
                try FileManager.default.copyItem(atPath: stem + "." + ext, toPath: target + "." + ext)
            }
            return target + ".shp"
        }
        // Missing index or table: 66, naming the missing file.
        for ext in ["shx", "dbf"] {
            let r = try nordwaerts(["inspect", try copy("no-\(ext)", without: ext)])
            #expect(r.status == 66 && r.stderr.contains("no-\(ext).\(ext)") && r.stderr.contains("missing"), "\(r.stderr)")
        }
        // A table with fewer records than the shapes: 65.
        let fewer = try shapefile(bezirke, name: "fewer", extra: ["-limit", "11"])
        let mismatched = try copy("mismatch")
        try FileManager.default.removeItem(atPath: String(mismatched.dropLast(4)) + ".dbf")
        try FileManager.default.copyItem(atPath: String(fewer.dropLast(4)) + ".dbf", toPath: String(mismatched.dropLast(4)) + ".dbf")
        let r = try nordwaerts(["convert", mismatched, mismatched + ".geojson"])
        #expect(r.status == 65 && r.stderr.contains("mismatch.dbf") && r.stderr.contains("11 records"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: mismatched + ".geojson"))
        // A truncated .shp: 65, naming the record; nothing written.
        let cut = try copy("cut")
        let data = try Data(contentsOf: URL(fileURLWithPath: cut))
        try data.prefix(data.count - 100).write(to: URL(fileURLWithPath: cut))
        let t = try nordwaerts(["convert", cut, cut + ".geojson"])
        #expect(t.status == 65 && t.stderr.contains("cut.shp") && t.stderr.contains("record 12"), "\(t.stderr)")
        #expect(!FileManager.default.fileExists(atPath: cut + ".geojson"))
        // Esri JSON without geometryType: 65.
        let esri = try ExternalTools.temporaryDirectory().appendingPathComponent("portal.json").path
        try #"{"spatialReference":{"wkid":25832},"fields":[],"features":[{"attributes":{},"geometry":{"x":1,"y":2}}]}"#
            .write(toFile: esri, atomically: true, encoding: .utf8)
        let e = try nordwaerts(["inspect", esri])
        #expect(e.status == 65 && e.stderr.contains("geometryType"), "\(e.stderr)")
    }

    /// The same small study from GeoJSON inputs and from a shapefile and Esri JSON made of
    /// them by GDAL gives the same district table.
    @Test func aScenarioReadsShapefilesAndEsriJSON() throws {
        let folder = try ExternalTools.temporaryDirectory().path
        let parcels = ExternalTools.packageRoot.appendingPathComponent("datasets/dortmund/parcels.geojson").path
        func gdal(_ arguments: [String]) throws {
            let r = try ExternalTools.run("ogr2ogr", arguments)
            #expect(r.status == 0, "\(r.stderr)")
        }
        try gdal(["-f", "GeoJSON", "-limit", "3000", "-lco", "COORDINATE_PRECISION=15", folder + "/parcels.geojson", parcels])
        try gdal(["-f", "ESRI Shapefile", "-lco", "ENCODING=UTF-8", folder + "/parcels.shp", folder + "/parcels.geojson"])
        // GDAL cannot write Esri JSON: a few lines of Python make the FeatureSet (rings as the
        // GeoJSON has them, so the reader must not rely on their orientation).
        let toEsri = """
        import json, sys
        src = json.load(open(sys.argv[1]))
        kinds = {bool: "esriFieldTypeSmallInteger", int: "esriFieldTypeInteger", float: "esriFieldTypeDouble", str: "esriFieldTypeString"}
        first = src["features"][0]["properties"]
        fields = [{"name": k, "type": kinds[type(v)]} for k, v in first.items()]
        def rings(g):
            return g["coordinates"] if g["type"] == "Polygon" else [r for p in g["coordinates"] for r in p]
        features = [{"attributes": {k: (int(v) if isinstance(v, bool) else v) for k, v in f["properties"].items()},
                     "geometry": {"rings": rings(f["geometry"])}} for f in src["features"]]
        json.dump({"geometryType": "esriGeometryPolygon", "spatialReference": {"wkid": 25832, "latestWkid": 25832},
                   "fields": fields, "features": features}, open(sys.argv[2], "w"))
        """
        let made = try ExternalTools.run("python3", ["-c", toEsri, bezirke, folder + "/districts.json"])
        #expect(made.status == 0, "\(made.stderr)")
        func run(_ name: String, parcels: String, districts: String, extra: String) throws -> String {
            let yaml = """
            inputs:
              districts:
                path: \(districts)
              parcels:
                path: \(parcels)
                fields: {id: flstkennz\(extra)}
            """
            try yaml.write(toFile: folder + "/\(name).yaml", atomically: true, encoding: .utf8)
            let r = try nordwaerts(["run", folder + "/\(name).yaml", "--out", folder + "/\(name)-out", "--quiet"])
            #expect(r.status == 0, "\(r.stderr)")
            return try String(contentsOfFile: folder + "/\(name)-out/districts.csv", encoding: .utf8)
        }
        let fromGeoJSON = try run("geojson", parcels: "parcels.geojson", districts: bezirke, extra: "")
        let fromShapefile = try run("shapefile", parcels: "parcels.shp", districts: "districts.json", extra: ", built_area_m2: built_area")
        // Equal up to the last bits of sums (the shapefile's rings run the other way round, so
        // GEOS adds the same areas in another order).
        let a = fromGeoJSON.split(separator: "\n"), b = fromShapefile.split(separator: "\n")
        #expect(a.count == 16 && b.count == a.count) // header, 12 districts, Nordwärts, rest of the city, whole city
        for (rowA, rowB) in zip(a, b) {
            let cellsA = rowA.split(separator: ",", omittingEmptySubsequences: false), cellsB = rowB.split(separator: ",", omittingEmptySubsequences: false)
            #expect(cellsA.count == cellsB.count)
            for (x, y) in zip(cellsA, cellsB) {
                if let u = Double(x), let v = Double(y) {
                    #expect(abs(u - v) <= 1e-9 * max(abs(u), 1), "\(rowA)\n\(rowB)")
                } else {
                    #expect(x == y)
                }
            }
        }
        // Every one of the 3000 parcels (ogr2ogr -limit) was counted, in the north or the rest.
        let counted = b.filter { $0.hasPrefix("nordwaerts,") || $0.hasPrefix("rest,") }.map { Int($0.split(separator: ",", omittingEmptySubsequences: false)[4]) ?? -1 }
        #expect(counted.reduce(0, +) == 3000)
    }
}
