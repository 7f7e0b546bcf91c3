#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import GeoCore

/// Writes a GeoPackage 1.3 file (OGC 12-128r15; `application_id` 'GPKG', `user_version`
/// 10300, which Debian 12's GDAL 3.6 validator accepts) with one feature table per layer.
///
/// The file is built beside its target under a temporary name, in one transaction with no
/// rollback journal (a failed run leaves nothing behind), and renamed into place by
/// `finish()`, like every other output. Rows go in through one prepared statement per layer;
/// the R-tree of each layer is filled in bulk at the end from the envelopes kept on the way
/// (in an order that keeps neighbours together), and only then are GDAL's triggers created, so
/// the inserts do not pay for them (and plain SQLite, which lacks the `ST_*` functions the
/// triggers call, can write the file). Layers may carry a QGIS style (`layer_styles`), which
/// QGIS applies when the GeoPackage is opened on its own.
public final class GeoPackageWriter {
    public let path: String
    private let temporaryPath: String
    private let db: SQLiteDatabase
    private var layers: [GeoPackageLayerWriter] = []
    private var srsIDs: [String: Int32] = [:]
    private var finished = false
    private var hasStyles = false

    /// The application id 'GPKG' and the version 1.3.0, as the header stores them.
    static let applicationID: Int32 = 0x4750_4B47
    static let userVersion = 10300

    public init(path: String) throws {
        self.path = path
        temporaryPath = try GeoPackageWriter.makeTemporaryFile(for: path)
        do {
            db = try SQLiteDatabase(path: temporaryPath, mode: .create)
            // The file is private until renamed: no journal, no syncs; one transaction.
            try db.execute("""
                PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA locking_mode = EXCLUSIVE;
                PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY;
                PRAGMA application_id = \(GeoPackageWriter.applicationID); PRAGMA user_version = \(GeoPackageWriter.userVersion);
                BEGIN;
                """)
            try db.execute(GeoPackageWriter.coreTables)
        } catch {
            unlink(temporaryPath)
            throw GeoPackageWriter.outputError(error, path: path)
        }
    }

    deinit { if !finished { abandon() } }

    /// Adds a feature table. `fields` are the property columns in order (the types widen later
    /// if features disagree: integer to real, anything to text). `geometryTypes`, when known,
    /// decide whether single parts are promoted: a layer with both Polygons and MultiPolygons
    /// is written as MultiPolygon (likewise points and lines). `style` is a QGIS style (QML).
    public func addLayer(name: String, crs: CRS, fields: [(name: String, type: FieldType)],
                         geometryTypes: Set<GeometryType> = [], keepZ: Bool = true, description: String = "",
                         style: String? = nil) throws -> GeoPackageLayerWriter {
        guard !layers.contains(where: { $0.name.lowercased() == name.lowercased() }) else {
            throw IOError.unusable(path: path, message: "two layers are named \(name)")
        }
        let srsID = try srsID(for: crs)
        let layer = try GeoPackageLayerWriter(db: db, path: path, name: name, srsID: srsID, crs: crs, fields: fields,
                                              geometryTypes: geometryTypes, keepZ: keepZ, description: description)
        if let style {
            try createStyleTable()
            let insert = try db.prepare("""
                INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, f_geometry_column, styleName, styleQML,
                                          styleSLD, useAsDefault, description, owner)
                VALUES ('', '', ?, 'geom', ?, ?, '', 1, ?, '')
                """)
            try insert.bind(.text(name), at: 1)
            try insert.bind(.text(String(name.prefix(30))), at: 2)
            try insert.bind(.text(style), at: 3)
            try insert.bind(.text("the style of the report, written by nordwaerts"), at: 4)
            try insert.step()
        }
        layers.append(layer)
        return layer
    }

