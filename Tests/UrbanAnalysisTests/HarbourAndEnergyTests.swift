import Foundation
import Testing
import GeoCore
import GeoIO
@testable import UrbanAnalysis

/// Emission zones, the harbour zone, conversion candidates and rooftop solar, by hand.
@Suite struct HarbourAndEnergyTests {
    @Test func emissionZoneTouchingOneOfTwoParcels() throws {
        // Industrial land 0..100 × 0..100 in class VII (100 m). Residential A starts at x = 200:
        // 100 m away, so the zone touches it (a conflict); B starts at x = 201: 101 m, no conflict.
        let parcels = Fixtures.layer("parcels", [
            Fixtures.parcel("I", try Fixtures.box(0, 0, 100, 100), landuse: "industrial"),
            Fixtures.parcel("A", try Fixtures.box(200, 0, 300, 100), landuse: "residential"),
            Fixtures.parcel("B", try Fixtures.box(201, 200, 300, 300), landuse: "residential"),
        ])
        let measures = try ParcelMetrics().run(parcels: parcels)
        let zones = EmissionZones(classes: [.industrial: .vii])
        let conflicts = try zones.run(parcels: parcels, measures: measures)
        #expect(conflicts[0] == nil) // the source itself is no receptor
        #expect(conflicts[1] == EmissionZones.Conflict(source: 0, distanceClass: .vii, distance: 100))
        // B: the nearest point of I is (100, 100), B's nearest (201, 200): √(101² + 100²) = 142.1 m > 100.
        #expect(conflicts[2] == nil)
        // The default classes: industrial V = 300 m reaches B too.
        let wide = try EmissionZones().run(parcels: parcels, measures: measures)
        #expect(abs(wide[2]!.distance - (101.0 * 101 + 100 * 100).squareRoot()) < 1e-9 && wide[2]!.distanceClass == .v)
        #expect(EmissionZones.DistanceClass.allCases.map(\.metres) == [1500, 1000, 700, 500, 300, 200, 100])
    }

    @Test func harbourZoneWaterAndConversion() throws {
        // Harbour parcels H1 (0..100) and H2 (110..200, GRZ 0.05: underused), a basin north of
        // them (y 150..200), a brownfield 50 m further east and a stop at (150, 120).
        let parcels = Fixtures.layer("parcels", [
            Fixtures.parcel("H1", try Fixtures.box(0, 0, 100, 100), landuse: "harbour", floors: 1, built: 3000),
            Fixtures.parcel("H2", try Fixtures.box(110, 0, 200, 100), landuse: "harbour", floors: 1, built: 450),
            Fixtures.parcel("BF", try Fixtures.box(250, 0, 320, 100), landuse: "brownfield"),
            Fixtures.parcel("R", try Fixtures.box(2000, 0, 2100, 100), landuse: "residential", floors: 2, built: 2000),
        ])
        // R lies 1,800 m east of the basin and 50 m south of its line: √(1800² + 50²).
        let water = Fixtures.layer("water", [Fixtures.feature("W1", try Fixtures.box(0, 150, 200, 200), ["name": .string("Stadthafen")])])
        let measures = try ParcelMetrics().run(parcels: parcels)
        let harbour = HarbourZone()
        let zone = try harbour.zone(given: nil, parcels: parcels, measures: measures)
        // The two harbour parcels grown by 50 m merge into one zone (their 10 m gap closes).
        #expect(zone.type == .polygon)
        let positions = try harbour.run(parcels: parcels, zone: zone, water: water)
        #expect(positions.map(\.inZone) == [true, true, false, false])
        let diagonal: Double = (50.0 * 50 + 50 * 50).squareRoot(), far: Double = (1800.0 * 1800 + 50 * 50).squareRoot()
        let expected: [Double?] = [50, 50, diagonal, far]
        #expect(positions.map(\.waterDistance) == expected)
        let stops = try Facilities(Fixtures.layer("stops", [Fixtures.feature("S", try Geometry(x: 150, y: 120, crs: Fixtures.utm), ["name": .string("Hafen")])]))
        let reasons = try ConversionCandidates().run(parcels: parcels, measures: measures, harbour: positions, stops: stops)
        // H1 is used (GRZ 0.3): no candidate. H2: underused harbour land 20 m from the stop.
        // BF: brownfield 71 m from water (√(50² + 50²) = 70.7), 100 m from the stop (its corner (250, 100) is √(100² + 20²) = 102 m away).
        #expect(reasons[0] == nil)
        #expect(reasons[1] == "9,000 m² harbour land, GRZ 0.05, 50 m to water, 20 m to stop Hafen")
        #expect(reasons[2] == "7,000 m² brownfield, 71 m to water, 102 m to stop Hafen")
        #expect(reasons[3] == nil)
    }

    @Test func rooftopSolarByHand() throws {
        // 10 × 20 = 200 m² roof: 200 · 0.5 · 0.2 = 20 kWp; 20 · 850 / 1000 = 17 MWh/a.
        // A 3 × 3 shed (9 m²) and a building with unknown storeys are counted, not estimated.
        let buildings = Fixtures.layer("buildings", [
            Fixtures.feature("B1", try Fixtures.box(0, 0, 10, 20), ["floors": .integer(2)]),
            Fixtures.feature("B2", try Fixtures.box(50, 0, 53, 3), ["floors": .integer(1)]),
            Fixtures.feature("B3", try Fixtures.box(100, 0, 120, 20), ["floors": .null]),
            Fixtures.feature("B4", try Fixtures.box(200, 0, 220, 20), ["floors": .integer(1), "function": .string("Ruine")]),
        ])
        let estimates = try RooftopSolar().run(buildings: buildings)
        #expect(estimates[0] == .estimate(roof: 200, kWp: 20, mWhPerYear: 17))
        #expect(estimates[1] == .notEstimated(reason: "roof below 10 m²"))
        #expect(estimates[2] == .notEstimated(reason: "storeys unknown"))
        #expect(estimates[3] == .notEstimated(reason: "function Ruine"))
        var solar = RooftopSolar()
        solar.usableRoofShare = 1.5
        #expect(throws: AnalysisError.self) { try solar.run(buildings: buildings) }
    }
}
