// libFuzzer harness: any bytes into the Esri JSON FeatureSet reader (header, fields, features,
// ring assembly by containment, dates), and every feature it reads through the encoder
// (RFC 7946) and the validity check. A typed IOError is the reader doing its job.
import GeoCore
import GeoIO

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEsriJSON(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    do {
        let reader = try EsriJSONReader(bytes: bytes, name: "fuzz.json")
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
