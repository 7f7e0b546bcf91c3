import Foundation
import Testing
import GeoCore
import TestSupport
@testable import GeoIO

/// The shapefile reader against GDAL: shapefiles written by `ogr2ogr -f "ESRI Shapefile"`
/// (UTF-8 and Windows-1252) from the real layers and from made ones, read by our reader and by
/// GDAL (`ogr2ogr -f GeoJSON`), must hold the same attributes and geometries. And every kind of
/// broken shapefile gives an error that names the file and the record.
@Suite struct ShapefileTests {
    /// Writes `source` as a shapefile with GDAL; returns the .shp path.
    func gdalShapefile(_ source: String, encoding: String, name: String = "layer", extra: [String] = []) throws -> String {
        let folder = try ExternalTools.temporaryDirectory()
        let shp = folder.appendingPathComponent(name + ".shp").path
        let result = try ExternalTools.run("ogr2ogr", ["-f", "ESRI Shapefile", "-lco", "ENCODING=\(encoding)"] + extra + [shp, source])
        #expect(result.status == 0, "\(result.stderr)")
        return shp
    }

    func features(_ reader: any FeatureReader) throws -> [ReadResult] {
        var out: [ReadResult] = []
        while case let batch = try reader.nextBatch(maxCount: 5), !batch.isEmpty { out += batch }
        return out
    }

    /// GDAL's reading of the shapefile, through GeoJSON.
    func gdalFeatures(_ shp: String) throws -> [Feature] {
        let out = try ExternalTools.temporaryDirectory().appendingPathComponent("gdal.geojson").path
        let result = try ExternalTools.run("ogr2ogr", ["-f", "GeoJSON", "-lco", "COORDINATE_PRECISION=17", out, shp])
        #expect(result.status == 0, "\(result.stderr)")
        let reader = try GeoJSONReader(path: out)
        return try features(reader).map { item in
            guard case let .feature(f) = item else { throw IOError.unusable(path: out, message: "GDAL's output has a feature we cannot read: \(item)") }
            return f
        }
    }

