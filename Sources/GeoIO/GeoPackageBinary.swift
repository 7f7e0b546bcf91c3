import GeoCore

/// GeoPackage geometry blobs (StandardGeoPackageBinary, GeoPackage 1.3 §2.1.3): a header
/// ('GP', version 0, flags, srs_id, optional envelope) and ISO WKB.
///
/// Writing copies the coordinates out of GEOS in one walk (`Geometry.flatten`) and encodes
/// little-endian ISO WKB from them, with the xy envelope found on the way: no GEOS writer
/// object per feature, and safe on any thread. Reading is our own decoder rather than GEOS's
/// WKB reader, so that hostile bytes meet bounds checks first (a count larger than the bytes
/// left, nesting deeper than 32, an unknown type) and GeoPackage's extended types (curves,
/// surfaces) are refused by name.
public enum GeoPackageBinary {
    /// Why a blob cannot be read.
    public struct DecodingError: Error, Sendable, CustomStringConvertible {
        public let message: String
        public var description: String { message }
        init(_ message: String) { self.message = message }
    }

    // MARK: Writing

    /// The blob of `geometry` for a column of `srsID`. `promote` writes a Polygon as a
    /// one-part MultiPolygon (likewise points and lines), for layers that mix both.
    /// `keepZ` false drops z.
    public static func encode(_ geometry: Geometry, srsID: Int32, promote: Bool = false, keepZ: Bool = true,
                              into out: inout [UInt8]) throws -> Envelope {
        let empty = geometry.isEmpty
        // One allocation for the whole blob: header, envelope, and WKB (9 bytes a part and
        // 4 a ring on top of the coordinates; 64 bytes cover parcels' few parts).
        let dimension = keepZ && geometry.hasZ ? 3 : 2
        out.reserveCapacity(out.count + 40 + 64 + 8 * dimension * geometry.numberOfCoordinates)
        // Header; the envelope's 32 bytes are filled in once the coordinates are known.
        out.append(contentsOf: [0x47, 0x50, 0, empty ? 0x11 : 0x03])
        appendInt32(UInt32(bitPattern: srsID), &out)
        let envelopeAt = out.count
        if !empty { out.append(contentsOf: repeatElement(0, count: 32)) }
        var envelope = Envelope.empty
        try appendWKB(geometry, promote: promote, keepZ: keepZ, envelope: &envelope, into: &out)
        if !empty {
            var at = envelopeAt
            for v in [envelope.minX, envelope.maxX, envelope.minY, envelope.maxY] {
                write(v.bitPattern, at: at, &out)
                at += 8
            }
        }
        return envelope
    }

    /// The type a layer declares for a geometry written with `promote`.
    public static func writtenType(_ type: GeometryType, promote: Bool) -> GeometryType {
        guard promote else { return type == .linearRing ? .lineString : type }
        switch type {
        case .point: return .multiPoint
        case .lineString, .linearRing: return .multiLineString
        case .polygon: return .multiPolygon
        default: return type
        }
    }

