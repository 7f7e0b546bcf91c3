import Foundation
import Testing
import TestSupport

/// results.gpkg and project.qgz follow the run's `working_crs`, not a fixed EPSG:25832: a run
/// in EPSG:25833 writes its tables with srs_id 25833 and PROJ's WKT of it (compared with
/// `projinfo`), GDAL's validator passes the package, GDAL reads the CRS and reprojects the
/// districts to the same extent as `ogr2ogr -t_srs EPSG:25833` does, and QGIS opens the
/// project in EPSG:25833 with every layer valid.
@Suite(.serialized) struct GeoPackageWorkingCRSTests {
    let dataset = ExternalTools.packageRoot.appendingPathComponent("datasets/dortmund").path
    let checker = ExternalTools.packageRoot.appendingPathComponent("Tests/CLITests/QGIS/check_project.py").path

    @Test func aRunInEPSG25833WritesItsPackageAndProjectInEPSG25833() throws {
        let folder = try ExternalTools.temporaryDirectory().path
        let text = """
        working_crs: EPSG:25833
        inputs:
          districts: {path: \(dataset)/stadtbezirke.geojson}
          parcels: {path: \(dataset)/parcels.geojson}
          stops: {path: \(dataset)/vrr_stations.geojson}
        outputs: {formats: [geojson, gpkg, qgis]}
        """
        try text.write(toFile: folder + "/s.yaml", atomically: true, encoding: .utf8)
        let out = folder + "/out"
        let run = try ExternalTools.run(ExternalTools.nordwaerts, ["run", folder + "/s.yaml", "--out", out, "--quiet"])
        #expect(run.status == 0, "\(run.stderr)")
        let gpkg = out + "/results.gpkg"
        let validation = try GeoPackageChecks.validate(gpkg)
        #expect(validation.passed, "\(validation.output)")

        // Every feature table in srs_id 25833, whose definition is PROJ's WKT 1 (GDAL flavour).
        let srs = try GeoPackageChecks.sqlite(gpkg, "SELECT DISTINCT srs_id FROM gpkg_geometry_columns;")
        #expect(srs == "25833", "\(srs)")
        let definition = try GeoPackageChecks.sqlite(gpkg, "SELECT definition FROM gpkg_spatial_ref_sys WHERE srs_id = 25833;")
        let projinfo = try ExternalTools.run("projinfo", ["-o", "WKT1_GDAL", "--single-line", "-q", "EPSG:25833"])
        #expect(!definition.isEmpty && definition == projinfo.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "\(definition)")
        #expect(try GeoPackageChecks.sqlite(gpkg, "SELECT count(*) FROM gpkg_spatial_ref_sys WHERE srs_id = 25832;") == "0")

        // GDAL reads the CRS of the table.
        let info = try ExternalTools.run("ogrinfo", ["-ro", "-so", gpkg, "districts"])
        #expect(info.stdout.contains("ETRS89 / UTM zone 33N") && info.stdout.contains("ID[\"EPSG\",25833]"), "\(info.stdout)")

        // The coordinates are EPSG:25833's: the districts' extent equals GDAL's reprojection of the input.
        let reference = folder + "/reference.gpkg"
        let ogr = try ExternalTools.run("ogr2ogr", ["-f", "GPKG", "-t_srs", "EPSG:25833", reference, "\(dataset)/stadtbezirke.geojson"])
        #expect(ogr.status == 0, "\(ogr.stderr)")
        func extent(_ path: String, _ table: String) throws -> [Double] {
            try GeoPackageChecks.sqlite(path, "SELECT min_x, min_y, max_x, max_y FROM gpkg_contents WHERE table_name = '\(table)';")
                .split(separator: "|").compactMap { Double($0) }
        }
        let ours = try extent(gpkg, "districts"), gdal = try extent(reference, "stadtbezirke")
        #expect(ours.count == 4 && gdal.count == 4)
        for (a, b) in zip(ours, gdal) { #expect(abs(a - b) < 1e-3, "\(ours) against GDAL's \(gdal)") }
        #expect(ours[0] < 100_000, "EPSG:25833 puts Dortmund (7.5°E) about 500 km west of its central meridian (15°E): \(ours)")

        // QGIS: the project and each layer in EPSG:25833, every layer valid.
        let qgis = try ExternalTools.run("/usr/bin/python3", [checker, out, folder + "/render.png"], environment: ["QT_QPA_PLATFORM": "offscreen"])
        guard qgis.status == 0, let report = try JSONSerialization.jsonObject(with: Data(qgis.stdout.utf8)) as? [String: Any] else {
            Issue.record("QGIS could not check the project (install qgis and python3-qgis): \(qgis.status) \(qgis.stderr.suffix(2000))")
            return
        }
        #expect(report["read"] as? Bool == true)
        #expect(report["crs"] as? String == "EPSG:25833")
        #expect(report["crs_valid"] as? Bool == true)
        let layers = report["layers"] as! [[String: Any]]
        #expect(layers.count >= 3, "\(layers.map { $0["name"]! })")
        for layer in layers {
            let name = layer["name"] as! String
            #expect(layer["valid"] as? Bool == true, "\(name) is not valid in QGIS")
            #expect(layer["crs"] as? String == "EPSG:25833", "\(name): \(layer["crs"] ?? "")")
        }
        let painted = report["painted_samples"] as! Int, samples = report["samples"] as! Int
        #expect(Double(painted) > 0.1 * Double(samples), "\(painted) of \(samples): the map opens on the city")
    }
}
