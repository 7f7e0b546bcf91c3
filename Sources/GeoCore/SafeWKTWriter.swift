#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// WKT for geometries that GEOS 3.11's writer cannot print safely.
///
/// GEOS 3.11 (Debian 12) formats each number with `geos_d2sfixed_buffered_n` into a
/// `char[128]` on the stack: fixed notation, so a finite coordinate with more than about
/// 110 digits before the point writes past the buffer (`*** stack smashing detected ***` at
/// 1e135, silent corruption before that). ``Geometry/wkt(precision:)`` asks
/// ``fitsGEOSWriter(_:)`` first and sends the rest here: the same layout as GEOS
/// 3.11 (`POINT Z (1 2 3)`, `MULTIPOINT (1 2, 3 4)`, `EMPTY` parts), numbers of magnitude
/// ``largestMagnitude`` or more in scientific notation (`1e+300`), which GEOS's and
/// GDAL's WKT readers read back.
public struct SafeWKTWriter: Sendable {
    /// Coordinates below this magnitude print in GEOS's 128-byte buffer with room to spare
    /// (91 digits, a sign, a point and up to 17 decimals make 110 bytes).
    public static let largestMagnitude = 1e90
    /// The most decimals handed to GEOS's writer (a double has no more significant digits).
    public static let maximumPrecision = 17

    /// Decimals of every number (trailing zeros trimmed); nil: as GEOS writes them by default
    /// (16 significant digits).
    public var precision: Int?

    public init(precision: Int?) {
        self.precision = precision
    }

    /// Whether every coordinate of `geometry` is small enough for GEOS's writer: the
    /// envelope answers for x and y at once; z (or a non-finite bound) needs the walk.
    public static func fitsGEOSWriter(_ geometry: Geometry) -> Bool {
        let e = geometry.envelope
        if e.isEmpty && !geometry.isEmpty { return allCoordinatesFit(geometry) }
        let bounds = [e.minX, e.minY, e.maxX, e.maxY]
        if !geometry.hasZ && (e.isEmpty || bounds.allSatisfy({ $0.isFinite && abs($0) < largestMagnitude })) { return true }
        return allCoordinatesFit(geometry)
    }

    private static func allCoordinatesFit(_ geometry: Geometry) -> Bool {
        var fits = true
        visit(geometry) { coordinates, _ in
            for v in coordinates where v.isFinite && abs(v) >= largestMagnitude { fits = false; return }
        }
        return fits
    }

    /// Calls `body` with the flat coordinates and counts of every non-collection piece.
    private static func visit(_ geometry: Geometry, _ body: (inout [Double], [Int]) -> Void) {
        if geometry.type == .geometryCollection {
            for part in geometry.parts { visit(part, body) }
            return
        }
        var coordinates: [Double] = [], counts: [Int] = []
        _ = try? geometry.flatten(coordinates: &coordinates, counts: &counts, includeZ: true)
        body(&coordinates, counts)
    }

    /// The WKT of `geometry`.
    public func text(of geometry: Geometry) -> String {
        var out = ""
        write(geometry, into: &out)
        return out
    }

    private func write(_ geometry: Geometry, into out: inout String) {
        let name: String
        switch geometry.type {
        case .point: name = "POINT"
        case .lineString: name = "LINESTRING"
        case .linearRing: name = "LINEARRING"
        case .polygon: name = "POLYGON"
        case .multiPoint: name = "MULTIPOINT"
        case .multiLineString: name = "MULTILINESTRING"
        case .multiPolygon: name = "MULTIPOLYGON"
        case .geometryCollection: name = "GEOMETRYCOLLECTION"
        }
        // GEOS writes "POINT EMPTY" for an empty point with z too.
        if geometry.isEmpty { out += name + " EMPTY"; return }
        out += name + (geometry.hasZ ? " Z " : " ")
        writeBody(geometry, into: &out)
    }

    /// The text after the type name: `(…)` or `EMPTY`. Multi parts are written without their
    /// names, and the points of a MultiPoint without parentheses, as GEOS 3.11 writes them.
    private func writeBody(_ geometry: Geometry, into out: inout String) {
        if geometry.isEmpty { out += "EMPTY"; return }
        switch geometry.type {
        case .geometryCollection, .multiPoint, .multiLineString, .multiPolygon:
            out += "("
            for (k, part) in geometry.parts.enumerated() {
                if k > 0 { out += ", " }
                if geometry.type == .geometryCollection {
                    write(part, into: &out)
                } else if geometry.type == .multiPoint, !part.isEmpty {
                    var c: [Double] = [], n: [Int] = []
                    let dimension = (try? part.flatten(coordinates: &c, counts: &n, includeZ: true)) ?? 2
                    out += c.prefix(dimension).map(number).joined(separator: " ")
                } else {
                    writeBody(part, into: &out)
                }
            }
            out += ")"
            return
        default:
            break
        }
        var coordinates: [Double] = [], counts: [Int] = []
        guard let dimension = try? geometry.flatten(coordinates: &coordinates, counts: &counts, includeZ: true) else { out += "EMPTY"; return }
        var c = 0
        func positions(_ n: Int) {
            guard n > 0 else { out += "EMPTY"; return }
            out += "("
            for i in 0..<n {
                if i > 0 { out += ", " }
                for d in 0..<dimension {
                    if d > 0 { out += " " }
                    out += number(coordinates[c + d])
                }
                c += dimension
            }
            out += ")"
        }
        if geometry.type == .polygon {
            out += "("
            for r in 0..<counts[0] {
                if r > 0 { out += ", " }
                positions(counts[1 + r])
            }
            out += ")"
        } else {
            positions(counts[0])
        }
    }

    /// One number: scientific from ``largestMagnitude`` on (the shortest text that reads
    /// back as the same double), else fixed with `precision` decimals (by default GEOS 3.11's
    /// 16 significant digits), trailing zeros trimmed.
    func number(_ v: Double) -> String {
        if v.isNaN { return "NaN" }
        if v.isInfinite { return v < 0 ? "-Infinity" : "Infinity" }
        if abs(v) >= SafeWKTWriter.largestMagnitude { return v.description }  // "1e+300"
        // GEOS 3.11's default: 16 significant digits before and after the point together
        // (0.1234567890123457, 395000.123456789), at least none after it.
        var integerDigits = 0
        if abs(v) >= 1 { integerDigits = Int(log10(abs(v)).rounded(.down)) + 1 }
        let precision = self.precision ?? Swift.max(0, 16 - integerDigits)
        var buffer = [CChar](repeating: 0, count: 200)
        let written = buffer.withUnsafeMutableBufferPointer { b in
            withVaList([v]) { vsnprintf(b.baseAddress, b.count, "%.\(precision)f", $0) }
        }
        var text = String(decoding: buffer.prefix(Int(Swift.max(0, Swift.min(written, 199)))).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        if text == "-0" { text = "0" }
        return text
    }
}
