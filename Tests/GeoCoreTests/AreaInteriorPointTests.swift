import Foundation
import Testing
@testable import GeoCore

/// ``AreaInteriorPoint`` against GEOS's own `GEOSPointOnSurface_r` (``Geometry/pointOnSurface()``),
/// an independent implementation: wherever it answers, the point must be GEOS's exactly.
@Suite struct AreaInteriorPointTests {
    typealias Ring = [(Double, Double)]

    /// Polygons (exterior first, then holes) as WKT, and the lean point (nil: not answered).
    func compare(_ rings: [Ring], mustAnswer: Bool = true, sourceLocation: SourceLocation = #_sourceLocation) throws {
        try compareMulti([rings], mustAnswer: mustAnswer, sourceLocation: sourceLocation)
    }

    func compareMulti(_ polygons: [[Ring]], mustAnswer: Bool = true, sourceLocation: SourceLocation = #_sourceLocation) throws {
        func ringText(_ r: Ring) -> String { "(" + r.map { "\($0.0) \($0.1)" }.joined(separator: ", ") + ")" }
        func polygonText(_ p: [Ring]) -> String { "(" + p.map(ringText).joined(separator: ", ") + ")" }
        let wkt = polygons.count == 1 ? "POLYGON " + polygonText(polygons[0]) : "MULTIPOLYGON (" + polygons.map(polygonText).joined(separator: ", ") + ")"
        let flat = polygons.flatMap { $0.flatMap { $0.flatMap { [$0.0, $0.1] } } }
        let lean = flat.withUnsafeBufferPointer { AreaInteriorPoint.of(xy: $0, polygons: polygons.map { $0.map(\.count) }) }
        if mustAnswer { #expect(lean != nil, "\(wkt)", sourceLocation: sourceLocation) }
        guard let lean else { return }
        let geos = try Geometry(wkt: wkt).pointOnSurface()
        #expect(lean.x == geos.x! && lean.y == geos.y!, "\(wkt): \(lean) vs GEOS \(geos.x!) \(geos.y!)", sourceLocation: sourceLocation)
    }

    @Test func handMadePolygons() throws {
        // A square: its centre (5, 5) by hand.
        let square: Ring = [(0, 0), (10, 0), (10, 10), (0, 10), (0, 0)]
        let p = [0.0, 0, 10, 0, 10, 10, 0, 10, 0, 0].withUnsafeBufferPointer { AreaInteriorPoint.of(xy: $0, polygons: [[5]]) }
        #expect(p?.x == 5 && p?.y == 5)
        try compare([square])
        // Concave: an L, a U (two sections on the scan line), a C opening right.
        try compare([[(0, 0), (10, 0), (10, 4), (4, 4), (4, 10), (0, 10), (0, 0)]])
        try compare([[(0, 0), (9, 0), (9, 10), (6, 10), (6, 3), (3, 3), (3, 10), (0, 10), (0, 0)]])
        try compare([[(0, 0), (10, 0), (10, 2), (2, 2), (2, 8), (10, 8), (10, 10), (0, 10), (0, 0)]])
        // Vertices exactly on the envelope's centre line (y 5): a diamond, a zigzag.
        try compare([[(0, 5), (5, 0), (10, 5), (5, 10), (0, 5)]])
        try compare([[(0, 0), (10, 0), (10, 10), (7, 5), (5, 10), (3, 5), (0, 10), (0, 0)]])
        // A vertical edge crossing the line, clockwise ring.
        try compare([[(0, 0), (0, 7), (3, 7), (8, 3), (8, 0), (0, 0)]])
        // A hole across the scan line: the wider side wins; a hole left of the centre.
        try compare([square, [(2, 2), (4, 2), (4, 8), (2, 8), (2, 2)]])
        try compare([square, [(1, 4), (3, 4), (3, 6), (1, 6), (1, 4)], [(6, 1), (8, 1), (8, 9), (6, 9), (6, 1)]])
        // MultiPolygons: the polygon with the widest section wins, not the first.
        try compareMulti([[[(0, 0), (2, 0), (2, 10), (0, 10), (0, 0)]], [[(5, 0), (15, 0), (15, 3), (5, 3), (5, 0)]]])
        try compareMulti([[square], [[(20, 0), (30, 0), (30, 10), (20, 10), (20, 0)]]])
        // A real parcel at its place in EPSG:25832.
        try compare([[(391238.57, 5705056.61), (391262.13, 5705051.02), (391266.4, 5705080.55), (391241.9, 5705083.12), (391238.57, 5705056.61)]])
        // A zero-area polygon: not answered here (GEOS decides).
        let flat = [0.0, 0, 10, 0, 20, 0, 0, 0]
        #expect(flat.withUnsafeBufferPointer { AreaInteriorPoint.of(xy: $0, polygons: [[4]]) } == nil)
    }

    /// A random star-shaped ring (simple) around (cx, cy) of `n` vertices.
    func star(_ cx: Double, _ cy: Double, _ radius: Double, _ n: Int, _ g: inout some RandomNumberGenerator, grid: Double? = nil) -> Ring {
        let angles = (0..<n).map { _ in Double.random(in: 0..<(2 * .pi), using: &g) }.sorted()
        var ring: Ring = angles.map { a in
            let r = radius * Double.random(in: 0.3...1, using: &g)
            var x = cx + r * cos(a), y = cy + r * sin(a)
            if let grid { x = (x / grid).rounded() * grid; y = (y / grid).rounded() * grid }
            return (x, y)
        }
        ring.append(ring[0])
        return ring
    }

    @Test func randomPolygonsAgreeWithGEOS() throws {
        // Each failure prints its polygon, so a random run is as good as a seeded one.
        var g = SystemRandomNumberGenerator()
        for k in 0..<3000 {
            let cx = 390000 + Double.random(in: 0...10000, using: &g), cy = 5705000 + Double.random(in: 0...10000, using: &g)
            let n = Int.random(in: 3...30, using: &g)
            // Every third on a 1 m grid, so that vertices share y (and lie on the scan line's neighbours).
            let shell = star(cx, cy, 50, n, &g, grid: k % 3 == 0 ? 1 : nil)
            switch k % 4 {
            case 0, 1:
                try compare([shell], mustAnswer: k % 3 != 0)
            case 2:
                // A small hole around the centre (inside the star's inner radius of 15 m).
                try compare([shell, Array(star(cx, cy, 10, Int.random(in: 3...8, using: &g), &g).reversed())], mustAnswer: false)
            default:
                try compareMulti([[shell], [star(cx + 200, cy + Double.random(in: -60...60, using: &g), 50, n, &g)]], mustAnswer: false)
            }
        }
    }
}
