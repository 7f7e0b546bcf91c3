import GeoCore

/// Sorts the rings of an Esri polygon or a shapefile polygon record into polygons with their
/// holes.
///
/// Both formats list a feature's rings flat, with no marker of which ring is a hole. The specs
/// say so by orientation (exterior clockwise, holes counter-clockwise), but files from other
/// writers do not always keep to it, so the rings are placed by containment instead, as GDAL
/// does: a ring inside another is that ring's hole, a ring inside a hole is the exterior of a
/// new polygon (an island in a lake), and a ring inside no other is an exterior. Orientation is
/// never looked at; the GeoJSON writer orients rings by RFC 7946 anyway.
///
/// Containment is decided by a position of the inner ring that is not on the outer ring's
/// boundary (even-odd rule); rings are tried from the largest area down, so every ring meets
/// its possible containers before itself.
struct PolygonRings {
    /// A ring: where its positions are in the flat coordinates, its area and its box.
    private struct Ring {
        let start: Int, count: Int
        let area: Double
        let minX: Double, minY: Double, maxX: Double, maxY: Double
    }

    /// The rings' positions, x y (z) per position.
    let flat: [Double]
    let dimension: Int
    /// The number of positions of each ring, in file order.
    let ringCounts: [Int]

    /// The result: the type (Polygon for one exterior, MultiPolygon for more), the flat
    /// coordinates in polygon order (exterior, then its holes), and the counts in the layout
    /// of `Geometry(type:flatCoordinates:hasZ:counts:crs:)`.
    struct Assembly {
        var type: GeometryType
        var flat: [Double]
        var counts: [Int]
    }

    /// Checks every ring (closed, at least 4 positions) and assembles the polygons; the
    /// error's text names the ring (0-based, in file order).
    func assemble() throws(FeatureIssue) -> Assembly {
        guard !ringCounts.isEmpty else { return Assembly(type: .polygon, flat: [], counts: [0]) }
        var rings: [Ring] = []
        rings.reserveCapacity(ringCounts.count)
        var start = 0
        for (number, count) in ringCounts.enumerated() {
            guard count >= 4 else {
                throw FeatureIssue("ring \(number) has \(count) position\(count == 1 ? "" : "s"); a ring needs at least 4 (closed)")
            }
            let first = start * dimension, last = (start + count - 1) * dimension
            guard flat[first] == flat[last], flat[first + 1] == flat[last + 1] else {
                throw FeatureIssue("ring \(number) is not closed (its first and last positions differ)")
            }
            if ringCounts.count > 1 { rings.append(ring(start: start, count: count)) }
            start += count
        }
        // One ring (most parcels): nothing to sort.
        if ringCounts.count == 1 { return Assembly(type: .polygon, flat: flat, counts: [1, ringCounts[0]]) }
        // Largest first; each ring's container is the smallest placed ring that holds it.
        let order = rings.indices.sorted { abs(rings[$0].area) > abs(rings[$1].area) }
        var depth = [Int](repeating: 0, count: rings.count)
        var parent = [Int?](repeating: nil, count: rings.count)
        var placed: [Int] = []
        for r in order {
            // Placed rings are in decreasing area: the last one that holds r is the smallest.
            for candidate in placed.reversed() where contains(rings[candidate], rings[r]) {
                parent[r] = candidate
                depth[r] = depth[candidate] + 1
                break
            }
            placed.append(r)
        }
        // Exteriors (even depth) in file order, each followed by its holes in file order.
        var out: [Double] = []
        out.reserveCapacity(flat.count)
        var counts: [Int] = [0]
        var polygons = 0
        for r in rings.indices where depth[r] % 2 == 0 {
            polygons += 1
            let holes = rings.indices.filter { parent[$0] == r && depth[$0] % 2 == 1 }
            counts.append(1 + holes.count)
            for k in [r] + holes {
                counts.append(rings[k].count)
                out.append(contentsOf: flat[(rings[k].start * dimension)..<((rings[k].start + rings[k].count) * dimension)])
            }
        }
        if polygons == 1 {
            counts.removeFirst()
            return Assembly(type: .polygon, flat: out, counts: counts)
        }
        counts[0] = polygons
        return Assembly(type: .multiPolygon, flat: out, counts: counts)
    }

    private func ring(start: Int, count: Int) -> Ring {
        var area = 0.0
        var minX = Double.infinity, minY = Double.infinity, maxX = -Double.infinity, maxY = -Double.infinity
        // Shoelace, relative to the first position for accuracy at UTM magnitudes.
        let x0 = flat[start * dimension], y0 = flat[start * dimension + 1]
        for i in start..<(start + count) {
            let x = flat[i * dimension], y = flat[i * dimension + 1]
            minX = min(minX, x); maxX = max(maxX, x); minY = min(minY, y); maxY = max(maxY, y)
            if i + 1 < start + count {
                let nx = flat[(i + 1) * dimension], ny = flat[(i + 1) * dimension + 1]
                area += (x - x0) * (ny - y0) - (nx - x0) * (y - y0)
            }
        }
        return Ring(start: start, count: count, area: area / 2, minX: minX, minY: minY, maxX: maxX, maxY: maxY)
    }

    /// Whether `inner` lies inside `outer`: its box inside the outer box, and its first
    /// position that is not on the outer boundary inside by the even-odd rule. A ring that lies
    /// wholly on the other's boundary counts as outside.
    private func contains(_ outer: Ring, _ inner: Ring) -> Bool {
        guard inner.minX >= outer.minX, inner.maxX <= outer.maxX, inner.minY >= outer.minY, inner.maxY <= outer.maxY else { return false }
        for i in inner.start..<(inner.start + inner.count - 1) {
            switch locate(flat[i * dimension], flat[i * dimension + 1], in: outer) {
            case .inside: return true
            case .outside: return false
            case .boundary: continue
            }
        }
        return false
    }

    private enum Location { case inside, outside, boundary }

    private func locate(_ px: Double, _ py: Double, in ring: Ring) -> Location {
        var inside = false
        var j = ring.start + ring.count - 2
        for i in ring.start..<(ring.start + ring.count - 1) {
            let xi = flat[i * dimension], yi = flat[i * dimension + 1]
            let xj = flat[j * dimension], yj = flat[j * dimension + 1]
            // On the segment?
            let cross = (xj - xi) * (py - yi) - (yj - yi) * (px - xi)
            if cross == 0, px >= min(xi, xj), px <= max(xi, xj), py >= min(yi, yj), py <= max(yi, yj) { return .boundary }
            if (yi > py) != (yj > py) {
                let xAtY = xi + (py - yi) / (yj - yi) * (xj - xi)
                if px < xAtY { inside.toggle() }
            }
            j = i
        }
        return inside ? .inside : .outside
    }
}
