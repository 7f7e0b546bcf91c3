import Foundation
import Testing
import GeoCore
import TestSupport
@testable import GeoIO

@Suite struct ReaderTests {
    func features(_ text: String, options: ReadOptions = ReadOptions()) throws -> (GeoJSONReader, [Feature], [FeatureProblem]) {
        let reader = try GeoJSONReader(text: text, options: options)
        var features: [Feature] = [], problems: [FeatureProblem] = []
        while let item = try reader.next() {
            switch item {
            case let .feature(f): features.append(f)
            case let .rejected(p, _): problems.append(p)
            }
        }
        return (reader, features, problems)
    }

    @Test func everyGeometryTypeIsRead() throws {
        let text = """
        {"type":"FeatureCollection","features":[
        {"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[7.1,51.2]}},
        {"type":"Feature","properties":{},"geometry":{"type":"LineString","coordinates":[[7,51],[7.5,51.5]]}},
        {"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[7,51],[8,51],[8,52],[7,52],[7,51]],[[7.2,51.2],[7.2,51.4],[7.4,51.4],[7.4,51.2],[7.2,51.2]]]}},
        {"type":"Feature","properties":{},"geometry":{"type":"MultiPoint","coordinates":[[7,51],[7.1,51.1]]}},
        {"type":"Feature","properties":{},"geometry":{"type":"MultiLineString","coordinates":[[[7,51],[7.1,51.1]],[[7.2,51],[7.3,51.1]]]}},
        {"type":"Feature","properties":{},"geometry":{"type":"MultiPolygon","coordinates":[[[[7,51],[7.1,51],[7.1,51.1],[7,51]]],[[[7.5,51],[7.6,51],[7.6,51.1],[7.5,51]]]]}},
        {"type":"Feature","properties":{},"geometry":{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[7,51]},{"type":"LineString","coordinates":[[7,51],[7.1,51.1]]}]}},
        {"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[]}},
        {"type":"Feature","properties":{},"geometry":null},
        {"type":"Feature","properties":{},"geometry":{"coordinates":[7,51,120.5],"type":"Point"}}
        ]}
        """
        let (reader, read, problems) = try features(text)
        #expect(problems.isEmpty)
        #expect(reader.crs == .wgs84 && reader.crsOrigin == "RFC 7946 default")
        let wkts = read.map { $0.geometry?.wkt() ?? "null" }
        #expect(wkts == [
            "POINT (7.1 51.2)", "LINESTRING (7 51, 7.5 51.5)",
            "POLYGON ((7 51, 8 51, 8 52, 7 52, 7 51), (7.2 51.2, 7.2 51.4, 7.4 51.4, 7.4 51.2, 7.2 51.2))",
            "MULTIPOINT (7 51, 7.1 51.1)", "MULTILINESTRING ((7 51, 7.1 51.1), (7.2 51, 7.3 51.1))",
            "MULTIPOLYGON (((7 51, 7.1 51, 7.1 51.1, 7 51)), ((7.5 51, 7.6 51, 7.6 51.1, 7.5 51)))",
            "GEOMETRYCOLLECTION (POINT (7 51), LINESTRING (7 51, 7.1 51.1))",
            "POLYGON EMPTY", "null", "POINT Z (7 51 120.5)",
        ])
        #expect(read.allSatisfy { $0.geometry == nil || $0.geometry?.crs == .wgs84 })
    }

    @Test func zIsDroppedOnRequest() throws {
        let (_, read, _) = try features(#"{"type":"Point","coordinates":[7,51,120.5]}"#, options: ReadOptions(keepZ: false))
        #expect(read.first?.geometry?.wkt() == "POINT (7 51)")
    }

    @Test func propertiesKeepTheirTypesAndOrder() throws {
        let text = #"{"type":"Feature","id":"a-1","properties":{"s":"Nordmarkt \"Ost\"\n","i":42,"d":0.5,"big":12345678901234567890,"t":true,"f":false,"n":null,"arr":[1,"x",[2.5]],"obj":{"z":1,"a":{"b":null}},"esc":"\u00fc\ud83d\ude00"},"geometry":null}"#
        let (_, read, _) = try features(text)
        let p = try #require(read.first).properties
        #expect(read.first?.id == .string("a-1"))
        #expect(p.names == ["s", "i", "d", "big", "t", "f", "n", "arr", "obj", "esc"])
        #expect(p["s"] == .string("Nordmarkt \"Ost\"\n"))
        #expect(p["i"] == .integer(42) && p["d"] == .double(0.5))
        #expect(p["big"] == .double(12345678901234567890))
        #expect(p["t"] == .bool(true) && p["f"] == .bool(false) && p["n"] == .null)
        #expect(p["arr"] == .array([.integer(1), .string("x"), .array([.double(2.5)])]))
        #expect(p["obj"] == .object(["z": .integer(1), "a": .object(["b": .null])]))
        #expect(p["esc"] == .string("ü😀"))
    }

    @Test func numbersAreCorrectlyRounded() throws {
        // Compared with strtod, the C library's correctly rounded parser.
        let samples = ["391238.57", "5708501.23", "0.1", "-0.000001234", "1e-7", "7.458889999999999", "123456789012345678",
                       "2.2250738585072014e-308", "1.7976931348623157e308", "0.30000000000000004", "9007199254740993", "4.35e+02"]
        for text in samples {
            let (_, read, _) = try features(#"{"type":"Feature","properties":{"v":\#(text)},"geometry":null}"#)
            let expected = strtod(text, nil)
            #expect(read.first?.properties["v"]?.doubleValue == expected, "\(text)")
        }
    }

    @Test func topLevelFeatureGeometryAndSequences() throws {
        let (_, single, _) = try features(#"{"type":"Feature","properties":{"a":1},"geometry":{"type":"Point","coordinates":[1,2]}}"#)
        #expect(single.count == 1 && single[0].properties["a"] == .integer(1))
        let (_, bare, _) = try features(#"{"type":"LineString","coordinates":[[1,2],[3,4]]}"#)
        #expect(bare.count == 1 && bare[0].geometry?.type == .lineString)
        let lines = (0..<5).map { #"{"type":"Feature","properties":{"i":\#($0)},"geometry":{"type":"Point","coordinates":[\#($0),0]}}"# }
        let (_, seq, _) = try features(lines.joined(separator: "\n") + "\n")
        #expect(seq.map { $0.properties["i"] } == (0..<5).map { PropertyValue.integer(Int64($0)) })
        let (_, rs, _) = try features(lines.map { "\u{1E}" + $0 + "\n" }.joined())
        #expect(rs.count == 5)
    }

    @Test(arguments: [
        #"{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::25832"}}"#,
        #"{"type":"name","properties":{"name":"EPSG:25832"}}"#,
        #"{"type":"EPSG","properties":{"code":25832}}"#,
    ])
    func legacyCRSMembers(_ member: String) throws {
        let text = #"{"type":"FeatureCollection","crs":\#(member),"features":[{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[393071.2,5708501.23]}}]}"#
        let (reader, read, _) = try features(text)
        #expect(reader.crs == .etrs89UTM32N && reader.crsOrigin == "crs member")
        #expect(read.first?.geometry?.crs == .etrs89UTM32N)
    }

    @Test func crs84AndOverride() throws {
        let text = #"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:OGC:1.3:CRS84"}},"features":[]}"#
        #expect(try features(text).0.crs == .wgs84)
        let lying = #"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[393071.2,5708501.23]}}]}"#
        let (reader, read, problems) = try features(lying, options: ReadOptions(crs: .etrs89UTM32N))
        #expect(reader.crs == .etrs89UTM32N && reader.crsOrigin == "override" && read.count == 1 && problems.isEmpty)
    }

    @Test func crsMemberAfterTheFeaturesIsFoundInFiles() throws {
        let dir = try ExternalTools.temporaryDirectory()
        let path = dir.appendingPathComponent("late.geojson").path
        let text = #"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[393071.2,5708501.23]}}],"crs":{"type":"name","properties":{"name":"EPSG:25832"}}}"#
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let reader = try GeoJSONReader(path: path)
        #expect(reader.crs == .etrs89UTM32N)
        guard case let .feature(f)? = try reader.next() else { Issue.record("no feature"); return }
        #expect(f.geometry?.crs == .etrs89UTM32N)
        #expect(try reader.next().map { _ in true } == nil)
    }

    @Test func badFeaturesAreRejectedWithReasonsAndReadingGoesOn() throws {
        let bad = [
            #"{"type":"Feature","id":"u","properties":{},"geometry":{"type":"Polygonn","coordinates":[]}}"#,
            #"{"type":"Feature","properties":{"id":"three"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[0,0]]]}}"#,
            #"{"type":"Feature","id":7,"properties":{},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]}}"#,
            #"{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[NaN,1]}}"#,
            #"{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":"7,51"}}"#,
            #"{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[391238.57,5705056.61]}}"#,
            #"{"type":"Feature","properties":{},"geometry":{"type":"LineString","coordinates":[[1,2]]}}"#,
            #"{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[1,2],[3,4]]}}"#,
            #"{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[1,2]}}"#,
        ]
        let text = #"{"type":"FeatureCollection","features":["# + bad.joined(separator: ",\n") + "]}"
        let (_, read, problems) = try features(text)
        #expect(read.count == 1)
        let reasons = problems.map(\.reason)
        #expect(problems.map(\.index) == [0, 1, 2, 3, 4, 5, 6, 7])
        #expect(reasons[0] == "unknown geometry type 'Polygonn'" && problems[0].id == "u")
        #expect(reasons[1].contains("3 positions") && problems[1].id == "three")
        #expect(reasons[2].contains("not closed") && problems[2].id == "7")
        #expect(reasons[3].contains("nan"))
        #expect(reasons[4].contains("arrays of numbers"))
        #expect(reasons[5].contains("longitude 391238.57") && reasons[5].contains("--from"))
        #expect(reasons[6].contains("1 position"))
        #expect(reasons[7].contains("nested"))
        #expect(problems[1].location?.line == nil)  // text in memory: no file to count lines in
    }

    @Test func malformedFilesFailWithTheirPlace() throws {
        let dir = try ExternalTools.temporaryDirectory()
        func failure(_ text: String) throws -> String {
            let path = dir.appendingPathComponent("bad-\(UUID().uuidString).geojson").path
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            do {
                let reader = try GeoJSONReader(path: path)
                while try reader.next() != nil {}
                return "no error"
            } catch let error as IOError {
                return error.description
            }
        }
        #expect(try failure(#"{"type":"FeatureCollection","features":[{"type":"Feature","#).contains("truncated"))
        #expect(try failure("{\"type\":\"FeatureCollection\",\n\"features\":[\n{\"type\":\"Feature\" \"properties\":{}}]}").contains(":3:19: expected ','"))
        #expect(try failure("").contains("empty"))
        #expect(try failure("[1,2]").contains("expected a GeoJSON object"))
        let deep = String(repeating: "[", count: 500) + String(repeating: "]", count: 500)
        #expect(try failure(#"{"type":"Feature","properties":{"x":\#(deep)},"geometry":null}"#).contains("nested deeper"))
        #expect(try failure(#"{"type":"FeatureCollection","features":[]} {"#).contains("more content"))
        #expect(throws: IOError.self) { try GeoJSONReader(path: dir.appendingPathComponent("missing.geojson").path) }
    }

    @Test func duplicateIDsAreWarnedAbout() throws {
        let text = #"{"type":"FeatureCollection","features":[{"type":"Feature","id":1,"properties":{},"geometry":null},{"type":"Feature","id":1,"properties":{},"geometry":null}]}"#
        let (reader, read, _) = try features(text)
        #expect(read.count == 2)
        #expect(reader.warnings.count == 1 && reader.warnings[0].contains("repeat an id"))
    }

    @Test func featuresSpanningReadChunksStreamCorrectly() throws {
        // More than one 4 MiB window, so features straddle refills.
        let dir = try ExternalTools.temporaryDirectory()
        let path = dir.appendingPathComponent("big.geojsonl").path
        var text = ""
        let n = 40_000
        for i in 0..<n {
            text += #"{"type":"Feature","id":\#(i),"properties":{"name":"parcel number \#(i) with a longer name to fill the window"},"geometry":{"type":"Polygon","coordinates":[[[\#(i),0],[\#(i + 1),0],[\#(i + 1),1],[\#(i),1],[\#(i),0]]]}}"# + "\n"
        }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let reader = try GeoJSONReader(path: path, options: ReadOptions(crs: .etrs89UTM32N))
        var count = 0
        while case let .feature(f)? = try reader.next() {
            #expect(f.id == .integer(Int64(count)))
            if count % 9999 == 0 { #expect(try f.geometry?.area() == 1) }
            count += 1
        }
        #expect(count == n)
    }
}

/// A file several windows long: batches end at window ends, the next batch is scanned while
/// one is parsed, and every feature comes out once, in file order.
@Suite struct LargeFileReadingTests {
    @Test func everyFeatureOnceInFileOrder() throws {
        guard let generator = ExternalTools.sharedFile("bench/gen_data.py") else { return }
        let dir = try ExternalTools.temporaryDirectory().path
        // 110,000 parcels: about 36 MB, more than two 16 MiB windows.
        let made = try ExternalTools.run("python3", [generator.path, "--out", dir, "--parcels", "110000"])
        #expect(made.status == 0, "\(made.stderr)")
        let path = dir + "/parcels.geojson"
        // The ids as the file lists them, found by text (one feature per line).
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let expected = text.split(separator: "\n").compactMap { line -> String? in
            guard let r = line.range(of: "\"id\":\"") else { return nil }
            return String(line[r.upperBound...].prefix { $0 != "\"" })
        }
        #expect(expected.count == 110_000)
        let reader = try GeoJSONReader(path: path)
        var ids: [String] = []
        var batches = 0
        while true {
            let batch = try reader.nextBatch(maxCount: 16384)
            if batch.isEmpty { break }
            batches += 1
            for item in batch {
                guard case let .feature(f) = item else { Issue.record("rejected: \(item)"); continue }
                ids.append(f.properties["id"]?.description ?? "")
            }
        }
        #expect(ids == expected)
        #expect(batches >= 7)
        #expect(reader.warnings.isEmpty)
    }
}
