import GeoCore

/// How GeoJSON is written.
public struct GeoJSONWriteOptions: Sendable {
    public enum Layout: String, Sendable {
        /// One FeatureCollection, one feature per line.
        case featureCollection
        /// Newline-delimited features (GeoJSONSeq); with `recordSeparator`, RFC 8142 text sequences.
        case sequence
    }

    public var layout: Layout
    /// RFC 8142: start every feature with the RS character (`.geojsons` files).
    public var recordSeparator: Bool
    /// The CRS to write. WGS 84 (the default) gives RFC 7946 output without a `crs` member;
    /// any other CRS is written with the legacy `crs` member naming it.
    public var crs: CRS
    /// Decimals of coordinates (trailing zeros are dropped); nil writes the shortest text that
    /// reads back as the same double (lossless).
    public var precision: Int?
    /// Write a `bbox` on every feature and on the collection.
    public var bbox: Bool
    /// Write z where geometries have it.
    public var keepZ: Bool

    public init(layout: Layout = .featureCollection, recordSeparator: Bool = false, crs: CRS = .wgs84,
                precision: Int? = 7, bbox: Bool = false, keepZ: Bool = true) {
        self.layout = layout
        self.recordSeparator = recordSeparator
        self.crs = crs
        self.precision = precision
        self.bbox = bbox
        self.keepZ = keepZ
    }

    /// The layout a file name asks for: `.geojsonl`, `.geojsons`, `.geojsonseq`, `.ndjson`
    /// and `.jsonl` are sequences (`.geojsons` with RS), anything else a FeatureCollection.
    public static func layout(forPath path: String) -> (Layout, recordSeparator: Bool) {
        let lower = path.lowercased()
        if lower.hasSuffix(".geojsons") { return (.sequence, true) }
        for suffix in [".geojsonl", ".geojsonseq", ".ndjson", ".jsonl"] where lower.hasSuffix(suffix) {
            return (.sequence, false)
        }
        return (.featureCollection, false)
    }

    /// Whether the output is RFC 7946 (WGS 84 lon/lat, no `crs` member).
    public var isRFC7946: Bool { crs == .wgs84 }
}

/// Turns features into GeoJSON bytes: reprojects (one PROJ call per feature), orients rings
/// (exterior counter-clockwise, holes clockwise, after reprojection), rounds coordinates.
/// One encoder per thread: it reuses its buffers. Encoders of one writer may run in parallel.
public struct GeoJSONEncoder {
    public let options: GeoJSONWriteOptions
    /// The transformer from the features' CRS to the output CRS; nil when they are the same.
    let transformer: Transformer?
    /// This encoder's own PROJ operation (made on first use; one encoder serves one thread).
    private var session: Transformer.Session?
    private var coordinates: [Double] = []
    private var counts: [Int] = []

    public init(options: GeoJSONWriteOptions, sourceCRS: CRS) throws {
        self.options = options
        transformer = sourceCRS == options.crs ? nil : try Transformer.shared(from: sourceCRS, to: options.crs)
    }

    /// Appends one Feature object (no separator) to `out`; returns its bounds in the output CRS.
    /// A geometry PROJ cannot transform throws ``CRSError/untransformable(index:from:to:message:)``
    /// and leaves `out` as it was.
    @discardableResult
    public mutating func encode(_ feature: Feature, into out: inout [UInt8]) throws -> Envelope {
        try encode(id: feature.id, geometry: feature.geometry, into: &out) { JSONWriting.appendObject(feature.properties, to: &$0) }
    }

    /// Appends one Feature object whose properties are already JSON text (an object), for a
    /// caller that writes the same numbers to a table as well and so formats them once.
    @discardableResult
    public mutating func encode(id: FeatureID?, geometry: Geometry?, rawProperties: [UInt8], into out: inout [UInt8]) throws -> Envelope {
        try encode(id: id, geometry: geometry, into: &out) { $0.append(contentsOf: rawProperties) }
    }

    private mutating func encode(id: FeatureID?, geometry: Geometry?, into out: inout [UInt8], properties: (inout [UInt8]) -> Void) throws -> Envelope {
        let mark = out.count
        var bounds = Envelope.empty
        do {
            out.append(static: GeoJSONEncoder.featureStart)
            if let id {
                out.append(static: GeoJSONEncoder.idKey)
                switch id {
                case let .string(s): JSONWriting.appendString(s, to: &out)
                case let .integer(i): NumberFormatting.appendInteger(i, to: &out)
                case let .double(d): NumberFormatting.appendShortest(d, to: &out)
                }
            }
            out.append(static: GeoJSONEncoder.propertiesKey)
            properties(&out)
            out.append(static: GeoJSONEncoder.geometryKey)
            var geometryBounds = Envelope.empty
            if let geometry {
                let bboxSlot = out.count
                try appendGeometry(geometry, to: &out, bounds: &geometryBounds)
                bounds = geometryBounds
                if options.bbox, !bounds.isEmpty {
                    var box: [UInt8] = Array(",\"bbox\":[".utf8)
                    appendBBox(bounds, to: &box)
                    // Put the feature's bbox before its geometry: valid anywhere, easier to read.
                    out.insert(contentsOf: box.dropFirst() + [0x2C], at: bboxSlot - GeoJSONEncoder.geometryKey.utf8CodeUnitCount + 1)
                }
            } else {
                out.append(static: "null")
            }
            out.append(0x7D)
        } catch {
            out.removeSubrange(mark...)
            throw error
        }
        return bounds
    }