    /// Writes the R-trees and the catalogue, commits, and renames the file into place.
    public func finish() throws {
        guard !finished else { return }
        do {
            for layer in layers { try layer.finish() }
            try db.execute("COMMIT;")
            finished = true
            db.close()
        } catch {
            abandon()
            throw GeoPackageWriter.outputError(error, path: path)
        }
        layers.removeAll()
        guard rename(temporaryPath, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporaryPath)
            throw IOError.cannotCreate(path: path, reason: reason)
        }
    }

    /// Drops everything; the target is left as it was.
    public func abandon() {
        finished = true
        unlink(temporaryPath)
    }

    // MARK: Catalogue

    /// The srs_id of `crs` in this file, its row added on first use.
    func srsID(for crs: CRS) throws -> Int32 {
        if let id = srsIDs[crs.identifier] { return id }
        let authority = crs.authorityCode
        let id: Int32
        if let authority, authority.authority == "EPSG", let code = Int32(exactly: authority.code) {
            id = code
        } else {
            id = 100_000 + Int32(srsIDs.count)
        }
        if id != 4326 {
            var definition = crs.wkt(.wkt1GDAL)
            if definition.isEmpty { definition = crs.wkt(.wkt2_2019) }
            let insert = try db.prepare("INSERT INTO gpkg_spatial_ref_sys (srs_name, srs_id, organization, organization_coordsys_id, definition) VALUES (?, ?, ?, ?, ?)")
            try insert.bind(.text(crs.name), at: 1)
            try insert.bind(.integer(Int64(id)), at: 2)
            try insert.bind(.text(authority?.authority ?? "NONE"), at: 3)
            try insert.bind(.integer(Int64(authority?.code ?? Int(id))), at: 4)
            try insert.bind(.text(definition), at: 5)
            try insert.step()
        }
        srsIDs[crs.identifier] = id
        return id
    }

    private func createStyleTable() throws {
        guard !hasStyles else { return }
        hasStyles = true
        // The table QGIS makes (and reads) for styles saved in a GeoPackage.
        try db.execute("""
            CREATE TABLE layer_styles (
              id INTEGER PRIMARY KEY AUTOINCREMENT,
              f_table_catalog TEXT(256),
              f_table_schema TEXT(256),
              f_table_name TEXT(256),
              f_geometry_column TEXT(256),
              styleName TEXT(30),
              styleQML TEXT,
              styleSLD TEXT,
              useAsDefault BOOLEAN,
              description TEXT,
              owner TEXT(30),
              ui TEXT(30),
              update_time DATETIME DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
            );
            INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change)
            VALUES ('layer_styles', 'attributes', 'layer_styles', 'QGIS styles of the layers', strftime('%Y-%m-%dT%H:%M:%fZ','now'));
            """)
    }

    /// The tables every GeoPackage has (GeoPackage 1.3 Annex C, as GDAL creates them), and
    /// the three SRS rows it requires.
    static let coreTables: String = {
        let wgs84 = CRS.wgs84.wkt(.wkt1GDAL)
        return """
            CREATE TABLE gpkg_spatial_ref_sys (
              srs_name TEXT NOT NULL,
              srs_id INTEGER NOT NULL PRIMARY KEY,
              organization TEXT NOT NULL,
              organization_coordsys_id INTEGER NOT NULL,
              definition  TEXT NOT NULL,
              description TEXT
            );
            INSERT INTO gpkg_spatial_ref_sys VALUES ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined cartesian coordinate reference system');
            INSERT INTO gpkg_spatial_ref_sys VALUES ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system');
            INSERT INTO gpkg_spatial_ref_sys VALUES ('WGS 84 geodetic', 4326, 'EPSG', 4326, \(sqlLiteral(wgs84)), 'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid');
            CREATE TABLE gpkg_contents (
              table_name TEXT NOT NULL PRIMARY KEY,
              data_type TEXT NOT NULL,
              identifier TEXT UNIQUE,
              description TEXT DEFAULT '',
              last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
              min_x DOUBLE,
              min_y DOUBLE,
              max_x DOUBLE,
              max_y DOUBLE,
              srs_id INTEGER,
              CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id)
            );
            CREATE TABLE gpkg_geometry_columns (
              table_name TEXT NOT NULL,
              column_name TEXT NOT NULL,
              geometry_type_name TEXT NOT NULL,
              srs_id INTEGER NOT NULL,
              z TINYINT NOT NULL,
              m TINYINT NOT NULL,
              CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
              CONSTRAINT uk_gc_table_name UNIQUE (table_name),
              CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
              CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id)
            );
            CREATE TABLE gpkg_extensions (
              table_name TEXT,
              column_name TEXT,
              extension_name TEXT NOT NULL,
              definition TEXT NOT NULL,
              scope TEXT NOT NULL,
              CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name)
            );
            """
    }()

    // MARK: Files

    private static func makeTemporaryFile(for path: String) throws -> String {
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[..<$0]) } ?? "."
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        var info = stat()
        if !directory.isEmpty, stat(directory, &info) != 0 {
            // Let OutputFile make the folders (it knows how), then drop its empty file.
            let probe = try OutputFile(path: directory + "/.\(name).probe")
            probe.abandon()
        }
        for attempt in 0..<100 {
            let candidate = "\(directory.isEmpty ? "" : directory + "/").\(name).tmp-\(getpid())-\(attempt)"
            let descriptor = open(candidate, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
            if descriptor >= 0 { close(descriptor); return candidate }
            if errno != EEXIST { throw IOError.cannotCreate(path: path, reason: String(cString: strerror(errno))) }
        }
        throw IOError.cannotCreate(path: path, reason: "no temporary file name free")
    }

    static func outputError(_ error: any Error, path: String) -> any Error {
        if error is IOError { return error }
        return IOError.cannotCreate(path: path, reason: "\(error)")
    }
}

