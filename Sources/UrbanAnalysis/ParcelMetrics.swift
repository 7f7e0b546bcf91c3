import GeoCore
import GeoIO

/// Size, shape and density of every parcel.
///
/// With `A` the parcel's area (exterior minus holes, m²), `P` its perimeter (all rings, m)
/// and `R` its minimum-area enclosing rectangle (long side `L`, short side `W`, found from
/// the convex hull by rotating calipers: ``Geometry/minimumAreaRectangle()``):
///
/// - `area_m2 = A`, `perimeter_m = P`
/// - `compactness = 4πA / P²` (Polsby-Popper: 1 for a circle, π/4 ≈ 0.785 for a square), 0 if P = 0
/// - `rectangularity = A / (L·W)` (1 for a rectangle, 0.75 for an L of three equal squares), 0 if L·W = 0
/// - `elongation = 1 − W / L` (0 for a square, 2/3 for a 3:1 strip), 0 if L = 0
/// - `grz = G / A` (Grundflächenzahl, BauNVO §19: built ground area G over parcel area)
/// - `gfz = F / A` (Geschossflächenzahl, BauNVO §20: floor area F over parcel area)
///
/// With a building layer, `G = Σ area(b ∩ parcel)` and `F = Σ area(b ∩ parcel) · floors(b)`
/// over the buildings b that overlap the parcel (a building on two parcels counts on each
/// with its part). Without one, `G` is the parcel's built-area attribute and
/// `F = G · floors` (the STANDARD PIPELINE's stage c). GRZ and GFZ are 0 if A = 0 and are not
/// clamped: a repaired bow-tie can exceed 1. Footprints approximate BauNVO's "Grundfläche",
/// which also counts garages and access ways (§19 (4)), so the GRZ here is a lower bound.
public struct ParcelMetrics: Codable, Sendable, Equatable {
    /// Where the parcel layer keeps land use, storeys and built area.
    public var fields: ParcelFields
    /// Where the building layer keeps storeys (used only when buildings are given).
    public var buildingFields: BuildingFields
    /// Whether to compute rectangularity and elongation (the minimum-area rectangle costs a
    /// convex hull per parcel; the STANDARD PIPELINE does without). Default true.
    public var shapeMeasures: Bool

    public init(fields: ParcelFields = .standard, buildingFields: BuildingFields = .standard, shapeMeasures: Bool = true) {
        self.fields = fields
        self.buildingFields = buildingFields
        self.shapeMeasures = shapeMeasures
    }

    enum CodingKeys: String, CodingKey { case fields, buildingFields = "building_fields", shapeMeasures = "shape_measures" }

    /// The measures of one parcel.
    public struct Measures: Sendable, Equatable {
        public var area: Double
        public var perimeter: Double
        public var compactness: Double
        public var rectangularity: Double
        public var elongation: Double
        /// Built ground area G, m².
        public var builtArea: Double
        /// Floor area F, m².
        public var floorArea: Double
        public var grz: Double
        public var gfz: Double
        /// The mapped land use, nil when the value is missing or not mapped.
        public var landUse: LandUse?
        /// Buildings overlapping the parcel (0 without a building layer).
        public var buildingCount: Int
    }

    /// Measures every parcel on all cores, in layer order.
    public func run(parcels: Layer, buildings: BuildingFootprints? = nil) throws -> [Measures] {
        try parcels.features.parallelMap(minimumChunk: 64) { try measure($0, buildings: buildings) }
    }

    /// Measures one parcel: the streaming form of ``run(parcels:buildings:)``.
    public func measure(_ parcel: Feature, buildings: BuildingFootprints? = nil) throws -> Measures {
        guard let g = parcel.geometry else {
            throw AnalysisError.missingGeometry(layer: "parcels", feature: parcel.displayID)
        }
        let area = try g.area(), perimeter = try g.length()
        let rectangle = shapeMeasures ? try g.minimumAreaRectangle() : nil
        let rectangleArea = rectangle?.area ?? 0
        let landUse = parcel.properties[fields.landUse]?.stringValue.flatMap(fields.landUseMapping.landUse(for:))

        var built = 0.0, floorArea = 0.0, count = 0
        if let buildings {
            (built, floorArea, count) = try buildings.coverage(of: g)
        } else {
            built = parcel.properties[fields.builtArea]?.doubleValue ?? 0
            floorArea = built * (parcel.properties[fields.floors]?.doubleValue ?? 0)
        }
        return Measures(
            area: area, perimeter: perimeter,
            compactness: perimeter > 0 ? 4 * Double.pi * area / (perimeter * perimeter) : 0,
            rectangularity: rectangleArea > 0 ? area / rectangleArea : 0,
            elongation: (rectangle?.length ?? 0) > 0 ? 1 - rectangle!.width / rectangle!.length : 0,
            builtArea: built, floorArea: floorArea,
            grz: area > 0 ? built / area : 0, gfz: area > 0 ? floorArea / area : 0,
            landUse: landUse, buildingCount: count)
    }
}

/// Building footprints indexed for the parcel joins: built area and floor area per parcel.
public final class BuildingFootprints: Sendable {
    public let layer: Layer
    let index: SpatialIndex
    let areas: [Double]
    /// Storeys per building; nil where the layer has no usable value.
    let floors: [Double?]

    public init(_ layer: Layer, fields: BuildingFields = .standard) throws {
        self.layer = layer
        index = SpatialIndex(layer.geometries.envelopes())
        areas = try layer.geometries.areas()
        floors = layer.features.map { $0.properties[fields.floors]?.doubleValue }
    }

    /// Buildings whose storeys are unknown: they count towards GRZ but not GFZ.
    public var withoutFloors: Int { floors.lazy.filter { $0 == nil }.count }

    /// Built area, floor area and number of the buildings overlapping `parcel`.
    func coverage(of parcel: Geometry) throws -> (built: Double, floorArea: Double, count: Int) {
        var built = 0.0, floorArea = 0.0, count = 0
        let box = parcel.envelope
        try index.forEach(intersecting: box) { i in
            let building = layer.features[i].geometry!
            let part: Double
            if box.contains(building.envelope), try parcel.covers(building) {
                part = areas[i]
            } else {
                guard try parcel.intersects(building) else { return true }
                part = try parcel.intersection(building).area()
            }
            guard part > 0 else { return true }
            built += part
            floorArea += part * (floors[i] ?? 0)
            count += 1
            return true
        }
        return (built, floorArea, count)
    }
}
