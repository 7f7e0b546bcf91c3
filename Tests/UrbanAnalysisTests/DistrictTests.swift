import Foundation
import Testing
import GeoCore
import GeoIO
@testable import UrbanAnalysis

/// District assignment and indicators on a city of two districts, worked out by hand.
@Suite struct DistrictTests {
    /// West: x 0..100, id "B"; east: x 100..200, id "A" (so the byte-order rule is visible).
    func units() throws -> ReportingUnits {
        try ReportingUnits(Fixtures.layer("districts", [
            Fixtures.feature("B", try Fixtures.box(0, 0, 100, 100), ["name": .string("West"), "population": .integer(1000), "nordwaerts": .bool(true)]),
            Fixtures.feature("A", try Fixtures.box(100, 0, 200, 100), ["name": .string("East"), "population": .integer(3000), "nordwaerts": .bool(false)]),
        ]))
    }

    @Test func pointOnSurfaceAndAreaWeighted() throws {
        let u = try units()
        // x 90..130: the interior point of the rectangle is (110, 5), in the east; by area 10/40 west.
        let straddling = try Fixtures.box(90, 0, 130, 10)
        // x 95..105: interior point (100, 5) on the shared edge: the smaller id in byte order, "A".
        let onEdge = try Fixtures.box(95, 0, 105, 10)
        let outside = try Fixtures.box(300, 0, 310, 10)
        let pos = DistrictAssignment()
        #expect(try pos.assign(straddling, units: u) == [.init(unit: 1, weight: 1)])
        #expect(try pos.assign(onEdge, units: u) == [.init(unit: 1, weight: 1)])
        #expect(try pos.assign(outside, units: u).isEmpty)
        let weighted = DistrictAssignment(method: .areaWeighted)
        let shares = try weighted.assign(straddling, units: u).sorted { $0.unit < $1.unit }
        #expect(shares.count == 2 && abs(shares[0].weight - 0.25) < 1e-12 && abs(shares[1].weight - 0.75) < 1e-12)
    }

    @Test func indicatorsPerDistrictAndForNorthAndRest() throws {
        let u = try units()
        // West: two 50 × 50 parcels, residential (built 500, 2 floors) and green (nothing built).
        // East: one 100 × 100 brownfield.
        let parcels = Fixtures.layer("parcels", [
            Fixtures.parcel("w1", try Fixtures.box(0, 0, 50, 50), landuse: "residential", floors: 2, built: 500),
            Fixtures.parcel("w2", try Fixtures.box(50, 0, 100, 50), landuse: "green"),
            Fixtures.parcel("e1", try Fixtures.box(100, 0, 200, 100), landuse: "brownfield"),
        ])
        let measures = try ParcelMetrics().run(parcels: parcels)
        let assignment = try DistrictAssignment().run(parcels, units: u)
        let potential = try DevelopmentPotential().run(parcels: parcels, measures: measures)
        let table = DistrictIndicators().run(units: u, measures: measures, assignment: assignment, potential: potential)
        #expect(table.rows.count == 5)
        func value(_ row: Int, _ column: String) -> Double { table[row, column]!.doubleValue! }
        // West: 2 parcels, 5,000 m²; half residential, half green: entropy −2·½ ln ½ / ln 8 = ln 2 / ln 8 = 1/3.
        #expect(value(0, "parcel_count") == 2 && value(0, "parcel_area_m2") == 5000)
        #expect(abs(value(0, "landuse_entropy") - 1.0 / 3) < 1e-12)
        // mean GRZ (500/2500 + 0)/2 = 0.1; area-weighted GRZ 500/5000 = 0.1, GFZ 1000/5000 = 0.2.
        #expect(abs(value(0, "mean_grz") - 0.1) < 1e-12 && abs(value(0, "grz_area_weighted") - 0.1) < 1e-12)
        #expect(abs(value(0, "gfz_area_weighted") - 0.2) < 1e-12)
        // 1,000 residents on 0.01 km²: 100,000 per km².
        #expect(abs(value(0, "residents_per_km2") - 100_000) < 1e-6)
        // East: one brownfield of 10,000 m², entropy 0, eligible for development.
        #expect(value(1, "landuse_entropy") == 0 && value(1, "potential_area_m2") == 10_000 && value(1, "potential_count") == 1)
        // Nordwärts (= West) and the rest (= East).
        #expect(table[2, "id"] == .string("nordwaerts") && value(2, "parcel_area_m2") == 5000)
        #expect(table[3, "name"] == .string("Rest of city") && value(3, "population") == 3000)
        #expect(abs(value(3, "residents_per_km2") - 300_000) < 1e-6)
        // The whole city: both districts' sums, ratios from them (4,000 residents on 0.02 km²).
        #expect(table[4, "id"] == .string("city") && value(4, "parcel_area_m2") == 15_000 && value(4, "population") == 4000)
        #expect(abs(value(4, "residents_per_km2") - 200_000) < 1e-6)
        // CSV: header and rows as written.
        let csv = String(decoding: table.csv(), as: UTF8.self).split(separator: "\n")
        #expect(csv[0].hasPrefix("id,name,nordwaerts,district_area_m2,parcel_count,parcel_area_m2,area_residential_m2"))
        #expect(csv[1].hasPrefix("B,West,true,10000.0,2,5000.0,2500.0,"))
        let excel = String(decoding: table.csv(style: .excel), as: UTF8.self)
        #expect(excel.hasPrefix("\u{FEFF}id;name;") && excel.contains("B;West;true;10000,0;2;5000,0;"))
    }

    @Test func squareGridUnits() throws {
        // 1 km grid over E 391500..393200, N 5708200..5709900: columns 391..393, rows 5708..5709: 3 × 2 cells.
        let grid = try ReportingUnits.grid(cellSize: 1000, covering: Envelope(minX: 391500, minY: 5708200, maxX: 393200, maxY: 5709900))
        #expect(grid.count == 6 && grid.ids.first == "1kmN5708E391" && grid.ids.last == "1kmN5709E393")
        #expect(grid.areas.allSatisfy { $0 == 1_000_000 })
        // Clipped to a small polygon in one cell.
        let clip = try Fixtures.box(392100, 5709100, 392200, 5709200)
        let one = try ReportingUnits.grid(cellSize: 1000, covering: clip.envelope, clip: clip)
        #expect(one.ids == ["1kmN5709E392"])
        #expect(throws: AnalysisError.self) { try ReportingUnits.grid(cellSize: -5, covering: clip.envelope) }
    }
}
