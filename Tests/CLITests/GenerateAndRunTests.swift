import Foundation
import Testing
import TestSupport
import GeoIO

/// `nordwaerts generate` and `nordwaerts run` as a user runs them, checked by GDAL.
@Suite struct GenerateAndRunTests {
    let dataset = ExternalTools.packageRoot.appendingPathComponent("datasets/dortmund").path

    /// SHA-256 of parcels.geojson for 10,000 parcels and seed 7 (`sha256sum`), the file
    /// committed in datasets/dortmund. A change to the generator that changes its output must
    /// change this line and the committed dataset together.
    static let parcels10kSeed7 = "bafd37f830774672f45af47c425daa7e0508d6c486160b56dc2362250d5a526e"

    func sha256(_ path: String) throws -> String {
        String(try ExternalTools.run("sha256sum", [path]).stdout.prefix(64))
    }

    /// A SQL query of GDAL's SQLite dialect (SpatiaLite functions) on a GeoPackage.
    func ogrSQL(_ gpkg: String, _ sql: String) throws -> String {
        let r = try ExternalTools.run("ogrinfo", ["-ro", "-q", "-dialect", "SQLite", "-sql", sql, gpkg])
        return r.stdout + r.stderr
    }

    @Test func generatedDatasetIsDeterministicValidAndInsideItsDistricts() throws {
        let out = try ExternalTools.temporaryDirectory().path
        let run = try ExternalTools.run(ExternalTools.nordwaerts, ["generate", "--parcels", "10000", "--seed", "7", "--out", out, "--data", dataset])
        #expect(run.status == 0, "\(run.stderr)")
        // A second process gives the committed file, byte for byte.
        let digest = try sha256(out + "/parcels.geojson")
        #expect(digest == Self.parcels10kSeed7)
        #expect(digest == (try sha256(dataset + "/parcels.geojson")))
        #expect(try sha256(out + "/buildings.geojson") == (try sha256(dataset + "/buildings.geojson")))
        // GDAL reads exactly 10,000 parcels; SpatiaLite finds none invalid, none outside the
        // real Stadtbezirke, and no building outside its parcel.
        #expect(try Checks.ogrFeatureCount(out + "/parcels.geojson").count == 10000)
        let gpkg = out + "/check.gpkg"
        for (file, layer) in [("parcels", "parcels"), ("stadtbezirke", "districts"), ("buildings", "buildings")] {
            let r = try ExternalTools.run("ogr2ogr", ["-f", "GPKG", "-append", gpkg, "\(out)/\(file).geojson", "-nln", layer])
            #expect(r.status == 0, "\(r.stderr)")
        }
        #expect(try ogrSQL(gpkg, "SELECT count(*) AS invalid FROM parcels WHERE NOT ST_IsValid(geom)").contains("invalid (Integer) = 0"))
        #expect(try ogrSQL(gpkg, "SELECT count(*) AS invalid FROM buildings WHERE NOT ST_IsValid(geom)").contains("invalid (Integer) = 0"))
        #expect(try ogrSQL(gpkg, """
            SELECT count(*) AS outside FROM parcels p WHERE NOT EXISTS \
            (SELECT 1 FROM districts d WHERE MbrIntersects(p.geom, d.geom) AND ST_Within(p.geom, d.geom))
            """).contains("outside (Integer) = 0"))
        #expect(try ogrSQL(gpkg, """
            SELECT count(*) AS loose FROM buildings b JOIN parcels p ON b.flstkennz = p.flstkennz WHERE NOT ST_Covers(p.geom, b.geom)
            """).contains("loose (Integer) = 0"))
    }

    @Test func generateRefusesBadCounts() throws {
        let r = try ExternalTools.run(ExternalTools.nordwaerts, ["generate", "--parcels", "5", "--out", "/tmp/x"])
        #expect(r.status == 64 && r.stderr.contains("--parcels"))
    }

    @Test func runWritesResultsFromAnyFolder() throws {
        let work = try ExternalTools.temporaryDirectory()
        let out = work.appendingPathComponent("results").path
        // Started from an unrelated folder: the binary finds its embedded data itself.
        let r = try ExternalTools.run("sh", ["-c", "cd \(work.path) && exec \(ExternalTools.nordwaerts) run --out results --quiet"])
        #expect(r.status == 0, "\(r.stderr)")
        // At least five result layers besides the parcels, every one read by GDAL and RFC 7946.
        let layers = try FileManager.default.contentsOfDirectory(atPath: out).filter { $0.hasSuffix(".geojson") }.sorted()
        for name in ["parcels", "potential", "districts", "catchments", "underserved", "emission_zones", "conflicts",
                     "harbour_zone", "conversion_candidates", "solar"] {
            #expect(layers.contains(name + ".geojson"), "\(name).geojson missing")
        }
        for name in layers {
            #expect(try Checks.ogrFeatureCount("\(out)/\(name)").count != nil, "\(name)")
        }
        #expect(try Checks.ogrFeatureCount("\(out)/parcels.geojson").count == 10000)
        if let check = try Checks.rfc7946(layers.map { "\(out)/\($0)" }) {
            #expect(check.passed, "\(check.output)")
        }
        // 12 districts, then Nordwärts, the rest of the city and the whole city.
        let csv = try String(contentsOfFile: "\(out)/districts.csv", encoding: .utf8).split(separator: "\n")
        #expect(csv.count == 16 && csv[13].hasPrefix("nordwaerts,Nordwärts,") && csv[14].hasPrefix("rest,Rest of city,")
                && csv[15].hasPrefix("city,Whole city,"))
        // Residents from real data: the Zensus grid over the addresses, the north against the rest and the whole city.
        let report = try String(contentsOfFile: "\(out)/report.md", encoding: .utf8)
        #expect(report.contains("Zensus 2011, reference date 9 May 2011") && report.contains("**Nordwärts")
                && report.contains("of those aged 65+") && report.contains("whole city"))
        // The district table agrees with GeoPandas on the same data
        // (Tests/UrbanAnalysisTests/Reference/district_indicators.py, not our library).
        let reference = try Table.read(csv: ExternalTools.packageRoot.appendingPathComponent("Tests/UrbanAnalysisTests/Reference/embedded_districts.csv").path)
        let ours = try Table.read(csv: "\(out)/districts.csv")
        for row in reference.rows.indices {
            let id = reference.rows[row][0].description
            let mine = try #require(ours.rows.firstIndex { $0[0].description == id })
            for column in reference.columns.dropFirst() {
                let want = reference[row, column]!.doubleValue!, got = ours[mine, column]!.doubleValue!
                #expect(abs(got - want) <= 1e-9 * max(1, abs(want)), "\(id) \(column): \(got) vs GeoPandas \(want)")
            }
        }
        // No temporary folder is left beside the results.
        #expect(try FileManager.default.contentsOfDirectory(atPath: work.path) == ["results"])

        // A second run into the same folder is refused (73) and changes nothing…
        let again = try ExternalTools.run(ExternalTools.nordwaerts, ["run", "--out", out, "--quiet"])
        #expect(again.status == 73 && again.stderr.contains("--force"))
        // …unless --force; a killed run's temporary folder is cleaned up by the next run.
        try FileManager.default.createDirectory(atPath: work.appendingPathComponent(".results.tmp-999999").path, withIntermediateDirectories: true)
        let forced = try ExternalTools.run(ExternalTools.nordwaerts, ["run", "--out", out, "--force", "--quiet", "--to", "EPSG:25832"])
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: work.path) == ["results"])
        #expect(try String(contentsOfFile: "\(out)/districts.geojson", encoding: .utf8).contains("urn:ogc:def:crs:EPSG::25832"))
    }

    @Test func runWithoutDataSaysSo() throws {
        let empty = try ExternalTools.temporaryDirectory().path
        let r = try ExternalTools.run(ExternalTools.nordwaerts, ["run", "--data", empty, "--out", empty + "/out"])
        #expect(r.status == 66 && r.stderr.contains("stadtbezirke.geojson"))
        #expect(!FileManager.default.fileExists(atPath: empty + "/out"))
    }
}
