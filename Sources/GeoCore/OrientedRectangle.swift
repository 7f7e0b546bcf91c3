#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A rectangle of any orientation, as four corners: the result of
/// ``Geometry/minimumAreaRectangle()``.
///
/// `length` is the long side and `width` the short one, so that shape measures
/// (rectangularity A / area, elongation 1 − width / length) read directly.
public struct OrientedRectangle: Sendable, Equatable {
    /// The corners, counter-clockwise, starting at the corner with the smallest projection
    /// on the side the rectangle was found along.
    public let corners: [Coordinate]
    /// The long side (≥ `width`), in CRS units.
    public let length: Double
    /// The short side, in CRS units; 0 for a hull that is a segment or a point.
    public let width: Double
    /// The direction of the long side, in degrees counter-clockwise from the x axis, in [0, 180).
    public let angle: Double

    public var area: Double { length * width }

    /// The rectangle as a polygon in `crs` (a line or point when it is degenerate).
    public func geometry(crs: CRS?) throws -> Geometry {
        if width == 0 {
            let distinct = length == 0 ? [corners[0]] : [corners[0], corners[1]]
            return distinct.count == 1
                ? try Geometry(point: distinct[0], crs: crs)
                : try Geometry(lineString: distinct, crs: crs)
        }
        return try Geometry(polygon: corners + [corners[0]], crs: crs)
    }
}

extension OrientedRectangle {
    /// The smallest-area enclosing rectangle of a convex polygon given as its vertices in
    /// counter-clockwise order, without the closing repeat, by rotating calipers
    /// (Toussaint 1983): the optimal rectangle has a side collinear with a hull edge
    /// (Freeman & Shapira 1975), so for each edge in turn the three other calipers (farthest
    /// ahead along the edge, farthest from it, farthest behind) advance monotonically around
    /// the hull, and the whole search costs O(h) after the hull.
    ///
    /// Ties (a square's four equal rectangles) keep the first edge, so the result is
    /// deterministic for a given vertex order.
    static func enclosing(convexHull hull: [Coordinate]) -> OrientedRectangle? {
        let n = hull.count
        guard n > 0 else { return nil }
        if n == 1 { return OrientedRectangle(corners: Array(repeating: hull[0], count: 4), length: 0, width: 0, angle: 0) }
        if n == 2 { return segment(hull[0], hull[1]) }

        func dot(_ a: Coordinate, _ ux: Double, _ uy: Double) -> Double { a.x * ux + a.y * uy }

        var best: (area: Double, ux: Double, uy: Double, minU: Double, maxU: Double, maxV: Double, baseV: Double)?
        // Calipers: `ahead` maximises the projection on the edge direction u, `far` the
        // projection on the inward normal v, `behind` minimises the projection on u.
        var ahead = 0, far = 0, behind = 0, started = false
        func next(_ k: Int) -> Int { k + 1 == n ? 0 : k + 1 }
        for i in 0..<n {
            let p = hull[i], q = hull[next(i)]
            let ex = q.x - p.x, ey = q.y - p.y
            let edgeLength = (ex * ex + ey * ey).squareRoot()
            guard edgeLength > 0 else { continue }
            let ux = ex / edgeLength, uy = ey / edgeLength
            let vx = -uy, vy = ux // inward normal of a counter-clockwise hull
            if !started {
                // The first edge places the calipers by a full scan; later edges only advance them.
                for k in 0..<n {
                    if dot(hull[k], ux, uy) > dot(hull[ahead], ux, uy) { ahead = k }
                    if dot(hull[k], vx, vy) > dot(hull[far], vx, vy) { far = k }
                    if dot(hull[k], ux, uy) < dot(hull[behind], ux, uy) { behind = k }
                }
                started = true
            }
            while dot(hull[next(ahead)], ux, uy) > dot(hull[ahead], ux, uy) { ahead = next(ahead) }
            while dot(hull[next(far)], vx, vy) > dot(hull[far], vx, vy) { far = next(far) }
            while dot(hull[next(behind)], ux, uy) < dot(hull[behind], ux, uy) { behind = next(behind) }
            let minU = dot(hull[behind], ux, uy), maxU = dot(hull[ahead], ux, uy)
            let baseV = dot(p, vx, vy), maxV = dot(hull[far], vx, vy)
            let area = (maxU - minU) * (maxV - baseV)
            if best == nil || area < best!.area {
                best = (area, ux, uy, minU, maxU, maxV, baseV)
            }
        }
        guard let b = best else { return segment(hull[0], hull[1]) }
        let vx = -b.uy, vy = b.ux
        func point(_ u: Double, _ v: Double) -> Coordinate {
            Coordinate(x: u * b.ux + v * vx, y: u * b.uy + v * vy)
        }
        let corners = [point(b.minU, b.baseV), point(b.maxU, b.baseV), point(b.maxU, b.maxV), point(b.minU, b.maxV)]
        let alongEdge = b.maxU - b.minU, across = b.maxV - b.baseV
        var angle = (alongEdge >= across ? atan2Degrees(b.uy, b.ux) : atan2Degrees(vy, vx))
        angle = angle.truncatingRemainder(dividingBy: 180)
        if angle < 0 { angle += 180 }
        return OrientedRectangle(corners: corners, length: Swift.max(alongEdge, across),
                                 width: Swift.min(alongEdge, across), angle: angle)
    }

    private static func segment(_ a: Coordinate, _ b: Coordinate) -> OrientedRectangle {
        let dx = b.x - a.x, dy = b.y - a.y
        var angle = atan2Degrees(dy, dx).truncatingRemainder(dividingBy: 180)
        if angle < 0 { angle += 180 }
        return OrientedRectangle(corners: [a, b, b, a], length: (dx * dx + dy * dy).squareRoot(), width: 0, angle: angle)
    }
}

/// atan2 in degrees.
func atan2Degrees(_ y: Double, _ x: Double) -> Double {
    atan2(y, x) * 180 / Double.pi
}
