import GeoCore
import GeoIO
import UrbanAnalysis

/// Small layers built by hand in EPSG:25832 for the hand-computed tests.
enum Fixtures {
    static let utm = CRS.etrs89UTM32N

    /// An axis-parallel rectangle as a polygon.
    static func box(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double) throws -> Geometry {
        try Geometry(polygon: [Coordinate(x0, y0), Coordinate(x1, y0), Coordinate(x1, y1), Coordinate(x0, y1), Coordinate(x0, y0)], crs: utm)
    }

    static func feature(_ id: String, _ g: Geometry, _ properties: Properties = [:]) -> Feature {
        var p = properties
        p["id"] = .string(id)
        return Feature(id: .string(id), geometry: g, properties: p)
    }

    static func layer(_ name: String, _ features: [Feature]) -> Layer {
        Layer(name: name, crs: utm, features: features)
    }

    static func parcel(_ id: String, _ g: Geometry, landuse: String, floors: Int = 0, built: Double = 0) -> Feature {
        feature(id, g, ["landuse": .string(landuse), "floors": .integer(Int64(floors)), "built_area_m2": .double(built)])
    }
}