/// One feature table of a GeoPackage being written: its columns, its insert statement, and
/// what `finish` needs (envelopes for the R-tree, the extent, the geometry types seen).
public final class GeoPackageLayerWriter {
    public let name: String
    public let srsID: Int32
    public let crs: CRS
    /// Whether single parts are written as one-part Multi geometries.
    public let promotes: Bool
    public let keepZ: Bool
    private let db: SQLiteDatabase
    private let path: String
    private var columns: [(name: String, type: FieldType, widened: FieldType?)] = []
    private var positions: [String: Int] = [:]
    private var insert: SQLiteStatement!
    private var idColumn: Int?
    private var declaredGeometryType: String
    private var writtenTypes: Set<GeometryType> = []
    private var withZ = 0, withoutZ = 0
    private var extent = Envelope.empty
    /// fid and envelope of every non-empty geometry, for the bulk R-tree.
    private var boxes: [(id: Int64, box: Envelope)] = []
    private var blob: [UInt8] = []
    private var promoted: [UInt8] = []
    /// The property names of the previous feature and their columns.
    private var lastNames: [String] = []
    private var lastColumns: [Int] = []
    public private(set) var count = 0

    /// The column a GeoJSON id that is not an integer goes to (integer ids become the fid).
    public static let idColumnName = "geojson_id"

    init(db: SQLiteDatabase, path: String, name: String, srsID: Int32, crs: CRS, fields: [(name: String, type: FieldType)],
         geometryTypes: Set<GeometryType>, keepZ: Bool, description: String) throws {
        self.db = db
        self.path = path
        self.name = name
        self.srsID = srsID
        self.crs = crs
        self.keepZ = keepZ
        let pairs: [(GeometryType, GeometryType)] = [(.point, .multiPoint), (.lineString, .multiLineString), (.polygon, .multiPolygon)]
        let promote = pairs.contains { geometryTypes.contains($0.0) && geometryTypes.contains($0.1) }
        promotes = promote
        let written = Set(geometryTypes.map { GeoPackageBinary.writtenType($0, promote: promote) })
        declaredGeometryType = written.count == 1 ? GeoPackageLayerWriter.typeName(written.first!) : "GEOMETRY"
        var sql = "CREATE TABLE \(sqlIdentifier(name)) (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, geom \(declaredGeometryType)"
        for field in fields where field.name.lowercased() != "fid" && field.name.lowercased() != "geom" {
            guard positions[field.name.lowercased()] == nil else { continue }
            positions[field.name.lowercased()] = columns.count
            columns.append((field.name, field.type, nil))
            sql += ", \(sqlIdentifier(field.name)) \(GeoPackageLayerWriter.sqlType(field.type))"
        }
        try db.execute(sql + ");")
        let contents = try db.prepare("""
            INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change, srs_id)
            VALUES (?, 'features', ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ','now'), ?)
            """)
        try contents.bind(.text(name), at: 1)
        try contents.bind(.text(name), at: 2)
        try contents.bind(.text(description), at: 3)
        try contents.bind(.integer(Int64(srsID)), at: 4)
        try contents.step()
        try prepareInsert()
    }

