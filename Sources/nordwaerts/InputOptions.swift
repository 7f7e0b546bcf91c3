import ArgumentParser
import GeoCore
import GeoIO

/// Options every subcommand that reads a layer shares, named alike everywhere.
struct InputOptions: ParsableArguments {
    @Option(help: "The CRS of the input, overriding the file's 'crs' member (required for CSV).")
    var from: String?

    @Option(name: .customLong("input-format"), help: "geojson, csv, esrijson, shapefile or gpkg (default: by the file's extension; .json files by their content).")
    var inputFormat: String?

    @Option(help: "CSV: the column holding x (easting, longitude). Default: x, lon, RW, easting, ...")
    var x: String?

    @Option(help: "CSV: the column holding y (northing, latitude). Default: y, lat, HW, northing, ...")
    var y: String?

    @Flag(name: .customLong("drop-z"), help: "Drop z coordinates (default: keep them).")
    var dropZ = false

    @Option(help: "GeoPackage: the feature table to read (default: the only one).")
    var layer: String?

    func validate() throws {
        if let inputFormat, InputFormat(rawValue: inputFormat) == nil {
            throw ValidationError("--input-format must be one of \(InputFormat.names), not '\(inputFormat)'")
        }
    }

    func openReader(_ path: String) throws -> any FeatureReader {
        let crs = try from.map { try CRS($0) }
        return try openFeatureReader(path: path, format: inputFormat.flatMap(InputFormat.init(rawValue:)),
                                     options: ReadOptions(crs: crs, keepZ: !dropZ, xColumn: x, yColumn: y, layer: layer))
    }
}
