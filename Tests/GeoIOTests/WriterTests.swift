import Foundation
import Testing
import GeoCore
import TestSupport
@testable import GeoIO

@Suite struct WriterTests {
    @Test func fixedDecimalsMatchPrintf() throws {
        // printf's %.Nf rounds the exact binary value correctly; our formatter must agree
        // (after dropping trailing zeros).
        var state: UInt64 = 7
        func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
        var values: [Double] = [0, -0.0, 1, -1, 0.5, 1.5, 2.5, 0.00000005, 0.00000015, 7.45889, 51.5175, 123456789.123456789, -7.00000004999]
        for _ in 0..<20_000 { values.append((next() - 0.5) * pow(10, Double(Int(next() * 12) - 3))) }
        for decimals in [0, 2, 7, 9] {
            for value in values {
                var out: [UInt8] = []
                NumberFormatting.appendFixed(value, decimals: decimals, to: &out)
                var expected = String(format: "%.\(decimals)f", value)
                if expected.contains(".") {
                    while expected.hasSuffix("0") { expected.removeLast() }
                    if expected.hasSuffix(".") { expected.removeLast() }
                }
                if expected == "-0" { expected = "0" }
                #expect(String(decoding: out, as: UTF8.self) == expected, "\(value) with \(decimals) decimals")
            }
        }
    }

    func writeAndReadBack(_ features: [Feature], options: GeoJSONWriteOptions, sourceCRS: CRS) throws -> (String, [Feature]) {
        let path = try ExternalTools.temporaryDirectory().appendingPathComponent("out.geojson").path
        let writer = try GeoJSONWriter(path: path, options: options, sourceCRS: sourceCRS)
        for f in features { try writer.write(f) }
        try writer.finish()
        let reader = try GeoJSONReader(path: path)
        var back: [Feature] = []
        while case let .feature(f)? = try reader.next() { back.append(f) }
        return (path, back)
    }

