import Testing
@testable import GeoCore

@Suite struct ConstructionTests {
    let square: [Coordinate] = [.init(0, 0), .init(10, 0), .init(10, 10), .init(0, 10), .init(0, 0)]

    @Test func everyTypeRoundTripsThroughWKT() throws {
        let texts = [
            "POINT (1 2)", "POINT Z (1 2 3)", "LINESTRING (0 0, 1 1, 2 0)", "LINEARRING (0 0, 1 0, 1 1, 0 0)",
            "POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0), (2 2, 2 4, 4 4, 4 2, 2 2))",
            "MULTIPOINT ((0 0), (1 1))", "MULTILINESTRING ((0 0, 1 1), (2 2, 3 3))",
            "MULTIPOLYGON (((0 0, 1 0, 1 1, 0 0)), ((5 5, 6 5, 6 6, 5 5)))",
            "GEOMETRYCOLLECTION (POINT (1 1), LINESTRING (0 0, 1 1))",
            "POINT EMPTY", "LINESTRING EMPTY", "POLYGON EMPTY", "MULTIPOLYGON EMPTY", "GEOMETRYCOLLECTION EMPTY",
        ]
        for text in texts {
            let g = try Geometry(wkt: text)
            #expect(try Geometry(wkt: g.wkt()).equalsExact(g), "WKT round trip of \(text)")
            #expect(g.isEmpty == text.hasSuffix("EMPTY"))
            // WKB has no LinearRing type (it comes back as a LineString).
            guard g.type != .linearRing else { continue }
            let fromWKB = try Geometry(wkb: g.wkb())
            #expect(try fromWKB.type == g.type && fromWKB.equalsExact(g), "WKB round trip of \(text)")
            let fromHex = try Geometry(hexWKB: g.hexWKB())
            #expect(try fromHex.type == g.type && fromHex.equalsExact(g), "hex WKB round trip of \(text)")
        }
        #expect(try Geometry(wkt: "POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0))").wkt() == "POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0))")
    }

    @Test func hexWKBOfAPointMatchesTheStandardEncoding() throws {
        // POINT(1 2) little-endian: byte order 01, type 1, x = 1.0, y = 2.0 (IEEE 754).
        let g = try Geometry(hexWKB: "0101000000000000000000F03F0000000000000040")
        #expect(g.x == 1 && g.y == 2)
        #expect(g.hexWKB() == "0101000000000000000000F03F0000000000000040")
    }

    @Test func constructionFromCoordinates() throws {
        let polygon = try Geometry(polygon: square, holes: [[.init(2, 2), .init(2, 4), .init(4, 4), .init(4, 2), .init(2, 2)]])
        #expect(polygon.type == .polygon)
        #expect(polygon.wkt() == "POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0), (2 2, 2 4, 4 4, 4 2, 2 2))")
        #expect(try polygon.exteriorRing().coordinates() == square)
        #expect(try polygon.interiorRings().count == 1)
        let point = try Geometry(point: Coordinate(x: 1, y: 2, z: 3))
        #expect(point.hasZ && point.wkt() == "POINT Z (1 2 3)")
        let multi = try Geometry(collection: .multiPoint, of: [Geometry(x: 0, y: 0), Geometry(x: 1, y: 1)])
        #expect(try multi.equalsExact(Geometry(wkt: "MULTIPOINT ((0 0), (1 1))")))
        #expect(multi.numberOfGeometries == 2)
        #expect(try multi.geometry(at: 1).x == 1)
    }

    @Test func flatConstructionOfAMultiPolygonWithAHole() throws {
        let flat: [Double] = [0, 0, 10, 0, 10, 10, 0, 10, 0, 0,  2, 2, 2, 4, 4, 4, 4, 2, 2, 2,  20, 20, 21, 20, 21, 21, 20, 20]
        let g = try Geometry(type: .multiPolygon, flatCoordinates: flat, hasZ: false, counts: [2, 2, 5, 5, 1, 4])
        #expect(g.wkt() == "MULTIPOLYGON (((0 0, 10 0, 10 10, 0 10, 0 0), (2 2, 2 4, 4 4, 4 2, 2 2)), ((20 20, 21 20, 21 21, 20 20)))")
    }

    @Test func badCoordinatesAreRefusedWithAReason() throws {
        #expect(throws: GeometryError.self) { try Geometry(linearRing: [.init(0, 0), .init(1, 0), .init(0, 0)]) }
        do {
            _ = try Geometry(polygon: [.init(0, 0), .init(1, 0), .init(1, 1), .init(0, 1)])
            Issue.record("an unclosed ring was accepted")
        } catch let GeometryError.invalidCoordinates(message) {
            #expect(message.contains("not closed"))
        }
        #expect(throws: GeometryError.self) { try Geometry(lineString: [.init(0, 0)]) }
        #expect(throws: GeometryError.self) { try Geometry(x: .nan, y: 0) }
        #expect(throws: GeometryError.self) { try Geometry(wkt: "POLYGON ((0 0, 1 1") }
        #expect(throws: GeometryError.self) { try Geometry(hexWKB: "01010000") }
    }

    @Test func borrowedComponentsOutliveTheirOwnerReference() throws {
        var ring: Geometry?
        do {
            let polygon = try Geometry(wkt: "POLYGON ((0 0, 4 0, 4 4, 0 4, 0 0))")
            ring = try polygon.exteriorRing()
        }
        // The ring keeps the polygon alive; reading it after the polygon's last name is gone is safe.
        #expect(ring?.numberOfCoordinates == 5)
        #expect(ring?.envelope == Envelope(minX: 0, minY: 0, maxX: 4, maxY: 4))
    }

    @Test func envelopeOfEmptyGeometryIsEmpty() throws {
        #expect(try Geometry(wkt: "POLYGON EMPTY").envelope.isEmpty)
    }
}
