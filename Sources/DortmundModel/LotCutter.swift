import GeoCore

/// Cuts a street block into lots of equal area: one or two rows along the block's long
/// axis, each row cut across into strips, every cut placed by bisection on the clipped area.
///
/// Clipping a ring by a half-plane (Sutherland–Hodgman) in plain arithmetic gives the exact
/// area of the part even for a non-convex ring (its output may touch itself along the cut,
/// which the shoelace formula does not mind), so the search needs no GEOS call; the lots of a
/// convex block are the clipped rings themselves, those of a non-convex one are cut by GEOS.
struct LotCutter {
    /// The block's exterior ring, counter-clockwise, without the closing repeat.
    let ring: [Coordinate]
    /// Whether the block is convex (then clipped rings are valid lots).
    let isConvex: Bool
    /// The long axis: true when the block is wider (x) than tall (y).
    let alongX: Bool

    init(ring: [Coordinate], isConvex: Bool) {
        self.ring = ring
        self.isConvex = isConvex
        var box = Envelope.empty
        for p in ring { box.include(x: p.x, y: p.y) }
        alongX = box.width >= box.height
    }

    /// A strip of the block: u (the long axis) from `u0` to `u1` and v from `v0` to `v1`.
    struct Strip {
        var u0: Double, u1: Double, v0: Double, v1: Double
    }

    /// The strips of `count` lots in `rows` rows, each of the same area.
    func strips(count: Int, rows: Int) -> [Strip] {
        let (uMin, uMax, vMin, vMax) = bounds()
        var result: [Strip] = []
        var rowEdges = [vMin]
        for r in 1..<rows {
            rowEdges.append(cut(fraction: Double(r) / Double(rows), alongU: false, within: Strip(u0: uMin, u1: uMax, v0: vMin, v1: vMax)))
        }
        rowEdges.append(vMax)
        var remaining = count
        for r in 0..<rows {
            let inRow = remaining / (rows - r)
            remaining -= inRow
            let row = Strip(u0: uMin, u1: uMax, v0: rowEdges[r], v1: rowEdges[r + 1])
            var edges = [uMin]
            for c in 1..<Swift.max(1, inRow) {
                edges.append(cut(fraction: Double(c) / Double(inRow), alongU: true, within: row))
            }
            edges.append(uMax)
            for c in 0..<Swift.max(1, inRow) where inRow > 0 {
                result.append(Strip(u0: edges[c], u1: edges[c + 1], v0: row.v0, v1: row.v1))
            }
        }
        return result
    }

    /// The part of the block inside `strip`, as a ring (convex blocks only).
    ///
    /// Neighbouring lots must share their cut vertices bit for bit, or rounding to the
    /// centimetre would leave slivers of overlap between them. So every vertex remembers the
    /// line its next segment lies on (an edge of the block's ring, or a cut line), and a cut
    /// point is always computed from that line's own definition (the ring edge's end points,
    /// or the cut's coordinate), never from an already clipped piece of it.
    func clipped(to strip: Strip) -> [Coordinate] {
        var r: [Carried] = ring.indices.map { Carried(point: ring[$0], carrier: .edge($0)) }
        r = clipCarried(r, alongU: true, keepBelow: false, at: strip.u0)
        r = clipCarried(r, alongU: true, keepBelow: true, at: strip.u1)
        r = clipCarried(r, alongU: false, keepBelow: false, at: strip.v0)
        r = clipCarried(r, alongU: false, keepBelow: true, at: strip.v1)
        return r.map(\.point)
    }

    /// The line a segment lies on: an edge of the block's ring, or a cut at u = t or v = t.
    enum Carrier {
        case edge(Int)
        case cut(alongU: Bool, at: Double)
    }

    struct Carried {
        var point: Coordinate
        /// The line of the segment from this vertex to the next.
        var carrier: Carrier
    }

    /// Where the line `carrier` crosses u = t (alongU) or v = t, computed from the line itself.
    private func crossing(_ carrier: Carrier, alongU: Bool, at t: Double) -> Coordinate {
        switch carrier {
        case let .edge(e):
            let p = ring[e], q = ring[(e + 1) % ring.count]
            let pv = alongU ? u(p) : v(p), qv = alongU ? u(q) : v(q)
            let k = (t - pv) / (qv - pv)
            let point = Coordinate(p.x + k * (q.x - p.x), p.y + k * (q.y - p.y))
            // Exactly on the cut line, whatever the rounding of k.
            if alongU == alongX { return Coordinate(t, point.y) }
            return Coordinate(point.x, t)
        case let .cut(cutAlongU, value):
            // Two cut lines cross at (u, v) = (value, t) or (t, value).
            let (uu, vv) = cutAlongU ? (value, t) : (t, value)
            return alongX ? Coordinate(uu, vv) : Coordinate(vv, uu)
        }
    }

