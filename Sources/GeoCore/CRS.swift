import CPROJ

/// A coordinate reference system, as PROJ understands it: "EPSG:25832", a URN such as
/// "urn:ogc:def:crs:EPSG::25832", "OGC:CRS84", WKT, PROJJSON or a PROJ string.
///
/// Immutable and cheap to compare: everything worth knowing (name, kind, axes, units, area of
/// use) is read from PROJ once per distinct definition text and then cached, and equality
/// compares a short key (the authority code), never PROJ objects. The toolkit always uses east/north (longitude/latitude) order, whatever the
/// authority says, so EPSG:4326 and OGC:CRS84 count as the same CRS here.
public final class CRS: Sendable, Hashable, CustomStringConvertible {
    /// What the CRS was made from.
    public let definition: String
    /// A short name for messages and files: "EPSG:25832", or the CRS's name when it has no code.
    public let identifier: String
    /// PROJ's name for it ("ETRS89 / UTM zone 32N").
    public let name: String
    public let kind: Kind
    /// The axes as the authority defines them (the toolkit itself always uses east/north).
    public let axes: [Axis]
    /// Where the CRS is meant to be used, in degrees; nil when PROJ does not say.
    public let areaOfUse: AreaOfUse?
    /// The definition as WKT2:2019, for writers that need one (made by PROJ when asked).
    public var wkt: String {
        guard let object = try? PROJObject({ proj_create($0, CRS.normalized(definition)) }) else { return "" }
        return proj_as_wkt(object.context, object.pj, PJ_WKT2_2019, nil).map { String(cString: $0) } ?? ""
    }
    /// What equality compares: the authority code, or the WKT for CRSs without one.
    private let key: String

    public enum Kind: String, Sendable {
        case geographic, projected, geocentric, compound, vertical, other
    }

    public struct Axis: Sendable, Equatable {
        public let name: String
        public let abbreviation: String
        public let direction: String
        public let unit: String
    }

    public struct AreaOfUse: Sendable, Equatable {
        public let name: String
        public let west: Double, south: Double, east: Double, north: Double

        public func contains(longitude: Double, latitude: Double) -> Bool {
            let inLongitude = west <= east ? (west <= longitude && longitude <= east) : (longitude >= west || longitude <= east)
            return inLongitude && south <= latitude && latitude <= north
        }
    }

    /// Whether coordinates are angles (degrees): then metric work is refused.
    public var isGeographic: Bool { kind == .geographic }

    /// The unit of the first axis ("metre", "degree").
    public var unit: String { axes.first?.unit ?? "unknown" }

    /// WGS 84 longitude/latitude, the CRS of RFC 7946 GeoJSON.
    public static let wgs84: CRS = try! CRS("OGC:CRS84")

    /// ETRS89 / UTM zone 32N, the metric CRS of Dortmund's and NRW's data.
    public static let etrs89UTM32N: CRS = try! CRS("EPSG:25832")

    /// The CRS for `definition`, made once and then shared.
    public convenience init(_ definition: String) throws {
        let made = try CRS.cache.withLock { cache -> CRS in
            if let known = cache[definition] { return known }
            let made = try CRS(reading: definition)
            cache[definition] = made
            return made
        }
        self.init(copying: made)
    }

    /// An EPSG code ("EPSG:code").
    public static func epsg(_ code: Int) throws -> CRS { try CRS("EPSG:\(code)") }

    private static let cache = Locked<[String: CRS]>([:])

    private init(copying other: CRS) {
        definition = other.definition
        identifier = other.identifier
        name = other.name
        kind = other.kind
        axes = other.axes
        areaOfUse = other.areaOfUse
        key = other.key
    }

    private init(reading definition: String) throws {
        let trimmed = CRS.normalized(definition)
        guard !trimmed.isEmpty else { throw CRSError.unknown(definition: definition, message: "empty definition") }
        let object: PROJObject
        do {
            object = try PROJObject { proj_create($0, trimmed) }
        } catch {
            throw CRSError.unknown(definition: definition, message: error.message)
        }
        let ctx = object.context
        let pj = object.pj
        guard proj_is_crs(pj) == 1 else {
            throw CRSError.unknown(definition: definition, message: "this defines a coordinate operation, not a CRS")
        }
        self.definition = definition
        name = proj_get_name(pj).map { String(cString: $0) } ?? trimmed
        kind = CRS.kind(of: pj, ctx)
        axes = CRS.axes(of: pj, ctx)
        areaOfUse = CRS.areaOfUse(of: pj, ctx)
        if let code = CRS.authorityCode(of: pj, ctx) {
            identifier = code
            key = code == "EPSG:4326" ? "OGC:CRS84" : code
        } else {
            identifier = name
            key = proj_as_wkt(ctx, pj, PJ_WKT2_2019, nil).map { String(cString: $0) } ?? trimmed
        }
    }

