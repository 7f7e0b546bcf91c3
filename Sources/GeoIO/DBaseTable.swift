/// A shapefile's attribute table (dBASE III+ `.dbf`): the header, the field descriptors and
/// the decoding of one record into typed properties.
///
/// Types: C (text) → string, trailing blanks dropped, empty → null; N and F → integer when
/// the field has no decimals and at most 18 digits, else double (blank or `*` → null);
/// D (`YYYYMMDD`) → `YYYY-MM-DD` text (blank or zeros → null); L (T/Y, F/N; `?` → null) →
/// boolean; other types (M, memo numbers, …) → their text. Text is decoded from the table's
/// ``TextEncoding``, so umlauts come out intact.
struct DBaseTable: Sendable {
    struct Field: Sendable, Equatable {
        let name: String
        /// The dBASE type letter (C, N, F, D, L, …).
        let type: UInt8
        let length: Int
        let decimals: Int
        /// Where the field's bytes start in a record (after the deletion flag).
        let offset: Int

        var isInteger: Bool { (type == 0x4E || type == 0x46) && decimals == 0 && length <= 18 }
    }

    let recordCount: Int
    let headerLength: Int
    let recordLength: Int
    /// The language driver id (byte 29), which names the code page when no .cpg does.
    let languageDriver: UInt8
    let fields: [Field]

    /// Reads the header from the file's first bytes; `problem` says what is wrong with it.
    init(header bytes: [UInt8]) throws(FeatureIssue) {
        guard bytes.count >= 32 else { throw FeatureIssue("the file is \(bytes.count) bytes long, shorter than a dBASE header (32)") }
        func u32(_ i: Int) -> Int { Int(bytes[i]) | Int(bytes[i + 1]) << 8 | Int(bytes[i + 2]) << 16 | Int(bytes[i + 3]) << 24 }
        func u16(_ i: Int) -> Int { Int(bytes[i]) | Int(bytes[i + 1]) << 8 }
        recordCount = u32(4)
        headerLength = u16(8)
        recordLength = u16(10)
        languageDriver = bytes[29]
        guard headerLength >= 33 else { throw FeatureIssue("the header length is \(headerLength) bytes; a dBASE header has at least 33") }
        guard recordLength >= 1 else { throw FeatureIssue("the record length is \(recordLength)") }
        var fields: [Field] = []
        var position = 32
        var offset = 1
        while position + 32 <= Swift.min(headerLength, bytes.count), bytes[position] != 0x0D {
            let descriptor = bytes[position..<(position + 32)]
            let nameBytes = descriptor.prefix(11).prefix { $0 != 0 }
            // Field names are ASCII in practice; other bytes are read as Latin-1.
            let name = String(String.UnicodeScalarView(nameBytes.map { Unicode.Scalar($0) }))
                .trimmingTrailing(" ")
            let type = descriptor[descriptor.startIndex + 11]
            let length = Int(descriptor[descriptor.startIndex + 16])
            let decimals = Int(descriptor[descriptor.startIndex + 17])
            fields.append(Field(name: name, type: type, length: length, decimals: decimals, offset: offset))
            offset += length
            position += 32
        }
        guard offset <= recordLength else {
            throw FeatureIssue("the fields need \(offset) bytes per record, more than the record length \(recordLength)")
        }
        self.fields = fields
    }

    /// The properties of one record (`record` holds its `recordLength` bytes, deletion flag
    /// first), and notes about values that could not be read as their type.
    func properties(_ record: ArraySlice<UInt8>, encoding: TextEncoding, notes: inout [String]) -> Properties {
        var out = Properties()
        let base = record.startIndex
        for field in fields {
            let bytes = record[(base + field.offset)..<(base + field.offset + field.length)]
            out.append(field.name, value(bytes, field, encoding: encoding, notes: &notes))
        }
        return out
    }