    static func typeName(_ type: GeometryType) -> String {
        switch type {
        case .point: return "POINT"
        case .lineString, .linearRing: return "LINESTRING"
        case .polygon: return "POLYGON"
        case .multiPoint: return "MULTIPOINT"
        case .multiLineString: return "MULTILINESTRING"
        case .multiPolygon: return "MULTIPOLYGON"
        case .geometryCollection: return "GEOMETRYCOLLECTION"
        }
    }

    /// The column type for a field type, from GeoPackage 1.3's list (Table 1).
    static func sqlType(_ type: FieldType) -> String {
        switch type {
        case .boolean: return "BOOLEAN"
        case .integer: return "INTEGER"
        case .double: return "REAL"
        default: return "TEXT"
        }
    }

    private func prepareInsert() throws {
        let names = ["fid", "geom"] + columns.map(\.name)
        insert = try db.prepare("INSERT INTO \(sqlIdentifier(name)) (\(names.map(sqlIdentifier).joined(separator: ", "))) VALUES (\(names.map { _ in "?" }.joined(separator: ", ")))")
    }

    private func addColumn(_ name: String, _ type: FieldType) throws -> Int {
        try db.execute("ALTER TABLE \(sqlIdentifier(self.name)) ADD COLUMN \(sqlIdentifier(name)) \(GeoPackageLayerWriter.sqlType(type));")
        positions[name.lowercased()] = columns.count
        columns.append((name, type, nil))
        try prepareInsert()
        return columns.count - 1
    }

    /// Encodes a feature's geometry for this layer: safe on any thread, so that workers can
    /// encode while one thread inserts. (Promotion to Multi happens in `add`, which splices
    /// the header in front of the single part's WKB.)
    public func encodeGeometry(_ geometry: Geometry?, into out: inout [UInt8]) throws -> EncodedGeometry? {
        try GeoPackageLayerWriter.encodeGeometry(geometry, srsID: srsID, keepZ: keepZ, into: &out)
    }

    /// The same for a layer not made yet (its srs_id known).
    public static func encodeGeometry(_ geometry: Geometry?, srsID: Int32, keepZ: Bool, into out: inout [UInt8]) throws -> EncodedGeometry? {
        guard let geometry else { return nil }
        let start = out.count
        let box = try GeoPackageBinary.encode(geometry, srsID: srsID, promote: false, keepZ: keepZ, into: &out)
        return EncodedGeometry(range: start..<out.count, envelope: box, type: GeoPackageBinary.writtenType(geometry.type, promote: false),
                               hasZ: keepZ && geometry.hasZ, isEmpty: box.isEmpty)
    }

    /// Where a feature's blob lies in a buffer, and what the layer must know about it.
    public struct EncodedGeometry: Sendable {
        public var range: Range<Int>
        public var envelope: Envelope
        public var type: GeometryType
        public var hasZ: Bool
        public var isEmpty: Bool
    }

    /// Writes one feature (geometry encoded here).
    public func add(_ feature: Feature) throws {
        blob.removeAll(keepingCapacity: true)
        let encoded = try encodeGeometry(feature.geometry, into: &blob)
        try add(feature, encoded: encoded.map { ($0, blob[$0.range]) })
    }

    /// Writes features in order, their geometries encoded on all cores (in pieces of 8192,
    /// so that memory for blobs stays bounded).
    public func add(contentsOf features: [Feature]) throws {
        let srsID = srsID, keepZ = keepZ
        var start = 0
        while start < features.count {
            let end = Swift.min(features.count, start + 8192)
            let blobs: [(bytes: [UInt8], encoded: EncodedGeometry?)] = try concurrentChunks(end - start, chunks: Cores.available * 4) { i, _ in
                var bytes: [UInt8] = []
                let encoded = try GeoPackageLayerWriter.encodeGeometry(features[start + i].geometry, srsID: srsID, keepZ: keepZ, into: &bytes)
                return (bytes, encoded)
            }
            for (i, blob) in blobs.enumerated() {
                try add(features[start + i], encoded: blob.encoded.map { ($0, blob.bytes[$0.range]) })
            }
            start = end
        }
    }

