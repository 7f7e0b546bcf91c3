import Foundation
import Testing
@testable import GeoCore

/// The validity shortcut (``SimpleRing``) against GEOS: wherever the shortcut answers, GEOS's
/// own validity operation (`validity()`, which never takes the shortcut) must say valid; rings
/// whose answer is worked out by hand check that it answers where it should.
@Suite struct SimpleRingTests {
    func shortcut(_ wkt: String) throws -> Bool {
        let g = try Geometry(wkt: wkt)
        return g.isCertainlySimplePolygon(GEOSContext.handle)
    }

    @Test func simpleRingsAreAnsweredHere() throws {
        // A square, the same with a neighbour's corner on an edge (a straight vertex), with a
        // repeated position, clockwise, and a concave L.
        #expect(try shortcut("POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0))"))
        #expect(try shortcut("POLYGON ((0 0, 5 0, 10 0, 10 10, 0 10, 0 0))"))
        #expect(try shortcut("POLYGON ((0 0, 10 0, 10 0, 10 10, 0 10, 0 0))"))
        #expect(try shortcut("POLYGON ((0 0, 0 10, 10 10, 10 0, 0 0))"))
        #expect(try shortcut("POLYGON ((0 0, 10 0, 10 4, 4 4, 4 10, 0 10, 0 0))"))
        // A parcel at its real place in EPSG:25832 (two decimals, as cadastral data).
        #expect(try shortcut("POLYGON ((391238.57 5705056.61, 391262.13 5705051.02, 391266.4 5705080.55, 391241.9 5705083.12, 391238.57 5705056.61))"))
    }

    @Test func invalidAndTouchingRingsGoToGEOS() throws {
        let cases = [
            "POLYGON ((0 0, 10 10, 10 0, 0 10, 0 0))",                 // bow-tie: crossing
            "POLYGON ((0 0, 10 0, 10 10, 5 10, 5 14, 5 10, 0 10, 0 0))", // spike: turns back on itself
            "POLYGON ((0 0, 10 0, 10 10, 5 0, 0 10, 0 0))",             // touches itself at (5 0)
            "POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0, 10 0, 10 10, 0 10, 0 0))", // the ring walked twice
            "POLYGON ((0 0, 10 0, 20 0, 0 0))",                         // collinear, no area
            "POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0), (2 2, 4 2, 4 4, 2 2))", // a hole: GEOS decides
        ]
        for wkt in cases {
            #expect(try !shortcut(wkt), "\(wkt)")
        }
        // Not decided here does not mean invalid: GEOS still answers (the polygon with a hole is valid).
        #expect(try Geometry(wkt: cases[5]).isValid())
        #expect(try !Geometry(wkt: cases[0]).isValid())
        #expect(try !Geometry(wkt: cases[1]).isValid())
    }

    @Test func nearlyCollinearVerticesAreNotGuessed() throws {
        // A vertex 1e-11 m beside the line through its neighbours, at UTM magnitudes: the
        // orientation's sign is below the certified bound, so the turn is only accepted because
        // it is certainly a straight run (angle > 90°), and a near-reversal goes to GEOS.
        let x = 391000.0, y = 5705000.0
        let straight = "POLYGON ((\(x) \(y), \(x + 5) \(y + 1e-11), \(x + 10) \(y), \(x + 10) \(y + 10), \(x) \(y + 10), \(x) \(y)))"
        #expect(try shortcut(straight))
        #expect(try Geometry(wkt: straight).validity().isValid)
        let reversal = "POLYGON ((\(x) \(y), \(x + 10) \(y), \(x + 10) \(y + 10), \(x + 5) \(y + 10), \(x + 5) \(y + 12), \(x + 5) \(y + 10 + 1e-11), \(x) \(y + 10), \(x) \(y)))"
        #expect(try !shortcut(reversal))
    }

    @Test func agreesWithGEOSOnRandomRings() throws {
        // Random rings of 3–20 vertices: most cross themselves. Where the shortcut answers,
        // GEOS must say valid; and it must answer for a good share of the valid ones.
        // Each failure prints its ring, so a random run is as good as a seeded one.
        var generator = SystemRandomNumberGenerator()
        func unit() -> Double { Double.random(in: 0..<1, using: &generator) }
        var answered = 0, validByGEOS = 0, checked = 0
        for n in 0..<6000 {
            let count = 3 + n % 18
            let scale = n % 3 == 0 ? 1.0 : (n % 3 == 1 ? 100.0 : 1e-3)
            let (ox, oy) = n % 2 == 0 ? (0.0, 0.0) : (391000.0, 5705000.0)
            var points: [Coordinate]
            if n % 4 == 0 {
                // Star-shaped around a centre (simple unless angles repeat): many valid rings.
                let angles = (0..<count).map { _ in unit() * 2 * Double.pi }.sorted()
                points = angles.map { a in
                    let r = (0.2 + unit()) * scale
                    return Coordinate(ox + r * cos(a), oy + r * sin(a))
                }
            } else {
                points = (0..<count).map { _ in Coordinate(ox + unit() * scale, oy + unit() * scale) }
            }
            points.append(points[0])
            let wkt = "POLYGON ((" + points.map { "\($0.x) \($0.y)" }.joined(separator: ", ") + "))"
            guard let g = try? Geometry(wkt: wkt) else { continue }
            checked += 1
            let fast = g.isCertainlySimplePolygon(GEOSContext.handle)
            let valid = try g.validity().isValid
            if valid { validByGEOS += 1 }
            if fast {
                answered += 1
                #expect(valid, "shortcut said valid, GEOS did not: \(wkt)")
            }
            #expect(try g.isValid() == valid)
        }
        print("simple-ring shortcut: checked \(checked), valid by GEOS \(validByGEOS), answered \(answered)")
        #expect(checked > 5900)
        #expect(validByGEOS > 1000)
        #expect(Double(answered) > 0.95 * Double(validByGEOS), "answered \(answered) of \(validByGEOS) valid rings")
    }
}
