import Foundation
import Testing
@testable import GeoCore

/// Expected values worked out by hand from the geometry.
@Suite struct OperationTests {
    let square = try! Geometry(wkt: "POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0))")

    @Test func predicatesOnSquares() throws {
        let inner = try Geometry(wkt: "POLYGON ((2 2, 4 2, 4 4, 2 4, 2 2))")
        let neighbour = try Geometry(wkt: "POLYGON ((10 0, 20 0, 20 10, 10 10, 10 0))")
        let overlapping = try Geometry(wkt: "POLYGON ((5 5, 15 5, 15 15, 5 15, 5 5))")
        let far = try Geometry(wkt: "POINT (30 30)")
        let crossing = try Geometry(wkt: "LINESTRING (-5 5, 15 5)")
        #expect(try square.contains(inner) && inner.within(square))
        #expect(try square.covers(inner) && inner.coveredBy(square))
        #expect(try square.touches(neighbour) && !square.overlaps(neighbour))
        #expect(try square.overlaps(overlapping) && square.intersects(overlapping))
        #expect(try square.disjoint(far) && !square.intersects(far))
        #expect(try crossing.crosses(square))
        // Interiors apart, edges shared (1), everything else 2-dimensional outside: worked out by hand.
        #expect(try square.relate(neighbour) == "FF2F11212")
        #expect(try square.relate(inner, matches: "T*****FF*"))
        #expect(throws: GeometryError.self) { try square.relate(inner, matches: "TTX") }
        // (30 30) is 20√2 ≈ 28.28 from the corner (10 10).
        #expect(try square.isWithinDistance(28.29, of: far) && !square.isWithinDistance(28.28, of: far))
    }

    @Test func equalityKinds() throws {
        let rotated = try Geometry(wkt: "POLYGON ((10 0, 10 10, 0 10, 0 0, 10 0))")
        #expect(try square.topologicallyEquals(rotated))
        #expect(try !square.equalsExact(rotated))
        let shifted = try Geometry(wkt: "POLYGON ((0 0, 10 0.001, 10 10, 0 10, 0 0))")
        #expect(try !square.equalsExact(shifted) && square.equalsExact(shifted, tolerance: 0.01))
        #expect(try square.normalized().equalsExact(rotated.normalized()))
    }

    @Test func measures() throws {
        let holed = try Geometry(wkt: "POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0), (2 2, 2 4, 4 4, 4 2, 2 2))")
        #expect(try holed.area() == 96)
        #expect(try holed.length() == 48)
        #expect(try Geometry(wkt: "POINT (0 0)").distance(to: Geometry(wkt: "POINT (3 4)")) == 5)
        let a = try Geometry(wkt: "LINESTRING (0 0, 10 0)"), b = try Geometry(wkt: "LINESTRING (0 1, 10 1)")
        #expect(try a.hausdorffDistance(to: b) == 1)
        let (p, q) = try Geometry(wkt: "POINT (5 5)").nearestPoints(with: a)
        #expect(p == Coordinate(5, 5) && q == Coordinate(5, 0))
        #expect(square.envelope == Envelope(minX: 0, minY: 0, maxX: 10, maxY: 10))
    }

    @Test func buffers() throws {
        // A point's buffer is a regular 32-gon inscribed in the circle: area 16 r² sin(π/16).
        let r = 50.0
        let circle = try Geometry(wkt: "POINT (0 0)").buffer(r)
        #expect(try abs(circle.area() - 16 * r * r * sin(Double.pi / 16)) < 1e-8)
        #expect(circle.numberOfCoordinates == 33)
        // A square's round buffer: the square, four side strips, and the corners forming the same 32-gon.
        let d = 2.0
        let grown = try square.buffer(d)
        #expect(try abs(grown.area() - (100 + 4 * 10 * d + 16 * d * d * sin(Double.pi / 16))) < 1e-8)
        // Mitre joins keep the corners square: (10 + 2d)².
        let mitred = try square.buffer(d, style: BufferStyle(join: .mitre))
        #expect(try abs(mitred.area() - 14 * 14) < 1e-9)
        // A flat-capped line buffer is a rectangle: length × 2d.
        let line = try Geometry(wkt: "LINESTRING (0 0, 10 0)")
        #expect(try abs(line.buffer(d, style: BufferStyle(cap: .flat)).area() - 10 * 2 * d) < 1e-9)
        // Single-sided: only one strip, length × d.
        #expect(try abs(line.buffer(d, style: BufferStyle(cap: .flat, singleSided: true)).area() - 10 * d) < 1e-9)
        // A negative buffer shrinks a polygon.
        #expect(try abs(square.buffer(-1).area() - 64) < 1e-9)
    }

