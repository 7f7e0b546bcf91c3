import Foundation
import Testing
import GeoCore
import TestSupport
@testable import GeoIO

/// GeoPackages written by the toolkit pass GDAL's validator and SQLite's R-tree check and read
/// the same in GDAL; GeoPackages written by GDAL (and hostile ones) read as they should.
@Suite struct GeoPackageTests {
    let utm = CRS.etrs89UTM32N

    /// A file with three layers: mixed polygons (promoted), 3D points, lines in WGS 84.
    func writeSample() throws -> (path: String, mixed: [Feature]) {
        let path = try ExternalTools.temporaryDirectory().appendingPathComponent("sample.gpkg").path
        let mixed = try [
            Feature(id: .string("05330800100001______"), geometry: Geometry(wkt: "POLYGON ((393000 5708400, 393100 5708400, 393100 5708480, 393000 5708480, 393000 5708400), (393040 5708440, 393060 5708440, 393060 5708460, 393040 5708440))", crs: utm),
                    properties: ["landuse": .string("residential"), "floors": .integer(3), "share": .integer(1), "brownfield": .bool(false), "tags": .array([.string("a")])]),
            Feature(id: .string("b"), geometry: Geometry(wkt: "MULTIPOLYGON (((393200 5708400, 393300 5708400, 393300 5708480, 393200 5708400)), ((393400 5708400, 393500 5708400, 393500 5708480, 393400 5708400)))", crs: utm),
                    properties: ["landuse": .string("Grünfläche – Straße"), "floors": .integer(0), "share": .double(0.25), "brownfield": .bool(true)]),
            Feature(id: .string("c"), geometry: nil, properties: ["landuse": .null, "floors": .integer(-7), "share": .null, "late": .string("added later")]),
            Feature(id: .string("d"), geometry: Geometry(wkt: "POLYGON ((393600 5708400, 393700 5708400, 393700 5708480, 393600 5708400))", crs: utm), properties: ["floors": .integer(Int64.max)]),
        ]
        let writer = try GeoPackageWriter(path: path)
        let layer = try writer.addLayer(name: "mixed", crs: utm, fields: [("landuse", .string), ("floors", .integer), ("share", .integer), ("brownfield", .boolean), ("tags", .array)],
                                        geometryTypes: [.polygon, .multiPolygon], style: "<qgis/>")
        for f in mixed { try layer.add(f) }
        let points = try writer.addLayer(name: "points z", crs: utm, fields: [("h", .double)], geometryTypes: [.point])
        try points.add(Feature(id: .integer(7), geometry: Geometry(wkt: "POINT Z (393000.125 5708400.5 87.25)", crs: utm), properties: ["h": .double(87.25)]))
        try points.add(Feature(id: .integer(42), geometry: Geometry(wkt: "POINT Z (393010 5708410 90)", crs: utm), properties: ["h": .double(90)]))
        let lines = try writer.addLayer(name: "lines", crs: .wgs84, fields: [], geometryTypes: [.lineString])
        try lines.add(Feature(geometry: Geometry(wkt: "LINESTRING (7.45 51.51, 7.46 51.52, 7.47 51.5)", crs: .wgs84)))
        try writer.finish()
        return (path, mixed)
    }