    private func clipCarried(_ points: [Carried], alongU: Bool, keepBelow: Bool, at t: Double) -> [Carried] {
        guard !points.isEmpty else { return [] }
        func value(_ p: Coordinate) -> Double { alongU ? u(p) : v(p) }
        func inside(_ p: Coordinate) -> Bool { keepBelow ? value(p) <= t : value(p) >= t }
        var out: [Carried] = []
        out.reserveCapacity(points.count + 2)
        var previous = points[points.count - 1]
        for current in points {
            let a = inside(previous.point), b = inside(current.point)
            if a && !b {
                // Leaving: the segment from here on runs along the cut line.
                out.append(Carried(point: crossing(previous.carrier, alongU: alongU, at: t), carrier: .cut(alongU: alongU, at: t)))
            } else if !a && b {
                // Entering: the segment from here on continues the line we came in on.
                out.append(Carried(point: crossing(previous.carrier, alongU: alongU, at: t), carrier: previous.carrier))
            }
            if b { out.append(current) }
            previous = current
        }
        return out
    }

    /// The strip as a rectangle in x/y (for GEOS intersection with a non-convex block).
    func rectangle(_ s: Strip) -> [Coordinate] {
        let corners = [(s.u0, s.v0), (s.u1, s.v0), (s.u1, s.v1), (s.u0, s.v1), (s.u0, s.v0)]
        return corners.map { alongX ? Coordinate($0.0, $0.1) : Coordinate($0.1, $0.0) }
    }

    private func u(_ p: Coordinate) -> Double { alongX ? p.x : p.y }
    private func v(_ p: Coordinate) -> Double { alongX ? p.y : p.x }

    private func bounds() -> (Double, Double, Double, Double) {
        var uMin = Double.infinity, uMax = -Double.infinity, vMin = Double.infinity, vMax = -Double.infinity
        for p in ring {
            uMin = Swift.min(uMin, u(p)); uMax = Swift.max(uMax, u(p))
            vMin = Swift.min(vMin, v(p)); vMax = Swift.max(vMax, v(p))
        }
        return (uMin, uMax, vMin, vMax)
    }

    /// The position t (along u or v) where the part of `within` below t holds `fraction` of
    /// the area of `within`: 48 bisection steps, far below a millimetre.
    private func cut(fraction: Double, alongU: Bool, within s: Strip) -> Double {
        let base = clip(clip(clip(clip(ring, alongU: true, keepBelow: false, at: s.u0), alongU: true, keepBelow: true, at: s.u1),
                             alongU: false, keepBelow: false, at: s.v0), alongU: false, keepBelow: true, at: s.v1)
        let total = LotCutter.area(base)
        var lo = alongU ? s.u0 : s.v0, hi = alongU ? s.u1 : s.v1
        for _ in 0..<48 {
            let mid = (lo + hi) / 2
            let part = LotCutter.area(clip(base, alongU: alongU, keepBelow: true, at: mid))
            if part < fraction * total { lo = mid } else { hi = mid }
        }
        return (lo + hi) / 2
    }

    /// Sutherland–Hodgman against one axis-parallel half-plane (in u/v terms).
    private func clip(_ points: [Coordinate], alongU: Bool, keepBelow: Bool, at t: Double) -> [Coordinate] {
        guard !points.isEmpty else { return [] }
        func value(_ p: Coordinate) -> Double { alongU ? u(p) : v(p) }
        func inside(_ p: Coordinate) -> Bool { keepBelow ? value(p) <= t : value(p) >= t }
        var out: [Coordinate] = []
        out.reserveCapacity(points.count + 2)
        var previous = points[points.count - 1]
        for current in points {
            let a = inside(previous), b = inside(current)
            if a != b {
                let k = (t - value(previous)) / (value(current) - value(previous))
                out.append(Coordinate(previous.x + k * (current.x - previous.x), previous.y + k * (current.y - previous.y)))
            }
            if b { out.append(current) }
            previous = current
        }
        return out
    }

    /// The area of a ring without the closing repeat (positive when counter-clockwise).
    static func area(_ ring: [Coordinate]) -> Double { ring.signedArea }
}
