#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The window ran out in the middle of a value: refill and start the value again.
struct NeedMore: Error {}

/// Not JSON at `position` (a window position).
struct JSONSyntaxError: Error {
    let position: Int
    let message: String
}

/// A number as JSON writes it: integers stay integers.
enum JSONNumber {
    case integer(Int64)
    case double(Double)

    var doubleValue: Double {
        switch self {
        case let .integer(i): return Double(i)
        case let .double(d): return d
        }
    }
}

/// Reads JSON tokens from a byte window, with no allocation but for strings it returns.
/// Running off the end throws `NeedMore` (more may come) or a syntax error (end of file).
struct JSONCursor {
    let base: UnsafePointer<UInt8>
    var position: Int
    let end: Int
    let atEOF: Bool
    /// How deeply arrays and objects may nest before the input is refused.
    static let maximumDepth = 128

    init(base: UnsafePointer<UInt8>, position: Int, end: Int, atEOF: Bool) {
        self.base = base
        self.position = position
        self.end = end
        self.atEOF = atEOF
    }

    @inline(__always)
    func ranOut() -> Error {
        atEOF ? JSONSyntaxError(position: position, message: "unexpected end of file (truncated?)") : NeedMore()
    }

    func syntax(_ message: String) -> JSONSyntaxError {
        JSONSyntaxError(position: position, message: message)
    }

    /// The next byte that is not white space (RS, the GeoJSON text sequence separator, counts
    /// as white space), without consuming it.
    @inline(__always)
    mutating func peek() throws -> UInt8 {
        while position < end {
            let c = base[position]
            if c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 || c == 0x1E {
                position += 1
                continue
            }
            return c
        }
        throw ranOut()
    }

    /// Whether only white space remains (at end of file).
    mutating func isAtEnd() throws -> Bool {
        while position < end {
            let c = base[position]
            if c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 || c == 0x1E { position += 1; continue }
            return false
        }
        if atEOF { return true }
        throw NeedMore()
    }

    @inline(__always)
    mutating func expect(_ byte: UInt8, _ what: String) throws {
        let c = try peek()
        guard c == byte else { throw syntax("expected \(what), found \(describe(c))") }
        position += 1
    }

    /// After a member or element: true for a comma (more follow), false for the closing byte.
    @inline(__always)
    mutating func commaOr(_ close: UInt8) throws -> Bool {
        let c = try peek()
        position += 1
        if c == 0x2C { return true }
        if c == close { return false }
        position -= 1
        throw syntax("expected ',' or '\(Character(UnicodeScalar(close)))', found \(describe(c))")
    }

    func describe(_ c: UInt8) -> String {
        switch c {
        case 0x22: return "a string"
        case 0x7B: return "'{'"
        case 0x5B: return "'['"
        case 0x20...0x7E: return "'\(Character(UnicodeScalar(c)))'"
        default: return "byte 0x\(String(c, radix: 16))"
        }
    }

    // MARK: Strings

    /// A string's raw bytes (between the quotes, escapes not decoded) and whether it has escapes.
    @inline(__always)
    mutating func rawString() throws -> (start: Int, count: Int, escaped: Bool) {
        try expect(0x22, "a string")
        let start = position
        var escaped = false
        while position < end {
            let c = base[position]
            if c == 0x22 {
                position += 1
                return (start, position - 1 - start, escaped)
            }
            if c == 0x5C {
                escaped = true
                position += 2
                continue
            }
            if c < 0x20 { throw syntax("control character in a string (unescaped byte 0x\(String(c, radix: 16)))") }
            position += 1
        }
        throw ranOut()
    }

    mutating func string() throws -> String {
        let raw = try rawString()
        return try decode(raw)
    }

