import CPROJ
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The CRS as the formats that store one need it: WKT in a chosen version, and the
/// authority and code.
extension CRS {
    /// WKT versions PROJ writes.
    public enum WKTVersion: Sendable {
        /// WKT 1 as GDAL writes it: what GeoPackage 1.3's `definition` column and QGIS's
        /// `<wkt>` of older projects read everywhere.
        case wkt1GDAL
        /// WKT 2:2019 (ISO 19162:2019).
        case wkt2_2019
    }

    /// The definition as WKT of `version` (one line); empty when PROJ cannot write it.
    public func wkt(_ version: WKTVersion) -> String {
        let definition = self == .wgs84 ? "EPSG:4326" : CRS.normalized(self.definition)
        guard let object = try? PROJObject({ proj_create($0, definition) }) else { return "" }
        let type: PJ_WKT_TYPE = version == .wkt1GDAL ? PJ_WKT1_GDAL : PJ_WKT2_2019
        let options = ["MULTILINE=NO"]
        var pointers = options.map { strdup($0) } + [nil]
        defer { pointers.forEach { free($0) } }
        let text = pointers.withUnsafeMutableBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: buffer.count) {
                proj_as_wkt(object.context, object.pj, type, $0)
            }
        }
        return text.map { String(cString: $0) } ?? ""
    }

    /// The PROJ string (`+proj=utm +zone=32 +ellps=GRS80 …`), empty when PROJ cannot write
    /// one; what viewers show as a CRS's projection and ellipsoid acronyms.
    public var projString: String {
        let definition = self == .wgs84 ? "EPSG:4326" : CRS.normalized(self.definition)
        guard let object = try? PROJObject({ proj_create($0, definition) }) else { return "" }
        return proj_as_proj_string(object.context, object.pj, PJ_PROJ_5, nil).map { String(cString: $0) } ?? ""
    }

    /// The value of one `+key=` of ``projString`` ("utm" for "proj"), nil when absent.
    public func projParameter(_ key: String) -> String? {
        for part in projString.split(separator: " ") where part.hasPrefix("+\(key)=") {
            return String(part.dropFirst(key.count + 2))
        }
        return nil
    }

    /// The authority and code ("EPSG", 25832); WGS 84 lon/lat (OGC:CRS84) counts as EPSG 4326,
    /// as GeoPackage and QGIS record it. Nil for a CRS without a code.
    public var authorityCode: (authority: String, code: Int)? {
        if self == .wgs84 { return ("EPSG", 4326) }
        let parts = identifier.split(separator: ":")
        guard parts.count == 2, let code = Int(parts[1]) else { return nil }
        return (String(parts[0]), code)
    }
}
