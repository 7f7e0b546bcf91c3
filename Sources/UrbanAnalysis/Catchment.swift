import GeoCore
import GeoIO
import StreetNetwork

/// Who and what lies within reach of a facility layer (stops, stations, later schools or
/// service points), with a radius per mode of transport.
///
/// Each facility takes the first mode whose `match` filter it passes (defaults: rail 800 m
/// for stops served by S-Bahn or regional trains, Stadtbahn 500 m for stops of the lines
/// U41–U49, bus 300 m for the rest). Two methods, named so that a planner chooses and the
/// report says which (a later `network` method, walking distance on a street graph, fits
/// beside them):
///
/// - `radius`: exact Euclidean distance. A point is served when `d(p, f) ≤ r(f)` for some
///   facility f (a point exactly on the radius is served); a parcel when any part of it is.
/// - `buffer-union`: the union `C` of the facilities' buffers, drawn with
///   `quadrant_segments` segments per quarter circle as GIS tools draw them (8: a 32-gon,
///   whose chords lie up to r·(1 − cos(π/32)) ≈ 0.5 % inside the circle). A point is served
///   when `C` covers it. The two methods therefore give slightly different counts.
///
/// - `network`: walking distance on a street graph (an input of role `streets`; see
///   ``NetworkCatchment`` and docs/analyses/network-catchment.md): per feature `walk_m`,
///   `walk_stop`, `snap_m`; served when `walk_m` ≤ the mode's radius. Its crow-fly figures
///   (the share, `served` of ``Reach``) follow the `radius` rule, so both stand side by side.
///
/// For parcels, either way, the share inside the catchment is the STANDARD PIPELINE's stage e:
/// `catchment_share = min(1, area(g ∩ C) / A)` (1 where `C` covers g, 0 where they do not
/// meet, 0 if A = 0), computed against `C` cut into `tile_size_m` tiles so that each parcel
/// meets only a few small pieces.
public struct Catchment: Codable, Sendable, Equatable {
    public enum Method: String, Codable, Sendable, CaseIterable {
        case radius
        case bufferUnion = "buffer-union"
        case network
    }

    /// A mode of transport: its name, its radius (m) and which facilities it applies to
    /// (nil: every facility not taken by an earlier mode).
    public struct Mode: Codable, Sendable, Equatable {
        public var name: String
        public var radius: Double
        public var match: AttributeFilter?
        /// With `method: network`, the reach as minutes of walking at `walk_speed_kmh`
        /// instead of `radius` (which is then worked out from it).
        public var minutes: Double?

        public init(name: String, radius: Double, match: AttributeFilter? = nil) {
            self.name = name
            self.radius = radius
            self.match = match
        }

