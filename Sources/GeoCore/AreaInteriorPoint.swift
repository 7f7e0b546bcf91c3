/// The point on surface of polygons given as plain coordinates, computed without a GEOS
/// geometry by the rule of GEOS 3.11's `InteriorPointArea` (what `GEOSPointOnSurface_r`,
/// Shapely's `representative_point` and PostGIS's `ST_PointOnSurface` answer for areas), so
/// that a reader that needs only where a polygon is can skip building it.
///
/// The rule, per polygon: the scan line's y is the middle of the envelope's y range narrowed to
/// the nearest vertex y at or below the middle and the nearest above it (the mean of those two);
/// every non-horizontal segment of every ring that meets the line gives a crossing (a vertex on
/// the line counts once: a downward segment does not count its start, an upward one not its
/// end); the crossings, sorted, pair up into sections inside the polygon, and the point is the
/// middle of the widest (the first of equal widths). Of several polygons, the one with the
/// widest section wins (the first of equal widths).
///
/// Where GEOS's answer rests on an assumption that fails (an odd number of crossings, no
/// section wider than zero: degenerate or invalid input), the result is nil and the caller
/// asks GEOS. Tested against `GEOSPointOnSurface_r` (GeoCoreTests, `AreaInteriorPointTests`).
public enum AreaInteriorPoint {
    /// The point on surface of polygons whose rings lie in `xy` (x, y per position, rings one
    /// after another); `polygons[k]` holds the number of positions of each ring of polygon k,
    /// exterior first. Rings are taken as closed (first position = last). Nil when GEOS's rule
    /// does not give a section wider than zero in any polygon, or a polygon is empty.
    public static func of(xy: UnsafeBufferPointer<Double>, polygons: [[Int]]) -> (x: Double, y: Double)? {
        var start = 0
        var best: (x: Double, y: Double)?
        var bestWidth = -1.0
        var crossings: [Double] = []
        for rings in polygons {
            guard let first = rings.first, first > 0 else { return nil }
            guard let found = polygon(xy, start: start, rings: rings, crossings: &crossings) else { return nil }
            if found.width > bestWidth {
                bestWidth = found.width
                best = (found.x, found.y)
            }
            start += rings.reduce(0, +)
        }
        guard bestWidth > 0 else { return nil }
        return best
    }

    /// One polygon: its interior point and the width of its section; nil for an odd number of
    /// crossings.
    @inline(__always)
    static func polygon(_ xy: UnsafeBufferPointer<Double>, start: Int, rings: [Int], crossings: inout [Double]) -> (x: Double, y: Double, width: Double)? {
        // The envelope's y range is the exterior ring's.
        let shellEnd = start + rings[0]
        var minY = xy[2 * start + 1], maxY = minY
        for i in start..<shellEnd {
            let y = xy[2 * i + 1]
            if y < minY { minY = y }
            if y > maxY { maxY = y }
        }
        // ScanLineYOrdinateFinder.
        let centreY = (minY + maxY) / 2.0
        var loY = minY, hiY = maxY
        let allEnd = start + rings.reduce(0, +)
        for i in start..<allEnd {
            let y = xy[2 * i + 1]
            if y <= centreY {
                if y > loY { loY = y }
            } else if y < hiY {
                hiY = y
            }
        }
        let scanY = (hiY + loY) / 2.0
        // Crossings of every ring that reaches the scan line.
        crossings.removeAll(keepingCapacity: true)
        var ringStart = start
        for count in rings {
            let ringEnd = ringStart + count
            defer { ringStart = ringEnd }
            var rMin = xy[2 * ringStart + 1], rMax = rMin
            for i in ringStart..<ringEnd {
                let y = xy[2 * i + 1]
                if y < rMin { rMin = y }
                if y > rMax { rMax = y }
            }
            if scanY < rMin || scanY > rMax { continue }
            var i = ringStart + 1
            while i < ringEnd {
                let x0 = xy[2 * i - 2], y0 = xy[2 * i - 1], x1 = xy[2 * i], y1 = xy[2 * i + 1]
                i += 1
                if y0 > scanY && y1 > scanY { continue }
                if y0 < scanY && y1 < scanY { continue }
                if y0 == y1 { continue }
                if y0 == scanY && y1 < scanY { continue }
                if y1 == scanY && y0 < scanY { continue }
                if x0 == x1 {
                    crossings.append(x0)
                } else {
                    let m = (y1 - y0) / (x1 - x0)
                    crossings.append(x0 + ((scanY - y0) / m))
                }
            }
        }
        // The default point of a polygon without a section: its first position.
        var point = (x: xy[2 * start], y: xy[2 * start + 1])
        var width = 0.0
        guard !crossings.isEmpty else { return (point.x, point.y, 0) }
        guard crossings.count % 2 == 0 else { return nil }
        crossings.sort()
        var k = 0
        while k < crossings.count {
            let a = crossings[k], b = crossings[k + 1]
            if b - a > width {
                width = b - a
                point = ((a + b) / 2.0, scanY)
            }
            k += 2
        }
        return (point.x, point.y, width)
    }
}

extension AreaInteriorPoint {
    /// Whether a closed ring of 4 to 64 positions is proven simple, so that a polygon of this
    /// ring alone is valid by GEOS's rules (``SimpleRing``: certified predicates; false means
    /// not decided, and the caller asks GEOS).
    public static func isCertainlyValidSingleRing(_ xy: UnsafePointer<Double>, count: Int) -> Bool {
        guard count >= 4, count <= SimpleRing.maximumPositions,
              xy[0] == xy[2 * count - 2], xy[1] == xy[2 * count - 1] else { return false }
        for i in 0..<(2 * count) where !xy[i].isFinite { return false }
        return SimpleRing.isCertainlySimple(xy, count: count)
    }
}