    func decode(_ raw: (start: Int, count: Int, escaped: Bool)) throws -> String {
        let bytes = UnsafeBufferPointer(start: base + raw.start, count: raw.count)
        if !raw.escaped {
            return try JSONCursor.utf8String(bytes, at: raw.start)
        }
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var i = 0
        while i < bytes.count {
            let c = bytes[i]
            guard c == 0x5C else { out.append(c); i += 1; continue }
            guard i + 1 < bytes.count else { throw JSONSyntaxError(position: raw.start + i, message: "bad escape") }
            let e = bytes[i + 1]
            i += 2
            switch e {
            case 0x22, 0x5C, 0x2F: out.append(e)
            case 0x62: out.append(0x08)
            case 0x66: out.append(0x0C)
            case 0x6E: out.append(0x0A)
            case 0x72: out.append(0x0D)
            case 0x74: out.append(0x09)
            case 0x75:
                var scalar = try hex4(bytes, i, raw.start)
                i += 4
                if (0xD800..<0xDC00).contains(scalar), i + 5 < bytes.count, bytes[i] == 0x5C, bytes[i + 1] == 0x75 {
                    let low = try hex4(bytes, i + 2, raw.start)
                    if (0xDC00..<0xE000).contains(low) {
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        i += 6
                    }
                }
                let unicode = UnicodeScalar(scalar) ?? "\u{FFFD}"
                out.append(contentsOf: Array(String(Character(unicode)).utf8))
            default:
                throw JSONSyntaxError(position: raw.start + i - 1, message: "bad escape '\\\(Character(UnicodeScalar(e)))'")
            }
        }
        return try out.withUnsafeBufferPointer { try JSONCursor.utf8String($0, at: raw.start) }
    }

    /// The bytes as a String, refusing invalid UTF-8 instead of silently replacing it.
    /// ASCII (most keys and values) skips validation; other text is decoded and compared.
    @inline(__always)
    static func utf8String(_ bytes: UnsafeBufferPointer<UInt8>, at position: Int) throws -> String {
        var ascii = true
        for b in bytes where b >= 0x80 { ascii = false; break }
        let text = String(decoding: bytes, as: UTF8.self)
        if !ascii, !text.utf8.elementsEqual(bytes) {
            throw JSONSyntaxError(position: position, message: "a string is not valid UTF-8")
        }
        return text
    }

