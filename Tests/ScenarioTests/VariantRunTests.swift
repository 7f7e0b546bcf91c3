import Foundation
import Testing
import TestSupport
import GeoIO
@testable import Scenario

/// A run with variants on a hand-made city, the differences worked out by hand.
@Suite struct VariantRunTests {
    /// West (x 390000..391000) and East (391000..392000), y 5710000..5711000, EPSG:25832.
    /// P1: 100 × 100 m residential in the west with a Stadtbahn stop (U41, 500 m) at its centre;
    /// P2: 100 × 100 m brownfield in the east, 1,000 m from that stop.
    func city() throws -> String {
        let dir = try ExternalTools.temporaryDirectory().path
        let crs = #""crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::25832"}}"#
        func box(_ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int) -> String {
            "{\"type\":\"Polygon\",\"coordinates\":[[[\(x0),\(y0)],[\(x1),\(y0)],[\(x1),\(y1)],[\(x0),\(y1)],[\(x0),\(y0)]]]}"
        }
        try """
        {"type":"FeatureCollection",\(crs),"features":[
        {"type":"Feature","properties":{"id":"W","name":"West","population":100,"nordwaerts":true},"geometry":\(box(390000, 5710000, 391000, 5711000))},
        {"type":"Feature","properties":{"id":"E","name":"East","population":100,"nordwaerts":false},"geometry":\(box(391000, 5710000, 392000, 5711000))}]}
        """.write(toFile: dir + "/districts.geojson", atomically: true, encoding: .utf8)
        try """
        {"type":"FeatureCollection",\(crs),"features":[
        {"type":"Feature","id":"P1","properties":{"landuse":"residential","floors":2,"built_area_m2":3000},"geometry":\(box(390100, 5710100, 390200, 5710200))},
        {"type":"Feature","id":"P2","properties":{"landuse":"brownfield","floors":0,"built_area_m2":0},"geometry":\(box(391100, 5710100, 391200, 5710200))}]}
        """.write(toFile: dir + "/parcels.geojson", atomically: true, encoding: .utf8)
        try """
        {"type":"FeatureCollection",\(crs),"features":[
        {"type":"Feature","properties":{"name":"Alt","lines":"U41"},"geometry":{"type":"Point","coordinates":[390150,5710150]}}]}
        """.write(toFile: dir + "/stops.geojson", atomically: true, encoding: .utf8)
        try """
        inputs:
          districts: {path: districts.geojson}
          parcels: {path: parcels.geojson}
          stops: {path: stops.geojson}
        analyses:
          - kind: catchment
          - kind: development-potential
        variants:
          - name: new-stop
            add_features:
              - input: stops
                crs: EPSG:25832
                features:
                  - {type: Feature, geometry: {type: Point, coordinates: [391150, 5710150]}, properties: {name: Neu, lines: U41}}
          - name: housing
            set_attributes:
              - input: parcels
                ids: [P2]
                properties: {landuse: residential, floors: 3}
        """.write(toFile: dir + "/scenario.yaml", atomically: true, encoding: .utf8)
        return dir
    }

    func table(_ path: String) throws -> [String: [String: PropertyValue]] {
        let t = try Table.read(csv: path)
        return Dictionary(uniqueKeysWithValues: t.rows.map { row in (row[0].description, Dictionary(uniqueKeysWithValues: zip(t.columns, row))) })
    }

    @Test func variantsAreComparedWithTheBaseline() throws {
        let dir = try city()
        let out = dir + "/out"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let records = try ScenarioRunner(scenario: Scenario.load(path: dir + "/scenario.yaml")).run(into: out)
        #expect(records.map(\.name) == ["baseline", "new-stop", "housing"])
        for folder in ["baseline", "new-stop", "housing", "comparison/new-stop", "comparison/housing"] {
            #expect(FileManager.default.fileExists(atPath: "\(out)/\(folder)/districts.csv"), "\(folder)")
        }
        // Baseline: P1 lies wholly inside its stop's 500 m catchment (its corners are 70.7 m from
        // the centre), P2 is 1,000 m away: served share West 1, East 0.
        let baseline = try table(out + "/baseline/districts.csv")
        #expect(baseline["W"]!["served_share"]!.doubleValue == 1 && baseline["E"]!["served_share"]!.doubleValue == 0)
        // A stop at P2's centre serves it wholly: East +1 in served share and served count, West unchanged.
        let stop = try table(out + "/comparison/new-stop/districts.csv")
        #expect(stop["E"]!["served_share_change"]!.doubleValue == 1 && stop["E"]!["served_count_change"]!.doubleValue == 1)
        #expect(stop["W"]!["served_share_change"]!.doubleValue == 0)
        // The Nordwärts row (= West) does not change; the rest of the city (= East) does.
        #expect(stop["nordwaerts"]!["served_share_change"]!.doubleValue == 0 && stop["rest"]!["served_share_change"]!.doubleValue == 1)
        // Housing on P2: 10,000 m² move from brownfield to residential in the east.
        let housing = try table(out + "/comparison/housing/districts.csv")
        #expect(housing["E"]!["area_residential_m2_change"]!.doubleValue == 10_000)
        #expect(housing["E"]!["area_brownfield_m2_change"]!.doubleValue == -10_000)
        #expect(housing["W"]!["area_residential_m2_change"]!.doubleValue == 0)
        // Per parcel: P2 changed its land use; P1 did not change at all.
        let parcels = try Table.read(csv: out + "/comparison/housing/parcels.csv")
        #expect(parcels.rows.count == 1 && parcels[0, "id"] == .string("P2"))
        #expect(parcels[0, "landuse"] == .string("residential") && parcels[0, "landuse_was"] == .string("brownfield"))
    }
}
