import GeoCore
import GeoIO
import StreetNetwork

/// A catchment with `method: network`: walking distance on the street graph to the nearest
/// facility, beside the crow-fly radius, for the same origins and modes.
///
/// Per feature (a parcel from its point on surface, a point as it is): `walk_m`, the walking
/// distance to the nearest facility within the largest mode radius (`snap_m(p) + path +
/// snap_m(f)`, see ``NetworkReach``), null when there is none or the feature is off the
/// network; `walk_stop`, that facility's name; `snap_m`, the feature's distance to the
/// network. A feature is served on foot when it is within its mode's radius of some facility
/// of that mode along the network (`walk_m(mode) ≤ r(mode)`), and served as the crow flies
/// when the straight distance is. Per mode, the catchment polygon is the reached network
/// (exact fractions of partly reached edges), buffered by `edge_buffer_m` and unioned.
public enum NetworkCatchment {
    /// What one feature reaches on foot.
    public struct Walk: Sendable, Equatable {
        /// Walking distance (m) to the nearest facility, nil beyond the largest radius or off the network.
        public var distance: Double?
        /// That facility (position in the filtered facility layer).
        public var facility: Int?
        /// The distance (m) from the feature's point to the network, nil without a network.
        public var snap: Double?
        public var offNetwork: Bool
        /// Served by some mode's facilities within the mode's radius along the network.
        public var servedOnFoot: Bool
        /// Served within the mode's radius as the crow flies (from the same point).
        public var servedCrowFly: Bool
        /// The straight distance (m) from the feature's point to the facility of `distance`.
        public var straight: Double?
    }

    /// The street graph, the facilities and one Dijkstra run per mode, prepared once and shared
    /// by all threads.
    public final class Prepared: Sendable {
        public let catchment: Catchment
        public let network: StreetLayerGraph
        public let facilities: Layer
        public let names: [String]
        public let modes: [Catchment.Mode]
        /// Each facility's mode (position in `modes`, -1 when none applies).
        public let modeOf: [Int]
        /// The nearest facility of any mode, within the largest radius.
        public let all: NetworkReach
        /// Per mode its facilities (positions in `facilities`) and their reach within the mode's radius.
        public let byMode: [(facilities: [Int], reach: NetworkReach)]
        /// The catchment polygons per mode (modes without facilities on the network left out).
        public let areasByMode: [(mode: String, area: Geometry)]
        let points: [(x: Double, y: Double)]
        let index: SpatialIndex
        let maxRadius: Double

        /// Prepares `c` (method network) on a street layer and a facility layer, all in one metric CRS.
        public init(_ c: Catchment, streets: Layer, facilities: Layer) throws {
            try c.validate()
            guard !streets.crs.isGeographic else { throw AnalysisError.notMetric(layer: streets.name, crs: streets.crs.identifier) }
            catchment = c
            let layer = try facilities.filtered(by: c.filter)
            self.facilities = layer
            names = layer.labels(c.nameField, "id")
            modes = c.resolvedModes
            network = try StreetGraph.make(from: streets.features, crs: streets.crs,
                                           options: StreetGraph.Options(preset: c.preset, nodeCrossings: c.nodeCrossings))
            let tests = try modes.map { try $0.match?.compiled() }
            let modeOf = layer.features.map { f in tests.firstIndex { $0 == nil || $0!.accepts(f) } ?? -1 }
            self.modeOf = modeOf
            let points = try layer.features.map { f -> (x: Double, y: Double) in
                let g = f.geometry!.type == .point ? f.geometry! : try f.geometry!.pointOnSurface()
                return (g.x ?? .nan, g.y ?? .nan)
            }
            self.points = points
            index = SpatialIndex(layer.geometries.envelopes())
            let snapper = EdgeSnapper(graph: network.graph, target: c.snapTo)
            let radii = modes.map(\.radius)
            maxRadius = modeOf.filter { $0 >= 0 }.map { radii[$0] }.max() ?? 0
            let usable = modeOf.indices.filter { modeOf[$0] >= 0 }
            all = NetworkReach(snapper: snapper, facilities: usable.map { points[$0] }, cutoff: maxRadius, maxSnap: c.maxSnap)
            allPositions = usable
            var byMode: [(facilities: [Int], reach: NetworkReach)] = []
            for m in modes.indices {
                let members = modeOf.indices.filter { modeOf[$0] == m }
                byMode.append((members, NetworkReach(snapper: snapper, facilities: members.map { points[$0] }, cutoff: radii[m], maxSnap: c.maxSnap)))
            }
            self.byMode = byMode
            var areas: [(mode: String, area: Geometry)] = []
            for (m, entry) in byMode.enumerated() where !entry.facilities.isEmpty {
                let area = try entry.reach.area(within: radii[m], buffer: c.edgeBuffer, quadrantSegments: c.quadrantSegments)
                if !area.isEmpty { areas.append((modes[m].name, area)) }
            }
            areasByMode = areas
        }

