import Foundation
import Testing
import GeoCore
import TestSupport
@testable import GeoIO

/// The Esri JSON FeatureSet reader: hand-made FeatureSets whose areas, rings and dates are
/// worked out by hand, and the real Stadtbezirke (as the city portal served them) against the
/// project's GeoJSON of them and against GDAL's ESRIJSON driver.
@Suite struct EsriJSONTests {
    func read(_ text: String, options: ReadOptions = ReadOptions()) throws -> (EsriJSONReader, [ReadResult]) {
        let reader = try EsriJSONReader(bytes: Array(text.utf8), name: "test.json", options: options)
        var items: [ReadResult] = []
        while let item = try reader.next() { items.append(item) }
        return (reader, items)
    }

    func features(_ items: [ReadResult]) -> [Feature] {
        items.compactMap { if case let .feature(f) = $0 { return f } else { return nil } }
    }

    func square(_ x: Double, _ y: Double, _ side: Double, clockwise: Bool) -> String {
        var ring = [(x, y), (x + side, y), (x + side, y + side), (x, y + side), (x, y)]
        if clockwise { ring.reverse() }
        return "[" + ring.map { "[\($0.0),\($0.1)]" }.joined(separator: ",") + "]"
    }

    func featureSet(_ geometryType: String, _ features: [String], fields: String = "[]", reference: String = #"{"wkid":25832}"#) -> String {
        #"{"geometryType":"\#(geometryType)","spatialReference":\#(reference),"fields":\#(fields),"features":[\#(features.joined(separator: ","))]}"#
    }

