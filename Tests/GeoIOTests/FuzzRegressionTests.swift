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

    /// The lean street-layer reader's fuzz inputs (the first byte chooses how many pieces the
    /// features array is cut into): read without a crash, and every file it takes the feature
    /// reader reads too, without refusing a feature, with as many features and the same ids.
    @Test func geoJSONLinesInputsAgreeWithTheReader() throws {
        let inputs = try files("Fuzz/corpus/geojsonlines") + files("Fuzz/regressions/geojsonlines")
        #expect(inputs.count >= 5)
        var taken = 0
        for url in inputs {
            let data = Array(try Data(contentsOf: url))
            guard data.count > 1 else { continue }
            let body = Array(data.dropFirst())
            // A geographic target is the stream's (its reader checks longitudes and latitudes).
            #expect(body.withUnsafeBufferPointer { try? GeoJSONLines.read($0, path: url.lastPathComponent, crs: .wgs84) } == nil, "\(url.lastPathComponent)")
            let lean = body.withUnsafeBufferPointer { try? GeoJSONLines.read($0, path: url.lastPathComponent, crs: .etrs89UTM32N, pieces: Int(data[0] % 8) + 1) } ?? nil
            guard let lean else { continue }
            taken += 1
            let reader = try GeoJSONReader(bytes: body, name: url.lastPathComponent)
            var count = 0
            while let item = try reader.next() {
                guard case let .feature(feature) = item else { Issue.record("\(url.lastPathComponent): feature \(count) rejected"); break }
                if count < lean.featureLines.count, lean.featureLines[count] != GeoJSONLines.other {
                    #expect(lean.ids[count] == feature.displayID, "\(url.lastPathComponent): feature \(count)")
                }
                count += 1
            }
            #expect(count == lean.featureLines.count, "\(url.lastPathComponent)")
        }
        // The seeds hold files the lean way takes (and one it leaves to the stream).
        #expect(taken >= 4, "\(taken) taken")
    }
}