        /// Positions in `facilities` of the facilities of `all`.
        let allPositions: [Int]

        /// Facilities off the network (positions in `facilities`).
        public var offNetwork: [Int] { all.offNetwork.map { allPositions[$0] } }

        /// What `g` reaches on foot and as the crow flies, from its point on surface.
        public func walk(_ g: Geometry) throws -> Walk {
            guard !g.isEmpty else { return Walk(distance: nil, facility: nil, snap: nil, offNetwork: true, servedOnFoot: false, servedCrowFly: false) }
            let p = g.type == .point ? g : try g.pointOnSurface()
            let px = p.x ?? .nan, py = p.y ?? .nan
            let w = all.walk(fromX: px, y: py)
            var served = false
            if let snap = w.snap, !w.offNetwork {
                for entry in byMode where !entry.facilities.isEmpty {
                    if entry.reach.distance(from: snap).0 != nil { served = true; break }
                }
            }
            var crow = false
            try index.forEach(intersecting: p.envelope.expanded(by: maxRadius)) { i in
                guard modeOf[i] >= 0 else { return true }
                let d = (points[i].x - px).hypot(points[i].y - py)
                if d <= modes[modeOf[i]].radius { crow = true; return false }
                return true
            }
            let facility = w.facility.map { allPositions[$0] }
            return Walk(distance: w.distance, facility: facility, snap: w.snap?.distance, offNetwork: w.offNetwork, servedOnFoot: served,
                        servedCrowFly: crow, straight: facility.map { (points[$0].x - px).hypot(points[$0].y - py) })
        }
    }

    /// Sums per reporting unit of a stream of walks: served on foot and as the crow flies,
    /// off the network, and the detours (walk_m / straight distance) for the median.
    public struct Tallies: Sendable {
        public private(set) var onFoot: [Double]
        public private(set) var crowFly: [Double]
        public private(set) var offNetwork: [Double]
        public private(set) var features: [Double]
        public private(set) var detours: [[Double]]

        public init(units: Int) {
            onFoot = Array(repeating: 0, count: units)
            crowFly = onFoot
            offNetwork = onFoot
            features = onFoot
            detours = Array(repeating: [], count: units)
        }

        /// Adds a feature's walk to the units it belongs to (with their weights).
        public mutating func add(_ w: Walk, shares: [DistrictAssignment.Share]) {
            for s in shares {
                features[s.unit] += s.weight
                if w.servedOnFoot { onFoot[s.unit] += s.weight }
                if w.servedCrowFly { crowFly[s.unit] += s.weight }
                if w.offNetwork { offNetwork[s.unit] += s.weight }
            }
            if let d = w.distance, let straight = w.straight, straight > 0, let main = shares.max(by: { $0.weight < $1.weight }) {
                detours[main.unit].append(d / straight)
            }
        }

        /// The district table's columns.
        public var columns: [DistrictIndicators.SumColumn] {
            [.init(name: "walk_served_count", numerators: onFoot, isCount: true),
             .init(name: "walk_served_share", numerators: onFoot, denominators: features),
             .init(name: "crowfly_served_count", numerators: crowFly, isCount: true),
             .init(name: "crowfly_served_share", numerators: crowFly, denominators: features),
             .init(name: "off_network_count", numerators: offNetwork, isCount: true)]
        }

        /// The median of a list (nil when empty).
        static func median(_ values: [Double]) -> Double? {
            guard !values.isEmpty else { return nil }
            let sorted = values.sorted()
            let n = sorted.count
            return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
        }

        /// `table` with `walk_detour_median` added: per unit row, then the Nordwärts and
        /// rest-of-city rows (when the table has them) over their units' detours.
        public func addingDetour(to table: Table, units: ReportingUnits) -> Table {
            var t = table
            t.columns.append("walk_detour_median")
            for r in t.rows.indices {
                var values: [Double]
                if r < units.count { values = detours[r] } else {
                    let north = t.rows[r][0] == .string("nordwaerts")
                    values = units.nordwaerts.indices.filter { units.nordwaerts[$0] == north }.flatMap { detours[$0] }
                }
                t.rows[r].append(Tallies.median(values).map(PropertyValue.double) ?? .null)
            }
            return t
        }
    }
}

extension Double {
    @inline(__always) fileprivate func hypot(_ other: Double) -> Double { (self * self + other * other).squareRoot() }
}
