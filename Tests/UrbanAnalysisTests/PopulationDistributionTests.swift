import Foundation
import Testing
import GeoCore
import GeoIO
@testable import UrbanAnalysis

/// Residents from a grid, worked out by hand: a cell with three addresses, a cell with none
/// (unassigned), a cell across a district border, a cell half outside the city, and a parcel
/// across two cells (floor area).
@Suite struct PopulationDistributionTests {
    // Two districts side by side: A (x 0..200) and B (x 200..400), y 0..200; the city is their union.
    let districts = Fixtures.layer("districts", [
        Fixtures.feature("A", try! Fixtures.box(0, 0, 200, 200), ["name": .string("A"), "nordwaerts": .bool(true)]),
        Fixtures.feature("B", try! Fixtures.box(200, 0, 400, 200), ["name": .string("B")]),
    ])

    func cell(_ id: String, _ g: Geometry, _ total: Double, old: Double) -> Feature {
        // The other age groups take the rest equally.
        let rest = (total - old) / 4
        return Fixtures.feature(id, g, ["population": .double(total), "age_u18": .double(rest), "age_18_29": .double(rest),
                                        "age_30_49": .double(rest), "age_50_64": .double(rest), "age_65p": .double(old)])
    }

    func point(_ x: Double, _ y: Double) -> Feature { Fixtures.feature("p\(x),\(y)", try! Geometry(x: x, y: y, crs: Fixtures.utm)) }

    /// Within reach: x < 60 (a stand-in method, so that the test does not depend on catchments).
    let west = PopulationDistribution.ReachMethod(name: "west") { g in (g.x ?? .infinity) < 60 ? 1 : 0 }

    @Test func cellsOverAddresses() throws {
        let cells = Fixtures.layer("cells", [
            // 1: three addresses in A, two of them in reach: 90 residents (30 aged 65+), 30 each.
            cell("c1", try Fixtures.box(0, 0, 100, 100), 90, old: 30),
            // 2: no address: its 40 residents are unassigned.
            cell("c2", try Fixtures.box(0, 100, 100, 200), 40, old: 8),
            // 3: across the border x = 200: one address in A, three in B: 100 residents, 25 each.
            cell("c3", try Fixtures.box(150, 0, 250, 100), 100, old: 20),
            // 4: half outside the city (x 350..450): 60 residents, 30 inside, on its two addresses.
            cell("c4", try Fixtures.box(350, 100, 450, 200), 60, old: 12),
        ])
        let points = Fixtures.layer("addresses", [
            point(10, 10), point(50, 50), point(90, 20),                  // c1, A; the first two in reach (x < 60)
            point(180, 50),                                                // c3, A
            point(210, 50), point(220, 50), point(240, 80),               // c3, B
            point(360, 150), point(390, 120),                              // c4, B
            point(500, 500),                                               // in no cell, no district
        ])
        let units = try ReportingUnits(districts)
        let distribution = PopulationDistribution()
        let grid = try distribution.prepare(cells, studyArea: try Geometry.unaryUnion(of: districts.geometries))
        #expect(grid.inside == [1, 1, 1, 0.5])
        let receivers = try PopulationDistribution.Addresses(points, units: units, methods: [west])
        let r = try distribution.run(grid: grid, addresses: receivers)
        let all = 0, old = 5
        // A: c1's 90 + a quarter of c3's 100 = 115; 65+: 30 + 5 = 35. In reach: two thirds of c1.
        #expect(abs(r.population[0][all] - 115) < 1e-9 && abs(r.population[0][old] - 35) < 1e-9)
        #expect(abs(r.inReach[0][0][all] - 60) < 1e-9 && abs(r.inReach[0][0][old] - 20) < 1e-9)
        // B: three quarters of c3's 100 + c4's 30 inside = 105; 65+: 15 + 6 = 21; nothing in reach.
        #expect(abs(r.population[1][all] - 105) < 1e-9 && abs(r.population[1][old] - 21) < 1e-9)
        #expect(r.inReach[0][1][all] == 0)
        // Nothing lost: in 290 = outside 30 + distributed 220 + unassigned 40.
        #expect(r.input[all] == 290 && abs(r.outside[all] - 30) < 1e-9 && abs(r.distributed[all] - 220) < 1e-9 && r.unassigned[all] == 40)
        #expect(abs(r.input[all] - r.outside[all] - r.distributed[all] - r.unassigned[all]) < 1e-9)
        #expect(r.unassignedCells == 1 && r.unassigned[old] == 8)
        // The long table: per unit, then Nordwärts (= A), the rest (= B), the whole city.
        let table = ResidentsInReach.table(r, units: units)
        #expect(table.rows.count == 5 && table[4, "id"] == .string("city"))
        #expect(abs(table[4, "residents"]!.doubleValue! - 220) < 1e-9 && abs(table[2, "residents_65p_in_reach_share"]!.doubleValue! - 20.0 / 35) < 1e-12)

        // Without clipping, the whole of c4 goes to its addresses.
        let unclipped = try PopulationDistribution(clipToStudyArea: false).prepare(cells, studyArea: try Geometry.unaryUnion(of: districts.geometries))
        let r2 = try distribution.run(grid: unclipped, addresses: receivers)
        #expect(abs(r2.population[1][all] - 135) < 1e-9 && r2.outside[all] == 0)
    }

