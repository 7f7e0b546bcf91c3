import GeoCore

/// How far one gets from a station: the area within a distance, and the distance to a point.
/// ``EuclideanReach`` measures straight lines; a walking-network method (a street graph)
/// plugs in by conforming to this protocol (the Scenario layer's `NetworkStationReach`, so
/// that Transit stays independent of the street graph), and ``QualityMap`` draws its bands
/// the same way.
public protocol StationReach: Sendable {
    /// The area within `distance` metres of `station` (a polygon in the station's CRS).
    func area(around station: Geometry, within distance: Double) throws -> Geometry
    /// The distance (m) from `station` to `point`.
    func distance(from station: Geometry, to point: Geometry) throws -> Double
    /// Stations, each with a distance of its own, taken together (one class of the map: each
    /// station with the widest band that gives it that class or better). The default draws
    /// each station's area and unions them, and measures each station's distance; a network
    /// answers for all stations of a distance with one search.
    func reachSet(_ stations: [(location: Geometry, distance: Double)]) throws -> any StationReachSet
}

/// Stations with a distance each (see ``StationReach/reachSet(_:)``).
public protocol StationReachSet: Sendable {
    /// The union of the areas within each station's distance; nil when there is none.
    func area() throws -> Geometry?
    /// Whether `point` lies within its distance of some station.
    func reaches(_ point: Geometry) throws -> Bool
}

extension StationReach {
    public func reachSet(_ stations: [(location: Geometry, distance: Double)]) throws -> any StationReachSet {
        PerStationReachSet(reach: self, stations: stations)
    }
}

/// The default ``StationReachSet``: station by station.
struct PerStationReachSet: StationReachSet {
    let reach: StationReach
    let stations: [(location: Geometry, distance: Double)]
    let index: SpatialIndex

    init(reach: StationReach, stations: [(location: Geometry, distance: Double)]) {
        self.reach = reach
        self.stations = stations
        index = SpatialIndex(stations.map { $0.location.envelope.expanded(by: $0.distance) })
    }

    func area() throws -> Geometry? {
        let reach = self.reach
        let parts = try stations.parallelMap(minimumChunk: 8) { try reach.area(around: $0.location, within: $0.distance) }
        return parts.isEmpty ? nil : try Geometry.unaryUnion(of: parts)
    }

    func reaches(_ point: Geometry) throws -> Bool {
        var found = false
        try index.forEach(intersecting: point.envelope) { i in
            if try reach.distance(from: stations[i].location, to: point) <= stations[i].distance { found = true; return false }
            return true
        }
        return found
    }
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
    /// `method: network`: per class (best first) its stations with their reach, and per DG
    /// REGIO class (high first) the stations with their SDG reach.
    let classSets: [(name: String, set: any StationReachSet)]
    let accessSets: [(name: String, set: any StationReachSet)]

    /// Places the graded stations (positions from the feed, WGS 84, transformed to `crs`, the
    /// run's metric working CRS) and draws the bands with `reach` (default: straight lines with
    /// the analysis' segments; `method: network` needs a network reach).
    public init(_ quality: TransitQuality, feed: GTFSFeed, grades: [StationGrade], crs: CRS, reach: StationReach? = nil) throws {
        guard !crs.isGeographic else {
            throw GTFSError.invalidParameter(parameter: "crs", value: crs.identifier, expected: "a projected (metric) CRS")
        }
        rules = try quality.rules()
        method = quality.method
        if quality.method == .network && reach == nil {
            throw GTFSError.invalidParameter(parameter: "method", value: "network", expected: "a street network to walk on (a StationReach)")
        }
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
        let r = rules
        var polygons: [(String, Geometry)] = []
        var previous: Geometry?
        var classSets: [(name: String, set: any StationReachSet)] = []
        for name in names {
            let members = stations.compactMap { s -> (location: Geometry, distance: Double)? in
                guard let c = s.category, c - 1 < r.classes.count else { return nil }
                let row = r.classes[c - 1]
                guard let k = row.lastIndex(where: { !$0.isEmpty && $0 <= name }) else { return nil }
                return (s.location, r.distanceBands[k])
            }
            guard !members.isEmpty else { continue }
            let set = try self.reach.reachSet(members)
            classSets.append((name, set))
            guard let cumulative = try set.area(), !cumulative.isEmpty else { continue }
            let own = try previous.map { try cumulative.difference($0) } ?? cumulative
            if !own.isEmpty { polygons.append((name, own)) }
            previous = cumulative
        }
        self.classSets = method == .network ? classSets : []
        // SDG 11.2.1 and DG REGIO on the network: the stations of each frequency class, each
        // with its reach (rail and metro `sdg_high_capacity_m`, others `sdg_low_capacity_m`).
        if method == .network {
            let walk = self.reach, high = quality.sdgHighCapacityM, low = quality.sdgLowCapacityM
            accessSets = try ["high", "medium", "low"].map { c in
                (c, try walk.reachSet(stations.filter { $0.dgRegioClass == c }.map { ($0.location, $0.highCapacity ? high : low) }))
            }
        } else {
            accessSets = []
        }
        self.polygons = polygons.map { (name: $0.0, area: $0.1) }
        prepared = try polygons.map { try PreparedGeometry($0.1) }
    }

    /// The class at a point (nil outside every band): with `radius`, from exact distances; with
    /// `buffer-union`, the polygon that covers it; with `network`, from the walking distance
    /// (the best class some station reaches the point in).
    public func classify(_ point: Geometry) throws -> String? {
        switch method {
        case .network:
            for entry in classSets where try entry.set.reaches(point) { return entry.name }
            return nil
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
        if method == .network {
            for entry in accessSets where try entry.set.reaches(point) { return (true, entry.name) }
            return (false, nil)
        }
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
