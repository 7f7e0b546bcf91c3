import Testing
@testable import GeoCore

@Suite struct IndexAndPreparedTests {
    /// A deterministic scatter of small squares, so brute force can check the index.
    func squares(_ n: Int) throws -> [Geometry] {
        var state: UInt64 = 42
        func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
        return try (0..<n).map { _ in
            let x = next() * 1000, y = next() * 1000, s = 1 + next() * 20
            return try Geometry(wkt: "POLYGON ((\(x) \(y), \(x + s) \(y), \(x + s) \(y + s), \(x) \(y + s), \(x) \(y)))")
        }
    }

    @Test func envelopeQueriesMatchBruteForce() throws {
        let items = try squares(3000)
        let envelopes = items.envelopes()
        let index = SpatialIndex(envelopes)
        for window in [Envelope(minX: 100, minY: 100, maxX: 200, maxY: 180),
                       Envelope(minX: -10, minY: -10, maxX: 2000, maxY: 2000),
                       Envelope(minX: 500, minY: 500, maxX: 500, maxY: 500),
                       Envelope(minX: 2000, minY: 2000, maxX: 3000, maxY: 3000)] {
            let expected = envelopes.indices.filter { envelopes[$0].intersects(window) }
            #expect(index.query(intersecting: window) == expected)
        }
        #expect(SpatialIndex([]).query(intersecting: Envelope(minX: 0, minY: 0, maxX: 1, maxY: 1)).isEmpty)
    }

    @Test func nearestNeighbourMatchesBruteForce() throws {
        let items = try squares(2000)
        let index = SpatialIndex(items.envelopes())
        for probe in [(10.0, 10.0), (500.0, 520.0), (-300.0, 1200.0)] {
            let point = try Geometry(x: probe.0, y: probe.1)
            let distances = try items.map { try $0.distance(to: point) }
            let expected = distances.indices.sorted { (distances[$0], $0) < (distances[$1], $1) }.prefix(5)
            let found = try index.nearest(to: point.envelope, k: 5) { try items[$0].distance(to: point) }
            #expect(found.map(\.item) == Array(expected))
            #expect(found.map(\.distance) == expected.map { distances[$0] })
        }
    }

    @Test func preparedPredicatesAgreeWithPlainOnes() throws {
        let district = try Geometry(wkt: "POLYGON ((100 100, 900 120, 880 900, 120 850, 400 500, 100 100))")
        let prepared = try PreparedGeometry(district)
        let items = try squares(1500)
        for item in items {
            #expect(try prepared.intersects(item) == district.intersects(item))
            #expect(try prepared.contains(item) == district.contains(item))
            #expect(try prepared.covers(item) == district.covers(item))
            #expect(try prepared.within(item) == district.within(item))
            #expect(try prepared.touches(item) == district.touches(item))
            #expect(try prepared.overlaps(item) == district.overlaps(item))
            #expect(try prepared.disjoint(item) == district.disjoint(item))
            #expect(try prepared.coveredBy(item) == district.coveredBy(item))
            #expect(try prepared.crosses(item) == district.crosses(item))
            #expect(try prepared.containsProperly(item) == district.relate(item, matches: "T**FF*FF*"))
            #expect(try prepared.distance(to: item) == district.distance(to: item))
            #expect(try prepared.isWithinDistance(15, of: item) == (district.distance(to: item) <= 15))
        }
        let (a, b) = try prepared.nearestPoints(with: Geometry(x: 1000, y: 1000))
        #expect(b == Coordinate(1000, 1000) && a == Coordinate(880, 900))
    }
}
