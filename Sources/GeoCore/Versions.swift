import CGEOS
import CPROJ

/// Versions of the toolkit and of the C libraries it runs on, for bug reports and provenance.
public enum Versions {
    public static let toolkit = "0.1.0"

    /// The GEOS library loaded at run time ("3.11.1-CAPI-1.17.1").
    public static var geos: String { String(cString: GEOSversion()) }

    /// The PROJ library loaded at run time ("9.1.1").
    public static var proj: String { String(cString: proj_info().version) }
}
