/// A certified test that a closed ring is simple, for a shortcut in ``Geometry/isValid()``.
///
/// A Polygon without holes is valid under the OGC rules that GEOS checks exactly when its
/// coordinates are finite, its ring is closed, has at least four positions once repeated
/// positions are dropped, and does not touch or cross itself. For the small rings of parcels
/// and building footprints this can be decided faster here than by GEOS's validity operation,
/// which builds a noding index for every call.
///
/// The answer is one of two: `true`, proven with floating-point predicates whose sign is
/// certified by Shewchuk's error bound (`ccwerrboundA` = (3 + 16ε)ε: when |det| exceeds
/// it times the sum of the absolute products, the sign of the rounded determinant is the sign
/// of the exact one), or `false`, meaning *not decided here* (touching, collinear overlap, a
/// crossing, a sign too close to call, too many positions): GEOS then decides. So the shortcut
/// can make validity faster but never different.
///
/// Tested against GEOS on generated, real and adversarial rings (GeoCoreTests,
/// `SimpleRingTests`).
enum SimpleRing {
    /// Rings with more positions go to GEOS: the pairwise test is quadratic.
    static let maximumPositions = 64

    /// (3 + 16ε)ε with ε = 2⁻⁵³ (Shewchuk, "Adaptive precision floating-point arithmetic and
    /// fast robust geometric predicates", 1997: `ccwerrboundA`).
    private static let errorBound = (3.0 + 16.0 * 0x1p-53) * 0x1p-53

    /// The sign of the 2×2 determinant `ax·by − ay·bx` when it is certain, 0 otherwise.
    @inline(__always)
    private static func certifiedSign(_ ax: Double, _ ay: Double, _ bx: Double, _ by: Double) -> Int {
        let left = ax * by, right = ay * bx
        let det = left - right
        let bound = errorBound * (abs(left) + abs(right))
        if det > bound { return 1 }
        if det < -bound { return -1 }
        return 0
    }

    /// Orientation of c relative to the line a→b (1 left, −1 right), 0 when not certain.
    @inline(__always)
    private static func orientation(_ ax: Double, _ ay: Double, _ bx: Double, _ by: Double, _ cx: Double, _ cy: Double) -> Int {
        certifiedSign(bx - ax, by - ay, cx - ax, cy - ay)
    }

    /// Whether the ring in `xy` (x, y pairs, `count` positions) is certainly closed, finite,
    /// long enough and simple; false when it is not or when that is not certain.
    static func isCertainlySimple(_ xy: UnsafePointer<Double>, count: Int) -> Bool {
        guard count >= 4, count <= maximumPositions else { return false }
        guard xy[0] == xy[2 * count - 2], xy[1] == xy[2 * count - 1] else { return false }
        // Positions without consecutive repeats (GEOS ignores repeated points), closed.
        return withUnsafeTemporaryAllocation(of: Double.self, capacity: 2 * count) { p -> Bool in
            var m = 0
            for i in 0..<count {
                let x = xy[2 * i], y = xy[2 * i + 1]
                guard x.isFinite, y.isFinite else { return false }
                if m > 0, p[2 * m - 2] == x, p[2 * m - 1] == y { continue }
                p[2 * m] = x
                p[2 * m + 1] = y
                m += 1
            }
            let segments = m - 1
            guard segments >= 3 else { return false }
            // Neighbouring segments share their vertex only: a certain turn, or an angle
            // certainly wider than a right angle (a straight run through a vertex, as a
            // neighbour's corner on an edge makes; a spike turns back and is not decided here).
            for i in 0..<segments {
                let c = i, prev = i == 0 ? segments - 1 : i - 1, next = i + 1
                let ux = p[2 * prev] - p[2 * c], uy = p[2 * prev + 1] - p[2 * c + 1]
                let vx = p[2 * next] - p[2 * c], vy = p[2 * next + 1] - p[2 * c + 1]
                if certifiedSign(ux, uy, vx, vy) != 0 { continue }
                // dot(u, v) certainly negative: the same bound holds for ux·vx + uy·vy.
                let a = ux * vx, b = uy * vy
                guard a + b < -errorBound * (abs(a) + abs(b)) else { return false }
            }
            // Segments that are not neighbours must be certainly apart.
            for i in 0..<segments {
                let ax = p[2 * i], ay = p[2 * i + 1], bx = p[2 * i + 2], by = p[2 * i + 3]
                let minX = Swift.min(ax, bx), maxX = Swift.max(ax, bx), minY = Swift.min(ay, by), maxY = Swift.max(ay, by)
                var j = i + 2
                while j < segments {
                    defer { j += 1 }
                    if i == 0, j == segments - 1 { continue }  // neighbours through the closing vertex
                    let cx = p[2 * j], cy = p[2 * j + 1], dx = p[2 * j + 2], dy = p[2 * j + 3]
                    // Bounding boxes apart (exact comparisons): no common point.
                    if Swift.max(cx, dx) < minX || Swift.min(cx, dx) > maxX || Swift.max(cy, dy) < minY || Swift.min(cy, dy) > maxY {
                        continue
                    }
                    let o1 = orientation(ax, ay, bx, by, cx, cy), o2 = orientation(ax, ay, bx, by, dx, dy)
                    let o3 = orientation(cx, cy, dx, dy, ax, ay), o4 = orientation(cx, cy, dx, dy, bx, by)
                    guard o1 != 0, o2 != 0, o3 != 0, o4 != 0 else { return false }
                    // Both pairs on opposite sides: the segments cross (invalid; GEOS says why).
                    if o1 != o2, o3 != o4 { return false }
                }
            }
            return true
        }
    }
}