    private static func appendWKB(_ geometry: Geometry, promote: Bool, keepZ: Bool, envelope: inout Envelope, into out: inout [UInt8]) throws {
        let type = geometry.type
        let z = keepZ && geometry.hasZ
        if type == .geometryCollection {
            let parts = geometry.parts
            appendHeader(7, z, &out)
            appendInt32(UInt32(parts.count), &out)
            for part in parts { try appendWKB(part, promote: false, keepZ: keepZ, envelope: &envelope, into: &out) }
            return
        }
        var coordinates: [Double] = []
        var counts: [Int] = []
        coordinates.reserveCapacity((z ? 3 : 2) * geometry.numberOfCoordinates)
        counts.reserveCapacity(8)
        let dimension = try geometry.flatten(coordinates: &coordinates, counts: &counts, includeZ: z)
        var c = 0, k = 0
        func positions(_ n: Int) {
            appendInt32(UInt32(n), &out)
            for _ in 0..<n {
                let x = coordinates[c], y = coordinates[c + 1]
                envelope.include(x: x, y: y)
                appendInt64(x.bitPattern, &out)
                appendInt64(y.bitPattern, &out)
                if dimension == 3 { appendInt64(coordinates[c + 2].bitPattern, &out) }
                c += dimension
            }
        }
        func point() {
            appendHeader(1, z, &out)
            let n = counts[k]; k += 1
            if n == 0 {
                // An empty point is NaN coordinates (GeoPackage 1.3 §2.1.3.1).
                for _ in 0..<dimension { appendInt64(Double.nan.bitPattern, &out) }
                return
            }
            let x = coordinates[c], y = coordinates[c + 1]
            envelope.include(x: x, y: y)
            appendInt64(x.bitPattern, &out)
            appendInt64(y.bitPattern, &out)
            if dimension == 3 { appendInt64(coordinates[c + 2].bitPattern, &out) }
            c += dimension
        }
        func line() { appendHeader(2, z, &out); let n = counts[k]; k += 1; positions(n) }
        func polygon() {
            appendHeader(3, z, &out)
            let rings = counts[k]; k += 1
            appendInt32(UInt32(rings), &out)
            for _ in 0..<rings { let n = counts[k]; k += 1; positions(n) }
        }
        switch type {
        case .point:
            if promote { appendHeader(4, z, &out); appendInt32(counts[0] == 0 ? 0 : 1, &out); if counts[0] == 0 { break } }
            point()
        case .lineString, .linearRing:
            if promote { appendHeader(5, z, &out); appendInt32(1, &out) }
            line()
        case .polygon:
            if promote { appendHeader(6, z, &out); appendInt32(counts[0] == 0 ? 0 : 1, &out); if counts[0] == 0 { break } }
            polygon()
        case .multiPoint:
            appendHeader(4, z, &out)
            let n = counts[k]; k += 1
            appendInt32(UInt32(n), &out)
            for _ in 0..<n {
                appendHeader(1, z, &out)
                let x = coordinates[c], y = coordinates[c + 1]
                envelope.include(x: x, y: y)
                appendInt64(x.bitPattern, &out)
                appendInt64(y.bitPattern, &out)
                if dimension == 3 { appendInt64(coordinates[c + 2].bitPattern, &out) }
                c += dimension
            }
        case .multiLineString:
            appendHeader(5, z, &out)
            let n = counts[k]; k += 1
            appendInt32(UInt32(n), &out)
            for _ in 0..<n { line() }
        case .multiPolygon:
            appendHeader(6, z, &out)
            let n = counts[k]; k += 1
            appendInt32(UInt32(n), &out)
            for _ in 0..<n { polygon() }
        case .geometryCollection:
            break
        }
    }

    private static func appendHeader(_ code: UInt32, _ z: Bool, _ out: inout [UInt8]) {
        out.append(1)
        appendInt32(code + (z ? 1000 : 0), &out)
    }

    @inline(__always) private static func appendInt32(_ v: UInt32, _ out: inout [UInt8]) {
        withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) }
    }

    @inline(__always) private static func appendInt32(_ v: Int, _ out: inout [UInt8]) { appendInt32(UInt32(v), &out) }

    @inline(__always) private static func appendInt64(_ v: UInt64, _ out: inout [UInt8]) {
        withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) }
    }

    private static func write(_ v: UInt64, at index: Int, _ out: inout [UInt8]) {
        for i in 0..<8 { out[index + i] = UInt8(truncatingIfNeeded: v >> UInt64(8 * i)) }
    }

    // MARK: Reading

    /// What a blob's header says.
    public struct Header: Sendable, Equatable {
        public var srsID: Int32
        public var isEmpty: Bool
        /// Where the WKB starts.
        public var wkbOffset: Int
    }

    /// Reads a blob's header; throws for wrong magic, version, an extended blob or a short one.
    public static func header(_ blob: UnsafeRawBufferPointer) throws -> Header {
        guard blob.count >= 8 else { throw DecodingError("geometry blob of \(blob.count) bytes is too short for a GeoPackage header (8)") }
        guard blob[0] == 0x47, blob[1] == 0x50 else {
            throw DecodingError("geometry blob does not start with the GeoPackage magic 'GP' (found 0x\(hex(blob[0]))\(hex(blob[1])))")
        }
        guard blob[2] == 0 else { throw DecodingError("geometry blob has version \(blob[2]); GeoPackage 1.x writes 0") }
        let flags = blob[3]
        guard flags & 0x20 == 0 else {
            throw DecodingError("geometry blob is an ExtendedGeoPackageBinary (a vendor geometry type), which the toolkit does not read")
        }
        let indicator = Int((flags >> 1) & 7)
        guard indicator <= 4 else { throw DecodingError("geometry blob has an invalid envelope indicator \(indicator)") }
        let envelopeBytes = [0, 32, 48, 48, 64][indicator]
        let little = flags & 1 == 1
        var raw: UInt32 = 0
        for i in 0..<4 { raw |= UInt32(blob[4 + i]) << (little ? 8 * i : 8 * (3 - i)) }
        guard blob.count >= 8 + envelopeBytes else { throw DecodingError("geometry blob is shorter than its envelope") }
        return Header(srsID: Int32(bitPattern: raw), isEmpty: flags & 0x10 != 0, wkbOffset: 8 + envelopeBytes)
    }

    /// Reads a whole blob into a geometry (nil never: empty geometries come back empty).
    /// `srsID` is the column's: a blob of another srs_id is an error. `keepZ` false drops z.
    public static func decode(_ blob: UnsafeRawBufferPointer, srsID: Int32?, crs: CRS?, keepZ: Bool = true) throws -> Geometry {
        let head = try header(blob)
        if let srsID, head.srsID != srsID {
            throw DecodingError("geometry blob has srs_id \(head.srsID) but its column is declared with srs_id \(srsID)")
        }
        var reader = WKBReader(bytes: UnsafeRawBufferPointer(rebasing: blob[head.wkbOffset...]), keepZ: keepZ)
        let geometry = try reader.geometry(crs: crs, depth: 0)
        guard reader.offset == reader.bytes.count else {
            throw DecodingError("geometry blob has \(reader.bytes.count - reader.offset) bytes after its WKB")
        }
        return geometry
    }

    /// Reads bare WKB (ISO or extended z/m flags, either byte order).
    public static func decodeWKB(_ bytes: UnsafeRawBufferPointer, crs: CRS? = nil, keepZ: Bool = true) throws -> Geometry {
        var reader = WKBReader(bytes: bytes, keepZ: keepZ)
        return try reader.geometry(crs: crs, depth: 0)
    }

    static func hex(_ b: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(b >> 4)], digits[Int(b & 15)]])
    }

    /// The names of the WKB types GeoPackage's extended set adds, which GEOS cannot hold.
    static let extendedTypeNames = [8: "CircularString", 9: "CompoundCurve", 10: "CurvePolygon", 11: "MultiCurve",
                                    12: "MultiSurface", 13: "Curve", 14: "Surface", 15: "PolyhedralSurface", 16: "TIN", 17: "Triangle"]
}