    @Test func gdalsValidatorAndSQLitesRTreeCheckPass() throws {
        let (path, _) = try writeSample()
        let validation = try GeoPackageChecks.validate(path)
        #expect(validation.passed, "\(validation.output)")
        for table in ["mixed", "points z", "lines"] { #expect(try GeoPackageChecks.rtreeCheck(path, table: table) == "ok") }
        #expect(try GeoPackageChecks.ogrFeatureCount(path, layer: "mixed") == 4)
        #expect(try GeoPackageChecks.ogrFeatureCount(path, layer: "points z") == 2)
        #expect(try GeoPackageChecks.ogrFeatureCount(path, layer: "lines") == 1)
        // The header GeoPackage 1.3 asks for (GDAL 3.6's validator rejects 1.4's 10400).
        #expect(try GeoPackageChecks.sqlite(path, "PRAGMA application_id; PRAGMA user_version;") == "1196444487\n10300")
        #expect(try GeoPackageChecks.sqlite(path, "SELECT table_name || ' ' || geometry_type_name || ' ' || srs_id || ' ' || z FROM gpkg_geometry_columns ORDER BY table_name")
                == "lines LINESTRING 4326 0\nmixed MULTIPOLYGON 25832 0\npoints z POINT 25832 1")
        // last_change with milliseconds.
        let changes = try GeoPackageChecks.sqlite(path, "SELECT last_change FROM gpkg_contents WHERE data_type = 'features'")
        #expect(changes.split(separator: "\n").allSatisfy { $0.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/) != nil }, "\(changes)")
        // EPSG:25832 as PROJ writes it in WKT 1 (projinfo is the independent source).
        let projinfo = try ExternalTools.run("projinfo", ["EPSG:25832", "-o", "WKT1_GDAL", "--single-line", "-q"])
        #expect(try GeoPackageChecks.sqlite(path, "SELECT definition FROM gpkg_spatial_ref_sys WHERE srs_id = 25832") == projinfo.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        // The style is there for QGIS.
        #expect(try GeoPackageChecks.sqlite(path, "SELECT f_table_name || ' ' || styleQML || ' ' || useAsDefault FROM layer_styles") == "mixed <qgis/> 1")
    }

    @Test func gdalReadsTheSameGeometriesAndValues() throws {
        let (path, _) = try writeSample()
        let dump = try ExternalTools.run("ogrinfo", ["-ro", "-q", path, "mixed"]).stdout
        // The Polygon was promoted to a one-part MultiPolygon, the hole kept; ints widened to real.
        #expect(dump.contains("MULTIPOLYGON (((393000 5708400,393100 5708400,393100 5708480,393000 5708480,393000 5708400),(393040 5708440,393060 5708440,393060 5708460,393040 5708440)))"), "\(dump)")
        #expect(dump.contains("share (Real) = 0.25") && dump.contains("share (Real) = 1"), "\(dump)")
        #expect(dump.contains("landuse (String) = Grünfläche – Straße"))
        #expect(dump.contains("brownfield (Integer(Boolean)) = 1"))
        #expect(dump.contains("floors (Integer64) = 9223372036854775807"))
        #expect(dump.contains("geojson_id (String) = 05330800100001______"))
        let points = try ExternalTools.run("ogrinfo", ["-ro", "-q", path, "points z"]).stdout
        #expect(points.contains("OGRFeature(points z):7") && points.contains("POINT Z (393000.125 5708400.5 87.25)"), "\(points)")
    }

    @Test func readsBackWhatItWrote() throws {
        let (path, mixed) = try writeSample()
        let reader = try GeoPackageReader(path: path, layer: "mixed")
        #expect(reader.crs == utm)
        var back: [Feature] = []
        while let item = try reader.next() {
            guard case let .feature(f) = item else { Issue.record("rejected: \(item)"); continue }
            back.append(f)
        }
        #expect(back.map(\.id) == mixed.map(\.id))
        #expect(back[0].geometry?.type == .multiPolygon)
        #expect(try back[0].geometry!.equalsExact(Geometry(collection: .multiPolygon, of: [mixed[0].geometry!])))
        #expect(try back[1].geometry!.equalsExact(mixed[1].geometry!))
        #expect(back[2].geometry == nil)
        #expect(back[0].properties["share"] == .double(1) && back[1].properties["share"] == .double(0.25))
        #expect(back[1].properties["brownfield"] == .bool(true) && back[1].properties["landuse"] == .string("Grünfläche – Straße"))
        #expect(back[0].properties["tags"] == .string(#"["a"]"#))
        #expect(back[2].properties["late"] == .string("added later") && back[3].properties["floors"] == .integer(Int64.max))
        let z = try GeoPackageReader(path: path, layer: "points z")
        guard case let .feature(p)? = try z.next() else { Issue.record("no point"); return }
        #expect(p.id == .integer(7) && p.geometry?.hasZ == true)
        #expect(try p.geometry?.coordinates().first.map { [$0.x, $0.y, $0.z] } == [393000.125, 5708400.5, 87.25])
        #expect(try GeoPackageReader(path: path, layer: "lines").crs == .wgs84)
        // Several tables and none named: the error lists them.
        #expect(throws: IOError.self) { try GeoPackageReader(path: path) }
        #expect(try GeoPackageReader.layers(path: path).map(\.features) == [1, 4, 2])
    }