    /// Our features equal GDAL's: attribute for attribute, vertex for vertex.
    @discardableResult
    func expectSameAsGDAL(_ shp: String, crs expected: CRS? = nil, count: Int) throws -> [Feature] {
        let reader = try ShapefileReader(path: shp)
        if let expected { #expect(reader.crs == expected, "\(reader.crs.identifier)") }
        let ours = try features(reader).map { item -> Feature in
            guard case let .feature(f) = item else { Issue.record("rejected: \(item)"); return Feature(geometry: nil) }
            return f
        }
        let theirs = try gdalFeatures(shp)
        #expect(ours.count == count && theirs.count == count)
        for (f, g) in zip(ours, theirs) {
            #expect(f.properties == g.properties, "ours \(f.properties.entries)\nGDAL \(g.properties.entries)")
            guard let a = f.geometry, let b = g.geometry else { #expect(f.geometry == nil && g.geometry == nil); continue }
            #expect(a.type == b.type)
            #expect(a.hasZ == b.hasZ)
            #expect(try flat(a) == flat(b))
            if a.type == .polygon || a.type == .multiPolygon {
                #expect(try a.topologicallyEquals(b))
            }
        }
        #expect(reader.warnings.isEmpty, "\(reader.warnings)")
        return ours
    }

    /// All positions and the nesting counts of a geometry (exact: both come from the same doubles).
    func flat(_ g: Geometry) throws -> [Double] {
        var coordinates: [Double] = [], counts: [Int] = []
        try g.flatten(coordinates: &coordinates, counts: &counts)
        return coordinates + counts.map(Double.init)
    }

    let bezirke = ExternalTools.packageRoot.appendingPathComponent("datasets/dortmund/stadtbezirke.geojson").path

    @Test(arguments: ["UTF-8", "CP1252"])
    func stadtbezirkeWithUmlautsReadAsGDALReadsThem(encoding: String) throws {
        let shp = try gdalShapefile(bezirke, encoding: encoding)
        let ours = try expectSameAsGDAL(shp, crs: .etrs89UTM32N, count: 12)
        let names = ours.compactMap { $0.properties["source_nam"]?.stringValue }
        #expect(names.contains("HÖRDE") && names.contains("LÜTTGENDORTMUND"))
        #expect(try ShapefileReader(path: shp).encoding == (encoding == "UTF-8" ? .utf8 : .windows1252))
        // The areas are the GeoJSON's (independent: the project's layer read by the GeoJSON reader).
        let source = try features(try GeoJSONReader(path: bezirke))
        for (item, f) in zip(source, ours) {
            guard case let .feature(s) = item else { continue }
            #expect(abs(try s.geometry!.area() - f.geometry!.area()) / (try s.geometry!.area()) < 1e-12)
            #expect(s.properties["population"] == f.properties["population"])
        }
    }

    @Test(arguments: ["UTF-8", "CP1252"])
    func dbStationsAndTheRS1(encoding: String) throws {
        guard let stations = ExternalTools.sharedFile("data/dortmund/db-stations/dortmund_db_stations.geojson"),
              let rs1 = ExternalTools.sharedFile("data/dortmund/radschnellwege/rs1_radschnellweg_ruhr.geojson") else { return }
        let points = try expectSameAsGDAL(try gdalShapefile(stations.path, encoding: encoding), crs: .wgs84,
                                          count: try Checks.ogrFeatureCount(stations.path).count!)
        #expect(points.allSatisfy { $0.geometry?.type == .point })
        #expect(points.contains { $0.properties["name"]?.stringValue?.contains("ö") == true || $0.properties["name"]?.stringValue?.contains("ü") == true })
        let lines = try expectSameAsGDAL(try gdalShapefile(rs1.path, encoding: encoding), crs: .wgs84,
                                         count: try Checks.ogrFeatureCount(rs1.path).count!)
        #expect(lines.contains { $0.geometry?.type == .multiLineString })
    }

    /// Two polygons, the first with two holes, and an island inside one of the holes; with z.
    static let madeMultiPolygon = """
    {"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::25832"}},"features":[
    {"type":"Feature","properties":{"name":"Hafenbecken Süd","code":"041","share":0.25,"open":true,"since":"2019-05-04"},"geometry":{"type":"MultiPolygon","coordinates":[
      [[[393000,5708000,70],[393400,5708000,71],[393400,5708400,72],[393000,5708400,73],[393000,5708000,70]],
       [[393050,5708050,60],[393050,5708150,60],[393150,5708150,60],[393150,5708050,60],[393050,5708050,60]],
       [[393250,5708250,61],[393250,5708350,61],[393350,5708350,61],[393350,5708250,61],[393250,5708250,61]]],
      [[[393080,5708080,65],[393120,5708080,65],[393120,5708120,65],[393080,5708120,65],[393080,5708080,65]]],
      [[[394000,5708000,80],[394100,5708000,80],[394100,5708100,80],[394000,5708100,80],[394000,5708000,80]]]]}},
    {"type":"Feature","properties":{"name":"Straße ohne Fläche","code":null,"share":null,"open":false,"since":null},"geometry":null}
    ]}
    """

    @Test(arguments: ["UTF-8", "CP1252"])
    func multipolygonsWithHolesAndIslands(encoding: String) throws {
        let source = try ExternalTools.temporaryDirectory().appendingPathComponent("made.geojson").path
        try ShapefileTests.madeMultiPolygon.write(toFile: source, atomically: true, encoding: .utf8)
        let made = try features(try GeoJSONReader(path: source))
        guard case let .feature(original) = made[0] else { Issue.record("the made layer is unreadable"); return }
        // In 2D, GDAL writes exteriors clockwise and holes counter-clockwise, and reads back what
        // we read, vertex for vertex.
        let flatShp = try gdalShapefile(source, encoding: encoding, name: "flat", extra: ["-dim", "XY"])
        #expect(try ShapefileReader(path: flatShp).shapeTypeName == "Polygon")
        let flat = try expectSameAsGDAL(flatShp, crs: .etrs89UTM32N, count: 2)
        // With z, GDAL 3.6 writes every ring clockwise (the holes too) and so reads the holes
        // back as polygons of their own (an invalid MultiPolygon of 5); holes found by
        // containment give the source's geometry.
        let shp = try gdalShapefile(source, encoding: encoding)
        let reader = try ShapefileReader(path: shp)
        #expect(reader.shapeTypeName == "PolygonZ")
        let ours = try features(reader).compactMap { item -> Feature? in if case let .feature(f) = item { return f } else { return nil } }
        #expect(ours.count == 2)
        for g in [flat[0].geometry!, ours[0].geometry!] {
            #expect(g.type == .multiPolygon && g.numberOfGeometries == 3)
            // By hand: 400² − 2·100² + 40² + 100²
            #expect(try g.area() == 160_000 - 20_000 + 1_600 + 10_000)
            #expect(try g.isValid())
            #expect(try g.topologicallyEquals(original.geometry!))
        }
        #expect(ours[0].geometry!.hasZ)
        #expect(try ours[0].geometry!.parts[0].interiorRings().count == 2)
        #expect(ours[0].properties == flat[0].properties)
        #expect(ours[0].properties["name"] == .string("Hafenbecken Süd"))
        #expect(ours[0].properties["code"] == .string("041"))
        #expect(ours[1].geometry == nil && ours[1].properties["name"] == .string("Straße ohne Fläche"))
        // Without z on request.
        let dropped = try ShapefileReader(path: shp, options: ReadOptions(keepZ: false))
        guard case let .feature(f)? = try dropped.next() else { Issue.record("no feature"); return }
        #expect(f.geometry?.hasZ == false)
    }

    @Test func measuredLinesDropTheirM() throws {
        guard let rs1 = ExternalTools.sharedFile("data/dortmund/radschnellwege/rs1_radschnellweg_ruhr.geojson") else { return }
        let shp = try gdalShapefile(rs1.path, encoding: "UTF-8", extra: ["-dim", "XYM"])
        #expect(try ShapefileReader(path: shp).shapeTypeName == "PolyLineM")
        try expectSameAsGDAL(shp, crs: .wgs84, count: try Checks.ogrFeatureCount(rs1.path).count!)
    }

    @Test func theDBaseTypesCNFDL() throws {
        // A table with every type the spec names, as GDAL writes them from typed GeoJSON.
        let source = try ExternalTools.temporaryDirectory().appendingPathComponent("types.geojson").path
        try """
        {"type":"FeatureCollection","features":[
        {"type":"Feature","properties":{"text":"Mengede","whole":42,"big":12345678901,"real":3.25,"day":"2024-02-29"},"geometry":{"type":"Point","coordinates":[7.4,51.5]}},
        {"type":"Feature","properties":{"text":"","whole":null,"big":-1,"real":-0.5,"day":null},"geometry":{"type":"Point","coordinates":[7.5,51.6]}}
        ]}
        """.write(toFile: source, atomically: true, encoding: .utf8)
        let shp = try gdalShapefile(source, encoding: "UTF-8", extra: ["-mapFieldType", "Date=Date"])
        let reader = try ShapefileReader(path: shp)
        let types = Dictionary(uniqueKeysWithValues: reader.fields.map { ($0.name, $0.type) })
        #expect(types["text"] == "C" && types["whole"] == "N" && types["real"] == "N" && types["day"] == "D")
        let ours = try expectSameAsGDAL(shp, crs: .wgs84, count: 2)
        #expect(ours[0].properties["whole"] == .integer(42) && ours[0].properties["big"] == .integer(12_345_678_901))
        #expect(ours[0].properties["real"] == .double(3.25) && ours[0].properties["day"] == .string("2024-02-29"))
        #expect(ours[1].properties["day"] == .null)
    }

    @Test func logicalFields() throws {
        // L fields as dBASE writes them: T, F, ? (GDAL writes booleans as integers, so by hand).
        var table = DBaseFixture(fields: [("flag", "L", 1, 0), ("name", "C", 10, 0)])
        for (flag, name) in [("T", "Eving"), ("f", "Huckarde"), ("?", ""), ("Y", "Ölbach")] { table.add([flag, name]) }
        let dbf = table.bytes(languageDriver: 0x57, latin1: true)
        let header = try DBaseTable(header: dbf)
        var notes: [String] = []
        let rows = (0..<4).map { i in
            header.properties(dbf[(header.headerLength + i * header.recordLength)..<(header.headerLength + (i + 1) * header.recordLength)],
                              encoding: .windows1252, notes: &notes)
        }
        #expect(rows.map { $0["flag"]! } == [.bool(true), .bool(false), .null, .bool(true)])
        #expect(rows.map { $0["name"]! } == [.string("Eving"), .string("Huckarde"), .null, .string("Ölbach")])
        #expect(TextEncoding.languageDriver(0x57) == .windows1252)
        #expect(notes.isEmpty)
    }

    // MARK: Broken shapefiles

    func copy(_ shp: String, without: [String] = [], to name: String = "copy") throws -> String {
        let folder = try ExternalTools.temporaryDirectory()
        let stem = String(shp.dropLast(4))
        for ext in ["shp", "shx", "dbf", "prj", "cpg"] where !without.contains(ext) {
            try FileManager.default.copyItem(atPath: stem + "." + ext, toPath: folder.appendingPathComponent(name + "." + ext).path)
        }
        return folder.appendingPathComponent(name + ".shp").path
    }

    func truncate(_ path: String, by bytes: Int) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        try data.prefix(data.count - bytes).write(to: URL(fileURLWithPath: path))
    }

    @Test func missingIndexOrTableIsNamed() throws {
        let shp = try gdalShapefile(bezirke, encoding: "UTF-8")
        for ext in ["shx", "dbf"] {
            let broken = try copy(shp, without: [ext])
            #expect {
                _ = try ShapefileReader(path: broken)
            } throws: { error in
                guard case let IOError.cannotOpen(path, reason) = error else { return false }
                return path.hasSuffix("copy.\(ext)") && reason.contains("missing")
            }
        }
        let noPRJ = try copy(shp, without: ["prj"])
        #expect(throws: IOError.self) { _ = try ShapefileReader(path: noPRJ) }
        #expect(try ShapefileReader(path: noPRJ, options: ReadOptions(crs: .etrs89UTM32N)).recordCount == 12)
    }

