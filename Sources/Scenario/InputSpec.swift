import Foundation
import GeoCore
import GeoIO
import UrbanAnalysis

/// One input layer of a scenario.
public struct InputSpec: Codable, Sendable, Equatable {
    /// The file, relative to the scenario's folder unless absolute.
    public var path: String
    /// What the layer is for: parcels, districts, buildings, stops, corridors, water,
    /// harbour_zone, addresses, population (cells with residents, optionally per age group),
    /// population_check (a finer grid over part of the area), streets (lines to walk on, for
    /// `catchment` with `method: network`), gtfs (a timetable). Default: the input's name. Several inputs may share a role
    /// (the corridors and the RS1, the basins and the quays): their features are joined.
    public var role: String?
    /// `geojson`, `csv`, `esrijson`, `shapefile` or `gpkg`. Default: by the file's extension
    /// (`.shp` a shapefile, `.gpkg` a GeoPackage; a `.json` file an Esri JSON FeatureSet when its
    /// content shows one).
    public var format: String?
    /// GeoPackage: the feature table to read. Default: the only one.
    public var layer: String?
    /// The CRS of the file, overriding what it says (required for CSV).
    public var crs: String?
    /// CSV: the coordinate columns. Default: found by name (x/y, lon/lat, RW/HW, …).
    public var x: String?
    public var y: String?
    /// Toolkit field name → the file's field name, e.g. `{id: flstkennz, landuse: nutzart,
    /// floors: anzahlgs}`; the analyses read the toolkit names.
    public var fields: [String: String] = [:]
    /// How land-use values map onto the eight classes: `alkis` for ALKIS `nutzart` values, or a
    /// mapping `{source value: class}`. Default: the class names themselves.
    public var landuseMapping: LandUseMappingSpec?
    /// Properties every feature gets where it has none of that name (`{kind: cycle}`).
    public var properties: [String: String] = [:]
    /// Which features to keep: `{field, equals | in | matches}`.
    public var filter: AttributeFilter?
    /// What to do with an invalid geometry: repair (default), keep, skip, fail.
    public var onInvalid: InvalidGeometryPolicy = .repair
    /// For the report: whether the layer is modelled rather than real, its licence and attribution.
    public var modelled: Bool = false
    public var licence: String?
    public var attribution: String?

    public init(path: String) { self.path = path }

    enum CodingKeys: String, CodingKey {
        case path, role, format, crs, x, y, fields, properties, filter, modelled, licence, attribution, layer
        case landuseMapping = "landuse_mapping", onInvalid = "on_invalid"
    }

    /// The role, by default the input's name.
    public func role(named name: String) -> String { role ?? name }

    /// The path resolved against the scenario's folder.
    public func resolvedPath(in folder: String) -> String {
        path.hasPrefix("/") ? path : (folder == "." ? path : folder + "/" + path)
    }

    func check(name: String, file: String, node: ScenarioNode) throws {
        func line(_ key: String) -> Int { node[key]?.position.line ?? node.position.line }
        if path.isEmpty { throw ScenarioError.missingKey(file: file, key: "inputs.\(name).path", line: node.position.line) }
        let r = role(named: name)
        guard Scenario.inputRoles.contains(r) else {
            throw ScenarioError.invalidValue(file: file, key: "inputs.\(name)\(role == nil ? "" : ".role")", line: line(role == nil ? "path" : "role"),
                                             message: "'\(r)' is not a role\(Suggestion.phrase(for: r, among: Scenario.inputRoles)); an input is one of \(Scenario.inputRoles.joined(separator: ", ")) (name it so, or give it a role)")
        }
        if let format, InputFormat(rawValue: format) == nil {
            throw ScenarioError.invalidValue(file: file, key: "inputs.\(name).format", line: line("format"), message: "'\(format)' is not one of \(InputFormat.names)\(Suggestion.phrase(for: format, among: InputFormat.allCases.map(\.rawValue)))")
        }
        if let crs {
            do { _ = try CRS(crs) } catch {
                throw ScenarioError.invalidValue(file: file, key: "inputs.\(name).crs", line: line("crs"), message: "PROJ does not know the CRS '\(crs)'")
            }
        }
        do { try filter?.validate() } catch {
            throw ScenarioError.invalidValue(file: file, key: "inputs.\(name).filter", line: line("filter"), message: "\(error)")
        }
    }
}

/// `landuse_mapping: alkis`, or a mapping of source values to classes.
public enum LandUseMappingSpec: Codable, Sendable, Equatable {
    case preset(String)
    case values([String: LandUse])

