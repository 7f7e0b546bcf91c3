import GeoCore

/// A feature table of a GeoPackage, as `inspect` lists it.
public struct GeoPackageLayerInfo: Sendable, Codable, Equatable {
    public var name: String
    public var geometryColumn: String
    public var geometryType: String
    public var srsID: Int
    /// "EPSG:25832", or the SRS's name when it has no code.
    public var crs: String
    public var features: Int
}

/// Reads one feature table of a GeoPackage (1.0 to 1.4), streamed: rows come from one
/// statement stepping through the table; each batch's blobs are decoded on all cores.
///
/// The file is checked before anything is read: that it is SQLite, that its `application_id`
/// is 'GPKG' (or 'GP10'/'GP11' of 1.0/1.1), that `gpkg_contents` and
/// `gpkg_geometry_columns` exist and name the table. Those problems throw
/// `IOError.malformed` (exit 65). A row whose blob is not a GeoPackage geometry (wrong magic,
/// another srs_id than its column's, broken WKB, an extended type such as CircularString) is
/// rejected with its reason and fid, and the rest is read.
///
/// Feature ids: the `geojson_id` column the writer adds for ids that are not integers, else
/// the fid. The CRS comes from `gpkg_spatial_ref_sys` (its EPSG code, else its WKT).
public final class GeoPackageReader: FeatureReader {
    public let path: String
    public let crs: CRS
    public let warnings: [String] = []
    public let layer: GeoPackageLayerInfo
    /// Where the CRS came from, for `inspect`.
    public let crsOrigin: String
    private let db: SQLiteDatabase
    private let statement: SQLiteStatement
    private let srsID: Int32
    private let keepZ: Bool
    private let columns: [(name: String, kind: ColumnKind)]
    private let idColumn: Int?
    private var index = 0
    private var done = false

    enum ColumnKind { case boolean, integer, real, text, blob }

    /// Opens `layer` of the GeoPackage at `path` (nil: the only feature table, or an error
    /// listing them).
    public init(path: String, layer: String? = nil, options: ReadOptions = ReadOptions()) throws {
        self.path = path
        keepZ = options.keepZ
        db = try GeoPackageReader.open(path)
        let layers = try GeoPackageReader.layers(in: db, path: path)
        let chosen: GeoPackageLayerInfo
        if let layer {
            guard let found = layers.first(where: { $0.name == layer }) ?? layers.first(where: { $0.name.lowercased() == layer.lowercased() }) else {
                throw IOError.unusable(path: path, message: "has no feature table named '\(layer)'; it has \(layers.isEmpty ? "none" : layers.map(\.name).joined(separator: ", "))")
            }
            chosen = found
        } else {
            guard layers.count == 1 else {
                throw IOError.unusable(path: path, message: layers.isEmpty ? "has no feature tables"
                    : "has \(layers.count) feature tables (\(layers.map(\.name).joined(separator: ", "))); name one (--layer, or `layer:` in a scenario)")
            }
            chosen = layers[0]
        }
        self.layer = chosen
        srsID = Int32(truncatingIfNeeded: chosen.srsID)
        crsOrigin = options.crs == nil ? "GeoPackage's gpkg_spatial_ref_sys (srs_id \(chosen.srsID))" : "given"
        if let given = options.crs {
            crs = given
        } else {
            crs = try GeoPackageReader.crs(srsID: chosen.srsID, in: db, path: path)
        }
        let info = try GeoPackageReader.query(db, path, "PRAGMA table_info(\(sqlIdentifier(chosen.name)))")
        var selected: [(String, ColumnKind)] = []
        var fid: String?
        for row in info {
            guard row.count >= 6, let name = row[1].text else { continue }
            let declared = (row[2].text ?? "").uppercased()
            if row[5].integer == 1, declared.hasPrefix("INT") { fid = name; continue }
            if name == chosen.geometryColumn { continue }
            selected.append((name, GeoPackageReader.kind(declared)))
        }
        guard let fid else { throw IOError.malformed(path: path, location: SourceLocation(offset: 0), message: "table \(chosen.name) has no INTEGER PRIMARY KEY (fid) column") }
        columns = selected
        idColumn = selected.firstIndex { $0.0 == GeoPackageLayerWriter.idColumnName }
        let names = [fid, chosen.geometryColumn] + selected.map(\.0)
        do {
            statement = try db.prepare("SELECT \(names.map(sqlIdentifier).joined(separator: ", ")) FROM \(sqlIdentifier(chosen.name))")
        } catch {
            throw IOError.malformed(path: path, location: SourceLocation(offset: 0), message: "\(error)")
        }
    }