    @Test func readsWhatGDALWrites() throws {
        let folder = try ExternalTools.temporaryDirectory()
        let source = ExternalTools.packageRoot.appendingPathComponent("datasets/dortmund/vrr_stations.geojson").path
        let gpkg = folder.appendingPathComponent("gdal.gpkg").path
        // GDAL writes points without envelopes; a 3D line, too.
        let ogr = try ExternalTools.run("ogr2ogr", ["-f", "GPKG", gpkg, source, "-nln", "stops"])
        #expect(ogr.status == 0, "\(ogr.stderr)")
        let line3D = folder.appendingPathComponent("z.geojson").path
        try #"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"n":1},"geometry":{"type":"LineString","coordinates":[[7.1,51.1,10.5],[7.2,51.2,20.25]]}}]}"#.write(toFile: line3D, atomically: true, encoding: .utf8)
        #expect(try ExternalTools.run("ogr2ogr", ["-f", "GPKG", "-update", gpkg, line3D, "-nln", "z"]).status == 0)
        let reference = try GeoJSONReader(path: source)
        let ours = try GeoPackageReader(path: gpkg, layer: "stops")
        #expect(ours.crs == reference.crs)
        var count = 0
        while case let .feature(a)? = try reference.next() {
            guard case let .feature(b)? = try ours.next() else { Issue.record("fewer features"); break }
            #expect(try a.geometry!.equalsExact(b.geometry!))
            #expect(a.properties == b.properties)
            count += 1
        }
        #expect(count > 100)
        #expect(try ours.next() == nil)
        let z = try GeoPackageReader(path: gpkg, layer: "z")
        #expect(z.crs.identifier == "EPSG:4979")   // GDAL's 3D WGS 84 for a 3D GeoJSON
        guard case let .feature(line)? = try z.next() else { Issue.record("no line"); return }
        #expect(try line.geometry?.coordinates().map(\.z) == [10.5, 20.25])
        let flat = try GeoPackageReader(path: gpkg, layer: "z", options: ReadOptions(keepZ: false))
        guard case let .feature(line2D)? = try flat.next() else { return }
        #expect(line2D.geometry?.hasZ == false)
    }

    /// A copy of a one-table GeoPackage whose first row's blob is `hex`.
    func withBlob(_ hex: String) throws -> String {
        let path = try ExternalTools.temporaryDirectory().appendingPathComponent("blob.gpkg").path
        let writer = try GeoPackageWriter(path: path)
        let layer = try writer.addLayer(name: "t", crs: utm, fields: [("n", .integer)], geometryTypes: [.point])
        try layer.add(Feature(geometry: Geometry(wkt: "POINT (1 2)", crs: utm), properties: ["n": .integer(1)]))
        try layer.add(Feature(geometry: Geometry(wkt: "POINT (3 4)", crs: utm), properties: ["n": .integer(2)]))
        try writer.finish()
        try GeoPackageChecks.sqlite(path, "DROP TRIGGER rtree_t_geom_update1; DROP TRIGGER rtree_t_geom_update2; DROP TRIGGER rtree_t_geom_update3; DROP TRIGGER rtree_t_geom_update4; UPDATE t SET geom = X'\(hex)' WHERE fid = 1;")
        return path
    }

    func read(_ path: String) throws -> [ReadResult] {
        let reader = try GeoPackageReader(path: path)
        var out: [ReadResult] = []
        while let item = try reader.next() { out.append(item) }
        return out
    }

