import ArgumentParser
import FoundationEssentials
import GeoCore
import GeoIO

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Describe a layer: feature count, CRS, bounds, schema, geometry types, validity.",
        discussion: """
        Reads GeoJSON (FeatureCollection, Feature, geometry, or newline-delimited sequences), \
        Esri JSON FeatureSets, shapefiles (.shp with .shx, .dbf, .prj, .cpg beside it), \
        CSV points or GeoPackage (a GeoPackage with several feature tables lists them; \
        --layer NAME inspects one). Features that cannot be read are counted and listed with their reasons; \
        'nordwaerts validate' lists every invalid geometry.

        Examples:
          nordwaerts inspect datasets/dortmund/parcels.geojson
          nordwaerts inspect addresses.csv --from EPSG:25832 --x RW --y HW --json
        """
    )

    @Argument(help: "The file to inspect ('-' for standard input).")
    var file: String

    @OptionGroup var input: InputOptions

    @Flag(help: "Print the report as JSON (for scripts).")
    var json = false

    func run() throws {
        try reportingErrors {
            if input.layer == nil, (input.inputFormat ?? InputFormat.forPath(file).rawValue) == "gpkg" {
                let tables = try GeoPackageReader.layers(path: file)
                if tables.count != 1 { return try listTables(tables) }
            }
            let reader = try input.openReader(file)
            let report = try LayerInspection.inspect(reader)
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                print(String(decoding: try encoder.encode(report), as: UTF8.self))
            } else {
                print(render(report))
            }
        }
    }

    /// A GeoPackage with several feature tables: the tables, then `--layer` inspects one.
    private func listTables(_ tables: [GeoPackageLayerInfo]) throws {
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            struct Listing: Encodable { let path: String; let tables: [GeoPackageLayerInfo] }
            print(String(decoding: try encoder.encode(Listing(path: file, tables: tables)), as: UTF8.self))
            return
        }
        var lines = ["file:      \(file)", "GeoPackage with \(tables.count) feature tables (inspect one with --layer NAME):"]
        let width = tables.map(\.name.count).max() ?? 0
        for t in tables {
            lines.append("  \(t.name + String(repeating: " ", count: width - t.name.count))  \(t.features) features, \(t.geometryType), \(t.crs)")
        }
        print(lines.joined(separator: "\n"))
    }

    private func render(_ r: LayerInspection) -> String {
        var lines: [String] = []
        lines.append("file:      \(r.path)")
        lines.append("features:  \(r.features)" + (r.rejected > 0 ? " (and \(r.rejected) that cannot be read)" : ""))
        lines.append("crs:       \(r.crs) (\(r.crsName); from the \(r.crsOrigin))")
        if let b = r.bounds { lines.append("bounds:    \(b.minX), \(b.minY), \(b.maxX), \(b.maxY)") }
        if let b = r.boundsWGS84, r.crs != "OGC:CRS84" {
            lines.append("lon/lat:   \(fmt(b.minX)), \(fmt(b.minY)), \(fmt(b.maxX)), \(fmt(b.maxY))")
        }
        let types = r.geometryTypes.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        lines.append("geometry:  \(types.isEmpty ? "none" : types)" + (r.empty > 0 ? "; \(r.empty) empty" : "") + (r.withZ > 0 ? "; \(r.withZ) with z" : ""))
        lines.append("validity:  \(r.valid) valid, \(r.invalid) invalid")
        for (reason, count) in r.invalidReasons.sorted(by: { $0.value > $1.value }) {
            lines.append("           \(count) × \(reason)")
        }
        lines.append("fields:")
        let width = r.fields.map(\.name.count).max() ?? 0
        for field in r.fields {
            lines.append("  \(field.name + String(repeating: " ", count: width - field.name.count))  \(field.type) (\(field.nonNull) non-null)")
        }
        if !r.invalidExamples.isEmpty {
            lines.append("invalid geometries (first \(r.invalidExamples.count)):")
            lines += r.invalidExamples.map { "  \($0)" }
        }
        if !r.rejections.isEmpty {
            lines.append("unreadable features (first \(r.rejections.count)):")
            lines += r.rejections.map { "  \($0)" }
        }
        for warning in r.warnings { lines.append("warning: \(warning)") }
        return lines.joined(separator: "\n")
    }

    private func fmt(_ v: Double) -> String { decimalText(v, decimals: 5) }
}