    private static func authorityCode(of pj: OpaquePointer, _ ctx: OpaquePointer) -> String? {
        if let auth = proj_get_id_auth_name(pj, 0), let code = proj_get_id_code(pj, 0) {
            return "\(String(cString: auth)):\(String(cString: code))"
        }
        // WKT or a PROJ string without an ID: accept PROJ's identification only when certain.
        var confidence: UnsafeMutablePointer<Int32>?
        guard let candidates = proj_identify(ctx, pj, nil, nil, &confidence) else { return nil }
        defer {
            proj_list_destroy(candidates)
            proj_int_list_destroy(confidence)
        }
        guard proj_list_get_count(candidates) >= 1, let confidence, confidence[0] == 100,
              let best = proj_list_get(ctx, candidates, 0) else { return nil }
        defer { proj_destroy(best) }
        guard let auth = proj_get_id_auth_name(best, 0), let code = proj_get_id_code(best, 0) else { return nil }
        return "\(String(cString: auth)):\(String(cString: code))"
    }

    private static func kind(of pj: OpaquePointer, _ ctx: OpaquePointer) -> Kind {
        switch proj_get_type(pj) {
        case PJ_TYPE_GEOGRAPHIC_2D_CRS, PJ_TYPE_GEOGRAPHIC_3D_CRS, PJ_TYPE_GEOGRAPHIC_CRS: return .geographic
        case PJ_TYPE_PROJECTED_CRS: return .projected
        case PJ_TYPE_GEOCENTRIC_CRS: return .geocentric
        case PJ_TYPE_VERTICAL_CRS: return .vertical
        case PJ_TYPE_COMPOUND_CRS:
            // A compound CRS counts as its horizontal part for metric checks.
            guard let horizontal = proj_crs_get_sub_crs(ctx, pj, 0) else { return .compound }
            defer { proj_destroy(horizontal) }
            return kind(of: horizontal, ctx)
        default: return .other
        }
    }

    private static func axes(of pj: OpaquePointer, _ ctx: OpaquePointer) -> [Axis] {
        var crs = pj
        var owned: OpaquePointer?
        if proj_get_type(pj) == PJ_TYPE_COMPOUND_CRS, let horizontal = proj_crs_get_sub_crs(ctx, pj, 0) {
            crs = horizontal
            owned = horizontal
        }
        defer { if let owned { proj_destroy(owned) } }
        guard let cs = proj_crs_get_coordinate_system(ctx, crs) else { return [] }
        defer { proj_destroy(cs) }
        let count = proj_cs_get_axis_count(ctx, cs)
        guard count > 0 else { return [] }
        return (0..<count).compactMap { i in
            var name: UnsafePointer<CChar>?
            var abbreviation: UnsafePointer<CChar>?
            var direction: UnsafePointer<CChar>?
            var unit: UnsafePointer<CChar>?
            var factor = 0.0
            guard proj_cs_get_axis_info(ctx, cs, i, &name, &abbreviation, &direction, &factor, &unit, nil, nil) == 1 else { return nil }
            func text(_ p: UnsafePointer<CChar>?) -> String { p.map { String(cString: $0) } ?? "" }
            return Axis(name: text(name), abbreviation: text(abbreviation), direction: text(direction), unit: text(unit))
        }
    }

    private static func areaOfUse(of pj: OpaquePointer, _ ctx: OpaquePointer) -> AreaOfUse? {
        var west = 0.0, south = 0.0, east = 0.0, north = 0.0
        var name: UnsafePointer<CChar>?
        guard proj_get_area_of_use(ctx, pj, &west, &south, &east, &north, &name) == 1, west > -1000 else { return nil }
        return AreaOfUse(name: name.map { String(cString: $0) } ?? "", west: west, south: south, east: east, north: north)
    }

    public static func == (a: CRS, b: CRS) -> Bool { a === b || a.key == b.key }
    public func hash(into hasher: inout Hasher) { hasher.combine(key) }
    public var description: String { identifier }
}

extension CRS {
    /// The text without leading and trailing white space.
    /// The definition as PROJ should see it: trimmed, and a PROJ string marked as a CRS
    /// (`+type=crs`, which planners rarely write).
    static func normalized(_ definition: String) -> String {
        let text = trimmed(definition)
        return text.hasPrefix("+proj") && !text.contains("+type=crs") ? text + " +type=crs" : text
    }

    static func trimmed(_ text: String) -> String {
        let blank: Set<Character> = [" ", "\t", "\r", "\n"]
        guard let first = text.firstIndex(where: { !blank.contains($0) }) else { return "" }
        let last = text.lastIndex(where: { !blank.contains($0) })!
        return String(text[first...last])
    }
}