    /// The feature tables of a GeoPackage, with their counts.
    public static func layers(path: String) throws -> [GeoPackageLayerInfo] {
        let db = try open(path)
        return try layers(in: db, path: path)
    }

    // MARK: Opening and checking

    private static func open(_ path: String) throws -> SQLiteDatabase {
        var info = stat()
        guard stat(path, &info) == 0 else { throw IOError.cannotOpen(path: path, reason: String(cString: strerror(errno))) }
        let db = try SQLiteDatabase(path: path, mode: .readOnly)
        let id: Int64
        do {
            id = try db.rows("PRAGMA application_id").first?.first?.integer ?? 0
        } catch {
            throw IOError.malformed(path: path, location: SourceLocation(offset: 0), message: "not a GeoPackage: not an SQLite database (\((error as? SQLiteError)?.message ?? "\(error)"))")
        }
        let known: [Int64: String] = [0x4750_4B47: "GPKG", 0x4750_3130: "GP10", 0x4750_3131: "GP11"]
        guard known[id] != nil else {
            let bytes = (0..<4).map { UInt8(truncatingIfNeeded: UInt32(truncatingIfNeeded: id) >> (24 - 8 * $0)) }
            let printable = bytes.allSatisfy { $0 >= 0x20 && $0 < 0x7F } ? " ('\(String(decoding: bytes, as: UTF8.self))')" : ""
            throw IOError.malformed(path: path, location: SourceLocation(offset: 68),
                                    message: "not a GeoPackage: SQLite application_id is 0x\(bytes.map(GeoPackageBinary.hex).joined())\(printable), expected 0x47504B47 ('GPKG')")
        }
        return db
    }

    private static func query(_ db: SQLiteDatabase, _ path: String, _ sql: String, _ arguments: [SQLiteValue] = []) throws -> [[SQLiteValue]] {
        do { return try db.rows(sql, arguments) } catch {
            throw IOError.malformed(path: path, location: SourceLocation(offset: 0), message: "\((error as? SQLiteError)?.message ?? "\(error)")")
        }
    }

    static func layers(in db: SQLiteDatabase, path: String) throws -> [GeoPackageLayerInfo] {
        for table in ["gpkg_contents", "gpkg_geometry_columns", "gpkg_spatial_ref_sys"] {
            let found = try query(db, path, "SELECT 1 FROM sqlite_master WHERE type IN ('table', 'view') AND name = ?", [.text(table)])
            guard !found.isEmpty else {
                throw IOError.malformed(path: path, location: SourceLocation(offset: 0), message: "not a GeoPackage: the required table \(table) is missing")
            }
        }
        let rows = try query(db, path, """
            SELECT c.table_name, g.column_name, g.geometry_type_name, g.srs_id, s.organization, s.organization_coordsys_id, s.srs_name
            FROM gpkg_contents c JOIN gpkg_geometry_columns g ON g.table_name = c.table_name
            LEFT JOIN gpkg_spatial_ref_sys s ON s.srs_id = g.srs_id
            WHERE c.data_type = 'features' ORDER BY c.table_name
            """)
        return try rows.map { row in
            let name = row[0].text ?? ""
            let count = try query(db, path, "SELECT count(*) FROM \(sqlIdentifier(name))").first?.first?.integer ?? 0
            let organization = row[4].text ?? "NONE"
            let crs = organization.uppercased() == "NONE" ? (row[6].text ?? "undefined") : "\(organization.uppercased()):\(row[5].integer ?? 0)"
            return GeoPackageLayerInfo(name: name, geometryColumn: row[1].text ?? "geom", geometryType: row[2].text ?? "GEOMETRY",
                                       srsID: Int(row[3].integer ?? 0), crs: crs, features: Int(count))
        }
    }

    private static func crs(srsID: Int, in db: SQLiteDatabase, path: String) throws -> CRS {
        let rows = try query(db, path, "SELECT organization, organization_coordsys_id, definition FROM gpkg_spatial_ref_sys WHERE srs_id = ?", [.integer(Int64(srsID))])
        guard let row = rows.first else {
            throw IOError.malformed(path: path, location: SourceLocation(offset: 0), message: "srs_id \(srsID) is not in gpkg_spatial_ref_sys")
        }
        let organization = row[0].text ?? "", code = row[1].integer ?? 0, definition = row[2].text ?? ""
        if organization.uppercased() == "EPSG", let crs = try? CRS("EPSG:\(code)") { return crs.authorityCode?.code == 4326 ? .wgs84 : crs }
        if definition != "undefined", let crs = try? CRS(definition) { return crs }
        throw IOError.unusable(path: path, message: "srs_id \(srsID) is undefined ('\(organization)' \(code)); give the CRS with --from (or `crs:` in a scenario)")
    }

