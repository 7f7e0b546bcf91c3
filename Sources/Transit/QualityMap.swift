import GeoCore

/// How far one gets from a station: the area within a distance, and the distance to a point.
/// ``EuclideanReach`` measures straight lines; a walking-network method (a street graph)
/// plugs in by conforming to this protocol, and ``QualityMap`` draws its bands the same way.
public protocol StationReach: Sendable {
    /// The area within `distance` metres of `station` (a polygon in the station's CRS).
    func area(around station: Geometry, within distance: Double) throws -> Geometry
    /// The distance (m) from `station` to `point`.
    func distance(from station: Geometry, to point: Geometry) throws -> Double
}

/// Straight-line reach: buffers with `quadrantSegments` per quarter circle for the areas,
/// exact distances for points.
public struct EuclideanReach: StationReach {
    public var quadrantSegments: Int
    public init(quadrantSegments: Int = 8) { self.quadrantSegments = quadrantSegments }

    public func area(around station: Geometry, within distance: Double) throws -> Geometry {
        try station.buffer(distance, style: BufferStyle(quadrantSegments: quadrantSegments))
    }

    public func distance(from station: Geometry, to point: Geometry) throws -> Double { try station.distance(to: point) }
}

/// The ÖV-Güteklassen of an area: the graded stations placed in a metric CRS, the class
/// polygons (bands around stations, the best class winning where they overlap), and the class
/// of any point. Shared by all threads once made.
public final class QualityMap: Sendable {
    /// A station with its best category over its mode groups.
    public struct Station: Sendable {
        public var id: String
        public var name: String
        public var location: Geometry
        public var category: Int?
        /// Whether rail or metro departs here (SDG 11.2.1: high capacity).
        public var highCapacity: Bool
        /// Departures per hour over all mode groups, and their DG REGIO class.
        public var departuresPerHour: Double
        public var dgRegioClass: String
    }

    public let stations: [Station]
    /// The classes, best first (A, B, …).
    public let classNames: [String]
    /// One polygon per class that occurs (disjoint), best first.
    public let polygons: [(name: String, area: Geometry)]
    /// Stations without a position in the feed (left out of the map), by id.
    public let unplaced: [String]
    let rules: TransitQuality.Rules
    let method: TransitQuality.BandMethod
    let reach: StationReach
    let index: SpatialIndex
    let prepared: [PreparedGeometry]
    let maxBand: Double
    let sdgLow: Double, sdgHigh: Double, dgEdges: [Double]

