// libFuzzer harness: any bytes into the shapefile reader. The input is one shapefile's three
// files in one: a 4-byte little-endian length of the .shp, one of the .shx, then the .shp,
// the .shx and the rest as the .dbf (lengths beyond the input are cut to it), so that the
// fuzzer mutates headers, index entries, records and attribute rows alike. Every feature goes
// through the encoder (RFC 7946) and the validity check.
import GeoCore
import GeoIO

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzShapefile(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    do {
        let reader = try ShapefileReader(packed: Array(UnsafeBufferPointer(start: data, count: size)), cpg: "UTF-8",
                                         name: "fuzz.shp", options: ReadOptions(crs: .etrs89UTM32N))
        var encoder = try GeoJSONEncoder(options: GeoJSONWriteOptions(), sourceCRS: reader.crs)
        var out: [UInt8] = []
        var count = 0
        while let item = try reader.next(), count < 10_000 {
            count += 1
            guard case let .feature(feature) = item, let g = feature.geometry else { continue }
            _ = try? g.validity()
            out.removeAll(keepingCapacity: true)
            _ = try? encoder.encode(feature, into: &out)
        }
    } catch is IOError {
    } catch is CRSError {
    } catch is GeometryError {
    } catch {
        fatalError("an error that is not the toolkit's own: \(error)")
    }
    return 0
}