    static func kind(_ declared: String) -> ColumnKind {
        if declared == "BOOLEAN" { return .boolean }
        if declared.contains("INT") { return .integer }
        if declared.contains("REAL") || declared.contains("FLOA") || declared.contains("DOUB") { return .real }
        if declared.hasPrefix("BLOB") { return .blob }
        return .text
    }

    // MARK: Reading

    /// One row as read from SQLite, before its blob is decoded.
    private struct Row: @unchecked Sendable {
        var index: Int
        var fid: Int64
        var id: FeatureID
        var blob: [UInt8]?
        var properties: Properties
    }

    private func readRows(_ maxCount: Int) throws -> [Row] {
        guard !done else { return [] }
        var rows: [Row] = []
        rows.reserveCapacity(maxCount)
        while rows.count < maxCount {
            let more: Bool
            do { more = try statement.step() } catch {
                done = true
                throw IOError.malformed(path: path, location: SourceLocation(offset: 0), message: "table \(layer.name), after \(index) rows: \((error as? SQLiteError)?.message ?? "\(error)")")
            }
            guard more else { done = true; break }
            let fid = statement.value(at: 0).integer ?? Int64(index + 1)
            var blob: [UInt8]?
            if !statement.isNull(1) { blob = statement.withBlob(at: 1) { Array($0) } }
            var entries: [(name: String, value: PropertyValue)] = []
            entries.reserveCapacity(columns.count)
            var id = FeatureID.integer(fid)
            for k in columns.indices {
                let value = statement.value(at: k + 2)
                if k == idColumn {
                    if case let .text(text) = value { id = .string(text) } else if case let .integer(i) = value { id = .integer(i) }
                    continue
                }
                entries.append((columns[k].name, GeoPackageReader.property(value, columns[k].kind)))
            }
            rows.append(Row(index: index, fid: fid, id: id, blob: blob, properties: Properties(entries)))
            index += 1
        }
        return rows
    }

    static func property(_ value: SQLiteValue, _ kind: ColumnKind) -> PropertyValue {
        switch value {
        case .null: return .null
        case let .integer(i): return kind == .boolean ? .bool(i != 0) : (kind == .real ? .double(Double(i)) : .integer(i))
        case let .real(d): return .double(d)
        case let .text(t): return .string(t)
        case let .blob(b): return .string(b.map(GeoPackageBinary.hex).joined())
        }
    }

    private func feature(_ row: Row) -> ReadResult {
        let origin = FeatureOrigin(index: row.index, offset: Int(truncatingIfNeeded: row.fid))
        var geometry: Geometry?
        if let blob = row.blob {
            do {
                geometry = try blob.withUnsafeBytes { try GeoPackageBinary.decode($0, srsID: srsID, crs: crs, keepZ: keepZ) }
            } catch {
                let problem = FeatureProblem(path: path, index: row.index, id: row.id.description, location: nil,
                                             reason: "table \(layer.name), fid \(row.fid): \(error)")
                return .rejected(problem, raw: GeoPackageReader.raw(row))
            }
        }
        return .feature(Feature(id: row.id, geometry: geometry, properties: row.properties, origin: origin))
    }

    /// What the rejects report keeps of a row: its fid, properties and the blob in hex.
    private static func raw(_ row: Row) -> String {
        var out: [UInt8] = Array("{\"fid\":".utf8)
        NumberFormatting.appendInteger(row.fid, to: &out)
        out += Array(",\"properties\":".utf8)
        JSONWriting.appendValue(.object(row.properties), to: &out)
        out += Array(",\"geometry_blob_hex\":".utf8)
        JSONWriting.appendString(row.blob.map { $0.map(GeoPackageBinary.hex).joined() } ?? "", to: &out)
        out += Array("}".utf8)
        return String(decoding: out, as: UTF8.self)
    }

    public func next() throws -> ReadResult? {
        guard let row = try readRows(1).first else { return nil }
        return feature(row)
    }

    public func nextBatch(maxCount: Int) throws -> [ReadResult] {
        try nextBatch(maxCount: maxCount, workers: Cores.available * 2) { item, _ in item }
    }

    public func nextBatch<T>(maxCount: Int, workers: Int, transform: @Sendable (ReadResult, Int) throws -> T) throws -> [T] {
        let rows = try readRows(maxCount)
        guard !rows.isEmpty else { return [] }
        nonisolated(unsafe) let reader = self
        return try concurrentChunks(rows.count, chunks: max(1, workers)) { i, worker in
            try transform(reader.feature(rows[i]), worker)
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