    public init(from decoder: Decoder) throws {
        if let text = try? decoder.singleValueContainer().decode(String.self) {
            guard text == "alkis" else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "'\(text)' is no preset: write alkis, or a mapping of values to classes"))
            }
            self = .preset(text)
            return
        }
        self = .values(try decoder.singleValueContainer().decode([String: LandUse].self))
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case let .preset(name): try container.encode(name)
        case let .values(map): try container.encode(map)
        }
    }

    public var mapping: LandUseMapping {
        switch self {
        case .preset: return .alkis
        case let .values(map): return LandUseMapping(values: map)
        }
    }
}

/// What a scenario writes.
public struct OutputSpec: Codable, Sendable, Equatable {
    /// The CRS of the GeoJSON results: `OGC:CRS84` gives RFC 7946 (the default); `EPSG:25832`
    /// writes metres with the legacy `crs` member, for QGIS.
    public var crs: String = "OGC:CRS84"
    /// Decimals of the coordinates. Default: 7 for degrees (RFC 7946), 3 for metres.
    public var precision: Int?
    /// The result layers to write (file names without `.geojson`). Default: all the analyses make.
    public var layers: [String]?
    /// Also report the indicators on a square grid of this cell size (m): grid.csv, grid.geojson.
    public var gridCellM: Double?
    /// `standard` (`,`) or `excel` (`;`, decimal commas, byte order mark).
    public var csv: String = "standard"
    /// What to write besides the tables and reports: `geojson` (a file per layer; always, since
    /// comparisons and notebooks read it), `gpkg` (results.gpkg: every layer in the working CRS,
    /// styled) and `qgis` (project.qgz: the run styled in QGIS, reading results.gpkg, or the
    /// GeoJSON files without it). Default: all three.
    public var formats: [String] = OutputSpec.formatNames
    /// Write the benchmark kit's STANDARD PIPELINE files instead (parcels.csv, districts.csv,
    /// parcels_wgs84.geojson, exactly as ../shared/bench/README.md defines them), from the same
    /// code as `nordwaerts pipeline`. Default false.
    public var standardPipeline: Bool = false

    public init() {}

    enum CodingKeys: String, CodingKey { case crs, precision, layers, csv, formats, gridCellM = "grid_cell_m", standardPipeline = "standard_pipeline" }

    /// The output formats `formats` can name.
    public static let formatNames = ["geojson", "gpkg", "qgis"]

    /// Whether the run writes `format` (one of ``formatNames``).
    public func writes(_ format: String) -> Bool { formats.contains(format) }

    /// The layers every run can write.
    public static let layerNames = ["parcels", "potential", "districts", "catchments", "underserved", "emission_zones", "conflicts",
                                    "harbour_zone", "conversion_candidates", "solar", "grid", "walk_catchments"]

    func check(file: String, node: ScenarioNode) throws {
        func line(_ key: String) -> Int { node[key]?.position.line ?? node.position.line }
        do { _ = try CRS(crs) } catch {
            throw ScenarioError.invalidValue(file: file, key: "outputs.crs", line: line("crs"), message: "PROJ does not know the CRS '\(crs)'")
        }
        if let precision, !(0...15).contains(precision) {
            throw ScenarioError.invalidValue(file: file, key: "outputs.precision", line: line("precision"), message: "\(precision) is out of range: expected 0 to 15")
        }
        for layer in layers ?? [] where !OutputSpec.layerNames.contains(layer) {
            throw ScenarioError.invalidValue(file: file, key: "outputs.layers", line: line("layers"),
                                             message: "'\(layer)' is not a result layer\(Suggestion.phrase(for: layer, among: OutputSpec.layerNames)); they are \(OutputSpec.layerNames.joined(separator: ", "))")
        }
        if let gridCellM, !(gridCellM > 0) {
            throw ScenarioError.invalidValue(file: file, key: "outputs.grid_cell_m", line: line("grid_cell_m"), message: "\(gridCellM) is out of range: expected a positive number of metres")
        }
        for format in formats where !OutputSpec.formatNames.contains(format) {
            throw ScenarioError.invalidValue(file: file, key: "outputs.formats", line: line("formats"),
                                             message: "'\(format)' is not an output format; they are \(OutputSpec.formatNames.joined(separator: ", "))")
        }
        if !formats.contains("geojson") {
            throw ScenarioError.invalidValue(file: file, key: "outputs.formats", line: line("formats"),
                                             message: "geojson cannot be left out: comparisons of variants and the notebooks read it")
        }
        guard ["standard", "excel"].contains(csv) else {
            throw ScenarioError.invalidValue(file: file, key: "outputs.csv", line: line("csv"), message: "'\(csv)' is not standard or excel\(Suggestion.phrase(for: csv, among: ["standard", "excel"]))")
        }
    }

    public var csvStyle: Table.CSVStyle { csv == "excel" ? .excel : .standard }
}
