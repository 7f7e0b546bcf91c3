import Foundation
import Testing
import TestSupport
@testable import GeoCore

@Suite struct CRSTests {
    @Test func epsg25832IsDescribed() throws {
        let crs = try CRS("EPSG:25832")
        #expect(crs.identifier == "EPSG:25832")
        #expect(crs.name == "ETRS89 / UTM zone 32N")
        #expect(crs.kind == .projected && !crs.isGeographic)
        #expect(crs.unit == "metre")
        #expect(crs.axes.map(\.direction) == ["east", "north"])
        // Dortmund (7.46 E, 51.51 N) lies in the area of use; Berlin (13.4 E) does not.
        let area = try #require(crs.areaOfUse)
        #expect(area.contains(longitude: 7.46, latitude: 51.51))
        #expect(!area.contains(longitude: 13.4, latitude: 52.5))
    }

    @Test func spellingsOfTheSameCRSAreEqual() throws {
        #expect(try CRS("urn:ogc:def:crs:EPSG::25832") == CRS("EPSG:25832"))
        #expect(try CRS("urn:ogc:def:crs:OGC:1.3:CRS84") == CRS.wgs84)
        // The toolkit always works in lon/lat order, so EPSG:4326 and CRS84 are one CRS here.
        #expect(try CRS("EPSG:4326") == CRS.wgs84)
        #expect(try CRS("EPSG:4326").axes.map(\.direction) == ["north", "east"])
        #expect(try CRS("EPSG:4326").isGeographic)
        #expect(try CRS(CRS.etrs89UTM32N.wkt) == CRS.etrs89UTM32N)
        #expect(try CRS("EPSG:25833") != CRS("EPSG:25832"))
    }

    @Test func unknownCodesAreClearErrors() {
        do {
            _ = try CRS("EPSG:99999")
            Issue.record("EPSG:99999 was accepted")
        } catch let error as CRSError {
            #expect(error.description.contains("EPSG:99999"))
            #expect(error.description.contains("not found"))
        } catch {
            Issue.record("unexpected \(error)")
        }
        #expect(throws: CRSError.self) { try CRS("") }
        #expect(throws: CRSError.self) { try CRS("no such thing") }
    }

    @Test func dortmundHauptbahnhofAgreesWithCS2CS() throws {
        let transformer = try Transformer(from: CRS("EPSG:4326"), to: CRS("EPSG:25832"))
        let result = try transformer.transform(Coordinate(7.45889, 51.51750))
        // The issue's reference values, given to the centimetre.
        #expect(abs(result.x - 393071.20) < 0.005 && abs(result.y - 5708501.23) < 0.005)
        // cs2cs reads EPSG:4326 as latitude longitude.
        let cs2cs = try ExternalTools.run("cs2cs", ["-f", "%.6f", "EPSG:4326", "EPSG:25832"], input: "51.51750 7.45889\n")
        #expect(cs2cs.status == 0, "cs2cs (proj-bin) must be installed: \(cs2cs.stderr)")
        let fields = cs2cs.stdout.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).compactMap { Double($0) }
        #expect(abs(result.x - fields[0]) < 0.001 && abs(result.y - fields[1]) < 0.001)
        // And back, to well under a millimetre (1e-8 degrees is about 1 mm).
        let back = try Transformer(from: CRS("EPSG:25832"), to: CRS("EPSG:4326")).transform(result)
        #expect(abs(back.x - 7.45889) < 1e-9 && abs(back.y - 51.51750) < 1e-9)
    }

    @Test func gridOfPointsAgreesWithCS2CS() throws {
        var lonLat: [Double] = []
        for i in 0..<20 {
            for j in 0..<15 {
                lonLat += [7.30 + Double(i) * 0.017, 51.41 + Double(j) * 0.0127]
            }
        }
        var projected = lonLat
        try Transformer(from: .wgs84, to: .etrs89UTM32N).transform(flatCoordinates: &projected)
        let input = stride(from: 0, to: lonLat.count, by: 2).map { "\(lonLat[$0 + 1]) \(lonLat[$0])" }.joined(separator: "\n") + "\n"
        let cs2cs = try ExternalTools.run("cs2cs", ["-f", "%.6f", "EPSG:4326", "EPSG:25832"], input: input)
        let lines = cs2cs.stdout.split(separator: "\n")
        #expect(lines.count == 300)
        var worst = 0.0
        for (k, line) in lines.enumerated() {
            let f = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).compactMap { Double($0) }
            worst = max(worst, abs(f[0] - projected[2 * k]), abs(f[1] - projected[2 * k + 1]))
        }
        #expect(worst < 0.001, "largest deviation from cs2cs: \(worst) m")
    }

    @Test func geometriesAreTransformedWholeAndTagged() throws {
        let utm = CRS.etrs89UTM32N
        let parcel = try Geometry(wkt: "POLYGON ((393000 5708400, 393100 5708400, 393100 5708500, 393000 5708500, 393000 5708400), (393040 5708440, 393040 5708460, 393060 5708460, 393060 5708440, 393040 5708440))", crs: utm)
        let wgs = try Transformer(from: utm, to: .wgs84).transform(parcel)
        #expect(wgs.crs == .wgs84)
        #expect(try wgs.type == .polygon && (wgs.interiorRings().count) == 1)
        let corner = try Transformer(from: utm, to: .wgs84).transform(Coordinate(393000, 5708400))
        #expect(try wgs.exteriorRing().coordinates()[0] == corner)
        let back = try Transformer(from: .wgs84, to: utm).transform(wgs)
        #expect(try back.equalsExact(parcel, tolerance: 1e-6))
        #expect(throws: CRSError.self) { try Transformer(from: .wgs84, to: utm).transform(parcel) }
    }

    @Test func metricWorkOnDegreesIsRefused() throws {
        let lonLat = try Geometry(wkt: "POLYGON ((7 51, 8 51, 8 52, 7 52, 7 51))", crs: .wgs84)
        #expect(throws: GeometryError.geographicCRS(operation: "area", crs: "OGC:CRS84")) { try lonLat.area() }
        #expect(throws: GeometryError.self) { try lonLat.buffer(10) }
        #expect(throws: GeometryError.self) { try lonLat.length() }
        // Non-metric work is fine.
        #expect(try lonLat.contains(Geometry(x: 7.5, y: 51.5, crs: .wgs84)))
    }

    @Test func mixingCRSsIsRefused() throws {
        let a = try Geometry(wkt: "POINT (393000 5708400)", crs: .etrs89UTM32N)
        let b = try Geometry(wkt: "POINT (7.4 51.5)", crs: .wgs84)
        do {
            _ = try a.intersects(b)
            Issue.record("mixed CRSs were accepted")
        } catch let GeometryError.crsMismatch(operation, left, right) {
            #expect(operation == "intersects" && left == "EPSG:25832" && right == "OGC:CRS84")
        }
        // A geometry without a CRS takes the other's.
        let untagged = try Geometry(wkt: "POLYGON ((392000 5708000, 394000 5708000, 394000 5709000, 392000 5709000, 392000 5708000))")
        #expect(try untagged.intersection(a).crs == .etrs89UTM32N)
    }

    @Test func untransformablePositionsAreNamed() throws {
        var flat = [393000.0, 5708400, 1e30, 1e30]
        do {
            try Transformer(from: .etrs89UTM32N, to: .wgs84).transform(flatCoordinates: &flat)
            Issue.record("1e30 was transformed")
        } catch let CRSError.untransformable(index, _, _, _) {
            #expect(index == 1)
        }
    }
}
