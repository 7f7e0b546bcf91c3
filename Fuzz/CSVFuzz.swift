// libFuzzer harness: any bytes into the CSV point reader (EPSG:25832, columns found by name),
// and every point through the RFC 7946 encoder.
import GeoCore
import GeoIO

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSV(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    do {
        let reader = try CSVPointReader(bytes: bytes, name: "fuzz.csv", options: ReadOptions(crs: .etrs89UTM32N))
        var encoder = try GeoJSONEncoder(options: GeoJSONWriteOptions(), sourceCRS: reader.crs)
        var out: [UInt8] = []
        var count = 0
        while let item = try reader.next(), count < 10_000 {
            count += 1
            guard case let .feature(feature) = item else { continue }
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
