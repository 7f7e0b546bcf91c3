import Foundation
import Testing
import GeoCore
import TestSupport
@testable import GeoIO

/// Every seed of the fuzzers and every input a fuzzer ever found (Fuzz/regressions) is read
/// without a crash: features or rejections, or a typed error of the toolkit.
@Suite struct FuzzRegressionTests {
    func files(_ folder: String) throws -> [URL] {
        let url = ExternalTools.packageRoot.appendingPathComponent(folder)
        return try FileManager.default.contentsOfDirectory(at: url, includingPropertiesForKeys: nil).filter { !$0.lastPathComponent.hasPrefix(".") }
    }

    @Test func geoJSONInputsNeverCrash() throws {
        let inputs = try files("Fuzz/corpus/geojson") + files("Fuzz/regressions/geojson")
        #expect(inputs.count >= 30)
        var read = 0, failed = 0
        for url in inputs {
            do {
                let reader = try GeoJSONReader(bytes: Array(try Data(contentsOf: url)), name: url.lastPathComponent)
                var encoder = try GeoJSONEncoder(options: GeoJSONWriteOptions(), sourceCRS: reader.crs)
                var out: [UInt8] = []
                while let item = try reader.next() {
                    if case let .feature(f) = item {
                        _ = try? f.geometry?.validity()
                        _ = try? f.geometry?.repaired()
                        _ = try? encoder.encode(f, into: &out)
                    }
                }
                read += 1
            } catch is IOError {
                failed += 1
            } catch is CRSError {
                failed += 1
            }
        }
        // The seeds hold both readable files and the bad-input cases of the tests.
        #expect(read > 20 && failed > 0, "\(read) read, \(failed) refused")
    }

    @Test func csvInputsNeverCrash() throws {
        let inputs = try files("Fuzz/corpus/csv") + files("Fuzz/regressions/csv")
        #expect(inputs.count >= 10)
        var read = 0
        for url in inputs {
            do {
                let reader = try CSVPointReader(bytes: Array(try Data(contentsOf: url)), name: url.lastPathComponent, options: ReadOptions(crs: .etrs89UTM32N))
                while try reader.next() != nil {}
                read += 1
            } catch is IOError {}
        }
        #expect(read >= 5)
    }
}