        enum CodingKeys: String, CodingKey { case name, radius, match, minutes }

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            name = try c.decode(String.self, forKey: .name)
            minutes = try c.decodeIfPresent(Double.self, forKey: .minutes)
            radius = try minutes == nil ? c.decode(Double.self, forKey: .radius) : (c.decodeIfPresent(Double.self, forKey: .radius) ?? 0)
            match = try c.decodeIfPresent(AttributeFilter.self, forKey: .match)
        }
    }

    /// Default `buffer-union`, as the STANDARD PIPELINE and GIS tools draw catchments.
    public var method: Method = .bufferUnion
    /// Segments per quarter circle of a buffer. Default 8.
    public var quadrantSegments: Int = 8
    /// The modes, in the order facilities are matched. Default ``dortmundModes``.
    public var modes: [Mode] = Catchment.dortmundModes
    /// Which facilities count at all (nil: all).
    public var filter: AttributeFilter?
    /// The facility name field. Default `name`.
    public var nameField: String = "name"
    /// The tile size (m) the union is cut into for the share. Default 250.
    public var tileSize: Double = 250
    /// Whether to find each feature's nearest facility and its distance (a nearest-neighbour
    /// search per feature; the STANDARD PIPELINE needs only the share). Default true.
    public var nearestFacility: Bool = true
    /// `method: network` only (see ``NetworkCatchment``): the reached edges are buffered by
    /// `edge_buffer_m` (m, default 40) for the catchment polygon; features and facilities
    /// farther than `max_snap_m` (m, default 250) from the network are off it; `snap_to`
    /// `largest-component` (default) or `any-component`; `walk_speed_kmh` (default 4.8) turns
    /// a mode's `minutes` into metres; the streets' `preset` (`all` or `osm-walk`) and
    /// `node_crossings` (default false) say how the street layer becomes a graph.
    public var edgeBuffer: Double = 40
    public var maxSnap: Double = 250
    public var snapTo: EdgeSnapper.Target = .largestComponent
    public var walkSpeed: Double = 4.8
    public var preset: WalkableFilter = .all
    public var nodeCrossings: Bool = false

    public init(method: Method = .bufferUnion, quadrantSegments: Int = 8, modes: [Mode] = Catchment.dortmundModes,
                filter: AttributeFilter? = nil, nameField: String = "name", tileSize: Double = 250) {
        self.method = method
        self.quadrantSegments = quadrantSegments
        self.modes = modes
        self.filter = filter
        self.nameField = nameField
        self.tileSize = tileSize
    }

    enum CodingKeys: String, CodingKey {
        case method, modes, filter
        case quadrantSegments = "quadrant_segments", nameField = "name_field", tileSize = "tile_size_m"
        case nearestFacility = "nearest_facility"
        case edgeBuffer = "edge_buffer_m", maxSnap = "max_snap_m", snapTo = "snap_to", walkSpeed = "walk_speed_kmh", preset
        case nodeCrossings = "node_crossings"
    }

    /// Rail 800 m (stops whose `lines` name an S-Bahn, RE or RB line), Stadtbahn 500 m
    /// (`lines` name U41–U49), bus 300 m (all other stops): the radii planners use for
    /// Dortmund's VRR stop layer.
    public static let dortmundModes = [
        Mode(name: "rail", radius: 800, match: AttributeFilter(field: "lines", matches: #"(^|;)(S ?[0-9]+|RE ?[0-9]+|RB ?[0-9]+|de:nrw\.de:(s|re|rb)[0-9]+)( \([^;]*\))?(;|$)"#)),
        Mode(name: "stadtbahn", radius: 500, match: AttributeFilter(field: "lines", matches: #"(^|;)U4[0-9](;|$)"#)),
        Mode(name: "bus", radius: 300),
    ]

    /// One radius for every facility (a single mode named `mode`).
    public static func single(radius: Double, mode: String = "all", method: Method = .bufferUnion,
                              quadrantSegments: Int = 8, filter: AttributeFilter? = nil) -> Catchment {
        Catchment(method: method, quadrantSegments: quadrantSegments, modes: [Mode(name: mode, radius: radius)], filter: filter)
    }

    public func validate() throws {
        guard !modes.isEmpty else { throw AnalysisError.invalidParameter(parameter: "modes", value: "[]", expected: "at least one mode") }
        guard walkSpeed > 0, walkSpeed.isFinite else { throw AnalysisError.invalidParameter(parameter: "walk_speed_kmh", value: String(walkSpeed), expected: "> 0") }
        guard edgeBuffer > 0 else { throw AnalysisError.invalidParameter(parameter: "edge_buffer_m", value: String(edgeBuffer), expected: "> 0") }
        guard maxSnap >= 0 else { throw AnalysisError.invalidParameter(parameter: "max_snap_m", value: String(maxSnap), expected: ">= 0") }
        for (i, mode) in modes.enumerated() where mode.minutes != nil && !(mode.minutes! > 0 && mode.minutes!.isFinite) {
            throw AnalysisError.invalidParameter(parameter: "modes.\(i).minutes", value: String(mode.minutes!), expected: "a positive number of minutes for the mode \(mode.name)")
        }
        for (i, mode) in resolvedModes.enumerated() where !(mode.radius > 0 && mode.radius.isFinite) {
            throw AnalysisError.invalidParameter(parameter: "modes.\(i).radius", value: String(mode.radius),
                                                 expected: "a positive number of metres for the mode \(mode.name)")
        }
        guard (1...128).contains(quadrantSegments) else {
            throw AnalysisError.invalidParameter(parameter: "quadrant_segments", value: String(quadrantSegments), expected: "1 to 128")
        }
        guard tileSize > 0 else { throw AnalysisError.invalidParameter(parameter: "tile_size_m", value: String(tileSize), expected: "> 0") }
        try filter?.validate()
        for mode in modes { try mode.match?.validate() }
    }

    /// What a feature can reach.
    public struct Reach: Sendable, Equatable {
        /// Served by the method's rule (for a parcel: some of it within reach).
        public var served: Bool
        /// The share of the area inside `C` (stage e); for points and lines 1 when served, else 0.
        public var share: Double
        /// The nearest facility (position in the facility layer) and its distance (m), when there is one.
        public var nearest: Int?
        public var distance: Double?
    }

    /// The modes with `minutes` turned into a radius at `walk_speed_kmh`.
    public var resolvedModes: [Mode] {
        modes.map { m in
            var m = m
            if let minutes = m.minutes { m.radius = minutes / 60 * walkSpeed * 1000 }
            return m
        }
    }

    /// Indexes the facilities and draws the catchment.
    public func prepare(_ facilities: Layer) throws -> Prepared {
        try validate()
        var c = self
        c.modes = resolvedModes
        return try Prepared(c, facilities: facilities.filtered(by: filter))
    }

    /// A facility layer indexed for reach queries, with its catchment drawn once.
    public final class Prepared: Sendable {
        public let catchment: Catchment
        public let facilities: Layer
        public let names: [String]
        /// Each facility's mode (position in `catchment.modes`).
        public let modeOf: [Int]
        public let radius: [Double]
        /// The union of all buffers, `C`.
        public let union: Geometry
        /// The union per mode, for maps: (mode, polygon), modes without facilities left out.
        public let areasByMode: [(mode: String, area: Geometry)]
        let unionPrepared: PreparedGeometry
        let tiles: [Geometry]
        let tileIndex: SpatialIndex
        let index: SpatialIndex
        let maxRadius: Double

        init(_ c: Catchment, facilities: Layer) throws {
            guard !facilities.crs.isGeographic else { throw AnalysisError.notMetric(layer: facilities.name, crs: facilities.crs.identifier) }
            catchment = c
            self.facilities = facilities
            names = facilities.labels(c.nameField, "id")
            let tests = try c.modes.map { try $0.match?.compiled() }
            let modeOf = facilities.features.map { f in tests.firstIndex { $0 == nil || $0!.accepts(f) } ?? -1 }
            let radius = modeOf.map { $0 >= 0 ? c.modes[$0].radius : 0 }
            self.modeOf = modeOf
            self.radius = radius
            maxRadius = radius.max() ?? 0
            index = SpatialIndex(facilities.geometries.envelopes())
            let style = BufferStyle(quadrantSegments: c.quadrantSegments)
            let buffers = try Array(facilities.features.indices).parallelMap(minimumChunk: 16) { i -> Geometry? in
                modeOf[i] < 0 ? nil : try facilities.features[i].geometry!.buffer(radius[i], style: style)
            }
            var byMode: [(String, Geometry)] = []
            for (m, mode) in c.modes.enumerated() {
                let parts = buffers.indices.filter { modeOf[$0] == m }.compactMap { buffers[$0] }
                if !parts.isEmpty { byMode.append((mode.name, try Geometry.unaryUnion(of: parts))) }
            }
            areasByMode = byMode.map { (mode: $0.0, area: $0.1) }
            let all = buffers.compactMap { $0 }
            let union = all.isEmpty ? try Geometry(empty: .polygon, crs: facilities.crs) : try Geometry.unaryUnion(of: all)
            let unionPrepared = try PreparedGeometry(union)
            self.union = union
            self.unionPrepared = unionPrepared
            tiles = try Prepared.cut(union, tileSize: c.tileSize, prepared: unionPrepared)
            tileIndex = SpatialIndex(tiles.envelopes())
        }

        /// `C` cut into square tiles (tiles inside `C` whole, the others intersected).
        static func cut(_ union: Geometry, tileSize: Double, prepared: PreparedGeometry) throws -> [Geometry] {
            let box = union.envelope
            guard !box.isEmpty else { return [] }
            let x0 = (box.minX / tileSize).rounded(.down), y0 = (box.minY / tileSize).rounded(.down)
            let columns = Int(((box.maxX / tileSize).rounded(.up) - x0)), rows = Int(((box.maxY / tileSize).rounded(.up) - y0))
            let cells = Array(0..<(columns * rows))
            let pieces = try cells.parallelMap(minimumChunk: 16) { k -> Geometry? in
                let minX = (x0 + Double(k % columns)) * tileSize, minY = (y0 + Double(k / columns)) * tileSize
                let square = try Geometry(polygon: [Coordinate(minX, minY), Coordinate(minX + tileSize, minY), Coordinate(minX + tileSize, minY + tileSize),
                                                    Coordinate(minX, minY + tileSize), Coordinate(minX, minY)], crs: union.crs)
                guard try prepared.intersects(square) else { return nil }
                if try prepared.covers(square) { return square }
                let part = try union.intersection(square).polygonalPart()
                return part.isEmpty ? nil : part
            }
            return pieces.compactMap { $0 }
        }

        /// What `g` can reach.
        public func reach(_ g: Geometry) throws -> Reach {
            guard !g.isEmpty, facilities.count > 0 else { return Reach(served: false, share: 0, nearest: nil, distance: nil) }
            let hit = catchment.nearestFacility
                ? try index.nearest(to: g.envelope, k: 1) { try facilities.features[$0].geometry!.distance(to: g) }.first : nil
            let share = try self.share(g)
            var served: Bool
            switch catchment.method {
            case .radius, .network:
                served = false
                try index.forEach(intersecting: g.envelope.expanded(by: maxRadius)) { i in
                    if modeOf[i] >= 0, try facilities.features[i].geometry!.isWithinDistance(radius[i], of: g) { served = true; return false }
                    return true
                }
            case .bufferUnion:
                served = g.type.topologicalDimension == 2 ? share > 0 : try unionPrepared.intersects(g)
            }
            let pointShare = served ? 1.0 : 0.0
            return Reach(served: served, share: g.type.topologicalDimension == 2 ? share : pointShare,
                         nearest: hit?.item, distance: hit?.distance)
        }

        /// Stage e: min(1, area(g ∩ C) / A), 0 for points, lines and empty areas.
        public func share(_ g: Geometry) throws -> Double {
            guard g.type.topologicalDimension == 2 else { return 0 }
            let area = try g.area()
            guard area > 0 else { return 0 }
            if try unionPrepared.covers(g) { return 1 }
            guard try unionPrepared.intersects(g) else { return 0 }
            var inside = 0.0
            try tileIndex.forEach(intersecting: g.envelope) { t in
                inside += try g.intersection(tiles[t]).area()
                return true
            }
            return Swift.min(1, inside / area)
        }

        /// The mode name of facility `i` ("" when no mode applies).
        public func mode(of i: Int) -> String { modeOf[i] >= 0 ? catchment.modes[modeOf[i]].name : "" }
    }
}