    func rejection(_ hex: String) throws -> String? {
        let items = try read(try withBlob(hex))
        #expect(items.count == 2)
        if case .feature = items[1] {} else { Issue.record("the second row must still be read") }
        if case let .rejected(problem, raw) = items[0] {
            #expect(raw?.contains("\"fid\":1") == true)
            return problem.description
        }
        return nil
    }

    @Test func blobsOfEitherByteOrderWithOrWithoutEnvelope() throws {
        // Big-endian header (flags 0x00: no envelope) and big-endian WKB, written by hand:
        // POINT (393000.5 5708400.25), srs_id 25832 = 0x000064E8.
        func be(_ d: Double) -> String { String(format: "%016llX", d.bitPattern) }
        let bigEndian = "47500000000064E8" + "00" + "00000001" + be(393000.5) + be(5708400.25)
        var items = try read(try withBlob(bigEndian))
        guard case let .feature(f) = items[0] else { Issue.record("\(items[0])"); return }
        #expect(f.geometry?.x == 393000.5 && f.geometry?.y == 5708400.25)
        // Little-endian header with an xyz envelope (indicator 2, 48 bytes) and WKB Point Z.
        func le(_ d: Double) -> String { String(format: "%016llX", d.bitPattern.byteSwapped) }
        let envelope = [1.0, 1.0, 2.0, 2.0, 3.0, 3.0].map(le).joined()
        items = try read(try withBlob("47500005E8640000" + envelope + "01" + "E9030000" + le(1) + le(2) + le(3)))
        guard case let .feature(g) = items[0] else { Issue.record("\(items[0])"); return }
        #expect(g.geometry?.hasZ == true)
        // Empty point (flag 0x10, NaN coordinates).
        items = try read(try withBlob("47500011E8640000" + "01" + "01000000" + le(.nan) + le(.nan)))
        guard case let .feature(e) = items[0] else { Issue.record("\(items[0])"); return }
        #expect(e.geometry?.isEmpty == true)
    }

    @Test func badBlobsAreRejectedWithTheirReason() throws {
        func le(_ d: Double) -> String { String(format: "%016llX", d.bitPattern.byteSwapped) }
        let point = "01" + "01000000" + le(1) + le(2)
        #expect(try rejection("58590001E8640000" + point)?.contains("magic 'GP'") == true)
        #expect(try rejection("47500001E6100000" + point)?.contains("srs_id 4326 but its column is declared with srs_id 25832") == true)
        #expect(try rejection("47500001E8640000" + "0102000000FFFFFF7F")?.contains("claims") == true)
        #expect(try rejection("47500001E8640000" + "01010000000000")?.contains("only 2 bytes are left") == true)
        #expect(try rejection("47500001E8640000" + "0101")?.contains("ends early") == true)
        // CircularString (WKB 8): a GeoPackage extended type, refused by name.
        let arc = "01" + "08000000" + "03000000" + [0.0, 0, 1, 1, 2, 0].map(le).joined()
        #expect(try rejection("47500001E8640000" + arc)?.contains("CircularString (WKB type 8) is a GeoPackage extended geometry type") == true)
        #expect(try rejection("47500021E8640000" + point)?.contains("ExtendedGeoPackageBinary") == true)
        #expect(try rejection("4750")?.contains("too short") == true)
    }

    @Test func filesThatAreNotGeoPackagesAreRefusedClearly() throws {
        let folder = try ExternalTools.temporaryDirectory()
        let text = folder.appendingPathComponent("text.gpkg").path
        try "not a database at all, but long enough to have a header of one hundred bytes ............................".write(toFile: text, atomically: true, encoding: .utf8)
        func message(_ path: String) -> String? {
            do { _ = try GeoPackageReader(path: path); return nil } catch let error as IOError {
                if case .malformed = error { return error.description }
                return "wrong case: \(error)"
            } catch { return "unexpected: \(error)" }
        }
        #expect(message(text)?.contains("not an SQLite database") == true)
        let other = folder.appendingPathComponent("other.gpkg").path
        try GeoPackageChecks.sqlite(other, "PRAGMA application_id = 1234; CREATE TABLE x (a);")
        #expect(message(other)?.contains("application_id is 0x000004D2, expected 0x47504B47 ('GPKG')") == true, "\(message(other) ?? "")")
        let (sample, _) = try writeSample()
        try GeoPackageChecks.sqlite(sample, "DROP TABLE gpkg_contents;")
        #expect(message(sample)?.contains("the required table gpkg_contents is missing") == true)
        #expect(throws: IOError.self) { try GeoPackageReader(path: folder.appendingPathComponent("absent.gpkg").path) }
    }