    // The fixed pieces of a feature are static text, not arrays: encoders on several cores
    // append them without touching a shared array's reference count (a contended atomic each).
    static let featureStart: StaticString = "{\"type\":\"Feature\""
    static let idKey: StaticString = ",\"id\":"
    static let propertiesKey: StaticString = ",\"properties\":"
    static let geometryKey: StaticString = ",\"geometry\":"
    static let typeStart: StaticString = "{\"type\":\""
    static let coordinatesKey: StaticString = "\",\"coordinates\":"
    static let collectionStart: StaticString = "{\"type\":\"GeometryCollection\",\"geometries\":["

    /// The GeoJSON type name (a LinearRing is written as a LineString).
    static func typeName(_ type: GeometryType) -> StaticString {
        switch type {
        case .point: return "Point"
        case .lineString, .linearRing: return "LineString"
        case .polygon: return "Polygon"
        case .multiPoint: return "MultiPoint"
        case .multiLineString: return "MultiLineString"
        case .multiPolygon: return "MultiPolygon"
        case .geometryCollection: return "GeometryCollection"
        }
    }

    func appendBBox(_ e: Envelope, to out: inout [UInt8]) {
        for (k, v) in [e.minX, e.minY, e.maxX, e.maxY].enumerated() {
            if k > 0 { out.append(0x2C) }
            NumberFormatting.append(v, decimals: options.precision, to: &out)
        }
        out.append(0x5D)
    }

    private mutating func appendGeometry(_ geometry: Geometry, to out: inout [UInt8], bounds: inout Envelope) throws {
        let type = geometry.type
        if type == .geometryCollection {
            out.append(static: GeoJSONEncoder.collectionStart)
            for (k, part) in geometry.parts.enumerated() {
                if k > 0 { out.append(0x2C) }
                try appendGeometry(part, to: &out, bounds: &bounds)
            }
            out.append(contentsOf: [0x5D, 0x7D])
            return
        }
        coordinates.removeAll(keepingCapacity: true)
        counts.removeAll(keepingCapacity: true)
        let dimension = try geometry.flatten(coordinates: &coordinates, counts: &counts, includeZ: options.keepZ)
        if let transformer, !coordinates.isEmpty {
            if session == nil { session = transformer.session() }
            let session = self.session!
            try coordinates.withUnsafeMutableBufferPointer { try session.transform($0, dimension: dimension) }
        }
        out.append(static: GeoJSONEncoder.typeStart)
        out.append(static: GeoJSONEncoder.typeName(type))
        out.append(static: GeoJSONEncoder.coordinatesKey)
        var writer = CoordinateWriter(coordinates: coordinates, counts: counts, dimension: dimension,
                                      decimals: options.precision)
        switch type {
        case .point:
            if counts[0] == 0 { out.append(contentsOf: [0x5B, 0x5D]) } else { writer.position(0, to: &out) }
        case .lineString, .linearRing:
            writer.line(to: &out)
        case .polygon:
            writer.polygon(to: &out)
        case .multiPoint:
            let n = writer.nextCount()
            out.append(0x5B)
            for i in 0..<n {
                if i > 0 { out.append(0x2C) }
                writer.position(writer.cursor + i, to: &out)
            }
            out.append(0x5D)
        case .multiLineString:
            writer.list(to: &out) { $0.line(to: &$1) }
        case .multiPolygon:
            writer.list(to: &out) { $0.polygon(to: &$1) }
        case .geometryCollection:
            break
        }
        out.append(0x7D)
        var i = 0
        while i + 1 < coordinates.count {
            bounds.include(x: coordinates[i], y: coordinates[i + 1])
            i += dimension
        }
    }
}

/// Walks flat coordinates and counts, writing nested arrays; rings are oriented as RFC 7946
/// asks (exterior counter-clockwise, holes clockwise) by reading them backwards when needed.
private struct CoordinateWriter {
    let coordinates: [Double]
    let counts: [Int]
    let dimension: Int
    let decimals: Int?
    /// The next position to write (a position index, not a double index).
    var cursor = 0
    var countIndex = 0

    mutating func nextCount() -> Int {
        defer { countIndex += 1 }
        return counts[countIndex]
    }

    func position(_ i: Int, to out: inout [UInt8]) {
        out.append(0x5B)
        let base = i * dimension
        NumberFormatting.append(coordinates[base], decimals: decimals, to: &out)
        out.append(0x2C)
        NumberFormatting.append(coordinates[base + 1], decimals: decimals, to: &out)
        if dimension == 3 {
            out.append(0x2C)
            NumberFormatting.append(coordinates[base + 2], decimals: decimals, to: &out)
        }
        out.append(0x5D)
    }

