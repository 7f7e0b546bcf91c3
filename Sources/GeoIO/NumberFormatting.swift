#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes numbers as JSON text straight into a byte buffer, without String or Foundation
/// formatting on the hot path.
enum NumberFormatting {
    static let scales: [Double] = (0...17).map { pow(10, Double($0)) }

    /// Fixed decimals, or the shortest round-trip text when `decimals` is nil.
    @inline(__always)
    static func append(_ value: Double, decimals: Int?, to out: inout [UInt8]) {
        if let decimals { appendFixed(value, decimals: decimals, to: &out) } else { appendShortest(value, to: &out) }
    }

    /// `value` correctly rounded to `decimals` digits after the point (ties to even, as
    /// printf does on the exact binary value), with trailing zeros and a bare point removed:
    /// 7.4588900 → "7.45889", 12.0 → "12". Non-finite values are written as null.
    @inline(__always)
    static func appendFixed(_ value: Double, decimals: Int, to out: inout [UInt8]) {
        guard value.isFinite else { out.append(static: "null"); return }
        let scale = scales[decimals]
        let scaled = value * scale
        guard abs(scaled) < 9.0e15 else {
            out.append(contentsOf: decimalText(value, decimals: decimals).utf8)
            trimZeros(&out)
            return
        }
        // scaled + error is the exact product (fma gives the rounding error of value * scale).
        let error = (-scaled).addingProduct(value, scale)
        var n = scaled.rounded(.toNearestOrEven)
        let rest = (scaled - n) + error
        if rest > 0.5 { n += 1 } else if rest < -0.5 { n -= 1 }
        else if rest == 0.5 || rest == -0.5 {
            // An exact tie in the decimal expansion: round half to even.
            let up = n + (rest > 0 ? 1 : -1)
            if up.truncatingRemainder(dividingBy: 2) == 0 { n = up }
        }
        var integer = Int64(n)
        let negative = integer < 0
        if negative { integer = -integer }
        let unit = Int64(scale)
        var whole = UInt64(integer / unit)
        var fraction = integer % unit
        var digits = decimals
        while digits > 0, fraction % 10 == 0 { fraction /= 10; digits -= 1 }
        // Digits are made back to front in a small stack buffer, then appended at once.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 48) { buffer in
            var i = 48
            if fraction != 0 {
                for _ in 0..<digits {
                    i -= 1
                    buffer[i] = UInt8(fraction % 10) + 0x30
                    fraction /= 10
                }
                i -= 1
                buffer[i] = 0x2E
            }
            repeat {
                i -= 1
                buffer[i] = UInt8(whole % 10) + 0x30
                whole /= 10
            } while whole > 0
            if negative {
                i -= 1
                buffer[i] = 0x2D
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[i..<48]))
        }
    }

    private static func trimZeros(_ out: inout [UInt8]) {
        guard out.contains(0x2E) else { return }
        while out.last == 0x30 { out.removeLast() }
        if out.last == 0x2E { out.removeLast() }
    }

    @inline(__always)
    static func appendInteger(_ value: UInt64, to out: inout [UInt8]) {
        if value < 10 { out.append(UInt8(value) + 0x30); return }
        var v = value
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { buffer in
            var i = 20
            while v > 0 {
                i -= 1
                buffer[i] = UInt8(v % 10) + 0x30
                v /= 10
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[i..<20]))
        }
    }

    static func appendInteger(_ value: Int64, to out: inout [UInt8]) {
        if value < 0 {
            out.append(0x2D)
            appendInteger(value.magnitude, to: &out)
        } else {
            appendInteger(UInt64(value), to: &out)
        }
    }

    /// The shortest text that reads back as the same double (JSON has no NaN: null).
    static func appendShortest(_ value: Double, to out: inout [UInt8]) {
        guard value.isFinite else { out.append(static: "null"); return }
        // Whole numbers as integers with ".0" (faster), except −0.0, whose sign an integer loses.
        if value == value.rounded(), abs(value) < 1e15, value != 0 || value.sign == .plus {
            appendInteger(Int64(value), to: &out)
            out.append(0x2E)
            out.append(0x30)
            return
        }
        // `write(to:)` prints what `description` prints (checked on two million doubles of
        // every magnitude) but hands the digits over as ASCII bytes, without making a String:
        // 40 % faster, and the CSV and GeoJSON of a million parcels format six million doubles.
        var sink = ASCIISink()
        swap(&sink.bytes, &out)
        value.write(to: &sink)
        swap(&sink.bytes, &out)
    }
}