    /// Places the graded stations (positions from the feed, WGS 84, transformed to `crs`) and
    /// draws the bands with `reach` (default: straight lines with the analysis' segments).
    public init(_ quality: TransitQuality, feed: GTFSFeed, grades: [StationGrade], crs: CRS, reach: StationReach? = nil) throws {
        guard !crs.isGeographic else {
            throw GTFSError.invalidParameter(parameter: "crs", value: crs.identifier, expected: "a projected (metric) CRS")
        }
        rules = try quality.rules()
        method = quality.method
        self.reach = reach ?? EuclideanReach(quadrantSegments: quality.quadrantSegments)
        sdgLow = quality.sdgLowCapacityM
        sdgHigh = quality.sdgHighCapacityM
        dgEdges = quality.dgRegioEdges
        let toMetric = try Transformer.shared(from: .wgs84, to: crs)
        var byStation: [Int: [StationGrade]] = [:]
        for g in grades { byStation[g.station, default: []].append(g) }
        var stations: [Station] = [], unplaced: [String] = []
        for s in byStation.keys.sorted(by: { feed.stops[$0].id < feed.stops[$1].id }) {
            let list = byStation[s]!
            let stop = feed.stops[s]
            // The station's position, else that of one of its stops.
            var lat = stop.lat, lon = stop.lon
            if lat == nil || lon == nil, let child = feed.stops.first(where: { $0.parent == s && $0.lat != nil && $0.lon != nil }) {
                (lat, lon) = (child.lat, child.lon)
            }
            guard let lat, let lon else { unplaced.append(stop.id); continue }
            let p = try toMetric.transform(Coordinate(lon, lat))
            let perHour = list.reduce(0) { $0 + $1.departuresPerHour }
            stations.append(Station(id: stop.id, name: stop.name, location: try Geometry(x: p.x, y: p.y, crs: crs),
                                    category: list.compactMap(\.category).min(),
                                    highCapacity: list.contains { ($0.mode == .rail || $0.mode == .metro) && $0.departures > 0 },
                                    departuresPerHour: perHour,
                                    dgRegioClass: perHour >= quality.dgRegioEdges[1] ? "high" : perHour >= quality.dgRegioEdges[0] ? "medium" : "low"))
        }
        self.stations = stations
        self.unplaced = unplaced
        let names = Set(rules.classes.joined().filter { !$0.isEmpty }).sorted()
        classNames = names
        maxBand = max(rules.distanceBands.last!, quality.sdgLowCapacityM, quality.sdgHighCapacityM)
        index = SpatialIndex(stations.map(\.location.envelope))

        // Cumulative areas: U(X) = ∪ over stations of the area within the widest band whose class
        // is X or better; class X = U(X) − U(previous class).
        let reachArea = self.reach, r = rules
        var polygons: [(String, Geometry)] = []
        var previous: Geometry?
        for name in names {
            let parts = try stations.parallelMap(minimumChunk: 8) { s -> Geometry? in
                guard let c = s.category, c - 1 < r.classes.count else { return nil }
                let row = r.classes[c - 1]
                guard let k = row.lastIndex(where: { !$0.isEmpty && $0 <= name }) else { return nil }
                return try reachArea.area(around: s.location, within: r.distanceBands[k])
            }.compactMap { $0 }
            guard !parts.isEmpty else { continue }
            let cumulative = try Geometry.unaryUnion(of: parts)
            let own = try previous.map { try cumulative.difference($0) } ?? cumulative
            if !own.isEmpty { polygons.append((name, own)) }
            previous = cumulative
        }
        self.polygons = polygons.map { (name: $0.0, area: $0.1) }
        prepared = try polygons.map { try PreparedGeometry($0.1) }
    }

    /// The class at a point (nil outside every band): with `radius`, from exact distances; with
    /// `buffer-union`, the polygon that covers it.
    public func classify(_ point: Geometry) throws -> String? {
        switch method {
        case .bufferUnion:
            for (k, p) in prepared.enumerated() where try p.covers(point) { return polygons[k].name }
            return nil
        case .radius:
            var best: String?
            try index.forEach(intersecting: point.envelope.expanded(by: rules.distanceBands.last!)) { i in
                let s = stations[i]
                guard let c = s.category, c - 1 < rules.classes.count else { return true }
                let d = try reach.distance(from: s.location, to: point)
                guard let k = rules.distanceBands.firstIndex(where: { d <= $0 }) else { return true }
                let name = rules.classes[c - 1][k]
                if !name.isEmpty, best == nil || name < best! { best = name }
                return true
            }
            return best
        }
    }

    /// SDG 11.2.1 at a point: whether a station with departures lies within reach (rail and
    /// metro `sdg_high_capacity_m`, others `sdg_low_capacity_m`), and the best DG REGIO
    /// frequency class among those stations (nil when none).
    public func access(_ point: Geometry) throws -> (served: Bool, dgRegioClass: String?) {
        var served = false
        var best: String?
        let order = ["high": 0, "medium": 1, "low": 2]
        try index.forEach(intersecting: point.envelope.expanded(by: max(sdgLow, sdgHigh))) { i in
            let s = stations[i]
            let limit = s.highCapacity ? sdgHigh : sdgLow
            guard try reach.distance(from: s.location, to: point) <= limit else { return true }
            served = true
            if best == nil || order[s.dgRegioClass]! < order[best!]! { best = s.dgRegioClass }
            return true
        }
        return (served, best)
    }
}