    mutating func line(to out: inout [UInt8], reversed: Bool = false) {
        let n = nextCount()
        out.append(0x5B)
        for k in 0..<n {
            if k > 0 { out.append(0x2C) }
            position(reversed ? cursor + n - 1 - k : cursor + k, to: &out)
        }
        out.append(0x5D)
        cursor += n
    }

    /// Twice the signed area of the ring starting at `cursor` with `n` positions (shoelace).
    func signedArea(_ n: Int) -> Double {
        guard n >= 3 else { return 0 }
        var sum = 0.0
        let x0 = coordinates[cursor * dimension], y0 = coordinates[cursor * dimension + 1]
        for k in 1..<(n - 1) {
            let a = (cursor + k) * dimension, b = (cursor + k + 1) * dimension
            sum += (coordinates[a] - x0) * (coordinates[b + 1] - y0) - (coordinates[b] - x0) * (coordinates[a + 1] - y0)
        }
        return sum
    }

    mutating func polygon(to out: inout [UInt8]) {
        let rings = nextCount()
        out.append(0x5B)
        for r in 0..<rings {
            if r > 0 { out.append(0x2C) }
            let area = signedArea(counts[countIndex])
            line(to: &out, reversed: r == 0 ? area < 0 : area > 0)
        }
        out.append(0x5D)
    }

    mutating func list(to out: inout [UInt8], _ element: (inout CoordinateWriter, inout [UInt8]) -> Void) {
        let n = nextCount()
        out.append(0x5B)
        for k in 0..<n {
            if k > 0 { out.append(0x2C) }
            element(&self, &out)
        }
        out.append(0x5D)
    }
}

/// Writes a GeoJSON file feature by feature, atomically: the file appears complete at
/// `finish()` or not at all.
public final class GeoJSONWriter {
    public let path: String
    public let options: GeoJSONWriteOptions
    public private(set) var featureCount = 0
    /// Bounds of everything written, in the output CRS.
    public private(set) var bounds = Envelope.empty
    private let file: OutputFile
    private var encoder: GeoJSONEncoder
    private var scratch: [UInt8] = []

    /// Opens `path` for features whose geometries are in `sourceCRS`.
    public init(path: String, options: GeoJSONWriteOptions = GeoJSONWriteOptions(), sourceCRS: CRS) throws {
        self.path = path
        self.options = options
        if !options.isRFC7946 { _ = try GeoJSONWriter.urn(for: options.crs, path: path) }
        encoder = try GeoJSONEncoder(options: options, sourceCRS: sourceCRS)
        file = try OutputFile(path: path)
        if options.layout == .featureCollection {
            var header = "{\"type\":\"FeatureCollection\""
            if !options.isRFC7946 {
                header += ",\"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"\(try GeoJSONWriter.urn(for: options.crs, path: path))\"}}"
            }
            try file.write(header + ",\"features\":[\n")
        }
    }

    /// The OGC URN of a CRS for the legacy `crs` member ("urn:ogc:def:crs:EPSG::25832").
    static func urn(for crs: CRS, path: String) throws -> String {
        let parts = crs.identifier.split(separator: ":")
        guard parts.count == 2 else {
            throw IOError.unusable(path: path, message: "the CRS '\(crs.identifier)' has no authority code, so GeoJSON cannot name it")
        }
        return "urn:ogc:def:crs:\(parts[0])::\(parts[1])"
    }

    /// Encodes and writes one feature.
    public func write(_ feature: Feature) throws {
        scratch.removeAll(keepingCapacity: true)
        let box = try encoder.encode(feature, into: &scratch)
        try writeEncoded(scratch[...], bounds: box)
    }

    /// Writes one feature that an encoder (possibly on another thread) already made.
    public func writeEncoded(_ encoded: ArraySlice<UInt8>, bounds box: Envelope) throws {
        try file.append { out in
            switch options.layout {
            case .featureCollection:
                if featureCount > 0 { out.append(contentsOf: [0x2C, 0x0A]) }
            case .sequence:
                if options.recordSeparator { out.append(0x1E) }
            }
            out.append(contentsOf: encoded)
            if options.layout == .sequence { out.append(0x0A) }
        }
        featureCount += 1
        if !box.isEmpty { bounds.formUnion(box) }
    }

    /// Ends the collection and puts the file in place.
    public func finish() throws {
        if options.layout == .featureCollection {
            var tail: [UInt8] = Array("\n]".utf8)
            if options.bbox, !bounds.isEmpty {
                tail.append(contentsOf: Array(",\"bbox\":[".utf8))
                encoder.appendBBox(bounds, to: &tail)
            }
            tail.append(contentsOf: Array("}\n".utf8))
            try file.write(tail)
        }
        try file.commit()
    }

    /// Drops the output; the target is left as it was.
    public func abandon() { file.abandon() }

    /// A fresh encoder with this writer's settings, for encoding on other threads.
    public func makeEncoder() -> GeoJSONEncoder { encoder.copyWithEmptyBuffers() }
}

extension GeoJSONEncoder {
    func copyWithEmptyBuffers() -> GeoJSONEncoder {
        var copy = self
        copy.coordinates = []
        copy.counts = []
        copy.session = nil
        return copy
    }
}
