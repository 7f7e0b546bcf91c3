import GeoCore
import GeoIO
import PropertyBased
import Testing
import UrbanAnalysis

/// Properties of the catchment share that hold for every parcel and every stop layout, checked
/// on generated ones (swift-property-based: random inputs, shrunk to the smallest failing one,
/// with the seed to replay it).
@Suite struct CatchmentProperties {
    static let utm = CRS.etrs89UTM32N
    /// Shares are areas divided by areas, computed on tiles of the union: equal shares may
    /// differ in the last bits, never by more.
    static let tolerance = 1e-9

    /// A parcel (a rectangle of 5 to 200 m a side, or a triangle) and one to four stops, all
    /// within a 2 km square in Dortmund's UTM coordinates, from twelve numbers in [0, 1).
    static func layout(_ u: [Double]) throws -> (parcel: Geometry, stops: Layer) {
        let x0 = 393_000 + 2_000 * u[0], y0 = 5_708_000 + 2_000 * u[1]
        let w = 5 + 195 * u[2], h = 5 + 195 * u[3]
        let parcel: Geometry
        if u[4] < 0.5 {
            parcel = try Geometry(polygon: [Coordinate(x0, y0), Coordinate(x0 + w, y0), Coordinate(x0 + w, y0 + h), Coordinate(x0, y0 + h), Coordinate(x0, y0)], crs: utm)
        } else {
            // Counter-clockwise with a base of w and an apex above it: never degenerate.
            parcel = try Geometry(polygon: [Coordinate(x0, y0), Coordinate(x0 + w, y0), Coordinate(x0 + w * u[5], y0 + h), Coordinate(x0, y0)], crs: utm)
        }
        let count = 1 + Int(u[6] * 4)
        var stops: [Feature] = []
        for k in 0..<count {
            let a = u[7 + k], b = u[(8 + 2 * k) % 12]
            let stop = try Geometry(x: x0 - 600 + 1_200 * a, y: y0 - 600 + 1_200 * b, crs: utm)
            stops.append(Feature(id: .string("s\(k)"), geometry: stop, properties: ["name": .string("s\(k)")]))
        }
        return (parcel, Layer(name: "stops", crs: utm, features: stops))
    }

    @Test func theShareLiesInZeroToOneAndGrowsWithTheRadius() async throws {
        await propertyCheck(count: 150, input: Gen.double(in: 0..<1).array(of: 14)) { u in
            let (parcel, stops) = try Self.layout(u)
            let r1 = 30 + 700 * u[12], r2 = r1 + 400 * u[13]
            for method in [Catchment.Method.radius, .bufferUnion] {  // the crow-fly methods (network needs streets)
                let small = try Catchment.single(radius: r1, method: method).prepare(stops).reach(parcel)
                let large = try Catchment.single(radius: r2, method: method).prepare(stops).reach(parcel)
                #expect(small.share >= 0 && small.share <= 1 && large.share >= 0 && large.share <= 1, "\(method): \(small.share), \(large.share)")
                #expect(large.share >= small.share - Self.tolerance, "\(method): r \(r1) → \(r2) gave \(small.share) → \(large.share)")
                // Served is "some of it in reach": it cannot be lost by a longer radius either.
                #expect(!small.served || large.served, "\(method)")
            }
        }
    }

    @Test func aParcelAroundItsOwnStopIsFullyServed() async throws {
        // A stop at the parcel's centroid with a radius longer than the parcel's diagonal
        // (taken 1.1 times: a 32-gon's chords lie inside the circle by at most 0.5 %).
        await propertyCheck(count: 100, input: Gen.double(in: 0..<1).array(of: 14)) { u in
            let (parcel, _) = try Self.layout(u)
            let centroid = try parcel.centroid()
            let stop = Layer(name: "stops", crs: Self.utm, features: [Feature(id: .string("s"), geometry: centroid, properties: ["name": .string("s")])])
            let e = parcel.envelope
            let diagonal = ((e.maxX - e.minX) * (e.maxX - e.minX) + (e.maxY - e.minY) * (e.maxY - e.minY)).squareRoot()
            let reach = try Catchment.single(radius: 1.1 * diagonal + 1).prepare(stop).reach(parcel)
            #expect(abs(reach.share - 1) <= Self.tolerance && reach.served, "\(reach.share)")
        }
    }
}

/// Invariants of GEOS's overlay and buffer as the toolkit calls them, on generated polygons.
@Suite struct GeometryProperties {
    static func rectangle(_ u: ArraySlice<Double>) throws -> Geometry {
        let v = Array(u)
        let x0 = 393_000 + 500 * v[0], y0 = 5_708_000 + 500 * v[1], w = 1 + 300 * v[2], h = 1 + 300 * v[3]
        return try Geometry(polygon: [Coordinate(x0, y0), Coordinate(x0 + w, y0), Coordinate(x0 + w, y0 + h), Coordinate(x0, y0 + h), Coordinate(x0, y0)], crs: .etrs89UTM32N)
    }

    @Test func theUnionIsNoLargerThanItsPartsAndNoSmallerThanEither() async throws {
        await propertyCheck(count: 200, input: Gen.double(in: 0..<1).array(of: 8)) { u in
            let a = try Self.rectangle(u[0..<4]), b = try Self.rectangle(u[4..<8])
            let union = try a.union(b), both = try a.intersection(b)
            let (areaA, areaB, areaU, areaI) = (try a.area(), try b.area(), try union.area(), try both.area())
            let eps = 1e-9 * (areaA + areaB)
            #expect(areaU <= areaA + areaB + eps && areaU >= max(areaA, areaB) - eps)
            // Inclusion–exclusion: |A ∪ B| = |A| + |B| − |A ∩ B|.
            #expect(abs(areaU - (areaA + areaB - areaI)) <= eps, "\(areaU) vs \(areaA) + \(areaB) − \(areaI)")
        }
    }

    @Test func aBufferCoversItsGeometryAndGrowsItsArea() async throws {
        await propertyCheck(count: 150, input: Gen.double(in: 0..<1).array(of: 5)) { u in
            let g = try Self.rectangle(u[0..<4])
            let d = 0.5 + 100 * u[4]
            let buffered = try g.buffer(d)
            #expect(try buffered.covers(g))
            // A rectangle w × h buffered by d with round corners: w·h + 2d(w + h) + πd²; the
            // 32-gon of the corners lies inside the circle, so the area is at most that and at
            // least the area without the corners' quarter circles.
            let e = g.envelope
            let w = e.maxX - e.minX, h = e.maxY - e.minY
            let area = try buffered.area()
            #expect(area <= w * h + 2 * d * (w + h) + Double.pi * d * d + 1e-6)
            #expect(area >= w * h + 2 * d * (w + h) + 0.99 * Double.pi * d * d - 1e-6, "\(area)")
        }
    }
}
