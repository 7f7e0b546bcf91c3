import Foundation
import Testing
import GeoCore
import TestSupport
@testable import GeoIO

/// No input crashes the reader: damaged versions of a valid file either read (features or
/// rejections) or fail with an `IOError`. A crash would end the test process.
@Suite struct MutationTests {
    static let valid = """
    {"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::25832"}},"features":[
    {"type":"Feature","id":"053302-007-00066","properties":{"landuse":"residential","floors":3,"built_area_m2":120.5,"tags":["a",null,{"k":true}]},"geometry":{"type":"Polygon","coordinates":[[[391000.01,5710000.02],[391010.5,5710000],[391010.5,5710020.25],[391000.01,5710000.02]],[[391008,5710003],[391009,5710005],[391009,5710003],[391008,5710003]]]}},
    {"type":"Feature","id":2,"properties":{"name":"Hafen \\"Nord\\" \\u00fc"},"geometry":{"type":"MultiLineString","coordinates":[[[391000,5710000,12.5],[391100,5710100,13]]]}},
    {"type":"Feature","properties":null,"geometry":{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[391000,5710000]},{"type":"MultiPoint","coordinates":[]}]}}
    ]}
    """

    @Test func damagedFilesNeverCrashTheReader() throws {
        let bytes = Array(MutationTests.valid.utf8)
        var state: UInt64 = 0x5EED
        func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int(state >> 33) % n
        }
        let alphabet = Array("{}[]\":,-.0123456789eE+ntfNaI\\u ".utf8) + [0x00, 0x1E, 0xC3, 0xFF, 0x0A]
        var outcomes = [String: Int]()
        for _ in 0..<3000 {
            var damaged = bytes
            for _ in 0..<(1 + next(4)) {
                switch next(4) {
                case 0: damaged[next(damaged.count)] = alphabet[next(alphabet.count)]
                case 1: damaged.insert(alphabet[next(alphabet.count)], at: next(damaged.count))
                case 2: if damaged.count > 2 { damaged.remove(at: next(damaged.count)) }
                default: damaged = Array(damaged.prefix(next(damaged.count) + 1))
                }
            }
            let text = String(decoding: damaged, as: UTF8.self)
            do {
                let reader = try GeoJSONReader(text: text, name: "damaged.geojson")
                var features = 0, rejected = 0
                while let item = try reader.next() {
                    switch item {
                    case let .feature(f):
                        features += 1
                        // Whatever was read is usable.
                        _ = try f.geometry?.isValid()
                        var out: [UInt8] = []
                        var encoder = try GeoJSONEncoder(options: GeoJSONWriteOptions(crs: reader.crs, precision: nil), sourceCRS: reader.crs)
                        try encoder.encode(f, into: &out)
                    case .rejected:
                        rejected += 1
                    }
                }
                outcomes[rejected > 0 ? "read with rejections" : "read", default: 0] += 1
            } catch is IOError {
                outcomes["malformed", default: 0] += 1
            }
        }
        // Each kind of outcome happens, so the mutations reach past the first bytes.
        #expect(outcomes["malformed", default: 0] > 100)
        #expect(outcomes["read with rejections", default: 0] > 10)
        #expect(outcomes["read", default: 0] > 10)
    }
}
