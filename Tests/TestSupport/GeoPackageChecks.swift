import Foundation

/// Independent checks of GeoPackages: GDAL's validator, SQLite's R-tree check, GDAL's reading.
public enum GeoPackageChecks {
    /// GDAL's validate_gpkg.py (Debian's python3-gdal), run by Debian's python3.
    public static let validator: String? = [
        "/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_gpkg.py",
        "/usr/share/doc/python3-gdal/examples/validate_gpkg.py",
    ].first { FileManager.default.fileExists(atPath: $0) }

    /// Runs GDAL's validator: passed means exit 0 and nothing printed (no warnings either).
    public static func validate(_ path: String) throws -> (passed: Bool, output: String) {
        guard let validator else { return (false, "validate_gpkg.py not found: install python3-gdal") }
        let result = try ExternalTools.run("/usr/bin/python3", [validator, path])
        let output = (result.stdout + result.stderr).trimmingCharacters(in: .whitespacesAndNewlines)
        return (result.status == 0 && output.isEmpty, output)
    }

    /// SQLite's own consistency check of an R-tree ("ok" when sound).
    public static func rtreeCheck(_ path: String, table: String, column: String = "geom") throws -> String {
        let result = try ExternalTools.run("sqlite3", [path, "SELECT rtreecheck('rtree_\(table)_\(column)')"])
        return (result.stdout + result.stderr).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs SQL through the sqlite3 shell (to make hostile files from good ones).
    @discardableResult
    public static func sqlite(_ path: String, _ sql: String) throws -> String {
        let result = try ExternalTools.run("sqlite3", [path], input: sql)
        return (result.stdout + result.stderr).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// ogrinfo's feature count of one layer.
    public static func ogrFeatureCount(_ path: String, layer: String) throws -> Int? {
        let result = try ExternalTools.run("ogrinfo", ["-ro", "-so", path, layer])
        let line = result.stdout.split(separator: "\n").first { $0.hasPrefix("Feature Count:") }
        return line.flatMap { Int($0.split(separator: ":").last!.trimmingCharacters(in: .whitespaces)) }
    }
}
