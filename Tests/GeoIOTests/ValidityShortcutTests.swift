import Foundation
import Testing
import TestSupport
@testable import GeoCore
@testable import GeoIO

/// The validity shortcut of `Geometry.isValid()` (GeoCore's `SimpleRing`) on whole layers:
/// wherever it answers, GEOS's validity operation (`validity()`, which never takes it) must say
/// valid, and `isValid()` must give GEOS's answer for every feature.
@Suite struct ValidityShortcutTests {
    struct Tally { var polygons = 0, answered = 0, validByGEOS = 0, invalid = 0 }

    func check(_ path: String) throws -> Tally {
        let reader = try GeoJSONReader(path: path)
        var tally = Tally()
        while let item = try reader.next() {
            guard case let .feature(f) = item, let g = f.geometry else { continue }
            tally.polygons += 1
            let fast = g.isCertainlySimplePolygon(GEOSContext.handle)
            let valid = try g.validity().isValid
            if valid { tally.validByGEOS += 1 } else { tally.invalid += 1 }
            if fast { tally.answered += 1 }
            #expect(!fast || valid, "\(path): feature \(f.displayID ?? "?") answered valid, GEOS says invalid")
            #expect(try g.isValid() == valid)
        }
        print("validity shortcut, \(URL(fileURLWithPath: path).lastPathComponent): \(tally.polygons) polygons, \(tally.validByGEOS) valid by GEOS, \(tally.answered) answered by the shortcut")
        return tally
    }

    @Test func embeddedParcelsAndBuildings() throws {
        for layer in ["parcels", "buildings"] {
            let path = ExternalTools.packageRoot.appendingPathComponent("datasets/dortmund/\(layer).geojson").path
            let t = try check(path)
            #expect(t.polygons > 8000)
            // Single-ring parcels and footprints: nearly all are answered without GEOS.
            #expect(Double(t.answered) > 0.9 * Double(t.validByGEOS), "\(layer): \(t)")
        }
    }

    @Test func generatedParcelsWithInvalidRings() throws {
        // ../shared/bench/gen_data.py: 5,000 parcels, 5 % bow-ties, spikes and double rings.
        guard let generator = ExternalTools.sharedFile("bench/gen_data.py") else { return }
        let dir = try ExternalTools.temporaryDirectory().path
        let made = try ExternalTools.run("python3", [generator.path, "--out", dir, "--parcels", "5000", "--invalid-rate", "0.05"])
        #expect(made.status == 0, "\(made.stderr)")
        let t = try check(dir + "/parcels.geojson")
        #expect(t.polygons == 5000)
        #expect(t.invalid > 200)
        #expect(Double(t.answered) > 0.9 * Double(t.validByGEOS), "\(t)")
    }
}
