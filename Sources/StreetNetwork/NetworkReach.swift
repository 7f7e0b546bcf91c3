import GeoCore

/// Walking distance on a street graph from a set of facilities (stops, schools), within a
/// cutoff: per origin the distance to the nearest facility, and the part of the network in
/// reach as a polygon. The catchment drawing of `catchment` with `method: network`, and the
/// building block for any analysis that needs walking distance bands.
///
/// The distance from origin p to facility f is `snap_m(p) + path(snap(p), snap(f)) + snap_m(f)`,
/// where a snap is the nearest point on the nearest walkable edge (``EdgeSnapper``) and the
/// path runs along edges between the two snap points; when both snap onto the same edge the
/// straight way along it counts too. A point farther than `maxSnap` from every edge it may
/// snap onto is off the network: it has no distance (and a facility off the network serves
/// nobody).
public final class NetworkReach: Sendable {
    public let graph: StreetGraph
    public let snapper: EdgeSnapper
    /// Per facility its snap, nil when off the network.
    public let facilitySnaps: [Snap?]
    /// Facilities off the network (no edge within `maxSnap`).
    public var offNetwork: [Int] { facilitySnaps.indices.filter { facilitySnaps[$0] == nil } }
    public let cutoff: Double
    public let maxSnap: Double
    /// Distances from the nearest facility to every node, up to `cutoff`.
    public let paths: ShortestPaths
    /// Facilities by the edge they snap onto.
    let onEdge: [Int: [Int]]
    /// Per edge, whether a facility snaps onto it (most do not: no dictionary look-up for them).
    let hasFacility: [Bool]

    /// Snaps the facilities (points: x, y in the graph's CRS) and runs one multi-source
    /// Dijkstra from all of them, up to `cutoff` (m).
    public init(snapper: EdgeSnapper, facilities: [(x: Double, y: Double)], cutoff: Double, maxSnap: Double = 250) {
        graph = snapper.graph
        self.snapper = snapper
        self.cutoff = cutoff
        self.maxSnap = maxSnap
        let snaps = facilities.map { f -> Snap? in
            guard let s = snapper.snap(f.x, f.y), s.distance <= maxSnap else { return nil }
            return s
        }
        facilitySnaps = snaps
        var seeds: [ShortestPaths.Seed] = []
        var onEdge: [Int: [Int]] = [:]
        for (f, snap) in snaps.enumerated() {
            guard let s = snap else { continue }
            onEdge[s.edge, default: []].append(f)
            seeds.append(.init(node: graph.edgeFrom[s.edge], distance: s.distance + s.along, source: Int32(f)))
            seeds.append(.init(node: graph.edgeTo[s.edge], distance: s.distance + (graph.edgeLength[s.edge] - s.along), source: Int32(f)))
        }
        self.onEdge = onEdge
        var has = [Bool](repeating: false, count: graph.edgeCount)
        for e in onEdge.keys { has[e] = true }
        hasFacility = has
        paths = ShortestPaths(graph: graph, seeds: seeds, cutoff: cutoff)
    }

    /// What an origin reaches.
    public struct Walk: Sendable, Equatable {
        /// The walking distance to the nearest facility (m); nil when none is within the cutoff
        /// or the origin is off the network.
        public var distance: Double?
        /// That facility.
        public var facility: Int?
        /// The origin's snap (nil only when the graph has no edge to snap onto).
        public var snap: Snap?
        /// The origin is farther than `maxSnap` from every edge it may snap onto.
        public var offNetwork: Bool
    }

    /// The nearest facility of an origin point on foot.
    public func walk(fromX px: Double, y py: Double) -> Walk {
        guard let s = snapper.snap(px, py) else { return Walk(distance: nil, facility: nil, snap: nil, offNetwork: true) }
        guard s.distance <= maxSnap else { return Walk(distance: nil, facility: nil, snap: s, offNetwork: true) }
        let (d, f) = distance(from: s)
        return Walk(distance: d.map { $0 + s.distance }, facility: f, snap: s, offNetwork: false)
    }

    /// The way from a snap point to the nearest facility (without the origin's own snap
    /// distance), if within the cutoff.
    public func distance(from s: Snap) -> (Double?, Int?) {
        let e = s.edge, L = graph.edgeLength[e]
        let a = Int(graph.edgeFrom[e]), b = Int(graph.edgeTo[e])
        var best = Double.infinity, facility = -1
        func consider(_ d: Double, _ f: Int) {
            if d < best || (d == best && f < facility) { best = d; facility = f }
        }
        if paths.source[a] >= 0 { consider(paths.distance[a] + s.along, Int(paths.source[a])) }
        if paths.source[b] >= 0 { consider(paths.distance[b] + (L - s.along), Int(paths.source[b])) }
        for f in hasFacility[e] ? onEdge[e]! : [] {
            let fs = facilitySnaps[f]!
            consider(fs.distance + abs(fs.along - s.along), f)
        }
        guard facility >= 0, best + s.distance <= cutoff else { return (nil, nil) }
        return (best, facility)
    }

