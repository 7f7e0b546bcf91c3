import GeoCore

/// What `nordwaerts inspect` reports about a layer: counts, CRS, bounds, schema, geometry
/// types and validity. Made in one streaming pass; validity checks run on all cores.
public struct LayerInspection: Sendable, Codable {
    public struct Field: Sendable, Codable {
        public let name: String
        public let type: String
        public let nonNull: Int
    }

    public struct Bounds: Sendable, Codable {
        public let minX: Double, minY: Double, maxX: Double, maxY: Double
        init?(_ e: Envelope) {
            guard !e.isEmpty else { return nil }
            minX = e.minX; minY = e.minY; maxX = e.maxX; maxY = e.maxY
        }
    }

    public var path: String
    public var features = 0
    public var rejected = 0
    /// The first rejections, with their reasons.
    public var rejections: [String] = []
    public var crs: String
    public var crsName: String
    public var crsOrigin: String
    public var bounds: Bounds?
    /// Bounds in WGS 84 longitude/latitude.
    public var boundsWGS84: Bounds?
    public var fields: [Field] = []
    /// Geometry type name → count ("null" for features without geometry).
    public var geometryTypes: [String: Int] = [:]
    public var empty = 0
    public var withZ = 0
    public var valid = 0
    public var invalid = 0
    /// Reason → count over invalid geometries.
    public var invalidReasons: [String: Int] = [:]
    /// The first invalid features, with reason and place.
    public var invalidExamples: [String] = []
    public var warnings: [String] = []

    /// What the parsing worker learns about one feature, so that features need not outlive it.
    private enum Observation: Sendable {
        case rejected(String)
        case feature(properties: Properties, type: String, isEmpty: Bool, hasZ: Bool, envelope: Envelope,
                     validity: Validity?, problem: String?)
    }

    /// Reads every feature of `reader` once; each feature is examined (validity included) on
    /// the worker that parsed it.
    public static func inspect(_ reader: any FeatureReader, batchSize: Int = 8192) throws -> LayerInspection {
        var report = LayerInspection(path: reader.path, crs: reader.crs.identifier, crsName: reader.crs.name,
                                     crsOrigin: (reader as? GeoJSONReader)?.crsOrigin ?? (reader as? EsriJSONReader)?.crsOrigin
                                         ?? (reader as? ShapefileReader)?.crsOrigin ?? (reader as? GeoPackageReader)?.crsOrigin ?? "given")
        var schema = Schema()
        var envelope = Envelope.empty
        let path = reader.path
        let observe: @Sendable (ReadResult, Int) throws -> Observation = { item, _ in
            switch item {
            case let .rejected(problem, _):
                return .rejected(problem.description)
            case let .feature(feature):
                guard let geometry = feature.geometry else {
                    return .feature(properties: feature.properties, type: "null", isEmpty: false, hasZ: false,
                                    envelope: .empty, validity: nil, problem: nil)
                }
                let validity = try geometry.validity()
                return .feature(properties: feature.properties, type: geometry.type.description, isEmpty: geometry.isEmpty,
                                hasZ: geometry.hasZ, envelope: geometry.envelope, validity: validity,
                                problem: validity.isValid ? nil : FeatureConversion.problem(feature, path, "invalid geometry: \(validity)").description)
            }
        }
        while case let observations = try reader.nextBatch(maxCount: batchSize, workers: Cores.available * 2, transform: observe),
              !observations.isEmpty {
            for observation in observations {
                switch observation {
                case let .rejected(text):
                    report.rejected += 1
                    if report.rejections.count < 10 { report.rejections.append(text) }
                case let .feature(properties, type, isEmpty, hasZ, box, validity, problem):
                    report.features += 1
                    schema.include(properties)
                    report.geometryTypes[type, default: 0] += 1
                    if isEmpty { report.empty += 1 }
                    if hasZ { report.withZ += 1 }
                    envelope.formUnion(box)
                    guard let validity else { continue }
                    if validity.isValid {
                        report.valid += 1
                    } else {
                        report.invalid += 1
                        report.invalidReasons[validity.reason ?? "invalid", default: 0] += 1
                        if report.invalidExamples.count < 10, let problem { report.invalidExamples.append(problem) }
                    }
                }
            }
        }
        if let csv = reader as? CSVPointReader {
            for field in csv.schema.fields { schema.include([field.name: .null]) }
        }
        report.fields = schema.fields.map { Field(name: $0.name, type: $0.type.rawValue, nonNull: $0.nonNullCount) }
        report.bounds = Bounds(envelope)
        report.boundsWGS84 = Bounds(LayerInspection.toWGS84(envelope, from: reader.crs))
        report.warnings = reader.warnings
        if let warning = LayerInspection.areaOfUseWarning(envelope, crs: reader.crs, path: reader.path) {
            report.warnings.append(warning)
        }
        return report
    }

    /// The envelope's corners and edge midpoints in WGS 84, enclosed (empty when untransformable).
    static func toWGS84(_ e: Envelope, from crs: CRS) -> Envelope {
        guard !e.isEmpty else { return .empty }
        if crs == .wgs84 { return e }
        guard let transformer = try? Transformer.shared(from: crs, to: .wgs84) else { return .empty }
        var points = [e.minX, e.minY, e.maxX, e.minY, e.maxX, e.maxY, e.minX, e.maxY,
                      (e.minX + e.maxX) / 2, e.minY, (e.minX + e.maxX) / 2, e.maxY, e.minX, (e.minY + e.maxY) / 2, e.maxX, (e.minY + e.maxY) / 2]
        guard (try? transformer.transform(flatCoordinates: &points)) != nil else { return .empty }
        var out = Envelope.empty
        for i in stride(from: 0, to: points.count, by: 2) { out.include(x: points[i], y: points[i + 1]) }
        return out
    }

    /// A warning when data reach outside the area of use of `crs`, their CRS (not an error:
    /// NRW uses EPSG:25832 west of 6°E too). `e` are the data's bounds in `boundsCRS` (default:
    /// `crs` itself), so that a writer's output bounds serve as well.
    public static func areaOfUseWarning(_ e: Envelope, in boundsCRS: CRS? = nil, crs: CRS, path: String) -> String? {
        guard let area = crs.areaOfUse, !e.isEmpty else { return nil }
        let lonLat = toWGS84(e, from: boundsCRS ?? crs)
        guard !lonLat.isEmpty else { return nil }
        let inside = area.contains(longitude: lonLat.minX, latitude: lonLat.minY) && area.contains(longitude: lonLat.maxX, latitude: lonLat.maxY)
        guard !inside else { return nil }
        func d(_ v: Double) -> String { String((v * 1000).rounded() / 1000) }
        return "\(path): the data (lon \(d(lonLat.minX))..\(d(lonLat.maxX)), lat \(d(lonLat.minY))..\(d(lonLat.maxY))) reach outside the area of use of \(crs.identifier) (\(area.name)); results there may be less accurate"
    }
}