    @Test func withoutACPGTheLanguageDriverDecides() throws {
        // GDAL writes CP1252 tables with language driver 0 (none); without the .cpg the text is
        // read as Windows-1252, as Latin-1 would read these umlauts too (GDAL's default).
        let shp = try gdalShapefile(bezirke, encoding: "CP1252")
        let bare = try copy(shp, without: ["cpg"])
        let reader = try ShapefileReader(path: bare)
        #expect(reader.encoding == .windows1252)
        let names = try features(reader).compactMap { item -> String? in
            if case let .feature(f) = item { return f.properties["source_nam"]?.stringValue } else { return nil }
        }
        #expect(names.contains("HÖRDE") && names.contains("LÜTTGENDORTMUND"))
        // A UTF-8 table read as UTF-8 only because its .cpg says so.
        let utf8 = try gdalShapefile(bezirke, encoding: "UTF-8")
        #expect(try ShapefileReader(path: utf8).encoding == .utf8)
    }

    @Test func aTableWithFewerRecordsThanTheShapes() throws {
        let all = try gdalShapefile(bezirke, encoding: "UTF-8", name: "all")
        let fewer = try gdalShapefile(bezirke, encoding: "UTF-8", name: "fewer", extra: ["-limit", "11"])
        let broken = try copy(all)
        try FileManager.default.removeItem(atPath: String(broken.dropLast(4)) + ".dbf")
        try FileManager.default.copyItem(atPath: String(fewer.dropLast(4)) + ".dbf", toPath: String(broken.dropLast(4)) + ".dbf")
        #expect {
            _ = try ShapefileReader(path: broken)
        } throws: { error in
            guard case let IOError.malformed(path, _, message) = error else { return false }
            return path.hasSuffix("copy.dbf") && message.contains("11 records") && message.contains("12")
        }
    }

    @Test func truncatedRecordsNameTheFileAndTheRecord() throws {
        let shp = try gdalShapefile(bezirke, encoding: "UTF-8")
        // The .shp cut in its last record: eleven features, then the error.
        let cutShapes = try copy(shp)
        try truncate(cutShapes, by: 100)
        let reader = try ShapefileReader(path: cutShapes)
        var read = 0
        #expect {
            while let item = try reader.next() { if case .feature = item { read += 1 } }
        } throws: { error in
            guard case let IOError.malformed(path, _, message) = error else { return false }
            return path.hasSuffix("copy.shp") && message.contains("record 12") && message.contains("cut short")
        }
        #expect(read == 11)
        // The .dbf cut in its last record.
        let cutTable = try copy(shp)
        try truncate(String(cutTable.dropLast(4)) + ".dbf", by: 20)
        #expect {
            let r = try ShapefileReader(path: cutTable)
            while try r.next() != nil {}
        } throws: { error in
            guard case let IOError.malformed(path, _, message) = error else { return false }
            return path.hasSuffix("copy.dbf") && message.contains("record 12")
        }
        // Not a shapefile at all.
        let garbage = try copy(shp)
        try Data("not a shapefile, just text long enough to fill a header of one hundred bytes............................".utf8)
            .write(to: URL(fileURLWithPath: garbage))
        #expect(throws: IOError.self) { _ = try ShapefileReader(path: garbage) }
    }

    @Test func badRecordsAreRejectedWithTheirReason() throws {
        // A polygon file whose second record claims a part beyond its points, and a third
        // record marked deleted in the .dbf.
        let shp = try gdalShapefile(bezirke, encoding: "UTF-8", extra: ["-limit", "3"])
        var shpData = [UInt8](try Data(contentsOf: URL(fileURLWithPath: shp)))
        let shx = [UInt8](try Data(contentsOf: URL(fileURLWithPath: String(shp.dropLast(4)) + ".shx")))
        let second = ShapefileReader.bigEndian(shx, 108) * 2
        // parts[0] of record 2 (after the 8-byte header, type, box, counts) = 1_000_000
        let partAt = second + 8 + 44
        for (k, b) in withUnsafeBytes(of: Int32(1_000_000).littleEndian, Array.init).enumerated() { shpData[partAt + k] = b }
        try Data(shpData).write(to: URL(fileURLWithPath: shp))
        let dbfPath = String(shp.dropLast(4)) + ".dbf"
        var dbf = [UInt8](try Data(contentsOf: URL(fileURLWithPath: dbfPath)))
        let table = try DBaseTable(header: dbf)
        dbf[table.headerLength + 2 * table.recordLength] = 0x2A
        try Data(dbf).write(to: URL(fileURLWithPath: dbfPath))
        let items = try features(try ShapefileReader(path: shp))
        #expect(items.count == 3)
        guard case .feature = items[0], case let .rejected(p1, raw1) = items[1], case let .rejected(p2, _) = items[2] else {
            Issue.record("expected a feature and two rejections: \(items)"); return
        }
        #expect(p1.index == 1 && p1.reason.contains("part 0 starts at point 1000000"))
        #expect(raw1?.contains("\"source_nam\"") == true)
        #expect(p2.index == 2 && p2.reason.contains("deleted"))
    }
}