    private func hex4(_ bytes: UnsafeBufferPointer<UInt8>, _ i: Int, _ start: Int) throws -> UInt32 {
        guard i + 4 <= bytes.count else { throw JSONSyntaxError(position: start + i, message: "bad \\u escape") }
        var value: UInt32 = 0
        for k in i..<(i + 4) {
            let c = bytes[k]
            let digit: UInt8
            switch c {
            case 0x30...0x39: digit = c - 0x30
            case 0x41...0x46: digit = c - 0x41 + 10
            case 0x61...0x66: digit = c - 0x61 + 10
            default: throw JSONSyntaxError(position: start + k, message: "bad \\u escape")
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    /// Whether a raw (unescaped) key equals `key`.
    @inline(__always)
    func rawEquals(_ raw: (start: Int, count: Int, escaped: Bool), _ key: StaticString) -> Bool {
        raw.count == key.utf8CodeUnitCount && !raw.escaped && memcmp(base + raw.start, key.utf8Start, raw.count) == 0
    }

    // MARK: Numbers

    /// A JSON number, correctly rounded to the nearest double. NaN, Infinity and -Infinity
    /// (not JSON, but written by some tools) are read, so that the caller can refuse them
    /// with a message that names them.
    @inline(__always)
    mutating func number() throws -> JSONNumber {
        let start = position
        var p = position
        guard p < end else { throw ranOut() }
        var negative = false
        if base[p] == 0x2D { negative = true; p += 1 }
        guard p < end else { throw ranOut() }
        if base[p] == 0x4E || base[p] == 0x49 { return try nonFinite(negative) }
        var mantissa: UInt64 = 0
        var digits = 0
        var exponent = 0
        var isInteger = true
        let firstDigit = p
        while p < end, base[p] &- 0x30 < 10 {
            if digits < 19 { mantissa = mantissa &* 10 &+ UInt64(base[p] &- 0x30); digits += mantissa == 0 ? 0 : 1 } else { exponent += 1 }
            p += 1
        }
        guard p > firstDigit else {
            position = p
            throw syntax("expected a number")
        }
        if p < end, base[p] == 0x2E {
            isInteger = false
            p += 1
            let fractionStart = p
            while p < end, base[p] &- 0x30 < 10 {
                if digits < 19 { mantissa = mantissa &* 10 &+ UInt64(base[p] &- 0x30); digits += mantissa == 0 ? 0 : 1; exponent -= 1 }
                p += 1
            }
            guard p > fractionStart else { position = p; throw syntax("expected digits after the decimal point") }
        }
        if p < end, base[p] | 0x20 == 0x65 {
            isInteger = false
            p += 1
            guard p < end else { throw ranOut() }
            var exponentNegative = false
            if base[p] == 0x2B || base[p] == 0x2D { exponentNegative = base[p] == 0x2D; p += 1 }
            let exponentStart = p
            var value = 0
            while p < end, base[p] &- 0x30 < 10 {
                if value < 100_000 { value = value * 10 + Int(base[p] &- 0x30) }
                p += 1
            }
            guard p > exponentStart else { position = p; throw syntax("expected digits in the exponent") }
            exponent += exponentNegative ? -value : value
        }
        // A number at the very end of the window may go on in the next chunk.
        guard p < end || atEOF else { throw NeedMore() }
        position = p
        if isInteger, digits < 19, exponent == 0 {
            let magnitude = Int64(mantissa)
            return .integer(negative ? -magnitude : magnitude)
        }
        // Clinger's fast path: the mantissa and the power of ten are exact doubles, so one
        // multiplication or division rounds correctly.
        if digits < 19, mantissa <= (1 << 53), exponent >= -22, exponent <= 22 {
            var value = Double(mantissa)
            value = exponent < 0 ? value / JSONCursor.powersOfTen[-exponent] : value * JSONCursor.powersOfTen[exponent]
            return .double(negative ? -value : value)
        }
        return .double(slowNumber(start, p))
    }

    static let powersOfTen: [Double] = (0...22).map { pow(10, Double($0)) }

    /// strtod on a copy of the text: exact for any number of digits.
    private func slowNumber(_ start: Int, _ stop: Int) -> Double {
        var text = [CChar](repeating: 0, count: stop - start + 1)
        for i in start..<stop { text[i - start] = CChar(bitPattern: base[i]) }
        return strtod(text, nil)
    }

    private mutating func nonFinite(_ negative: Bool) throws -> JSONNumber {
        let p = position + (negative ? 1 : 0)
        for (word, value) in [("NaN", Double.nan), ("Infinity", Double.infinity)] {
            let bytes = Array(word.utf8)
            guard p + bytes.count <= end else { if atEOF { break } else { throw NeedMore() } }
            if memcmp(base + p, bytes, bytes.count) == 0 {
                position = p + bytes.count
                return .double(negative ? -value : value)
            }
        }
        throw syntax("expected a number")
    }

    // MARK: Whole values

    /// Skips one object or array by counting brackets (strings skipped, escapes honoured),
    /// without checking anything else: the fast way to find where a feature ends when a parser
    /// will read (and check) its bytes afterwards anyway.
    mutating func skipStructure() throws {
        guard position < end else { throw ranOut() }
        let open = base[position]
        guard open == 0x7B || open == 0x5B else { return try skipValue() }
        var depth = 0
        var p = position
        // The reader's one sequential pass over the file: bytes that matter (quotes, brackets,
        // braces) are found by a table lookup, so the digits, commas and points of coordinates
        // cost one load and one test each.
        return try JSONCursor.structural.withUnsafeBufferPointer { table in
            while p < end {
                let c = base[p]
                if table[Int(c)] == 0 {
                    p += 1
                    continue
                }
                if c == 0x22 {
                    p += 1
                    while p < end {
                        let s = base[p]
                        if s == 0x22 { break }
                        p += s == 0x5C ? 2 : 1
                    }
                } else if c == 0x7B || c == 0x5B {
                    depth += 1
                    guard depth <= JSONCursor.maximumDepth else { position = p; throw syntax("nested deeper than \(JSONCursor.maximumDepth) levels") }
                } else {
                    depth -= 1
                    if depth == 0 {
                        position = p + 1
                        return
                    }
                }
                p += 1
            }
            throw ranOut()
        }
    }

    /// 1 for the bytes that structure JSON for ``skipStructure()``: `"`, `{`, `[`, `}`, `]`.
    private static let structural: [UInt8] = (0..<256).map { [0x22, 0x7B, 0x5B, 0x7D, 0x5D].contains($0) ? 1 : 0 }

    /// Skips one value of any kind, checking its syntax, without building anything.
    mutating func skipValue(depth: Int = 0) throws {
        guard depth < JSONCursor.maximumDepth else { throw syntax("nested deeper than \(JSONCursor.maximumDepth) levels") }
        switch try peek() {
        case 0x22:
            _ = try rawString()
        case 0x7B:
            position += 1
            if try peek() == 0x7D { position += 1; return }
            repeat {
                _ = try rawString()
                try expect(0x3A, "':'")
                try skipValue(depth: depth + 1)
            } while try commaOr(0x7D)
        case 0x5B:
            position += 1
            if try peek() == 0x5D { position += 1; return }
            repeat { try skipValue(depth: depth + 1) } while try commaOr(0x5D)
        case 0x74: try literal("true")
        case 0x66: try literal("false")
        case 0x6E: try literal("null")
        default:
            try skipNumber()
        }
    }

    /// Skips a number's characters (checking its form, not converting it).
    @inline(__always)
    mutating func skipNumber() throws {
        var p = position
        if p < end, base[p] == 0x2D { p += 1 }
        if p < end, base[p] == 0x4E || base[p] == 0x49 { _ = try number(); return }
        let digitsStart = p
        while p < end {
            let c = base[p]
            if c &- 0x30 < 10 || c == 0x2E || c == 0x65 || c == 0x45 || c == 0x2B || c == 0x2D { p += 1 } else { break }
        }
        guard p < end || atEOF else { throw NeedMore() }
        guard p > digitsStart, base[digitsStart] &- 0x30 < 10 else { throw syntax("expected a value") }
        // Unusual forms (1.e5, 1e, --1) are checked by the full parser.
        if base[p - 1] &- 0x30 >= 10 { _ = try number(); return }
        position = p
    }

    mutating func literal(_ word: StaticString) throws {
        let n = word.utf8CodeUnitCount
        guard position + n <= end else {
            if atEOF { throw syntax("unexpected end of file (truncated?)") }
            throw NeedMore()
        }
        guard memcmp(base + position, word.utf8Start, n) == 0 else { throw syntax("unexpected \(describe(base[position]))") }
        position += n
    }

    /// Any value as a property value (objects keep their member order).
    mutating func value(depth: Int = 0) throws -> PropertyValue {
        guard depth < JSONCursor.maximumDepth else { throw syntax("nested deeper than \(JSONCursor.maximumDepth) levels") }
        switch try peek() {
        case 0x22:
            return .string(try string())
        case 0x7B:
            return .object(try object(depth: depth))
        case 0x5B:
            position += 1
            var items: [PropertyValue] = []
            if try peek() == 0x5D { position += 1; return .array(items) }
            repeat { items.append(try value(depth: depth + 1)) } while try commaOr(0x5D)
            return .array(items)
        case 0x74: try literal("true"); return .bool(true)
        case 0x66: try literal("false"); return .bool(false)
        case 0x6E: try literal("null"); return .null
        default:
            switch try number() {
            case let .integer(i): return .integer(i)
            case let .double(d): return .double(d)
            }
        }
    }

    /// An object's members in order; a repeated name keeps its last value, as most JSON
    /// readers do.
    mutating func object(depth: Int = 0) throws -> Properties {
        try expect(0x7B, "'{'")
        var properties = Properties()
        if try peek() == 0x7D { position += 1; return properties }
        repeat {
            let name = try string()
            try expect(0x3A, "':'")
            let item = try value(depth: depth + 1)
            if properties[name] != nil { properties[name] = item } else { properties.append(name, item) }
        } while try commaOr(0x7D)
        return properties
    }
}