    /// A reached piece of an edge: from `start` to `end` metres along it from its `edgeFrom` node.
    public struct Piece: Sendable, Equatable {
        public var edge: Int
        public var start: Double
        public var end: Double
    }

    /// The parts of edges within `radius` (≤ cutoff) of a facility, exact: an edge reached from
    /// both ends or wholly is one piece, a partly reached edge is cut at the exact fraction, and
    /// the edge a facility snaps onto is reached around the facility's snap point.
    public func reachedPieces(within radius: Double) -> [Piece] {
        let r = Swift.min(radius, cutoff)
        var pieces: [Piece] = []
        for e in 0..<graph.edgeCount {
            let L = graph.edgeLength[e]
            var intervals: [(Double, Double)] = []
            let da = paths.distance[Int(graph.edgeFrom[e])], db = paths.distance[Int(graph.edgeTo[e])]
            if da <= r { intervals.append((0, Swift.min(L, r - da))) }
            if db <= r { intervals.append((Swift.max(0, L - (r - db)), L)) }
            for f in hasFacility[e] ? onEdge[e]! : [] {
                let s = facilitySnaps[f]!
                if s.distance <= r { intervals.append((Swift.max(0, s.along - (r - s.distance)), Swift.min(L, s.along + (r - s.distance)))) }
            }
            guard !intervals.isEmpty else { continue }
            intervals.sort { $0.0 < $1.0 }
            var current = intervals[0]
            for next in intervals.dropFirst() {
                if next.0 <= current.1 { current.1 = Swift.max(current.1, next.1) } else {
                    pieces.append(Piece(edge: e, start: current.0, end: current.1))
                    current = next
                }
            }
            pieces.append(Piece(edge: e, start: current.0, end: current.1))
        }
        return pieces
    }

    /// The coordinates of a piece (its two ends, interpolated along the edge).
    public func coordinates(of piece: Piece) -> (Coordinate, Coordinate) {
        let a = Int(graph.edgeFrom[piece.edge]), b = Int(graph.edgeTo[piece.edge]), L = graph.edgeLength[piece.edge]
        func at(_ d: Double) -> Coordinate {
            if d <= 0 { return Coordinate(graph.x[a], graph.y[a]) }
            if d >= L { return Coordinate(graph.x[b], graph.y[b]) }
            let t = d / L
            return Coordinate(graph.x[a] + t * (graph.x[b] - graph.x[a]), graph.y[a] + t * (graph.y[b] - graph.y[a]))
        }
        return (at(piece.start), at(piece.end))
    }

    /// The reached network within `radius` as lines (a MultiLineString; pieces of zero
    /// length, a facility exactly at the radius, are left out).
    public func reachedLines(within radius: Double) throws -> Geometry {
        var flat: [Double] = [], counts: [Int] = [0]
        for piece in reachedPieces(within: radius) where piece.end > piece.start {
            let (p, q) = coordinates(of: piece)
            flat += [p.x, p.y, q.x, q.y]
            counts.append(2)
            counts[0] += 1
        }
        return try Geometry(type: .multiLineString, flatCoordinates: flat, hasZ: false, counts: counts, crs: graph.crs)
    }

    /// The catchment polygon: the reached network within `radius`, buffered by `buffer` m and
    /// unioned (never a hull over land that cannot be reached). Empty when nothing is reached.
    public func area(within radius: Double, buffer: Double, quadrantSegments: Int = 8) throws -> Geometry {
        let lines = try reachedLines(within: radius)
        if lines.isEmpty { return try Geometry(empty: .polygon, crs: graph.crs) }
        return try lines.buffer(buffer, style: BufferStyle(quadrantSegments: quadrantSegments))
    }

    /// One polygon per distance band (each band's reach from the same Dijkstra run; bands
    /// above the cutoff are cut to it), for analyses that draw classes by walking distance.
    public func areas(bands: [Double], buffer: Double, quadrantSegments: Int = 8) throws -> [Geometry] {
        try bands.map { try area(within: $0, buffer: buffer, quadrantSegments: quadrantSegments) }
    }
}
