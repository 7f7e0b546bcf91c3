import GeoCore
#if canImport(Glibc)
import Glibc
#endif

/// Point features from a CSV file with two coordinate columns, such as the address registers
/// German cities publish (easting/northing as `RW`/`HW` in EPSG:25832).
///
/// The delimiter (comma, semicolon or tab) is taken from the header line; quoted fields
/// follow RFC 4180; with semicolons, a decimal comma in coordinates is accepted. The other
/// columns become properties, typed per column over the whole file: integer (without leading
/// zeros, so that codes such as "041" stay text), double, boolean (true/false), else string;
/// empty cells are null. CSV carries no CRS, so the caller must name it.
///
/// The file is read whole (CSV point layers are small next to polygon layers); rows stream out.
public final class CSVPointReader: FeatureReader {
    public let path: String
    public let crs: CRS
    public private(set) var warnings: [String] = []
    public let xColumn: String
    public let yColumn: String
    /// The property columns and their types.
    public private(set) var schema: Schema

    private let rows: [Row]
    private let header: [String]
    private let xIndex: Int, yIndex: Int
    private let columnTypes: [FieldType]
    private var cursor = 0
    private let delimiter: UInt8

    private struct Row {
        let line: Int
        let offset: Int
        let fields: [String]
        let raw: String
    }

    static let xNames = ["x", "lon", "lng", "long", "longitude", "rw", "rechtswert", "easting", "ostwert", "e"]
    static let yNames = ["y", "lat", "latitude", "hw", "hochwert", "northing", "nordwert", "n"]

    public convenience init(path: String, options: ReadOptions = ReadOptions()) throws {
        guard options.crs != nil else {
            throw IOError.unusable(path: path, message: "a CSV file does not say its CRS: name it with --from (EPSG:25832 for easting/northing in Dortmund, EPSG:4326 for lon/lat)")
        }
        try self.init(bytes: try CSVPointReader.readAll(path), name: path, options: options)
    }