    @Test func cellsOverFloorArea() throws {
        // P1 (x 50..150, 5,000 m² built on 2 floors: F = 10,000 m²) lies half in c1 (x 0..100)
        // and half in c3 (x 100..200); P2 (20 × 20, 1 floor: F = 400 m²) in c1; G is green.
        let cells = Fixtures.layer("cells", [
            cell("c1", try Fixtures.box(0, 0, 100, 100), 104, old: 52),
            cell("c3", try Fixtures.box(100, 0, 200, 100), 50, old: 10),
        ])
        let parcels = Fixtures.layer("parcels", [
            Fixtures.parcel("P1", try Fixtures.box(50, 0, 150, 50), landuse: "residential", floors: 2, built: 5000),
            Fixtures.parcel("P2", try Fixtures.box(20, 60, 40, 80), landuse: "residential", floors: 1, built: 400),
            Fixtures.parcel("G", try Fixtures.box(0, 0, 20, 20), landuse: "green"),
        ])
        var study = ParcelStudy.parcelsAndDistricts
        study.population = PopulationDistribution()
        let results = try study.run(parcels: parcels, inputs: .init(districts: districts, population: cells))
        let r = try #require(results.summary.population)
        // c1: P1 has 5,000 m² of floor area there, P2 400 (104·5000/5400 and 104·400/5400, both in A);
        // c3: only P1: all 50. A holds 154 residents, 65+ 52 + 10 = 62.
        #expect(abs(r.population[0][0] - 154) < 1e-9 && abs(r.population[0][5] - 62) < 1e-9 && r.population[1][0] == 0)
        #expect(r.methods.isEmpty && r.unassigned[0] == 0)
        // The district table takes its population from the grid.
        #expect(abs(results.districtTable[0, "population"]!.doubleValue! - 154) < 1e-9)
        #expect(abs(results.districtTable[4, "population"]!.doubleValue! - 154) < 1e-9)
    }

    @Test func cellOfAPointOnASharedEdgeIsTheFirst() throws {
        let cells = Fixtures.layer("cells", [cell("c1", try Fixtures.box(0, 0, 100, 100), 10, old: 2),
                                             cell("c2", try Fixtures.box(100, 0, 200, 100), 10, old: 2)])
        let grid = try PopulationDistribution().prepare(cells, studyArea: nil)
        #expect(try grid.cell(of: try Geometry(x: 100, y: 50, crs: Fixtures.utm)) == 0)
        #expect(try grid.cell(of: try Geometry(x: 150, y: 50, crs: Fixtures.utm)) == 1)
        #expect(try grid.cell(of: try Geometry(x: 250, y: 50, crs: Fixtures.utm)) == nil)
    }

    @Test func unusableCellsAreNamed() throws {
        let point = Fixtures.layer("population", [cell("c9", try Geometry(x: 5, y: 5, crs: Fixtures.utm), 10, old: 1)])
        #expect(throws: AnalysisError.badFeature(layer: "population", feature: "c9 (number 1)", problem: "a population cell must be a polygon, not a Point")) {
            try PopulationDistribution().prepare(point, studyArea: nil)
        }
        let negative = Fixtures.layer("population", [cell("c1", try Fixtures.box(0, 0, 10, 10), 10, old: -1)])
        #expect(throws: AnalysisError.badFeature(layer: "population", feature: "c1 (number 1)", problem: "age_65p = -1.0: a count of residents must be 0 or more")) {
            try PopulationDistribution().prepare(negative, studyArea: nil)
        }
    }
}
