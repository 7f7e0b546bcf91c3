import Foundation
import Testing
import GeoCore
import GeoIO
@testable import UrbanAnalysis

/// Catchments, corridors, underserved land and residents in reach, worked out by hand.
@Suite struct AccessibilityTests {
    let stop = Fixtures.feature("S1", try! Geometry(x: 0, y: 0, crs: Fixtures.utm), ["name": .string("Hafen"), "lines": .string("U47;456")])

    func prepared(_ method: Catchment.Method, radius: Double = 100) throws -> Catchment.Prepared {
        try Catchment.single(radius: radius, method: method).prepare(Fixtures.layer("stops", [stop]))
    }

    @Test func parcelHalfInsideACatchment() throws {
        // A 100 m buffer with 8 segments per quarter is a regular 32-gon of area
        // (32/2)·r²·sin(2π/32) = 160,000 · sin(π/16) = 31,214.45 m², symmetric about the x axis.
        // The box x −100..100, y 0..h holds its upper half; with h = 31,214.45/200 = 156.0723 m
        // the box's area is twice that half: exactly half the parcel is inside.
        let h = 160_000 * sin(Double.pi / 16) / 200
        let parcel = try Fixtures.box(-100, 0, 100, h)
        for method in Catchment.Method.allCases {
            let reach = try prepared(method).reach(parcel)
            #expect(abs(reach.share - 0.5) < 1e-12, "\(method)")
            #expect(reach.served && reach.distance == 0)
        }
        // Far away: nothing inside; the nearest stop is 500 m off.
        let far = try prepared(.bufferUnion).reach(try Fixtures.box(500, -10, 520, 10))
        #expect(far.share == 0 && !far.served && far.distance == 500)
    }

    @Test func pointExactlyOnTheRadius() throws {
        // (60, 80) is exactly 100 m from the stop (3-4-5). `radius` serves it (d ≤ r); the
        // 32-gon's edges are chords inside the circle, so `buffer-union` does not: the two
        // methods count differently, as the documentation says.
        let onCircle = try Geometry(x: 60, y: 80, crs: Fixtures.utm)
        #expect(try prepared(.radius).reach(onCircle).served)
        #expect(try !prepared(.bufferUnion).reach(onCircle).served)
        // A vertex of the 32-gon (100, 0) is on both.
        let vertex = try Geometry(x: 100, y: 0, crs: Fixtures.utm)
        #expect(try prepared(.radius).reach(vertex).served && prepared(.bufferUnion).reach(vertex).served)
        #expect(try !prepared(.radius).reach(Geometry(x: 60.001, y: 80, crs: Fixtures.utm)).served)
    }

    @Test func modesAndFilters() throws {
        // The Dortmund modes: a U47 stop gets 500 m, an S-Bahn stop 800 m, a bus stop 300 m.
        let stops = Fixtures.layer("stops", [
            stop,
            Fixtures.feature("S2", try Geometry(x: 5000, y: 0, crs: Fixtures.utm), ["name": .string("Bf"), "lines": .string("de:nrw.de:s2;RE1 (RRX)")]),
            Fixtures.feature("S3", try Geometry(x: 10000, y: 0, crs: Fixtures.utm), ["name": .string("Bus"), "lines": .string("440;SB24")]),
        ])
        let p = try Catchment(method: .radius).prepare(stops)
        #expect(p.radius == [500, 800, 300])
        #expect(try p.reach(Geometry(x: 5799, y: 0, crs: Fixtures.utm)).served)
        #expect(try !p.reach(Geometry(x: 10301, y: 0, crs: Fixtures.utm)).served)
        // A filter keeps only the Stadtbahn stops.
        let u4 = try Catchment(method: .radius, filter: AttributeFilter(field: "lines", matches: "U4[0-9]")).prepare(stops)
        #expect(u4.facilities.count == 1 && u4.names == ["Hafen"])
        #expect(throws: AnalysisError.self) { try Catchment.single(radius: -5).prepare(stops) }
        #expect(throws: AnalysisError.self) { try AttributeFilter(field: "lines", matches: "U4[").validate() }
    }