    /// Empty geometries carry the empty flag (bit 4) and no envelope, byte for byte as GDAL
    /// writes them. (GDAL 3.6's validate_gpkg.py reads the flag from bit 3, so it refuses
    /// every empty geometry with "Req 152", GDAL's own included; it is not run on these.)
    @Test func emptyGeometriesAreWrittenAsGDALWritesThem() throws {
        let path = try ExternalTools.temporaryDirectory().appendingPathComponent("gdal-empty.gpkg").path
        let script = """
            from osgeo import ogr, osr
            ds = ogr.GetDriverByName('GPKG').CreateDataSource('\(path)')
            s = osr.SpatialReference(); s.ImportFromEPSG(25832)
            l = ds.CreateLayer('e', s, ogr.wkbUnknown)
            for wkt in ['POLYGON EMPTY', 'POINT EMPTY', 'MULTIPOLYGON EMPTY']:
                f = ogr.Feature(l.GetLayerDefn()); f.SetGeometry(ogr.CreateGeometryFromWkt(wkt)); l.CreateFeature(f)
            ds = None
            """
        let gdal = try ExternalTools.run("/usr/bin/python3", ["-c", script])
        #expect(gdal.status == 0, "\(gdal.stderr)")
        let theirs = try GeoPackageChecks.sqlite(path, "SELECT hex(geom) FROM e ORDER BY fid").split(separator: "\n").map(String.init)
        var ours: [String] = []
        for type in [GeometryType.polygon, .point, .multiPolygon] {
            var blob: [UInt8] = []
            _ = try GeoPackageBinary.encode(Geometry(empty: type, crs: utm), srsID: 25832, into: &blob)
            ours.append(blob.map { String(format: "%02X", $0) }.joined())
            let back = try blob.withUnsafeBytes { try GeoPackageBinary.decode($0, srsID: 25832, crs: utm) }
            #expect(back.isEmpty && back.type == type)
        }
        #expect(ours == theirs)
    }

    /// The R-tree is packed by us (its shadow tables written directly): SQLite's rtreecheck
    /// finds it sound, and window queries through it find exactly the boxes a scan finds.
    @Test func bulkLoadedRTreeAnswersWindowQueriesLikeAScan() throws {
        let path = try ExternalTools.temporaryDirectory().appendingPathComponent("boxes.gpkg").path
        var generator = SystemRandomNumberGenerator()
        var boxes: [Envelope] = []
        let writer = try GeoPackageWriter(path: path)
        let layer = try writer.addLayer(name: "boxes", crs: utm, fields: [], geometryTypes: [.polygon])
        var features: [Feature] = []
        for _ in 0..<20_000 {
            // Quarter metres are exact in 32-bit floats, so no box sits on a rounding edge.
            let x = Double(Int.random(in: 0..<40_000, using: &generator)) / 4, y = Double(Int.random(in: 0..<40_000, using: &generator)) / 4
            let w = Double(Int.random(in: 1..<200, using: &generator)) / 4, h = Double(Int.random(in: 1..<200, using: &generator)) / 4
            boxes.append(Envelope(minX: x, minY: y, maxX: x + w, maxY: y + h))
            features.append(Feature(geometry: try Geometry(polygon: [Coordinate(x: x, y: y), Coordinate(x: x + w, y: y), Coordinate(x: x + w, y: y + h), Coordinate(x: x, y: y)], crs: utm)))
        }
        try layer.add(contentsOf: features)
        try writer.finish()
        #expect(try GeoPackageChecks.rtreeCheck(path, table: "boxes") == "ok")
        #expect(try GeoPackageChecks.sqlite(path, "SELECT count(*) FROM rtree_boxes_geom_rowid; SELECT max(nodeno) FROM rtree_boxes_geom_node;") == "20000\n402")   // 393 leaves of ≤ 51, 8 nodes above them, the root
        for _ in 0..<20 {
            let a = Double(Int.random(in: 0..<9000, using: &generator)) + 0.125, b = Double(Int.random(in: 0..<9000, using: &generator)) + 0.125
            let window = Envelope(minX: a, minY: b, maxX: a + 700, maxY: b + 400)
            let expected = boxes.filter { $0.maxX >= window.minX && $0.minX <= window.maxX && $0.maxY >= window.minY && $0.minY <= window.maxY }.count
            let found = try GeoPackageChecks.sqlite(path, "SELECT count(*) FROM rtree_boxes_geom WHERE maxx >= \(window.minX) AND minx <= \(window.maxX) AND maxy >= \(window.minY) AND miny <= \(window.maxY)")
            #expect(found == String(expected), "\(window)")
        }
    }