/// Collects what a `TextOutputStreamable` value writes, as bytes.
private struct ASCIISink: TextOutputStream {
    var bytes: [UInt8] = []

    mutating func write(_ string: String) { bytes.append(contentsOf: string.utf8) }

    // The standard library's floating-point types write their digits through this hook.
    mutating func _writeASCII(_ buffer: UnsafeBufferPointer<UInt8>) { bytes.append(contentsOf: buffer) }
}

/// JSON strings and property values into a byte buffer.
enum JSONWriting {
    static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    static func appendString(_ text: String, to out: inout [UInt8]) {
        out.append(0x22)
        var text = text
        text.withUTF8 { bytes in
            var clean = true
            for b in bytes where b < 0x20 || b == 0x22 || b == 0x5C { clean = false; break }
            if clean { out.append(contentsOf: bytes); return }
            for b in bytes {
                switch b {
                case 0x22: out.append(contentsOf: [0x5C, 0x22])
                case 0x5C: out.append(contentsOf: [0x5C, 0x5C])
                case 0x0A: out.append(contentsOf: [0x5C, 0x6E])
                case 0x0D: out.append(contentsOf: [0x5C, 0x72])
                case 0x09: out.append(contentsOf: [0x5C, 0x74])
                case 0..<0x20: out.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, hex[Int(b >> 4)], hex[Int(b & 15)]])
                default: out.append(b)
                }
            }
        }
        out.append(0x22)
    }

    static func appendValue(_ value: PropertyValue, to out: inout [UInt8]) {
        switch value {
        case .null: out.append(static: "null")
        case let .bool(b): out.append(static: b ? "true" : "false")
        case let .integer(i): NumberFormatting.appendInteger(i, to: &out)
        case let .double(d): NumberFormatting.appendShortest(d, to: &out)
        case let .string(s): appendString(s, to: &out)
        case let .array(items):
            out.append(0x5B)
            for (k, item) in items.enumerated() {
                if k > 0 { out.append(0x2C) }
                appendValue(item, to: &out)
            }
            out.append(0x5D)
        case let .object(properties):
            appendObject(properties, to: &out)
        }
    }

    static func appendObject(_ properties: Properties, to out: inout [UInt8]) {
        out.append(0x7B)
        var first = true
        for (name, value) in properties {
            if !first { out.append(0x2C) }
            first = false
            appendString(name, to: &out)
            out.append(0x3A)
            appendValue(value, to: &out)
        }
        out.append(0x7D)
    }
}

/// JSON and CSV text pieces for callers that format rows themselves (one formatting of each
/// number for a table and a GeoJSON feature).
public enum TextFields {
    /// A JSON string, quoted and escaped.
    public static func appendJSONString(_ text: String, to out: inout [UInt8]) { JSONWriting.appendString(text, to: &out) }

    /// A double in its shortest round-trip form (`0.1`, `12.0`, `1e-07`), as Python's repr and
    /// Swift's description write it; null for NaN and infinities.
    public static func appendShortest(_ value: Double, to out: inout [UInt8]) { NumberFormatting.appendShortest(value, to: &out) }

    /// A whole number.
    public static func appendInteger(_ value: Int64, to out: inout [UInt8]) { NumberFormatting.appendInteger(value, to: &out) }
}

extension Array where Element == UInt8 {
    /// Appends static text (no array, so no reference count to touch).
    @inline(__always)
    mutating func append(static text: StaticString) {
        text.withUTF8Buffer { append(contentsOf: $0) }
    }
}
