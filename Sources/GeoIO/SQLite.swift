import CSQLite

/// A connection to an SQLite database (the system's libsqlite3), just as much as GeoPackage
/// needs: statements prepared once and stepped many times, typed binding and reading, and
/// errors that name the file. One owner: the connection is closed exactly once in `deinit`;
/// each `SQLiteStatement` keeps its connection alive and finalizes itself.
final class SQLiteDatabase {
    let path: String
    let handle: OpaquePointer

    enum Mode { case readOnly, create }

    init(path: String, mode: Mode) throws {
        self.path = path
        var db: OpaquePointer?
        let flags = mode == .readOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)
        let status = sqlite3_open_v2(path, &db, flags | SQLITE_OPEN_NOMUTEX, nil)
        guard status == SQLITE_OK, let db else {
            let reason = db.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(status))
            sqlite3_close_v2(db)
            throw mode == .readOnly ? IOError.cannotOpen(path: path, reason: reason) : IOError.cannotCreate(path: path, reason: reason)
        }
        handle = db
        // A hostile file must not make a query run for ever or take all memory.
        sqlite3_extended_result_codes(db, 1)
    }

    private var closed = false

    deinit { close() }

    /// Closes the connection (and releases its locks); statements still alive are finalized
    /// later by their owners (sqlite3_close_v2 waits for them).
    func close() {
        guard !closed else { return }
        closed = true
        sqlite3_close_v2(handle)
    }

    var lastMessage: String { String(cString: sqlite3_errmsg(handle)) }

    /// Runs SQL without results (several statements allowed).
    func execute(_ sql: String) throws {
        var message: UnsafeMutablePointer<CChar>?
        guard sqlite3_exec(handle, sql, nil, nil, &message) == SQLITE_OK else {
            let text = message.map { String(cString: $0) } ?? lastMessage
            sqlite3_free(message)
            throw SQLiteError(path: path, message: text, sql: sql)
        }
    }

    func prepare(_ sql: String) throws -> SQLiteStatement {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil) == SQLITE_OK, let statement else {
            throw SQLiteError(path: path, message: lastMessage, sql: sql)
        }
        return SQLiteStatement(database: self, handle: statement, sql: sql)
    }

    /// The rows of a query, each as its values (for small catalogue tables).
    func rows(_ sql: String, _ arguments: [SQLiteValue] = []) throws -> [[SQLiteValue]] {
        let statement = try prepare(sql)
        for (i, argument) in arguments.enumerated() { try statement.bind(argument, at: i + 1) }
        var rows: [[SQLiteValue]] = []
        while try statement.step() {
            rows.append((0..<statement.columnCount).map { statement.value(at: $0) })
        }
        return rows
    }

    var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }
    var extendedErrorCode: Int32 { sqlite3_extended_errcode(handle) }
}

/// A value as SQLite stores it.
enum SQLiteValue: Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])

    var text: String? { if case let .text(t) = self { return t } else { return nil } }
    var integer: Int64? {
        switch self {
        case let .integer(i): return i
        case let .real(d) where d == d.rounded() && abs(d) < 9e15: return Int64(d)
        default: return nil
        }
    }
    var real: Double? {
        switch self {
        case let .real(d): return d
        case let .integer(i): return Double(i)
        default: return nil
        }
    }
}

/// An error SQLite reported, with the file and the statement.
struct SQLiteError: Error, CustomStringConvertible {
    let path: String
    let message: String
    let sql: String?
    var description: String { "\(path): SQLite: \(message)" + (sql.map { " (in: \($0.prefix(120)))" } ?? "") }
}

/// A prepared statement: bind, step, read, reset; finalized in `deinit`.
final class SQLiteStatement {
    let database: SQLiteDatabase
    let handle: OpaquePointer
    let sql: String

    fileprivate init(database: SQLiteDatabase, handle: OpaquePointer, sql: String) {
        self.database = database
        self.handle = handle
        self.sql = sql
    }

    deinit { sqlite3_finalize(handle) }

    /// SQLite copies what it is given (the bytes are ours only for the call).
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    private func check(_ status: Int32) throws {
        guard status == SQLITE_OK else { throw SQLiteError(path: database.path, message: database.lastMessage, sql: sql) }
    }