    @Test func wkbOfEveryTypeRoundTripsThroughTheBlobCodec() throws {
        let wkts = ["POINT (1 2)", "POINT Z (1 2 3)", "LINESTRING (0 0, 1 1, 2 0)", "POLYGON EMPTY", "MULTIPOINT ((0 0), (1 1))",
                    "MULTILINESTRING ((0 0, 1 1), (2 2, 3 3))", "MULTIPOLYGON (((0 0, 1 0, 1 1, 0 0)), EMPTY)",
                    "GEOMETRYCOLLECTION (POINT (1 1), LINESTRING (0 0, 1 1), POLYGON ((0 0, 1 0, 1 1, 0 0)))", "LINESTRING Z (0 0 1, 1 1 2)"]
        for wkt in wkts {
            let g = try Geometry(wkt: wkt, crs: utm)
            var blob: [UInt8] = []
            _ = try GeoPackageBinary.encode(g, srsID: 25832, into: &blob)
            let back = try blob.withUnsafeBytes { try GeoPackageBinary.decode($0, srsID: 25832, crs: utm) }
            #expect(back.wkt() == g.wkt(), "\(wkt)")
            // The WKB part is what GEOS reads too.
            let head = try blob.withUnsafeBytes { try GeoPackageBinary.header($0) }
            #expect(try Geometry(wkb: blob[head.wkbOffset...]).wkt() == g.wkt(), "\(wkt)")
        }
    }

    @Test func fuzzSeedsAndRegressionsNeverCrash() throws {
        var inputs: [URL] = []
        for folder in ["Fuzz/corpus/gpkgblob", "Fuzz/regressions/gpkgblob"] {
            let url = ExternalTools.packageRoot.appendingPathComponent(folder)
            inputs += try FileManager.default.contentsOfDirectory(at: url, includingPropertiesForKeys: nil).filter { !$0.lastPathComponent.hasPrefix(".") }
        }
        #expect(inputs.count >= 10)
        var read = 0, refused = 0
        for url in inputs {
            let bytes = Array(try Data(contentsOf: url))
            do {
                // What the harness does: decode, check validity, encode, decode again.
                let g = try bytes.withUnsafeBytes { try GeoPackageBinary.decode($0, srsID: nil, crs: nil) }
                _ = try? g.isValid()
                var out: [UInt8] = []
                _ = try GeoPackageBinary.encode(g, srsID: 0, into: &out)
                let again = try out.withUnsafeBytes { try GeoPackageBinary.decode($0, srsID: 0, crs: nil) }
                // WKB, not WKT: GEOS 3.11's trimmed WKT overflows a stack buffer on huge
                // coordinates (Fuzz/regressions/gpkgblob/crash-32f7…: z = -3.2e163).
                #expect(again.wkb() == g.wkb(), "\(url.lastPathComponent)")
                read += 1
            } catch is GeoPackageBinary.DecodingError {
                refused += 1
            }
        }
        #expect(read >= 5 && refused >= 3, "\(read) read, \(refused) refused")
    }
}