    @Test func holesAreFoundByContainmentWhateverTheOrientation() throws {
        // An outer 100 m square (counter-clockwise, against the spec), a 10 m hole in it
        // (clockwise, against the spec), an island of 4 m in the hole, and a second outer
        // square of 20 m elsewhere, listed first.
        let rings = [square(500, 0, 20, clockwise: true), square(0, 0, 100, clockwise: false),
                     square(10, 10, 10, clockwise: true), square(13, 13, 4, clockwise: false)]
        let text = featureSet("esriGeometryPolygon", [#"{"attributes":{},"geometry":{"rings":[\#(rings.joined(separator: ","))]}}"#])
        let (reader, items) = try read(text)
        #expect(reader.crs == .etrs89UTM32N)
        let f = try #require(features(items).first)
        let g = try #require(f.geometry)
        #expect(g.type == .multiPolygon)
        #expect(g.numberOfGeometries == 3)
        // 20² + (100² − 10²) + 4² by hand
        #expect(abs(try g.area() - (400 + 9900 + 16)) < 1e-9)
        #expect(try g.isValid())
        // The 100 m square holds the 10 m ring as its hole.
        let polygons = g.parts
        let big = try #require(polygons.first { (try? $0.area()) == 9900 })
        #expect(try big.interiorRings().count == 1)
    }

    @Test func pointsLinesAndZ() throws {
        let points = featureSet("esriGeometryPoint", [
            #"{"attributes":{"n":1},"geometry":{"x":393000.5,"y":5708400.25,"z":87.5}}"#,
            #"{"attributes":{"n":2},"geometry":{"x":"NaN","y":"NaN"}}"#,
            #"{"attributes":{"n":3},"geometry":null}"#,
        ])
        let p = features(try read(points).1)
        #expect(p.count == 3)
        #expect(try p[0].geometry!.coordinates() == [Coordinate(x: 393000.5, y: 5708400.25, z: 87.5)])
        #expect(p[1].geometry!.isEmpty)
        #expect(p[2].geometry == nil)
        let lines = featureSet("esriGeometryPolyline", [
            #"{"attributes":{},"geometry":{"paths":[[[0,0],[3,4]]]}}"#,
            #"{"attributes":{},"geometry":{"hasZ":true,"paths":[[[0,0,1],[0,10,2]],[[5,5,3],[5,6,4],[6,6,5]]]}}"#,
        ])
        let l = features(try read(lines).1)
        #expect(try l[0].geometry!.type == .lineString && abs(l[0].geometry!.length() - 5) < 1e-12)
        #expect(try l[1].geometry!.type == .multiLineString && abs(l[1].geometry!.length() - 12) < 1e-12)
        #expect(l[1].geometry!.hasZ)
        // M without Z: the third number is m and is dropped.
        let measured = featureSet("esriGeometryMultipoint", [#"{"attributes":{},"geometry":{"hasM":true,"points":[[1,2,99],[3,4,98]]}}"#])
        let m = features(try read(measured).1)
        #expect(m[0].geometry!.type == .multiPoint && !m[0].geometry!.hasZ)
        #expect(try m[0].geometry!.parts.map { try $0.coordinates() } == [[Coordinate(x: 1, y: 2)], [Coordinate(x: 3, y: 4)]])
    }

    @Test func fieldsTypeTheAttributesAndDatesBecomeISOText() throws {
        let fields = #"[{"name":"OBJECTID","type":"esriFieldTypeOID"},{"name":"name","type":"esriFieldTypeString"},{"name":"when","type":"esriFieldTypeDate"},{"name":"share","type":"esriFieldTypeDouble"},{"name":"floors","type":"esriFieldTypeSmallInteger"},{"name":"missing","type":"esriFieldTypeString"}]"#
        let text = featureSet("esriGeometryPoint", [
            #"{"attributes":{"name":"Hörde","when":631065600000,"share":1,"floors":3.0,"OBJECTID":7,"extra":true},"geometry":{"x":1,"y":2}}"#,
            #"{"attributes":{"OBJECTID":8,"when":-86399999,"name":null},"geometry":{"x":1,"y":2}}"#,
        ], fields: fields)
        let f = features(try read(text).1)
        #expect(f[0].properties.names == ["OBJECTID", "name", "when", "share", "floors", "missing", "extra"])
        #expect(f[0].id == .integer(7))
        #expect(f[0].properties["name"] == .string("Hörde"))
        // 631065600000 ms = 7304 days after 1970-01-01 = 1989-12-31 (Python: datetime.utcfromtimestamp(631065600))
        #expect(f[0].properties["when"] == .string("1989-12-31T00:00:00Z"))
        #expect(f[0].properties["share"] == .double(1))
        #expect(f[0].properties["floors"] == .integer(3))
        #expect(f[0].properties["missing"] == .null)
        // One millisecond after 1969-12-31T00:00:00Z
        #expect(f[1].properties["when"] == .string("1969-12-31T00:00:00.001Z"))
        // Against Foundation's calendar for a spread of instants.
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        for ms: Int64 in [0, 631_065_600_000, 951_782_400_000, 1_718_582_400_000, -2_208_988_800_000, 4_102_444_799_000] {
            #expect(ISODateText.dateTime(epochMilliseconds: ms) == formatter.string(from: Date(timeIntervalSince1970: Double(ms) / 1000)))
        }
    }

    @Test func latestWkidComesBeforeWkidThenWKT() throws {
        let one = featureSet("esriGeometryPoint", [], reference: #"{"wkid":102100,"latestWkid":3857}"#)
        #expect(try read(one).0.crs == (try CRS("EPSG:3857")))
        let esri = featureSet("esriGeometryPoint", [], reference: #"{"wkid":102100}"#)
        #expect(try read(esri).0.crs.identifier == "ESRI:102100")
        let wkt = try ExternalTools.run("projinfo", ["-q", "-o", "WKT1_ESRI", "EPSG:25832"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let byWKT = featureSet("esriGeometryPoint", [], reference: #"{"wkt":"\#(wkt.replacingOccurrences(of: "\"", with: "\\\""))"}"#)
        let reader = try read(byWKT).0
        #expect(reader.crsOrigin == "spatialReference wkt")
        #expect(reader.crs.isGeographic == false && reader.crs.unit.lowercased().hasPrefix("met"))
    }

    @Test func aFeatureSetWithoutGeometryTypeIsRefused() throws {
        let text = #"{"spatialReference":{"wkid":25832},"features":[{"attributes":{},"geometry":{"x":1,"y":2}}]}"#
        #expect {
            _ = try EsriJSONReader(bytes: Array(text.utf8), name: "bezirke.json")
        } throws: { error in
            guard case let IOError.malformed(path, _, message) = error else { return false }
            return path == "bezirke.json" && message.contains("no 'geometryType'")
        }
        let truncated = String(featureSet("esriGeometryPoint", [#"{"attributes":{},"geometry":{"x":1,"y":2}}"#]).dropLast(5))
        #expect(throws: IOError.self) { _ = try EsriJSONReader(bytes: Array(truncated.utf8), name: "cut.json") }
    }

    @Test func badFeaturesAreRejectedWithIndexAndReason() throws {
        let text = featureSet("esriGeometryPolygon", [
            #"{"attributes":{"OBJECTID":1},"geometry":{"rings":[\#(square(0, 0, 10, clockwise: true))]}}"#,
            #"{"attributes":{"OBJECTID":2},"geometry":{"rings":[[[0,0],[1,0],[0,0]]]}}"#,
            #"{"attributes":{"OBJECTID":3},"geometry":{"rings":[[[0,0],[1,0],[1,1],[0,1]]]}}"#,
            #"{"attributes":{"OBJECTID":4},"geometry":{"curveRings":[]}}"#,
            #"{"attributes":{"OBJECTID":5},"geometry":{"rings":[[[0,0],[1,"x"],[1,1],[0,0]]]}}"#,
        ], fields: #"[{"name":"OBJECTID","type":"esriFieldTypeOID"}]"#)
        let items = try read(text).1
        #expect(items.count == 5)
        var reasons: [Int: String] = [:]
        for item in items {
            if case let .rejected(problem, raw) = item {
                reasons[problem.index] = problem.reason
                #expect(problem.id == String(problem.index + 1))
                #expect(raw?.contains("\"OBJECTID\":\(problem.index + 1)") == true)
            }
        }
        #expect(reasons.keys.sorted() == [1, 2, 3, 4])
        #expect(reasons[1]!.contains("ring 0 has 3 positions"))
        #expect(reasons[2]!.contains("not closed"))
        #expect(reasons[3]!.contains("curves"))
        #expect(reasons[4]!.contains("numbers"))
    }

    // MARK: The real Stadtbezirke

    let folder = "data/dortmund/stadtbezirke-fjonnw/"

    @Test func realStadtbezirkeEqualTheProjectsGeoJSON() throws {
        guard let url = ExternalTools.sharedFile(folder + "stadtbezirke_esrijson_epsg25832.json") else { return }
        #expect(InputFormat.forPath(url.path) == .esrijson)
        let reader = try openFeatureReader(path: url.path)
        #expect(reader is EsriJSONReader && reader.crs == .etrs89UTM32N)
        var esri: [Feature] = []
        while let item = try reader.next() {
            guard case let .feature(f) = item else { Issue.record("rejected: \(item)"); continue }
            esri.append(f)
        }
        #expect(esri.count == 12)
        let project = try GeoJSONReader(path: ExternalTools.packageRoot.appendingPathComponent("datasets/dortmund/stadtbezirke.geojson").path)
        var matched = 0
        while case let .feature(ours)? = try project.next() {
            let name = try #require(ours.properties["source_name"]?.stringValue)
            let twin = try #require(esri.first { $0.properties["bezeichnun"] == .string(name) }, "no Esri feature named \(name)")
            let a = try ours.geometry!.area(), b = try twin.geometry!.area()
            #expect(abs(a - b) / a < 1e-6, "\(name): \(a) m² in the project's GeoJSON, \(b) m² from Esri JSON")
            // The project's edatum is the date of the same instant.
            if let date = ours.properties["edatum"]?.stringValue {
                #expect(twin.properties["edatum"]?.stringValue?.hasPrefix(date + "T00:00:00") == true)
            }
            matched += 1
        }
        #expect(matched == 12)
        #expect(esri.contains { $0.properties["bezeichnun"] == .string("LÜTTGENDORTMUND") })
        #expect(esri.contains { $0.properties["bezeichnun"] == .string("HÖRDE") })
    }

    @Test func realStadtbezirkeEqualGDALsESRIJSONDriver() throws {
        guard let url = ExternalTools.sharedFile(folder + "stadtbezirke_esrijson_epsg25832.json") else { return }
        let out = try ExternalTools.temporaryDirectory().appendingPathComponent("gdal.geojson").path
        let gdal = try ExternalTools.run("ogr2ogr", ["-f", "GeoJSON", out, "ESRIJSON:" + url.path])
        #expect(gdal.status == 0, "\(gdal.stderr)")
        let theirs = try GeoJSONReader(path: out)
        #expect(theirs.crs == .etrs89UTM32N)
        let ours = try EsriJSONReader(path: url.path)
        var count = 0
        while case let .feature(g)? = try theirs.next() {
            guard case let .feature(f)? = try ours.next() else { Issue.record("fewer features than GDAL"); break }
            count += 1
            // GDAL 3.6 leaves out null attributes and keeps dates as the millisecond text.
            for (name, value) in g.properties {
                if name == "edatum", let ms = Double(value.description) {
                    let formatter = ISO8601DateFormatter()
                    #expect(f.properties[name] == .string(formatter.string(from: Date(timeIntervalSince1970: ms / 1000))))
                } else {
                    #expect(f.properties[name] == value, "\(name)")
                }
            }
            for (name, value) in f.properties where g.properties[name] == nil { #expect(value == .null, "\(name)") }
            let a = try f.geometry!.area(), b = try g.geometry!.area()
            #expect(abs(a - b) / b < 1e-9)
            #expect(try f.geometry!.topologicallyEquals(g.geometry!))
            #expect(f.geometry!.type == g.geometry!.type)
        }
        #expect(count == 12)
        #expect(try ours.next() == nil)
    }
}