/// A dBASE table made byte by byte, for what GDAL does not write (L fields, Latin-1 text).
struct DBaseFixture {
    let fields: [(String, Character, Int, Int)]
    var rows: [[String]] = []

    init(fields: [(String, Character, Int, Int)]) { self.fields = fields }

    mutating func add(_ row: [String]) { rows.append(row) }

    func bytes(languageDriver: UInt8, latin1: Bool) -> [UInt8] {
        let recordLength = 1 + fields.map(\.2).reduce(0, +)
        let headerLength = 32 + 32 * fields.count + 1
        var out = [UInt8](repeating: 0, count: 32)
        out[0] = 3
        out[4] = UInt8(rows.count & 0xFF); out[5] = UInt8(rows.count >> 8)
        out[8] = UInt8(headerLength & 0xFF); out[9] = UInt8(headerLength >> 8)
        out[10] = UInt8(recordLength & 0xFF); out[11] = UInt8(recordLength >> 8)
        out[29] = languageDriver
        for (name, type, length, decimals) in fields {
            var descriptor = [UInt8](repeating: 0, count: 32)
            for (k, b) in name.utf8.prefix(10).enumerated() { descriptor[k] = b }
            descriptor[11] = type.asciiValue!
            descriptor[16] = UInt8(length)
            descriptor[17] = UInt8(decimals)
            out += descriptor
        }
        out.append(0x0D)
        for row in rows {
            out.append(0x20)
            for ((_, _, length, _), value) in zip(fields, row) {
                var bytes = latin1 ? value.unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) } : Array(value.utf8)
                bytes = Array(bytes.prefix(length))
                out += bytes + [UInt8](repeating: 0x20, count: length - bytes.count)
            }
        }
        out.append(0x1A)
        return out
    }
}
