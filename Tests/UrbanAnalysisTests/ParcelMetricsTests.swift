import Foundation
import Testing
import GeoCore
import GeoIO
@testable import UrbanAnalysis

/// Parcel measures against values worked out by hand from the geometry.
@Suite struct ParcelMetricsTests {
    let metrics = ParcelMetrics()

    @Test func squareParcel() throws {
        // 20 × 20: A = 400, P = 80, compactness 4π·400/6400 = π/4, a rectangle of itself.
        let m = try metrics.measure(Fixtures.parcel("sq", Fixtures.box(0, 0, 20, 20), landuse: "residential"))
        #expect(m.area == 400 && m.perimeter == 80)
        #expect(abs(m.compactness - 0.785398163397448) < 1e-12)
        #expect(abs(m.rectangularity - 1) < 1e-12 && abs(m.elongation) < 1e-12)
        #expect(m.landUse == .residential)
    }

    @Test func lShapedParcel() throws {
        // Three 10 × 10 squares: A = 300, P = 80, compactness 4π·300/6400 = 0.589049;
        // minimum-area rectangle 20 × 20 (see GeoCore's test): rectangularity 300/400 = 0.75,
        // elongation 1 − 20/20 = 0.
        let l = try Geometry(wkt: "POLYGON ((0 0, 20 0, 20 10, 10 10, 10 20, 0 20, 0 0))", crs: Fixtures.utm)
        let m = try metrics.measure(Fixtures.parcel("l", l, landuse: "mixed"))
        #expect(m.area == 300 && m.perimeter == 80)
        #expect(abs(m.compactness - 0.589048622548086) < 1e-12)
        #expect(abs(m.rectangularity - 0.75) < 1e-12 && abs(m.elongation) < 1e-12)
    }

    @Test func stripParcel() throws {
        // A 30 × 10 strip turned by 30°: rectangularity 1, elongation 1 − 10/30 = 2/3,
        // compactness 4π·300/80² = 0.589049.
        let c = cos(Double.pi / 6), s = sin(Double.pi / 6)
        func p(_ x: Double, _ y: Double) -> Coordinate { Coordinate(392000 + x * c - y * s, 5709000 + x * s + y * c) }
        let strip = try Geometry(polygon: [p(0, 0), p(30, 0), p(30, 10), p(0, 10), p(0, 0)], crs: Fixtures.utm)
        let m = try metrics.measure(Fixtures.parcel("strip", strip, landuse: "commercial"))
        #expect(abs(m.rectangularity - 1) < 1e-9 && abs(m.elongation - 2.0 / 3) < 1e-9)
        #expect(abs(m.compactness - 0.589048622548086) < 1e-9)
    }

    @Test func grzAndGfzFromABuildingLayer() throws {
        // 30 × 40 parcel, one 10 × 10 building of two storeys inside: GRZ 100/1200 = 0.083333,
        // GFZ 200/1200 = 0.166667. A second building half on the parcel (5 × 10 of 10 × 10 inside,
        // three storeys) adds 50 m² and 150 m² of floor area: GRZ 150/1200 = 0.125, GFZ 350/1200.
        let parcel = Fixtures.parcel("p", try Fixtures.box(0, 0, 30, 40), landuse: "residential")
        let inside = Fixtures.feature("b1", try Fixtures.box(5, 5, 15, 15), ["floors": .integer(2)])
        let straddling = Fixtures.feature("b2", try Fixtures.box(25, 20, 35, 30), ["floors": .integer(3)])
        let one = try BuildingFootprints(Fixtures.layer("buildings", [inside]))
        var m = try metrics.measure(parcel, buildings: one)
        #expect(abs(m.grz - 0.0833333333333333) < 1e-12 && abs(m.gfz - 0.166666666666667) < 1e-12)
        #expect(m.buildingCount == 1)
        let two = try BuildingFootprints(Fixtures.layer("buildings", [inside, straddling]))
        m = try metrics.measure(parcel, buildings: two)
        #expect(abs(m.grz - 0.125) < 1e-12 && abs(m.gfz - 350.0 / 1200) < 1e-12)
        #expect(m.builtArea == 150 && m.floorArea == 350 && m.buildingCount == 2)
    }

    @Test func grzAndGfzFromAttributes() throws {
        // The same parcel with built_area_m2 = 100 and floors = 2 (stage c of the STANDARD PIPELINE).
        let m = try metrics.measure(Fixtures.parcel("p", try Fixtures.box(0, 0, 30, 40), landuse: "residential", floors: 2, built: 100))
        #expect(abs(m.grz - 0.0833333333333333) < 1e-12 && abs(m.gfz - 0.166666666666667) < 1e-12)
    }

    @Test func fieldNamesAreParameters() throws {
        // An ALKIS-like record: nutzart "Wohnbaufläche", anzahlgs 3.
        var fields = ParcelFields.alkis
        fields.builtArea = "grundflaeche"
        let feature = Fixtures.feature("05330200700066______", try Fixtures.box(0, 0, 20, 50),
                                       ["nutzart": .string("Wohnbaufläche"), "anzahlgs": .integer(3), "grundflaeche": .double(250)])
        let m = try ParcelMetrics(fields: fields).measure(feature)
        #expect(m.landUse == .residential && abs(m.grz - 0.25) < 1e-12 && abs(m.gfz - 0.75) < 1e-12)
        // Unknown values are not guessed.
        let odd = Fixtures.feature("x", try Fixtures.box(0, 0, 1, 1), ["landuse": .string("Mondbasis")])
        #expect(try metrics.measure(odd).landUse == nil)
    }
}