    private func value(_ raw: ArraySlice<UInt8>, _ field: Field, encoding: TextEncoding, notes: inout [String]) -> PropertyValue {
        let blank: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x00 }
        switch field.type {
        case 0x4E, 0x46: // N, F
            let text = DBaseTable.trimmed(raw, blank)
            if text.isEmpty || text.allSatisfy({ $0 == 0x2A }) { return .null }
            let string = String(decoding: text, as: UTF8.self)
            if field.isInteger, let i = Int64(string) { return .integer(i) }
            if let d = Double(string), d.isFinite { return .double(d) }
            notes.append("field \(field.name): '\(encoding.decode(raw))' is not a number (kept as text)")
            return .string(encoding.decode(text))
        case 0x44: // D
            let text = DBaseTable.trimmed(raw, blank)
            if text.isEmpty || text.allSatisfy({ $0 == 0x30 }) { return .null }
            if text.count == 8, text.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
                let digits = text.map { Int64($0 - 0x30) }
                let year = digits[0] * 1000 + digits[1] * 100 + digits[2] * 10 + digits[3]
                return .string(ISODateText.date(year, digits[4] * 10 + digits[5], digits[6] * 10 + digits[7]))
            }
            notes.append("field \(field.name): '\(encoding.decode(raw))' is not a date YYYYMMDD (kept as text)")
            return .string(encoding.decode(text))
        case 0x4C: // L
            switch raw.first(where: { !blank($0) }) {
            case 0x54, 0x74, 0x59, 0x79: return .bool(true)
            case 0x46, 0x66, 0x4E, 0x6E: return .bool(false)
            default: return .null
            }
        default: // C and anything else: text
            var end = raw.endIndex
            while end > raw.startIndex, blank(raw[end - 1]) { end -= 1 }
            if end == raw.startIndex { return .null }
            return .string(encoding.decode(raw[raw.startIndex..<end]))
        }
    }

    /// The bytes without blanks (spaces, NULs) at either end.
    static func trimmed(_ raw: ArraySlice<UInt8>, _ blank: (UInt8) -> Bool) -> ArraySlice<UInt8> {
        var start = raw.startIndex, end = raw.endIndex
        while start < end, blank(raw[start]) { start += 1 }
        while end > start, blank(raw[end - 1]) { end -= 1 }
        return raw[start..<end]
    }
}

/// The code pages shapefile attribute tables come in.
public enum TextEncoding: String, Sendable {
    case utf8 = "UTF-8"
    case windows1252 = "Windows-1252"
    case latin1 = "ISO-8859-1"

    /// The encoding a `.cpg` file names, or nil if it is not one of these.
    static func named(_ cpg: String) -> TextEncoding? {
        let name = cpg.uppercased().filter { !$0.isWhitespace }
        switch name {
        case "UTF-8", "UTF8", "65001": return .utf8
        case "1252", "CP1252", "WINDOWS-1252", "ANSI1252", "WINDOWS1252": return .windows1252
        case "88591", "8859-1", "ISO-8859-1", "ISO8859-1", "ISO88591", "LATIN1", "LATIN-1", "28591": return .latin1
        default: return nil
        }
    }

    /// The encoding a dBASE language driver id names, or nil for ids of other code pages.
    /// 0 (none given) is read as Windows-1252, which agrees with Latin-1 on every printable
    /// character and adds €, „ and the like.
    static func languageDriver(_ id: UInt8) -> TextEncoding? {
        switch id {
        case 0x00, 0x03, 0x57, 0x58, 0x59: return .windows1252
        default: return nil
        }
    }

    func decode(_ bytes: ArraySlice<UInt8>) -> String {
        if !bytes.contains(where: { $0 >= 0x80 }) || self == .utf8 { return String(decoding: bytes, as: UTF8.self) }
        var scalars = String.UnicodeScalarView()
        for b in bytes {
            if self == .windows1252, b >= 0x80, b < 0xA0, let s = Unicode.Scalar(TextEncoding.cp1252High[Int(b - 0x80)]) {
                scalars.append(s)
            } else {
                scalars.append(Unicode.Scalar(b))
            }
        }
        return String(scalars)
    }

    /// Windows-1252 at 0x80…0x9F (the five undefined bytes as their Latin-1 control characters).
    private static let cp1252High: [UInt32] = [
        0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D, 0x017D, 0x8F,
        0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D, 0x017E, 0x0178,
    ]
}

extension String {
    func trimmingTrailing(_ character: Character) -> String {
        var s = Substring(self)
        while s.last == character { s = s.dropLast() }
        return String(s)
    }
}