    /// Writes one feature whose geometry a worker encoded. A repeated integer id (it becomes
    /// the fid, which is unique) throws `IOError.badFeature`.
    public func add(_ feature: Feature, encoded: (EncodedGeometry, ArraySlice<UInt8>)?) throws {
        // fid: an integer GeoJSON id; other ids go to a column of their own.
        var textID: String?
        switch feature.id {
        case let .integer(i)?: try insert.bindInteger(i, at: 1)
        case let id?: try insert.bindNull(at: 1); textID = id.description
        case nil: try insert.bindNull(at: 1)
        }
        if let textID {
            if idColumn == nil {
                idColumn = try positions[GeoPackageLayerWriter.idColumnName] ?? addColumn(GeoPackageLayerWriter.idColumnName, .string)
            }
            try insert.bindText(textID, at: idColumn! + 3)
        }
        var blob: ArraySlice<UInt8>?
        if let (geometry, bytes) = encoded {
            let written = GeoPackageBinary.writtenType(geometry.type, promote: promotes)
            if written != geometry.type {
                // A single part in a promoted layer: a one-part (or, empty, no-part) Multi
                // header goes between the GeoPackage header and the part's WKB.
                let headerSize = geometry.isEmpty ? 8 : 40
                promoted.removeAll(keepingCapacity: true)
                promoted.append(contentsOf: bytes.prefix(headerSize))
                let code = UInt32(written.rawValue) + (geometry.hasZ ? 1000 : 0)  // GEOS numbers Multi types as WKB does
                promoted.append(1)
                for shift in stride(from: 0, to: 32, by: 8) { promoted.append(UInt8(truncatingIfNeeded: code >> UInt32(shift))) }
                let parts: UInt8 = geometry.isEmpty ? 0 : 1
                promoted.append(contentsOf: [parts, 0, 0, 0])
                if !geometry.isEmpty { promoted.append(contentsOf: bytes.dropFirst(headerSize)) }
                blob = promoted[...]
            } else {
                blob = bytes
            }
            writtenTypes.insert(written)
            if geometry.hasZ { withZ += 1 } else { withoutZ += 1 }
        } else {
            try insert.bindNull(at: 2)
        }
        // Features of a layer mostly list the same names in the same order: the columns of
        // the previous feature are tried first, so names are hashed only when they change.
        for (k, entry) in feature.properties.entries.enumerated() {
            var column: Int?
            if k < lastNames.count, lastNames[k] == entry.name {
                column = lastColumns[k]
            } else {
                column = positions[entry.name.lowercased()]
                if column == nil {
                    if ["fid", "geom"].contains(entry.name.lowercased()) { continue }
                    column = try addColumn(entry.name, entry.value.fieldType == .null ? .string : entry.value.fieldType)
                    try rebind(feature, encoded: encoded)
                }
                if k < lastNames.count { lastNames[k] = entry.name; lastColumns[k] = column! } else { lastNames.append(entry.name); lastColumns.append(column!) }
            }
            try bind(entry.value, column: column!)
        }
        do {
            // The blob is bound in place (not copied) for the step.
            if let blob { try insert.withBlob(blob, at: 2) { try insert.step() } } else { try insert.step() }
        } catch {
            insert.reset()
            if case .integer(let i)? = feature.id, db.extendedErrorCode == 1555 {
                throw IOError.badFeature(FeatureProblem(feature: feature, path: path,
                    reason: "id \(i) is used again; a GeoPackage fid must be unique"))
            }
            throw error
        }
        let fid = db.lastInsertRowID
        insert.reset()
        count += 1
        if let (geometry, _) = encoded, !geometry.envelope.isEmpty {
            boxes.append((fid, geometry.envelope))
            extent.formUnion(geometry.envelope)
        }
    }