    func bind(_ value: SQLiteValue, at index: Int) throws {
        let i = Int32(index)
        switch value {
        case .null: try check(sqlite3_bind_null(handle, i))
        case let .integer(v): try check(sqlite3_bind_int64(handle, i, v))
        case let .real(v): try check(sqlite3_bind_double(handle, i, v))
        case let .text(v): try check(sqlite3_bind_text(handle, i, v, -1, Self.transient))
        case let .blob(v): try bindBlob(v[...], at: index)
        }
    }

    func bindNull(at index: Int) throws { try check(sqlite3_bind_null(handle, Int32(index))) }
    func bindInteger(_ v: Int64, at index: Int) throws { try check(sqlite3_bind_int64(handle, Int32(index), v)) }
    func bindReal(_ v: Double, at index: Int) throws { try check(sqlite3_bind_double(handle, Int32(index), v)) }

    func bindText(_ v: String, at index: Int) throws {
        var v = v
        try v.withUTF8 { bytes in
            try UnsafeRawBufferPointer(bytes).withMemoryRebound(to: CChar.self) { chars in
                // An empty string still needs a non-null pointer to be '' and not NULL.
                try check(sqlite3_bind_text(handle, Int32(index), chars.baseAddress ?? UnsafePointer(bitPattern: 1), Int32(chars.count), Self.transient))
            }
        }
    }

    func bindBlob(_ bytes: ArraySlice<UInt8>, at index: Int) throws {
        try bytes.withUnsafeBytes { raw in
            // A zero-length blob still needs a non-null pointer to be a blob and not NULL.
            try check(sqlite3_bind_blob(handle, Int32(index), raw.baseAddress ?? UnsafeRawPointer(bitPattern: 1), Int32(raw.count), Self.transient))
        }
    }

    /// Binds a blob without SQLite copying it: `body` runs with the binding in place and must
    /// step the statement (the bytes are only borrowed for the call).
    func withBlob<T>(_ bytes: ArraySlice<UInt8>, at index: Int, _ body: () throws -> T) throws -> T {
        try bytes.withUnsafeBytes { raw in
            try check(sqlite3_bind_blob(handle, Int32(index), raw.baseAddress ?? UnsafeRawPointer(bitPattern: 1), Int32(raw.count), nil))
            defer { sqlite3_bind_null(handle, Int32(index)) }
            return try body()
        }
    }

    /// Runs one step: true when a row is ready, false when done.
    @discardableResult
    func step() throws -> Bool {
        switch sqlite3_step(handle) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw SQLiteError(path: database.path, message: database.lastMessage, sql: sql)
        }
    }

    func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    var columnCount: Int { Int(sqlite3_column_count(handle)) }
    func columnName(_ i: Int) -> String { sqlite3_column_name(handle, Int32(i)).map { String(cString: $0) } ?? "" }

    func isNull(_ i: Int) -> Bool { sqlite3_column_type(handle, Int32(i)) == SQLITE_NULL }

    func value(at i: Int) -> SQLiteValue {
        let c = Int32(i)
        switch sqlite3_column_type(handle, c) {
        case SQLITE_INTEGER: return .integer(sqlite3_column_int64(handle, c))
        case SQLITE_FLOAT: return .real(sqlite3_column_double(handle, c))
        case SQLITE_TEXT:
            let n = Int(sqlite3_column_bytes(handle, c))
            guard let p = sqlite3_column_text(handle, c) else { return .text("") }
            return .text(String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self))
        case SQLITE_BLOB:
            let n = Int(sqlite3_column_bytes(handle, c))
            guard let p = sqlite3_column_blob(handle, c) else { return .blob([]) }
            return .blob(Array(UnsafeRawBufferPointer(start: p, count: n)))
        default: return .null
        }
    }

    /// The blob of column `i` without copying: valid only inside `body`.
    func withBlob<T>(at i: Int, _ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T {
        let c = Int32(i)
        let p = sqlite3_column_blob(handle, c)
        let n = Int(sqlite3_column_bytes(handle, c))
        return try body(UnsafeRawBufferPointer(start: p, count: p == nil ? 0 : n))
    }
}

/// Quotes an SQL identifier ("name", inner quotes doubled).
func sqlIdentifier(_ name: String) -> String { "\"" + name.replacing("\"", with: "\"\"") + "\"" }

/// Quotes an SQL string literal ('text', inner quotes doubled).
func sqlLiteral(_ text: String) -> String { "'" + text.replacing("'", with: "''") + "'" }