/// A bounds-checked walk over WKB, collecting flat coordinates in the layout
/// `Geometry(type:flatCoordinates:hasZ:counts:)` takes.
struct WKBReader {
    let bytes: UnsafeRawBufferPointer
    let keepZ: Bool
    var offset = 0
    var littleEndian = true

    init(bytes: UnsafeRawBufferPointer, keepZ: Bool) {
        self.bytes = bytes
        self.keepZ = keepZ
    }

    typealias Failure = GeoPackageBinary.DecodingError

    mutating func byte() throws -> UInt8 {
        guard offset < bytes.count else { throw Failure("WKB ends early at byte \(offset)") }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func uint32() throws -> UInt32 {
        guard offset + 4 <= bytes.count else { throw Failure("WKB ends early at byte \(offset)") }
        var v: UInt32 = 0
        for i in 0..<4 { v |= UInt32(bytes[offset + i]) << (littleEndian ? 8 * i : 8 * (3 - i)) }
        offset += 4
        return v
    }

    mutating func double() throws -> Double {
        guard offset + 8 <= bytes.count else { throw Failure("WKB ends early at byte \(offset)") }
        var v: UInt64 = 0
        for i in 0..<8 { v |= UInt64(bytes[offset + i]) << (littleEndian ? 8 * i : 8 * (7 - i)) }
        offset += 8
        return Double(bitPattern: v)
    }

    /// A geometry's byte order and type: (base type 1…7, has z, has m).
    mutating func typeHeader() throws -> (Int, Bool, Bool) {
        let order = try byte()
        guard order <= 1 else { throw Failure("WKB byte order \(order) at byte \(offset - 1) is neither 0 nor 1") }
        littleEndian = order == 1
        var code = try uint32()
        var z = false, m = false
        // Extended (EWKB-style) flags, as some writers use.
        if code & 0x8000_0000 != 0 { z = true }
        if code & 0x4000_0000 != 0 { m = true }
        if code & 0x2000_0000 != 0 { throw Failure("WKB with an embedded SRID (EWKB) is not GeoPackage WKB") }
        code &= 0x0FFF_FFFF
        let base = Int(code % 1000)
        switch code / 1000 {
        case 0: break
        case 1: z = true
        case 2: m = true
        case 3: z = true; m = true
        default: throw Failure("WKB geometry type \(code) is unknown")
        }
        if let name = GeoPackageBinary.extendedTypeNames[base] {
            throw Failure("\(name) (WKB type \(base)) is a GeoPackage extended geometry type; the toolkit reads only Point, LineString, Polygon, their Multi types and GeometryCollection (convert curves to lines first, e.g. ogr2ogr -nlt CONVERT_TO_LINEAR)")
        }
        guard (1...7).contains(base) else { throw Failure("WKB geometry type \(code) is unknown") }
        return (base, z, m)
    }

    struct Flat {
        var coordinates: [Double] = []
        var counts: [Int] = []
    }

    /// Reads `n` positions of `dimension` values into `flat` (z kept when wanted, m dropped).
    mutating func positions(_ n: Int, z: Bool, m: Bool, into flat: inout Flat, keep3: Bool) throws {
        let dimension = 2 + (z ? 1 : 0) + (m ? 1 : 0)
        guard n >= 0, n <= (bytes.count - offset) / (8 * dimension) else {
            throw Failure("WKB claims \(n) positions at byte \(offset - 4) but only \(bytes.count - offset) bytes are left")
        }
        flat.coordinates.reserveCapacity(flat.coordinates.count + n * (keep3 ? 3 : 2))
        for _ in 0..<n {
            let x = try double(), y = try double()
            let zv = z ? try double() : 0
            if m { _ = try double() }
            flat.coordinates.append(x); flat.coordinates.append(y)
            if keep3 { flat.coordinates.append(zv) }
        }
    }

    mutating func count(_ what: String, minimumBytes: Int) throws -> Int {
        let n = Int(try uint32())
        guard n <= (bytes.count - offset) / minimumBytes else {
            throw Failure("WKB claims \(n) \(what) at byte \(offset - 4) but only \(bytes.count - offset) bytes are left")
        }
        return n
    }

    mutating func geometry(crs: CRS?, depth: Int) throws -> Geometry {
        guard depth < 32 else { throw Failure("WKB nests collections deeper than 32") }
        let (base, z, m) = try typeHeader()
        let keep3 = z && keepZ
        var flat = Flat()
        let type: GeometryType
        switch base {
        case 1:
            type = .point
            let start = flat.coordinates.count
            try positions(1, z: z, m: m, into: &flat, keep3: keep3)
            if flat.coordinates[start].isNaN && flat.coordinates[start + 1].isNaN {
                return try Geometry(empty: .point, crs: crs)
            }
            flat.counts.append(1)
        case 2:
            type = .lineString
            let n = try count("positions", minimumBytes: 16)
            flat.counts.append(n)
            try positions(n, z: z, m: m, into: &flat, keep3: keep3)
        case 3:
            type = .polygon
            try polygon(z: z, m: m, into: &flat, keep3: keep3)
        case 4, 5, 6:
            type = [4: GeometryType.multiPoint, 5: .multiLineString, 6: .multiPolygon][base]!
            let n = try count("parts", minimumBytes: 9)
            flat.counts.append(n)
            var nonEmptyPoints = 0
            for _ in 0..<n {
                let (element, ez, em) = try typeHeader()
                guard element == base - 3 else {
                    throw Failure("a WKB \(type) holds a \([1: "Point", 2: "LineString", 3: "Polygon", 7: "GeometryCollection"][element] ?? "type \(element)") at byte \(offset - 5)")
                }
                guard ez == z, em == m else { throw Failure("a WKB \(type) mixes dimensions at byte \(offset - 5)") }
                switch element {
                case 1:
                    let start = flat.coordinates.count
                    try positions(1, z: z, m: m, into: &flat, keep3: keep3)
                    if flat.coordinates[start].isNaN && flat.coordinates[start + 1].isNaN {
                        flat.coordinates.removeLast(flat.coordinates.count - start)
                    } else {
                        nonEmptyPoints += 1
                    }
                case 2:
                    let k = try count("positions", minimumBytes: 16)
                    flat.counts.append(k)
                    try positions(k, z: z, m: m, into: &flat, keep3: keep3)
                default:
                    try polygon(z: z, m: m, into: &flat, keep3: keep3)
                }
            }
            if base == 4 { flat.counts[0] = nonEmptyPoints }
        default:
            let n = try count("parts", minimumBytes: 5)
            var parts: [Geometry] = []
            for _ in 0..<n {
                let saved = littleEndian
                parts.append(try geometry(crs: crs, depth: depth + 1))
                littleEndian = saved
            }
            return try Geometry(collection: .geometryCollection, of: parts, crs: crs)
        }
        if flat.coordinates.contains(where: { !$0.isFinite }) {
            throw Failure("WKB \(type) has a coordinate that is not a finite number")
        }
        do {
            return try Geometry(type: type, flatCoordinates: flat.coordinates, hasZ: keep3, counts: flat.counts, crs: crs)
        } catch {
            throw Failure("WKB \(type) cannot be a geometry: \(error)")
        }
    }

    /// A polygon's rings. Empty rings carry nothing: an empty hole is dropped, an empty
    /// exterior with no other ring is an empty polygon, and an empty exterior with holes is an
    /// error (GEOS refuses it; nothing can be drawn of it).
    mutating func polygon(z: Bool, m: Bool, into flat: inout Flat, keep3: Bool) throws {
        let rings = try count("rings", minimumBytes: 4)
        let countAt = flat.counts.count
        flat.counts.append(0)
        var kept = 0
        for k in 0..<rings {
            let n = try count("positions", minimumBytes: 16)
            if n == 0 {
                if k == 0 && rings > 1 { throw Failure("a WKB Polygon has an empty exterior ring but \(rings - 1) more rings") }
                continue
            }
            flat.counts.append(n)
            try positions(n, z: z, m: m, into: &flat, keep3: keep3)
            kept += 1
        }
        flat.counts[countAt] = kept
    }
}