    /// After a new column re-prepared the statement: binds what was bound before it.
    private func rebind(_ feature: Feature, encoded: (EncodedGeometry, ArraySlice<UInt8>)?) throws {
        if case let .integer(i)? = feature.id { try insert.bindInteger(i, at: 1) }
        if let idColumn, let id = feature.id, feature.id?.isInteger == false { try insert.bindText(id.description, at: idColumn + 3) }
        if let (geometry, bytes) = encoded { try insert.bindBlob(GeoPackageBinary.writtenType(geometry.type, promote: promotes) != geometry.type ? promoted[...] : bytes, at: 2) }
        for (name, value) in feature.properties {
            if let column = positions[name.lowercased()] { try bind(value, column: column) }
        }
    }

    private func bind(_ value: PropertyValue, column: Int) throws {
        let index = column + 3
        let declared = columns[column].type
        let type = value.fieldType
        let typed = declared == .boolean || declared == .integer || declared == .double || declared == .null
        if type != .null && type != declared && typed
            && !(declared == .double && type == .integer) && !(declared == .integer && type == .boolean) {
            let target = (columns[column].widened ?? declared).merged(with: type)
            columns[column].widened = target == .mixed ? .string : target
        }
        switch value {
        case .null: try insert.bindNull(at: index)
        case let .bool(b): try insert.bindInteger(b ? 1 : 0, at: index)
        case let .integer(i):
            if declared == .double { try insert.bindReal(Double(i), at: index) } else { try insert.bindInteger(i, at: index) }
        case let .double(d): try insert.bindReal(d, at: index)
        case let .string(s): try insert.bindText(s, at: index)
        case .array, .object: try insert.bindText(value.jsonText, at: index)
        }
    }

    /// Column types widened, geometry type settled, R-tree built, catalogue rows completed.
    func finish() throws {
        let table = sqlIdentifier(name)
        // Columns whose values outgrew their declared type get the wider one (values cast).
        for column in columns {
            guard let widened = column.widened else { continue }
            let sqlType = GeoPackageLayerWriter.sqlType(widened)
            let temporary = sqlIdentifier("__nordwaerts_widen")
            try db.execute("""
                ALTER TABLE \(table) ADD COLUMN \(temporary) \(sqlType);
                UPDATE \(table) SET \(temporary) = CAST(\(sqlIdentifier(column.name)) AS \(sqlType));
                ALTER TABLE \(table) DROP COLUMN \(sqlIdentifier(column.name));
                ALTER TABLE \(table) RENAME COLUMN \(temporary) TO \(sqlIdentifier(column.name));
                """)
        }
        let typeName = writtenTypes.count == 1 ? GeoPackageLayerWriter.typeName(writtenTypes.first!)
            : (writtenTypes.isEmpty ? declaredGeometryType : "GEOMETRY")
        if typeName != declaredGeometryType {
            // Only the declared name changes (both are of NUMERIC affinity): SQLite's documented
            // way to change a column's declaration without rewriting the table.
            let old = try db.rows("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", [.text(name)])
            if let sql = old.first?.first?.text, sql.contains("geom \(declaredGeometryType)") {
                let replaced = sql.replacing("geom \(declaredGeometryType)", with: "geom \(typeName)", maxReplacements: 1)
                try db.execute("PRAGMA writable_schema = ON;")
                let update = try db.prepare("UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = ?")
                try update.bind(.text(replaced), at: 1)
                try update.bind(.text(name), at: 2)
                try update.step()
                let version = try db.rows("PRAGMA schema_version").first?.first?.integer ?? 0
                try db.execute("PRAGMA schema_version = \(version + 1); PRAGMA writable_schema = OFF;")
            }
        }
        let z = withZ > 0 ? (withoutZ > 0 ? 2 : 1) : 0
        let columnsRow = try db.prepare("INSERT INTO gpkg_geometry_columns VALUES (?, 'geom', ?, ?, ?, 0)")
        try columnsRow.bind(.text(name), at: 1)
        try columnsRow.bind(.text(typeName), at: 2)
        try columnsRow.bind(.integer(Int64(srsID)), at: 3)
        try columnsRow.bind(.integer(Int64(z)), at: 4)
        try columnsRow.step()
        if !extent.isEmpty {
            let contents = try db.prepare("UPDATE gpkg_contents SET min_x = ?, min_y = ?, max_x = ?, max_y = ?, last_change = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE table_name = ?")
            for (i, v) in [extent.minX, extent.minY, extent.maxX, extent.maxY].enumerated() { try contents.bind(.real(v), at: i + 1) }
            try contents.bind(.text(name), at: 5)
            try contents.step()
        }
        try buildSpatialIndex()
        insert = nil
    }

