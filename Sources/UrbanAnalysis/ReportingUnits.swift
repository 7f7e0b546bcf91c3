import GeoCore
import GeoIO

/// The polygons indicators are reported for: Stadtbezirke, statistical districts, any polygon
/// layer, or a square grid. Prepared and indexed once, then shared by all threads.
public final class ReportingUnits: Sendable {
    /// The unit polygons with their properties.
    public let layer: Layer
    /// Each unit's id (from ``DistrictFields/id``, else the feature id, else its position).
    public let ids: [String]
    /// Each unit's display name (the id when there is none).
    public let names: [String]
    /// Residents, where the layer says (``DistrictFields/population``).
    public let populations: [Double?]
    /// Whether the unit belongs to the Nordwärts programme area (``DistrictFields/nordwaerts``).
    public let nordwaerts: [Bool]
    /// Each unit's own area, m².
    public let areas: [Double]
    let prepared: [PreparedGeometry]
    let index: SpatialIndex

    public init(_ layer: Layer, fields: DistrictFields = .standard) throws {
        guard !layer.crs.isGeographic else { throw AnalysisError.notMetric(layer: layer.name, crs: layer.crs.identifier) }
        self.layer = layer
        ids = layer.labels(fields.id)
        names = layer.labels(fields.name, fields.id)
        populations = layer.features.map { $0.properties[fields.population]?.doubleValue }
        nordwaerts = layer.features.map { feature in
            switch feature.properties[fields.nordwaerts] {
            case let .bool(b)?: return b
            case let .integer(i)?: return i != 0
            case let .string(s)?: return ["true", "yes", "ja", "1"].contains(s.lowercased())
            default: return false
            }
        }
        areas = try layer.geometries.areas()
        prepared = try layer.geometries.map(PreparedGeometry.init)
        index = SpatialIndex(layer.geometries.envelopes())
    }

    public var count: Int { ids.count }

    /// A square grid of `cellSize` metres over `extent`, aligned to multiples of the cell size
    /// (so grids of two runs line up), keeping the cells that intersect `clip` when given
    /// (the city's outline, say). Cell ids follow the INSPIRE/EEA grid naming, e.g.
    /// `1kmN5709E392` for the 1 km cell whose south-west corner is E 392000 N 5709000, or
    /// `250mN5709250E392000` for other sizes.
    public static func grid(cellSize: Double, covering extent: Envelope, crs: CRS = .etrs89UTM32N,
                            clip: Geometry? = nil) throws -> ReportingUnits {
        guard cellSize > 0, cellSize.isFinite else {
            throw AnalysisError.invalidParameter(parameter: "cell_size_m", value: String(cellSize), expected: "a positive number of metres")
        }
        guard !extent.isEmpty else { return try ReportingUnits(Layer(name: "grid", crs: crs, features: [])) }
        let x0 = (extent.minX / cellSize).rounded(.down), x1 = (extent.maxX / cellSize).rounded(.up)
        let y0 = (extent.minY / cellSize).rounded(.down), y1 = (extent.maxY / cellSize).rounded(.up)
        let cells = (x1 - x0) * (y1 - y0)
        guard cells <= 4_000_000 else {
            throw AnalysisError.invalidParameter(parameter: "cell_size_m", value: String(cellSize),
                                                 expected: "a size giving at most 4,000,000 cells over the extent (\(Int(cells)) here)")
        }
        let clipper = try clip.map(PreparedGeometry.init)
        let kilometres = cellSize.truncatingRemainder(dividingBy: 1000) == 0
        var features: [Feature] = []
        for row in Int(y0)..<Int(y1) {
            for column in Int(x0)..<Int(x1) {
                let minX = Double(column) * cellSize, minY = Double(row) * cellSize
                let square = try Geometry(polygon: [
                    Coordinate(minX, minY), Coordinate(minX + cellSize, minY), Coordinate(minX + cellSize, minY + cellSize),
                    Coordinate(minX, minY + cellSize), Coordinate(minX, minY),
                ], crs: crs)
                if let clipper, !(try clipper.intersects(square)) { continue }
                let id = kilometres
                    ? "\(Int(cellSize / 1000))kmN\(Int(minY / 1000))E\(Int(minX / 1000))"
                    : "\(Int(cellSize))mN\(Int(minY))E\(Int(minX))"
                features.append(Feature(geometry: square, properties: ["id": .string(id), "name": .string(id)]))
            }
        }
        return try ReportingUnits(Layer(name: "grid", crs: crs, features: features))
    }
}
