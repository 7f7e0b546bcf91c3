import Foundation
import Testing
import GeoCore
@testable import GeoIO

/// Stricter GeoJSON where RFC 8259/7946 say MUST, lenient where RFC 7946 only says SHOULD.
@Suite struct StrictnessTests {
    func read(_ text: String) throws -> (features: [Feature], rejected: [FeatureProblem], warnings: [String]) {
        let reader = try GeoJSONReader(text: text, name: "t.geojson")
        var features: [Feature] = [], rejected: [FeatureProblem] = []
        while let item = try reader.next() {
            switch item {
            case let .feature(f): features.append(f)
            case let .rejected(p, _): rejected.append(p)
            }
        }
        return (features, rejected, reader.warnings)
    }

    @Test func aRepeatedMemberRejectsTheRecordNamingIt() throws {
        let r = try read("""
        {"type":"FeatureCollection","features":[
        {"type":"Feature","type":"Point","properties":{},"geometry":{"type":"Point","coordinates":[7.4,51.5]}},
        {"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[7.4,51.5],"coordinates":[7.5,51.6]}},
        {"type":"Feature","properties":{"a":1,"a":2},"geometry":{"type":"Point","coordinates":[7.4,51.5]}}
        ]}
        """)
        #expect(r.rejected.map(\.index) == [0, 1])
        #expect(r.rejected[0].reason.contains("'type' appears twice") && r.rejected[1].reason.contains("'coordinates' appears twice"))
        // Foreign members and properties are not GeoJSON members: the last value counts, as before.
        #expect(r.features.count == 1 && r.features[0].properties["a"] == .integer(2))
    }

    @Test func aTopLevelObjectOfAnotherTypeIsAFileError() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("topology-\(UUID().uuidString).json").path
        try #"{"type":"Topology","objects":{}}"#.write(toFile: path, atomically: true, encoding: .utf8)
        #expect { _ = try GeoJSONReader(path: path).next() } throws: { error in
            guard case let IOError.malformed(_, location, message) = error else { return false }
            return message.contains("'Topology' is not a GeoJSON type") && location.line == 1 && location.column != nil
        }
        // A feature or a bare geometry at the top level is fine.
        #expect(try read(#"{"type":"Point","coordinates":[7,51]}"#).features.count == 1)
    }

    @Test func malformedBBoxAndLongPositionsAreWarnedAbout() throws {
        let r = try read("""
        {"type":"FeatureCollection","features":[
        {"type":"Feature","id":"b","bbox":[1,2,3],"properties":{},"geometry":{"type":"Point","coordinates":[7.4,51.5]}},
        {"type":"Feature","id":"m","properties":{},"geometry":{"type":"LineString","coordinates":[[7.4,51.5,10,99],[7.5,51.6,11,98]]}},
        {"type":"Feature","id":"ok","bbox":[7,51,8,52],"properties":{},"geometry":{"type":"Point","coordinates":[7.4,51.5]}}
        ]}
        """)
        #expect(r.features.count == 3 && r.rejected.isEmpty)
        #expect(r.warnings.contains { $0.contains("feature 0 (id b)") && $0.contains("malformed bbox (3 values") })
        #expect(r.warnings.contains { $0.contains("feature 1 (id m)") && $0.contains("more than three numbers") })
        #expect(!r.warnings.contains { $0.contains("id ok") })
        // The z values are kept, the fourth numbers dropped.
        #expect(try r.features[1].geometry!.coordinates().map(\.z) == [10, 11])
        // Many such features: five named, the rest counted.
        var many = #"{"type":"FeatureCollection","features":["#
        many += (0..<8).map { #"{"type":"Feature","properties":{},"bbox":[0],"geometry":{"type":"Point","coordinates":[7,51]}}"# + ($0 < 7 ? "," : "") }.joined()
        many += "]}"
        let m = try read(many)
        #expect(m.warnings.filter { $0.contains("malformed bbox") }.count == 6)
        #expect(m.warnings.contains { $0.contains("3 more features (8 in all)") })
    }

    @Test func whatRFC7946AllowsStaysReadable() throws {
        // Clockwise exterior, nested and single-member GeometryCollections, foreign members, long numbers.
        let r = try read("""
        {"type":"FeatureCollection","name":"x","features":[
        {"type":"Feature","foreign":{"a":[1,2]},"properties":null,"geometry":{"type":"Polygon","coordinates":[[[0,0],[0,1],[1,1],[1,0],[0,0]]]}},
        {"type":"Feature","properties":{},"geometry":{"type":"GeometryCollection","geometries":[{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[1,2]}]}]}},
        {"type":"Feature","properties":{},"geometry":{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[1.123456789012345678,2]}]}}
        ]}
        """)
        #expect(r.features.count == 3 && r.rejected.isEmpty && r.warnings.isEmpty)
    }
}