    /// The R-tree extension (GeoPackage 1.3 Annex F.3) with the triggers GDAL writes, packed in
    /// bulk (`RTreeBulkLoad`) from the envelopes kept while inserting.
    private func buildSpatialIndex() throws {
        let t = name, c = "geom", i = "fid"
        let rtree = sqlIdentifier("rtree_\(t)_\(c)")
        let T = sqlIdentifier(t), C = sqlIdentifier(c), I = sqlIdentifier(i)
        try db.execute("CREATE VIRTUAL TABLE \(rtree) USING rtree(id, minx, maxx, miny, maxy);")
        try RTreeBulkLoad(db: db, table: "rtree_\(t)_\(c)").load(boxes)
        boxes = []
        let values = "NEW.\(I), ST_MinX(NEW.\(C)), ST_MaxX(NEW.\(C)), ST_MinY(NEW.\(C)), ST_MaxY(NEW.\(C))"
        try db.execute("""
            CREATE TRIGGER \(sqlIdentifier("rtree_\(t)_\(c)_insert")) AFTER INSERT ON \(T) WHEN (new.\(C) NOT NULL AND NOT ST_IsEmpty(NEW.\(C))) BEGIN INSERT OR REPLACE INTO \(rtree) VALUES (\(values)); END;
            CREATE TRIGGER \(sqlIdentifier("rtree_\(t)_\(c)_update1")) AFTER UPDATE OF \(C) ON \(T) WHEN OLD.\(I) = NEW.\(I) AND (NEW.\(C) NOTNULL AND NOT ST_IsEmpty(NEW.\(C))) BEGIN INSERT OR REPLACE INTO \(rtree) VALUES (\(values)); END;
            CREATE TRIGGER \(sqlIdentifier("rtree_\(t)_\(c)_update2")) AFTER UPDATE OF \(C) ON \(T) WHEN OLD.\(I) = NEW.\(I) AND (NEW.\(C) ISNULL OR ST_IsEmpty(NEW.\(C))) BEGIN DELETE FROM \(rtree) WHERE id = OLD.\(I); END;
            CREATE TRIGGER \(sqlIdentifier("rtree_\(t)_\(c)_update3")) AFTER UPDATE ON \(T) WHEN OLD.\(I) != NEW.\(I) AND (NEW.\(C) NOTNULL AND NOT ST_IsEmpty(NEW.\(C))) BEGIN DELETE FROM \(rtree) WHERE id = OLD.\(I); INSERT OR REPLACE INTO \(rtree) VALUES (\(values)); END;
            CREATE TRIGGER \(sqlIdentifier("rtree_\(t)_\(c)_update4")) AFTER UPDATE ON \(T) WHEN OLD.\(I) != NEW.\(I) AND (NEW.\(C) ISNULL OR ST_IsEmpty(NEW.\(C))) BEGIN DELETE FROM \(rtree) WHERE id IN (OLD.\(I), NEW.\(I)); END;
            CREATE TRIGGER \(sqlIdentifier("rtree_\(t)_\(c)_delete")) AFTER DELETE ON \(T) WHEN old.\(C) NOT NULL BEGIN DELETE FROM \(rtree) WHERE id = OLD.\(I); END;
            INSERT INTO gpkg_extensions (table_name, column_name, extension_name, definition, scope)
            VALUES (\(sqlLiteral(t)), 'geom', 'gpkg_rtree_index', 'http://www.geopackage.org/spec120/#extension_rtree', 'write-only');
            """)
    }
}

private extension FeatureID {
    var isInteger: Bool { if case .integer = self { return true } else { return false } }
}

