/// Which properties of a parcel layer hold what the analyses read. Field names are
/// parameters, never constants, so that the same analysis runs on the embedded data, on the
/// benchmark kit's data and on a real ALKIS export.
public struct ParcelFields: Codable, Sendable, Equatable {
    /// The parcel identifier (ALKIS: `flstkennz`). Default `id`; the feature id is used when
    /// the property is missing.
    public var id: String
    /// The land-use value, mapped to ``LandUse`` by `landUseMapping`. Default `landuse`.
    public var landUse: String
    /// Full storeys (Vollgeschosse) of the parcel's buildings (ALKIS buildings: `anzahlgs`).
    /// Default `floors`.
    public var floors: String
    /// The built (footprint) area in m², used for GRZ and GFZ when no building layer is
    /// given. Default `built_area_m2`.
    public var builtArea: String
    /// How land-use values map onto the eight classes. Default: the class names themselves.
    public var landUseMapping: LandUseMapping

    public init(id: String = "id", landUse: String = "landuse", floors: String = "floors",
                builtArea: String = "built_area_m2", landUseMapping: LandUseMapping = LandUseMapping()) {
        self.id = id
        self.landUse = landUse
        self.floors = floors
        self.builtArea = builtArea
        self.landUseMapping = landUseMapping
    }

    enum CodingKeys: String, CodingKey {
        case id, landUse = "landuse", floors, builtArea = "built_area", landUseMapping = "landuse_mapping"
    }

    /// The toolkit's own layers and the benchmark kit's (`id`, `landuse`, `floors`, `built_area_m2`).
    public static let standard = ParcelFields()

    /// A real NRW ALKIS export with the tatsächliche Nutzung joined by location: `flstkennz`,
    /// `nutzart`, and `anzahlgs` joined from the buildings.
    public static let alkis = ParcelFields(id: "flstkennz", landUse: "nutzart", floors: "anzahlgs",
                                           builtArea: "built_area_m2", landUseMapping: .alkis)
}

/// Which properties of a building layer hold what the analyses read.
public struct BuildingFields: Codable, Sendable, Equatable {
    /// Full storeys above ground (ALKIS `anzahlgs`). Default `floors`.
    public var floors: String

    public init(floors: String = "floors") { self.floors = floors }

    public static let standard = BuildingFields()
    public static let alkis = BuildingFields(floors: "anzahlgs")
}

/// Which properties of a reporting-unit layer (Stadtbezirke, statistical districts, any
/// polygons) hold what the district analyses read.
public struct DistrictFields: Codable, Sendable, Equatable {
    /// The unit's identifier. Default `id`.
    public var id: String
    /// Its display name. Default `name`.
    public var name: String
    /// Its residents, when known. Default `population`.
    public var population: String
    /// A boolean marking the units of the Nordwärts programme area. Default `nordwaerts`.
    public var nordwaerts: String

    public init(id: String = "id", name: String = "name", population: String = "population", nordwaerts: String = "nordwaerts") {
        self.id = id
        self.name = name
        self.population = population
        self.nordwaerts = nordwaerts
    }

    public static let standard = DistrictFields()
}
