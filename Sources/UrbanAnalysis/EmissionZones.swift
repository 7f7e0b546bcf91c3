import GeoCore
import GeoIO

/// Emission buffer zones around industrial and harbour-industrial land after the distance
/// classes of the NRW Abstandserlass 2007 (RdErl. d. MUNLV v. 6.6.2007), and the residential
/// and mixed parcels inside them: conflicts.
///
/// | class | I | II | III | IV | V | VI | VII |
/// | --- | --- | --- | --- | --- | --- | --- | --- |
/// | distance (m) | 1500 | 1000 | 700 | 500 | 300 | 200 | 100 |
///
/// Each source parcel (land use in `classes`) gets its class's distance d; a receptor parcel
/// (land use in `receptors`, default residential and mixed) is in conflict when its distance to
/// a source is ≤ d (a zone that touches a parcel counts). The conflict names the nearest such
/// source, its class and the distance. The Abstandserlass assigns classes per kind of plant;
/// land use does not say which plants stand there, so the defaults are a planner's screening
/// assumption, to be replaced where the plants are known: industrial land class V (300 m),
/// harbour land class IV (500 m).
public struct EmissionZones: Codable, Sendable, Equatable {
    public enum DistanceClass: String, Codable, Sendable, CaseIterable {
        case i = "I", ii = "II", iii = "III", iv = "IV", v = "V", vi = "VI", vii = "VII"

        /// The class's distance in metres (Abstandsliste 2007).
        public var metres: Double {
            switch self {
            case .i: return 1500
            case .ii: return 1000
            case .iii: return 700
            case .iv: return 500
            case .v: return 300
            case .vi: return 200
            case .vii: return 100
            }
        }
    }

    /// The distance class of each source land use. Default industrial V, harbour IV.
    public var classes: [LandUse: DistanceClass] = [.industrial: .v, .harbour: .iv]
    /// The land uses that suffer emissions. Default residential and mixed.
    public var receptors: [LandUse] = [.residential, .mixed]

    public init(classes: [LandUse: DistanceClass] = [.industrial: .v, .harbour: .iv], receptors: [LandUse] = [.residential, .mixed]) {
        self.classes = classes
        self.receptors = receptors
    }

    /// A receptor parcel inside a zone.
    public struct Conflict: Sendable, Equatable {
        /// The nearest source parcel whose zone holds the receptor (position in the parcel layer).
        public var source: Int
        public var distanceClass: DistanceClass
        /// Distance (m) from the receptor to that source.
        public var distance: Double
    }

    /// The conflict of every parcel (nil: none), on all cores.
    public func run(parcels: Layer, measures: [ParcelMetrics.Measures]) throws -> [Conflict?] {
        let prepared = try prepare(sources: parcels, landUses: measures.map(\.landUse))
        return try Array(parcels.features.indices).parallelMap(minimumChunk: 64) { i in
            try prepared.conflict(for: parcels.features[i].geometry!, landUse: measures[i].landUse)
        }
    }

    /// Indexes the source parcels among `parcels` (`landUses` gives each one's class), so
    /// that receptors can be tested one at a time; `parcels` may hold only the sources.
    public func prepare(sources parcels: Layer, landUses: [LandUse?]) throws -> Prepared {
        let sources = parcels.features.indices.filter { landUses[$0].map { classes[$0] != nil } ?? false }
        return Prepared(zones: self, layer: Layer(name: "emission_sources", crs: parcels.crs, features: sources.map { parcels.features[$0] }),
                        classes: sources.map { classes[landUses[$0]!]! })
    }

    /// The emission sources indexed for conflict tests.
    public final class Prepared: Sendable {
        public let zones: EmissionZones
        /// The source parcels.
        public let layer: Layer
        /// Each source's distance class.
        public let classes: [DistanceClass]
        /// One R-tree per distance class present: (class, its sources' positions, the tree).
        let indexes: [(distanceClass: DistanceClass, members: [Int], index: SpatialIndex)]

        init(zones: EmissionZones, layer: Layer, classes: [DistanceClass]) {
            self.zones = zones
            self.layer = layer
            self.classes = classes
            indexes = DistanceClass.allCases.compactMap { c in
                let members = classes.indices.filter { classes[$0] == c }
                return members.isEmpty ? nil : (c, members, SpatialIndex(members.map { layer.features[$0].geometry!.envelope }))
            }
        }

        /// The conflict of one parcel (nil: not a receptor, or outside every zone): per class,
        /// the nearest source by exact distance (best-first search in the class's R-tree), a
        /// conflict when it lies within the class's distance; of those, the nearest (the
        /// lower source position on a tie).
        public func conflict(for g: Geometry, landUse: LandUse?) throws -> Conflict? {
            guard let landUse, zones.receptors.contains(landUse) else { return nil }
            var best: Conflict?
            for (distanceClass, members, index) in indexes {
                guard let hit = try index.nearest(to: g.envelope, k: 1, distance: { try layer.features[members[$0]].geometry!.distance(to: g) }).first,
                      hit.distance <= distanceClass.metres else { continue }
                let candidate = Conflict(source: members[hit.item], distanceClass: distanceClass, distance: hit.distance)
                if best == nil || candidate.distance < best!.distance || (candidate.distance == best!.distance && candidate.source < best!.source) {
                    best = candidate
                }
            }
            return best
        }

        /// The zones as polygons for maps: per class, the union of its sources' buffers.
        public func zoneLayer(quadrantSegments: Int = 8) throws -> Layer {
            var features: [Feature] = []
            for distanceClass in DistanceClass.allCases {
                let members = classes.indices.filter { classes[$0] == distanceClass }
                guard !members.isEmpty else { continue }
                let buffers = try members.parallelMap(minimumChunk: 16) {
                    try layer.features[$0].geometry!.buffer(distanceClass.metres, style: BufferStyle(quadrantSegments: quadrantSegments))
                }
                let uses = zones.classes.filter { $0.value == distanceClass }.map(\.key.rawValue).sorted()
                features.append(Feature(geometry: try Geometry.unaryUnion(of: buffers), properties: [
                    "class": .string(distanceClass.rawValue), "distance_m": .double(distanceClass.metres),
                    "sources": .string(uses.joined(separator: ", ")), "source_parcels": .integer(Int64(members.count)),
                ]))
            }
            return Layer(name: "emission_zones", crs: layer.crs, features: features)
        }
    }
}