    /// A reader over CSV bytes in memory (any bytes: the fuzzers feed it).
    public init(bytes: [UInt8], name: String = "<bytes>", options: ReadOptions = ReadOptions()) throws {
        let path = name
        self.path = path
        guard let crs = options.crs else {
            throw IOError.unusable(path: path, message: "a CSV file does not say its CRS: name it with --from (EPSG:25832 for easting/northing in Dortmund, EPSG:4326 for lon/lat)")
        }
        self.crs = crs
        var text = bytes[...]
        if text.starts(with: [0xEF, 0xBB, 0xBF]) { text = text.dropFirst(3) }
        let firstLine = text.prefix { $0 != 0x0A }
        let counts = [UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "\t")].map { d in (d, firstLine.filter { $0 == d }.count) }
        delimiter = counts.max { $0.1 < $1.1 }!.0
        var parsed = CSVPointReader.split(text, delimiter: delimiter)
        guard !parsed.isEmpty else { throw IOError.unusable(path: path, message: "the file is empty") }
        let header = parsed.removeFirst().fields.map { CSVPointReader.trimmed($0) }
        func find(_ wanted: String?, _ names: [String], _ axis: String) throws -> Int {
            if let wanted {
                guard let i = header.firstIndex(of: wanted) ?? header.firstIndex(where: { $0.lowercased() == wanted.lowercased() }) else {
                    throw IOError.unusable(path: path, message: "no column '\(wanted)' for \(axis); the columns are \(header.joined(separator: ", "))")
                }
                return i
            }
            for name in names {
                if let i = header.firstIndex(where: { $0.lowercased() == name }) { return i }
            }
            throw IOError.unusable(path: path, message: "no \(axis) column found among \(header.joined(separator: ", ")); name it with --x/--y")
        }
        let xIndex = try find(options.xColumn, CSVPointReader.xNames, "x (easting, longitude)")
        let yIndex = try find(options.yColumn, CSVPointReader.yNames, "y (northing, latitude)")
        let rows = parsed.map { Row(line: $0.line, offset: $0.offset, fields: $0.fields, raw: $0.raw) }
        // Column types over the whole file.
        var types = [FieldType](repeating: .null, count: header.count)
        for row in rows where row.fields.count == header.count {
            for (i, cell) in row.fields.enumerated() where i != xIndex && i != yIndex {
                types[i] = types[i].merged(with: CSVPointReader.type(of: cell))
            }
        }
        types = types.map { $0 == .mixed ? .string : $0 }
        self.header = header
        self.xIndex = xIndex
        self.yIndex = yIndex
        self.rows = rows
        columnTypes = types
        xColumn = header[xIndex]
        yColumn = header[yIndex]
        schema = Schema(fields: header.indices.filter { $0 != xIndex && $0 != yIndex }.map { (header[$0], types[$0]) })
    }

    public func next() throws -> ReadResult? {
        guard cursor < rows.count else { return nil }
        let row = rows[cursor]
        let index = cursor
        cursor += 1
        func reject(_ reason: String) -> ReadResult {
            .rejected(FeatureProblem(path: path, index: index, id: nil,
                                     location: SourceLocation(offset: row.offset, line: row.line, column: 1), reason: reason),
                      raw: row.raw)
        }
        guard row.fields.count == header.count else {
            return reject("row has \(row.fields.count) fields, the header \(header.count)")
        }
        guard let x = coordinate(row.fields[xIndex]), let y = coordinate(row.fields[yIndex]) else {
            return reject("coordinates '\(row.fields[xIndex])' '\(row.fields[yIndex])' in \(xColumn)/\(yColumn) are not numbers")
        }
        if crs.isGeographic, abs(x) > 180 || abs(y) > 90 {
            return reject("\(x) \(y) is out of range for longitude/latitude; are these projected coordinates? Name the CRS with --from")
        }
        var properties = Properties()
        for (i, cell) in row.fields.enumerated() where i != xIndex && i != yIndex {
            properties.append(header[i], CSVPointReader.value(cell, as: columnTypes[i]))
        }
        do {
            let point = try Geometry(x: x, y: y, crs: crs)
            return .feature(Feature(geometry: point, properties: properties,
                                    origin: FeatureOrigin(index: index, offset: row.offset, line: row.line)))
        } catch {
            return reject("\(error)")
        }
    }

    private func coordinate(_ cell: String) -> Double? {
        let text = CSVPointReader.trimmed(cell)
        if let v = Double(text), v.isFinite { return v }
        if delimiter != UInt8(ascii: ","), let v = Double(String(text.map { $0 == "," ? "." : $0 })), v.isFinite { return v }
        return nil
    }

    static func trimmed(_ text: String) -> String {
        let blank: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" }
        guard let first = text.firstIndex(where: { !blank($0) }) else { return "" }
        return String(text[first...text.lastIndex(where: { !blank($0) })!])
    }

    static func type(of cell: String) -> FieldType {
        if cell.isEmpty { return .null }
        if isInteger(cell) { return .integer }
        if hasLeadingZero(cell) { return .string }
        if cell == "true" || cell == "false" { return .boolean }
        if Double(cell) != nil, cell.first != ".", cell.last != "." { return .double }
        return .string
    }

    /// "041" or "-007": a code, not a number ("0.5" is a number).
    static func hasLeadingZero(_ cell: String) -> Bool {
        let digits = cell.utf8.drop { $0 == UInt8(ascii: "-") }
        guard digits.count > 1, digits.first == UInt8(ascii: "0") else { return false }
        return digits.dropFirst().first.map { $0 >= 0x30 && $0 <= 0x39 } ?? false
    }

    static func isInteger(_ cell: String) -> Bool {
        var digits = Substring(cell)
        if digits.first == "-" { digits = digits.dropFirst() }
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return false }
        if digits.count > 1, digits.first == "0" { return false }
        return Int64(cell) != nil
    }

    static func value(_ cell: String, as type: FieldType) -> PropertyValue {
        if cell.isEmpty { return .null }
        switch type {
        case .integer: return Int64(cell).map(PropertyValue.integer) ?? .string(cell)
        case .double: return Double(cell).map(PropertyValue.double) ?? .string(cell)
        case .boolean: return .bool(cell == "true")
        default: return .string(cell)
        }
    }

    private static func readAll(_ path: String) throws -> [UInt8] { try WholeFile.read(path) }

    /// RFC 4180 records: fields split by the delimiter, quotes around fields with delimiters,
    /// quotes or line breaks, "" for a quote. Blank lines are skipped.
    static func split(_ text: ArraySlice<UInt8>, delimiter: UInt8) -> [(line: Int, offset: Int, fields: [String], raw: String)] {
        var records: [(Int, Int, [String], String)] = []
        var fields: [String] = []
        var field: [UInt8] = []
        var inQuotes = false
        var line = 1
        var recordLine = 1
        var recordStart = text.startIndex
        var i = text.startIndex
        func endField() {
            fields.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
        }
        func endRecord(_ end: Int) {
            endField()
            if !(fields.count == 1 && fields[0].isEmpty) {
                var rawEnd = end
                if rawEnd > recordStart, text[rawEnd - 1] == 0x0D { rawEnd -= 1 }
                records.append((recordLine, recordStart, fields, String(decoding: text[recordStart..<rawEnd], as: UTF8.self)))
            }
            fields.removeAll(keepingCapacity: true)
        }
        while i < text.endIndex {
            let c = text[i]
            if inQuotes {
                if c == 0x22 {
                    if i + 1 < text.endIndex, text[i + 1] == 0x22 { field.append(0x22); i += 1 } else { inQuotes = false }
                } else {
                    if c == 0x0A { line += 1 }
                    field.append(c)
                }
            } else if c == 0x22 {
                inQuotes = true
            } else if c == delimiter {
                endField()
            } else if c == 0x0A {
                if field.last == 0x0D { field.removeLast() }
                endRecord(i)
                line += 1
                recordLine = line
                recordStart = i + 1
            } else {
                field.append(c)
            }
            i += 1
        }
        if !field.isEmpty || !fields.isEmpty {
            if field.last == 0x0D { field.removeLast() }
            endRecord(text.endIndex)
        }
        return records
    }
}
