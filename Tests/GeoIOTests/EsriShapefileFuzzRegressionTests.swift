import Foundation
import Testing
import GeoCore
import TestSupport
@testable import GeoIO

/// The seeds of the Esri JSON and shapefile fuzzers and every input they ever found
/// (Fuzz/regressions) are read without a crash: features or rejections, or a typed error.
@Suite struct EsriShapefileFuzzRegressionTests {
    func files(_ folder: String) throws -> [URL] {
        let url = ExternalTools.packageRoot.appendingPathComponent(folder)
        return try FileManager.default.contentsOfDirectory(at: url, includingPropertiesForKeys: nil).filter { !$0.lastPathComponent.hasPrefix(".") }
    }

    /// Reads every record of `reader`, encoding and checking each feature as the harness does.
    func drain(_ reader: any FeatureReader) throws -> (features: Int, rejected: Int) {
        var encoder = try GeoJSONEncoder(options: GeoJSONWriteOptions(), sourceCRS: reader.crs)
        var out: [UInt8] = []
        var counts = (features: 0, rejected: 0)
        while let item = try reader.next() {
            switch item {
            case let .feature(f):
                counts.features += 1
                _ = try? f.geometry?.validity()
                _ = try? encoder.encode(f, into: &out)
            case .rejected:
                counts.rejected += 1
            }
        }
        return counts
    }

    @Test func esriJSONInputsNeverCrash() throws {
        let inputs = try files("Fuzz/corpus/esrijson") + files("Fuzz/regressions/esrijson")
        #expect(inputs.count >= 12)
        var read = 0, refused = 0, rejected = 0
        for url in inputs {
            do {
                rejected += try drain(try EsriJSONReader(bytes: Array(try Data(contentsOf: url)), name: url.lastPathComponent)).rejected
                read += 1
            } catch is IOError {
                refused += 1
            }
        }
        // The seeds hold readable sets, rejected features and refused files.
        #expect(read >= 9 && refused >= 2 && rejected >= 3, "\(read) read, \(refused) refused, \(rejected) features rejected")
    }

    @Test func shapefileInputsNeverCrash() throws {
        let inputs = try files("Fuzz/corpus/shapefile") + files("Fuzz/regressions/shapefile")
        #expect(inputs.count >= 13)
        var read = 0, refused = 0, features = 0
        for url in inputs {
            do {
                let reader = try ShapefileReader(packed: Array(try Data(contentsOf: url)), cpg: "UTF-8", name: url.lastPathComponent,
                                                 options: ReadOptions(crs: .etrs89UTM32N))
                features += try drain(reader).features
                read += 1
            } catch is IOError {
                refused += 1
            }
        }
        #expect(read >= 13 && refused >= 1 && features >= 15, "\(read) read, \(refused) refused, \(features) features")
    }
}