    @Test func roundTripInTheNativeCRSIsLossless() throws {
        let utm = CRS.etrs89UTM32N
        let features = try [
            Feature(id: .string("053302-007-00066"), geometry: Geometry(wkt: "POLYGON ((391000.01 5710000.02, 391010.5 5710000, 391010.5 5710020.25, 391000.01 5710000.02), (391008 5710003, 391009 5710005, 391009 5710003, 391008 5710003))", crs: utm),
                    properties: ["landuse": .string("residential"), "floors": .integer(3), "built": .double(120.25), "tags": .array([.string("a"), .null]), "nested": .object(["k": .bool(true)])]),
            Feature(id: .integer(2), geometry: Geometry(wkt: "MULTILINESTRING ((391000 5710000, 391100.123456789 5710100.987654321))", crs: utm)),
            Feature(geometry: nil, properties: ["note": .string("no geometry, \"quoted\"\ttab")]),
            Feature(geometry: Geometry(wkt: "POINT Z (391000 5710000 87.5)", crs: utm)),
        ]
        let (path, back) = try writeAndReadBack(features, options: GeoJSONWriteOptions(crs: utm, precision: nil), sourceCRS: utm)
        #expect(back.count == features.count)
        for (a, b) in zip(features, back) {
            #expect(a.id == b.id && a.properties == b.properties)
            if let g = a.geometry {
                // Orientation may be changed by the writer; the point set may not.
                #expect(try b.geometry.map { try $0.normalized().equalsExact(g.normalized()) } == true)
                #expect(b.geometry?.crs == utm)
            } else {
                #expect(b.geometry == nil)
            }
        }
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains(#""crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::25832"}}"#))
        #expect(try Checks.ogrFeatureCount(path).count == 4)
    }

    @Test func rfc7946OutputIsOrientedRoundedAndReprojected() throws {
        let utm = CRS.etrs89UTM32N
        // Clockwise exterior and counter-clockwise hole: the writer must turn both.
        let clockwise = try Geometry(wkt: "POLYGON ((393000 5708400, 393000 5708500, 393100 5708500, 393100 5708400, 393000 5708400), (393040 5708440, 393060 5708440, 393060 5708460, 393040 5708460, 393040 5708440))", crs: utm)
        let (path, back) = try writeAndReadBack([Feature(geometry: clockwise)], options: GeoJSONWriteOptions(), sourceCRS: utm)
        #expect(back.first?.geometry?.crs == .wgs84)
        let json = try Checks.json(path)
        #expect(json["crs"] == nil)
        let feature = (json["features"] as! [[String: Any]])[0]
        let rings = ((feature["geometry"] as! [String: Any])["coordinates"] as! [[[Double]]])
        #expect(Checks.signedArea(rings[0]) > 0 && Checks.signedArea(rings[1]) < 0)
        // The first corner, by cs2cs (EPSG:4326 is written lat lon by cs2cs).
        let cs2cs = try ExternalTools.run("cs2cs", ["-f", "%.7f", "EPSG:25832", "EPSG:4326"], input: "393000 5708400\n")
        let latLon = cs2cs.stdout.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).compactMap { Double($0) }
        #expect(rings[0].contains { abs($0[0] - latLon[1]) < 1.5e-7 && abs($0[1] - latLon[0]) < 1.5e-7 })
        if let check = try Checks.rfc7946([path]) { #expect(check.passed, "\(check.output)") }
        #expect(try Checks.ogrFeatureCount(path).count == 1)
    }

    @Test func precisionAndBBox() throws {
        let g = try Geometry(wkt: "LINESTRING (7.123456789 51.987654321, 7.5 51.5)", crs: .wgs84)
        let (path, _) = try writeAndReadBack([Feature(geometry: g)], options: GeoJSONWriteOptions(precision: 3, bbox: true), sourceCRS: .wgs84)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains("[[7.123,51.988],[7.5,51.5]]"))
        #expect(text.contains(#""bbox":[7.123,51.5,7.5,51.988]"#))
        if let check = try Checks.rfc7946([path], decimals: 3) { #expect(check.passed, "\(check.output)") }
    }

    @Test func sequencesAndRecordSeparators() throws {
        let dir = try ExternalTools.temporaryDirectory()
        for (name, rs) in [("out.geojsonl", false), ("out.geojsons", true)] {
            let path = dir.appendingPathComponent(name).path
            let (layout, separator) = GeoJSONWriteOptions.layout(forPath: path)
            #expect(layout == .sequence && separator == rs)
            let writer = try GeoJSONWriter(path: path, options: GeoJSONWriteOptions(layout: layout, recordSeparator: separator), sourceCRS: .wgs84)
            for i in 0..<3 { try writer.write(Feature(geometry: try Geometry(x: Double(i), y: 0, crs: .wgs84))) }
            try writer.finish()
            let text = try String(contentsOfFile: path, encoding: .utf8)
            #expect(text.split(separator: "\n").count == 3)
            #expect(text.hasPrefix("\u{1E}") == rs)
            #expect(try Checks.ogrFeatureCount(path).count == 3)
            if let check = try Checks.rfc7946([path]) { #expect(check.passed, "\(check.output)") }
        }
    }

    @Test func outputAppearsOnlyWhenComplete() throws {
        let dir = try ExternalTools.temporaryDirectory()
        let path = dir.appendingPathComponent("atomic.geojson").path
        try "old content".write(toFile: path, atomically: false, encoding: .utf8)
        do {
            let writer = try GeoJSONWriter(path: path, sourceCRS: .wgs84)
            try writer.write(Feature(geometry: try Geometry(x: 7, y: 51, crs: .wgs84)))
            writer.abandon()
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "old content")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["atomic.geojson"])
        do {
            let writer = try GeoJSONWriter(path: path, sourceCRS: .wgs84)
            try writer.write(Feature(geometry: try Geometry(x: 7, y: 51, crs: .wgs84)))
            // Dropped without finish(): the temporary file goes, the old file stays.
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "old content")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["atomic.geojson"])
        #expect(throws: IOError.self) { try GeoJSONWriter(path: path + "/inside-a-file.geojson", sourceCRS: .wgs84) }
    }

    @Test func writingIsDeterministic() throws {
        let features = try (0..<300).map { i in
            Feature(id: .integer(Int64(i)), geometry: try Geometry(wkt: "POLYGON ((\(390000 + i) 5710000, \(390010 + i) 5710000, \(390010 + i) 5710010, \(390000 + i) 5710000))", crs: .etrs89UTM32N))
        }
        let (a, _) = try writeAndReadBack(features, options: GeoJSONWriteOptions(), sourceCRS: .etrs89UTM32N)
        let (b, _) = try writeAndReadBack(features, options: GeoJSONWriteOptions(), sourceCRS: .etrs89UTM32N)
        #expect(try Data(contentsOf: URL(fileURLWithPath: a)) == Data(contentsOf: URL(fileURLWithPath: b)))
    }
}
