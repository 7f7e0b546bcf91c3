// libFuzzer harness: any bytes as a GeoPackage geometry blob (header, envelope, WKB of either
// byte order, z/m, nesting) into a geometry, then validity, and back out through the blob
// encoder, whose output must decode again to the same geometry (compared as WKB: GEOS 3.11's
// trimmed WKT writer overflows a stack buffer on coordinates like 1e163, see
// Fuzz/regressions/gpkgblob/crash-32f7…).
import GeoCore
import GeoIO

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzGeoPackageBlob(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    do {
        let geometry = try GeoPackageBinary.decode(bytes, srsID: nil, crs: nil)
        _ = try? geometry.isValid()
        var out: [UInt8] = []
        _ = try GeoPackageBinary.encode(geometry, srsID: 0, into: &out)
        let again = try out.withUnsafeBytes { try GeoPackageBinary.decode($0, srsID: 0, crs: nil) }
        if again.wkb() != geometry.wkb() { fatalError("the blob round trip changed the geometry") }
    } catch is GeoPackageBinary.DecodingError {
    } catch is GeometryError {
    } catch {
        fatalError("an error that is not the toolkit's own: \(error)")
    }
    return 0
}
