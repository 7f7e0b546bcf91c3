#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A table of typed values: what analyses return per district, per grid cell or per parcel,
/// written as CSV (for spreadsheets and pandas) or JSON (for scripts).
///
/// Column names carry their unit (`area_m2`, `residents_per_km2`), so a file read without its
/// documentation still says what it holds.
public struct Table: Sendable, Equatable {
    public var columns: [String]
    public var rows: [[PropertyValue]]

    public init(columns: [String], rows: [[PropertyValue]] = []) {
        self.columns = columns
        self.rows = rows
    }

    /// The position of a column, or nil.
    public func index(of column: String) -> Int? { columns.firstIndex(of: column) }

    /// The value in `row` under `column`, or nil when there is no such column.
    public subscript(row: Int, column: String) -> PropertyValue? {
        index(of: column).map { rows[row][$0] }
    }

    /// How a table is written as CSV.
    public struct CSVStyle: Sendable, Equatable {
        /// The field separator.
        public var separator: UInt8
        /// Whether doubles use a decimal comma (with `;` as separator, as German Excel expects).
        public var decimalComma: Bool
        /// Whether the file starts with a UTF-8 byte order mark (Excel needs it to read UTF-8).
        public var byteOrderMark: Bool

        /// RFC 4180 with `,`, `\n` line ends, doubles in shortest round-trip form (`0.1`, `12.0`).
        public static let standard = CSVStyle(separator: 0x2C, decimalComma: false, byteOrderMark: false)
        /// `;`, decimal commas and a byte order mark: opens correctly in a German Excel.
        public static let excel = CSVStyle(separator: 0x3B, decimalComma: true, byteOrderMark: true)
    }

    /// The table as CSV text: a header line, one line per row; fields holding the separator,
    /// a quote or a line break are quoted (RFC 4180); null is an empty field.
    public func csv(style: CSVStyle = .standard) -> [UInt8] {
        var out: [UInt8] = style.byteOrderMark ? [0xEF, 0xBB, 0xBF] : []
        func field(_ text: String) {
            let bytes = Array(text.utf8)
            if bytes.contains(where: { $0 == style.separator || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) {
                out.append(0x22)
                for b in bytes {
                    if b == 0x22 { out.append(0x22) }
                    out.append(b)
                }
                out.append(0x22)
            } else {
                out.append(contentsOf: bytes)
            }
        }
        for (i, name) in columns.enumerated() {
            if i > 0 { out.append(style.separator) }
            field(name)
        }
        out.append(0x0A)
        for row in rows {
            for (i, value) in row.enumerated() {
                if i > 0 { out.append(style.separator) }
                switch value {
                case .null: break
                case let .double(d):
                    var text: [UInt8] = []
                    NumberFormatting.appendShortest(d, to: &text)
                    if style.decimalComma { text = text.map { $0 == 0x2E ? 0x2C : $0 } }
                    field(String(decoding: text, as: UTF8.self))
                case .array, .object:
                    var text: [UInt8] = []
                    JSONWriting.appendValue(value, to: &text)
                    field(String(decoding: text, as: UTF8.self))
                default:
                    field(value.description)
                }
            }
            out.append(0x0A)
        }
        return out
    }

    /// The table as a JSON array of objects, one per row, keys in column order.
    public func json() -> [UInt8] {
        var out: [UInt8] = [0x5B]
        for (r, row) in rows.enumerated() {
            out.append(contentsOf: r == 0 ? [0x0A] : [0x2C, 0x0A])
            JSONWriting.appendObject(Properties(Array(zip(columns, row)).map { (name: $0.0, value: $0.1) }), to: &out)
        }
        out.append(contentsOf: [0x0A, 0x5D, 0x0A])
        return out
    }

    /// Writes the table atomically (temporary file, then rename): CSV unless the path ends
    /// in `.json`.
    public func write(to path: String, csvStyle: CSVStyle = .standard) throws {
        let file = try OutputFile(path: path)
        try file.write(path.lowercased().hasSuffix(".json") ? json() : csv(style: csvStyle))
        try file.commit()
    }
}

extension Table {
    /// Reads a CSV table as ``csv(style:)`` writes it (either style): a header line, then rows;
    /// quoted fields, empty fields as null, whole numbers and decimals typed (codes with leading
    /// zeros stay text), `true`/`false` as booleans, everything else text. A byte order mark is
    /// skipped.
    public static func read(csv path: String) throws -> Table {
        guard let file = fopen(path, "rb") else { throw IOError.cannotOpen(path: path, reason: Files.reason(errno)) }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = fread(&chunk, 1, chunk.count, file)
            if n <= 0 { break }
            bytes += chunk[0..<n]
        }
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        let separator: UInt8 = bytes.prefix { $0 != 0x0A }.contains(0x3B) ? 0x3B : 0x2C
        let decimalComma = separator == 0x3B
        var records: [[String]] = [], record: [String] = [], field: [UInt8] = []
        var quoted = false, i = 0
        while i < bytes.count {
            let b = bytes[i]
            if quoted {
                if b == 0x22 {
                    if i + 1 < bytes.count, bytes[i + 1] == 0x22 { field.append(0x22); i += 1 } else { quoted = false }
                } else {
                    field.append(b)
                }
            } else if b == 0x22 {
                quoted = true
            } else if b == separator {
                record.append(String(decoding: field, as: UTF8.self)); field = []
            } else if b == 0x0A {
                record.append(String(decoding: field, as: UTF8.self)); field = []
                records.append(record); record = []
            } else if b != 0x0D {
                field.append(b)
            }
            i += 1
        }
        if !field.isEmpty || !record.isEmpty { record.append(String(decoding: field, as: UTF8.self)); records.append(record) }
        guard let header = records.first else { throw IOError.malformed(path: path, location: SourceLocation(offset: 0, line: 1), message: "no header line") }
        func value(_ text: String) -> PropertyValue {
            if text.isEmpty { return .null }
            // Codes with leading zeros ("04", "053302") stay text, as the CSV point reader keeps them.
            let digits = text.hasPrefix("-") ? text.dropFirst() : Substring(text)
            if digits.count > 1, digits.first == "0", digits.dropFirst().first != "." { return .string(text) }
            if let i = Int64(text) { return .integer(i) }
            let number = decimalComma ? String(text.map { $0 == "," ? "." : $0 }) : text
            if let d = Double(number), number.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) { return .double(d) }
            if text == "true" { return .bool(true) }
            if text == "false" { return .bool(false) }
            return .string(text)
        }
        return Table(columns: header, rows: records.dropFirst().map { $0.map(value) })
    }
}
