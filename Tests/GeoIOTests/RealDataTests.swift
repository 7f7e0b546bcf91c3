import Foundation
import Testing
import GeoCore
import TestSupport
@testable import GeoIO

/// Dortmund's 12 real city districts (../shared/data/dortmund/stadtbezirke-fjonnw).
@Suite struct RealDataTests {
    let folder = "data/dortmund/stadtbezirke-fjonnw/"

    func districts(_ file: String) throws -> [Feature]? {
        guard let url = ExternalTools.sharedFile(folder + file) else { return nil }
        let reader = try GeoJSONReader(path: url.path)
        var out: [Feature] = []
        while let item = try reader.next() {
            guard case let .feature(f) = item else { Issue.record("rejected: \(item)"); continue }
            out.append(f)
        }
        return out
    }

    @Test func districtAreasMatchTheSourceDocumentation() throws {
        guard let features = try districts("dortmund_stadtbezirke_epsg25832.geojson") else { return }
        #expect(features.count == 12)
        #expect(features.allSatisfy { $0.geometry?.crs == .etrs89UTM32N })
        let areas = try features.map { try $0.geometry!.area() / 1e6 }
        // SOURCES.md: the union is 280.561 km², Innenstadt-Nord 14.410 km².
        #expect(abs(areas.reduce(0, +) - 280.56) < 0.01)
        let nord = try #require(features.firstIndex { $0.properties["name"] == .string("INNENSTADT-NORD") })
        #expect(abs(areas[nord] - 14.41) < 0.005)
        #expect(try features.allSatisfy { try $0.geometry!.isValid() })
    }

    @Test func conversionMatchesTheWGS84Reference() throws {
        guard let source = ExternalTools.sharedFile(folder + "dortmund_stadtbezirke_epsg25832.geojson"),
              let reference = try districts("dortmund_stadtbezirke_wgs84.geojson") else { return }
        let out = try ExternalTools.temporaryDirectory().appendingPathComponent("bezirke.geojson").path
        let reader = try GeoJSONReader(path: source.path)
        let writer = try GeoJSONWriter(path: out, sourceCRS: reader.crs)
        let summary = try FeatureConversion(policy: .keep).run(reader: reader, writer: writer, rejects: nil)
        try writer.finish()
        #expect(summary.read == 12 && summary.written == 12 && summary.rejected == 0)
        let converted = try GeoJSONReader(path: out)
        var worst = 0.0
        var index = 0
        while case let .feature(f)? = try converted.next() {
            let ours = try f.geometry!.exteriorRing().coordinates()
            var theirs = try reference[index].geometry!.exteriorRing().coordinates()
            #expect(ours.count == theirs.count)
            // The reference keeps the source's ring direction; RFC 7946 may have turned ours.
            let secondDiffers: Bool = abs(ours[1].x - theirs[1].x) > 1e-6
            if secondDiffers { theirs.reverse() }
            for (a, b) in zip(ours, theirs) { worst = max(worst, abs(a.x - b.x), abs(a.y - b.y)) }
            #expect(f.properties == reference[index].properties)
            index += 1
        }
        #expect(index == 12)
        #expect(worst <= 1e-7, "largest deviation from the pyproj reference: \(worst)°")
        if let check = try Checks.rfc7946([out]) { #expect(check.passed, "\(check.output)") }
        #expect(try Checks.ogrFeatureCount(out).count == 12)
    }
}
