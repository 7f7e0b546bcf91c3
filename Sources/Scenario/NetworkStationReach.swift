import GeoCore
import StreetNetwork
import Transit
import UrbanAnalysis

/// Walking reach on a street graph for the ÖV-Güteklassen (`transit-quality` with
/// `method: network`): Transit's ``StationReach`` answered by StreetNetwork's ``NetworkReach``.
/// It lives here, in the layer that knows both, so that Transit stays on GeoCore and GeoIO.
///
/// The distance from a station s to a point p is the catchment's walking distance
/// `snap_m(p) + path + snap_m(s)` (see ``NetworkReach``); a station or a point farther than
/// `maxSnap` from the edges it may snap onto is off the network (the station serves nobody,
/// the point is reached by none). The area within d of stations is the reached network, exact
/// fractions of partly reached edges, buffered by `edgeBuffer` and unioned: never a hull
/// over land the streets do not reach.
public struct NetworkStationReach: StationReach {
    public let snapper: EdgeSnapper
    public let edgeBuffer: Double
    public let maxSnap: Double
    public let quadrantSegments: Int

    public init(snapper: EdgeSnapper, edgeBuffer: Double = 40, maxSnap: Double = 250, quadrantSegments: Int = 8) {
        self.snapper = snapper
        self.edgeBuffer = edgeBuffer
        self.maxSnap = maxSnap
        self.quadrantSegments = quadrantSegments
    }

    public func area(around station: Geometry, within distance: Double) throws -> Geometry {
        try reachSet([(station, distance)]).area() ?? Geometry(empty: .polygon, crs: snapper.graph.crs)
    }

    /// The walking distance (infinite when either point is off the network or no path joins them).
    public func distance(from station: Geometry, to point: Geometry) throws -> Double {
        let reach = NetworkReach(snapper: snapper, facilities: [try Self.xy(station)], cutoff: .infinity, maxSnap: maxSnap)
        let p = try Self.xy(point)
        return reach.walk(fromX: p.x, y: p.y).distance ?? .infinity
    }

    /// One multi-source search per distinct distance: the stations of a distance are searched
    /// together, up to it.
    public func reachSet(_ stations: [(location: Geometry, distance: Double)]) throws -> any StationReachSet {
        var byDistance: [Double: [(x: Double, y: Double)]] = [:]
        for s in stations { byDistance[s.distance, default: []].append(try Self.xy(s.location)) }
        let snapper = self.snapper, maxSnap = self.maxSnap
        let searches = byDistance.keys.sorted().map { d in
            (distance: d, reach: NetworkReach(snapper: snapper, facilities: byDistance[d]!, cutoff: d, maxSnap: maxSnap))
        }
        return NetworkStationReachSet(searches: searches, snapper: snapper, maxSnap: maxSnap, edgeBuffer: edgeBuffer,
                                      quadrantSegments: quadrantSegments)
    }

    /// Whether a station (or point) snaps onto the streets within `maxSnap`.
    public func isOnNetwork(_ g: Geometry) throws -> Bool {
        let p = try Self.xy(g)
        guard let snap = snapper.snap(p.x, p.y) else { return false }
        return snap.distance <= maxSnap
    }

    static func xy(_ g: Geometry) throws -> (x: Double, y: Double) {
        let p = g.type == .point ? g : try g.pointOnSurface()
        return (p.x ?? .nan, p.y ?? .nan)
    }
}

/// Stations grouped by their distance, one ``NetworkReach`` per group.
struct NetworkStationReachSet: StationReachSet {
    let searches: [(distance: Double, reach: NetworkReach)]
    let snapper: EdgeSnapper
    let maxSnap: Double
    let edgeBuffer: Double
    let quadrantSegments: Int

    /// The reached pieces of every group, merged per edge into one line set, buffered once.
    func area() throws -> Geometry? {
        var pieces: [Int: [NetworkReach.Piece]] = [:]
        for s in searches {
            for piece in s.reach.reachedPieces(within: s.distance) where piece.end > piece.start {
                pieces[piece.edge, default: []].append(piece)
            }
        }
        guard let any = searches.first?.reach else { return nil }
        var flat: [Double] = [], counts: [Int] = [0]
        for edge in pieces.keys.sorted() {
            var list = pieces[edge]!.sorted { $0.start < $1.start }
            var merged = [list.removeFirst()]
            for next in list {
                if next.start <= merged[merged.count - 1].end { merged[merged.count - 1].end = max(merged[merged.count - 1].end, next.end) } else { merged.append(next) }
            }
            for piece in merged {
                let (p, q) = any.coordinates(of: piece)
                flat += [p.x, p.y, q.x, q.y]
                counts.append(2)
                counts[0] += 1
            }
        }
        guard counts[0] > 0 else { return nil }
        let lines = try Geometry(type: .multiLineString, flatCoordinates: flat, hasZ: false, counts: counts, crs: snapper.graph.crs)
        return try lines.buffer(edgeBuffer, style: BufferStyle(quadrantSegments: quadrantSegments))
    }

    func reaches(_ point: Geometry) throws -> Bool {
        let p = try NetworkStationReach.xy(point)
        guard let snap = snapper.snap(p.x, p.y), snap.distance <= maxSnap else { return false }
        for s in searches {
            if let d = s.reach.distance(from: snap).0, d + snap.distance <= s.distance { return true }
        }
        return false
    }
}

extension TransitQualityRun {
    /// The reach a `transit-quality` analysis draws its bands with: nil (straight lines) for
    /// `radius` and `buffer-union`; for `network`, the street graph of the scenario's network
    /// catchment when there is one (its `preset`, `node_crossings` and `snap_to`), else every
    /// line of the `streets` input joined at shared vertices, snapped onto the largest component;
    /// with the analysis' own `edge_buffer_m`, `max_snap_m` and `quadrant_segments`.
    static func reach(_ quality: TransitQuality, streets: Layer?, walking: NetworkCatchment.Prepared?) throws -> StationReach? {
        guard quality.method == .network else { return nil }
        let snapper: EdgeSnapper
        if let walking {
            snapper = EdgeSnapper(graph: walking.network.graph, target: walking.catchment.snapTo)
        } else {
            guard let streets else {
                throw AnalysisError.invalidParameter(parameter: "transit-quality (method network)", value: "no streets",
                                                     expected: "an input of role streets (a line layer) to walk on")
            }
            guard !streets.crs.isGeographic else { throw AnalysisError.notMetric(layer: streets.name, crs: streets.crs.identifier) }
            snapper = EdgeSnapper(graph: try StreetGraph.make(from: streets.features, crs: streets.crs).graph)
        }
        return NetworkStationReach(snapper: snapper, edgeBuffer: quality.edgeBufferM, maxSnap: quality.maxSnapM,
                                   quadrantSegments: quality.quadrantSegments)
    }
}