    @Test func corridorAtAKnownDistance() throws {
        // A line along y = 300: a parcel whose top edge is at y = 10 is 290 m away (near), one
        // with its top at y = −10 is 310 m away (not near).
        let line = Fixtures.feature("B54", try Geometry(lineString: [Coordinate(-1000, 300), Coordinate(0, 300), Coordinate(1000, 300)], crs: Fixtures.utm),
                                    ["name": .string("B54"), "kind": .string("road")])
        let p = try CorridorProximity().prepare(Fixtures.layer("corridors", [line]))
        let near = try p.measure(try Fixtures.box(0, 0, 10, 10))
        #expect(near.near && abs(near.distance! - 290) < 1e-9 && p.names[near.corridor!] == "B54")
        let far = try p.measure(try Fixtures.box(0, -20, 10, -10))
        #expect(!far.near && abs(far.distance! - 310) < 1e-9)
        // Exactly 300 m counts (stage f: ≤ d).
        #expect(try p.measure(try Fixtures.box(0, -10, 10, 0)).near)
        // A kind filter leaves the road out.
        let rail = try CorridorProximity(filter: AttributeFilter(field: "kind", equals: "rail")).prepare(Fixtures.layer("corridors", [line]))
        #expect(try !rail.measure(try Fixtures.box(0, 0, 10, 10)).near)
    }

    @Test func corridorKilometresPerDistrict() throws {
        // A line from x = −50 to 250 along y = 50 crosses West (0..100) for 100 m and East (100..200) for 100 m.
        let units = try ReportingUnits(Fixtures.layer("d", [
            Fixtures.feature("W", try Fixtures.box(0, 0, 100, 100)), Fixtures.feature("E", try Fixtures.box(100, 0, 200, 100)),
        ]))
        let line = Fixtures.feature("RS1", try Geometry(lineString: [Coordinate(-50, 50), Coordinate(250, 50)], crs: Fixtures.utm))
        let km = try CorridorProximity().prepare(Fixtures.layer("c", [line])).kilometres(in: units)
        #expect(km == [[0.1], [0.1]])
    }

    @Test func underservedLandAndResidentsInReach() throws {
        // District 0..1000 × 0..1000 with 1,000 residents; stop at (0, 0) with 100 m.
        // Parcel A: the half-inside box above (x −100..100 is cut to the district: 0..100, y 0..h):
        // a quarter of the 32-gon inside, the box 100 × h: share = 7,803.61 / 15,607.23 = 0.5.
        // Parcel B: 500..600 × 500..600, wholly outside. Both residential, floor area 2 × built.
        let h = 160_000 * sin(Double.pi / 16) / 200
        let parcels = Fixtures.layer("parcels", [
            Fixtures.parcel("A", try Fixtures.box(0, 0, 100, h), landuse: "residential", floors: 2, built: 1000),
            Fixtures.parcel("B", try Fixtures.box(500, 500, 600, 600), landuse: "residential", floors: 2, built: 3000),
        ])
        let districts = Fixtures.layer("districts", [
            Fixtures.feature("D", try Fixtures.box(0, 0, 1000, 1000), ["name": .string("D"), "population": .integer(1000), "nordwaerts": .bool(true)]),
        ])
        var study = ParcelStudy.parcelsAndDistricts
        study.catchment = .single(radius: 100)
        study.residents = ResidentsInReach()
        study.underserved = UnderservedAreas()
        let results = try study.run(parcels: parcels, inputs: .init(districts: districts, stops: Fixtures.layer("stops", [stop])))
        let shares = results.evaluations.map { $0.reach!.share }
        #expect(abs(shares[0] - 0.5) < 1e-12 && shares[1] == 0)
        // Floor areas 2,000 and 6,000 m²: 1,000 · (2,000·0.5 + 6,000·0) / 8,000 = 125 residents in reach.
        let table = results.districtTable
        #expect(abs(table[0, "residents_in_reach"]!.doubleValue! - 125) < 1e-9)
        #expect(abs(table[0, "residents_in_reach_share"]!.doubleValue! - 0.125) < 1e-12)
        // Underserved: half of A (100·h/2 = 7,803.61 m²) and all of B (10,000 m²).
        let expected = 100 * h / 2 + 10_000
        #expect(abs(table[0, "underserved_area_m2"]!.doubleValue! - expected) < 1e-6)
        // Served share of residential area (stage g): (100·h·0.5) / (100·h + 10,000).
        #expect(abs(table[0, "served_share"]!.doubleValue! - (100 * h * 0.5) / (100 * h + 10_000)) < 1e-12)
    }
}