    @Test func overlay() throws {
        let other = try Geometry(wkt: "POLYGON ((5 5, 15 5, 15 15, 5 15, 5 5))")
        #expect(try square.intersection(other).area() == 25)
        #expect(try square.union(other).area() == 175)
        #expect(try square.difference(other).area() == 75)
        #expect(try square.symmetricDifference(other).area() == 150)
        let pieces = try (0..<10).map { i in try Geometry(wkt: "POLYGON ((\(i) 0, \(i + 1) 0, \(i + 1) 1, \(i) 1, \(i) 0))") }
        let dissolved = try Geometry.unaryUnion(of: pieces)
        #expect(try dissolved.type == .polygon && (dissolved.area()) == 10)
        #expect(try Geometry.unaryUnion(of: []).isEmpty)
    }

    @Test func hullsAndPoints() throws {
        let points = try Geometry(wkt: "MULTIPOINT ((0 0), (10 0), (10 10), (0 10), (5 5), (5 9))")
        #expect(try points.convexHull().area() == 100)
        #expect(try points.concaveHull(ratio: 1).area() == 100)
        // A rectangle 4 x 2 rotated by 45°: the minimum rotated rectangle is itself.
        let s = 2.0.squareRoot()
        let tilted = try Geometry(wkt: "POLYGON ((0 0, \(2 * s) \(2 * s), \(2 * s - s) \(2 * s + s), \(-s) \(s), 0 0))")
        #expect(try abs(tilted.minimumRotatedRectangle().area() - 8) < 1e-9)
        let centroid = try square.centroid()
        #expect(centroid.x == 5 && centroid.y == 5)
        let lShape = try Geometry(wkt: "POLYGON ((0 0, 10 0, 10 1, 1 1, 1 10, 0 10, 0 0))")
        #expect(try lShape.pointOnSurface().within(lShape))
        #expect(try !lShape.centroid().within(lShape))
    }

    @Test func simplifyAndDensify() throws {
        let wiggly = try Geometry(wkt: "LINESTRING (0 0, 5 0.01, 10 0)")
        #expect(try wiggly.simplified(tolerance: 0.1, method: .douglasPeucker).wkt() == "LINESTRING (0 0, 10 0)")
        #expect(try wiggly.simplified(tolerance: 0.001).numberOfCoordinates == 3)
        let dense = try Geometry(wkt: "LINESTRING (0 0, 10 0)").densified(maxSegmentLength: 2.5)
        #expect(dense.wkt() == "LINESTRING (0 0, 2.5 0, 5 0, 7.5 0, 10 0)")
    }

    @Test func bowTieIsReportedAndRepaired() throws {
        let bowTie = try Geometry(wkt: "POLYGON ((0 0, 10 10, 10 0, 0 10, 0 0))")
        #expect(try !bowTie.isValid())
        let validity = try bowTie.validity()
        #expect(!validity.isValid)
        #expect(validity.reason == "Self-intersection")
        #expect(validity.location == Coordinate(5, 5))
        let repaired = try bowTie.makeValid()
        // Two triangles with base 10 and height 5 meeting at (5 5).
        #expect(repaired.type == .multiPolygon && repaired.numberOfGeometries == 2)
        #expect(try repaired.area() == 50)
        #expect(try repaired.isValid())
        #expect(try bowTie.repaired().type == .multiPolygon)
        #expect(try square.repaired() === square)
    }

    @Test func polygonalPartDropsLines() throws {
        // A spike: the polygon plus a zero-width excursion; linework repair gives polygon + line.
        let spiked = try Geometry(wkt: "POLYGON ((0 0, 10 0, 10 5, 12 5, 10 5, 10 10, 0 10, 0 0))")
        let valid = try spiked.makeValid()
        #expect(valid.type == .geometryCollection)
        let polygonal = try valid.polygonalPart()
        #expect(try polygonal.type == .multiPolygon && (polygonal.area()) == 100)
    }
}
