import Foundation
import Testing
import GeoCore
import GeoIO
@testable import UrbanAnalysis

/// Development potential scores worked out by hand with the default weights
/// (size 1, shape 0.5, GRZ headroom 1, transit 1, brownfield 1; Σw = 4.5).
@Suite struct DevelopmentPotentialTests {
    let stop = Fixtures.feature("S1", try! Geometry(x: 0, y: 0, crs: Fixtures.utm), ["name": .string("Hafen")])

    /// P1: 60 × 70 = 4,200 m² brownfield, 180 m east of the stop.
    /// P2: 50 × 50 = 2,500 m² residential with 125 m² built (GRZ 0.05), 650 m from the stop.
    /// P3: 20 × 40 = 800 m² brownfield, 1,200 m from the stop.
    /// P4: 50 × 50 residential with GRZ 0.3: not underused. P5: green: never eligible.
    func parcels() throws -> Layer {
        Fixtures.layer("parcels", [
            Fixtures.parcel("P1", try Fixtures.box(180, -35, 240, 35), landuse: "brownfield"),
            Fixtures.parcel("P2", try Fixtures.box(650, -25, 700, 25), landuse: "residential", floors: 1, built: 125),
            Fixtures.parcel("P3", try Fixtures.box(1200, -20, 1220, 20), landuse: "brownfield"),
            Fixtures.parcel("P4", try Fixtures.box(0, 500, 50, 550), landuse: "residential", floors: 2, built: 750),
            Fixtures.parcel("P5", try Fixtures.box(0, -600, 100, -500), landuse: "green"),
        ])
    }

    func assess(_ potential: DevelopmentPotential) throws -> [DevelopmentPotential.Assessment] {
        let layer = try parcels()
        return try potential.run(parcels: layer, measures: ParcelMetrics().run(parcels: layer),
                                 stops: Facilities(Fixtures.layer("stops", [stop])))
    }

    @Test func scoresByHand() throws {
        let a = try assess(DevelopmentPotential())
        // P1: size (4200−500)/4500 = 0.822222, shape 1, headroom 1 − 0/0.6 = 1, transit 1 (180 ≤ 300),
        // brownfield 1: (0.822222 + 0.5·1 + 1 + 1 + 1) / 4.5 = 4.322222/4.5 = 0.960494.
        #expect(a[0].eligible && abs(a[0].score - 0.960493827160494) < 1e-12)
        #expect(a[0].reasons == "4,200 m² brownfield, 180 m to stop Hafen")
        // P2: size 2000/4500 = 0.444444, shape 1, headroom 1 − 0.05/0.4 = 0.875,
        // transit (1000−650)/700 = 0.5, brownfield 0: (0.444444 + 0.5 + 0.875 + 0.5)/4.5 = 0.515432.
        #expect(a[1].eligible && abs(a[1].score - 0.515432098765432) < 1e-12)
        #expect(a[1].reasons == "2,500 m² residential, GRZ 0.05 (underused below 0.10), 650 m to stop Hafen")
        // P3: size 300/4500 = 0.066667, shape 1, headroom 1, transit 0 (beyond 1,000 m), brownfield 1:
        // (0.066667 + 0.5 + 1 + 0 + 1)/4.5 = 0.570370.
        #expect(abs(a[2].score - 0.570370370370370) < 1e-12)
        #expect(!a[3].eligible && a[3].score == 0)
        #expect(!a[4].eligible)
    }

    @Test func aChangedWeightReorders() throws {
        // Default: P3 (0.570) ranks above P2 (0.515). Without the brownfield criterion
        // (weight 0, Σw = 3.5): P3 = 1.566667/3.5 = 0.447619, P2 = 2.319444/3.5 = 0.662698.
        var potential = DevelopmentPotential()
        var a = try assess(potential)
        #expect(a[2].score > a[1].score)
        potential.weights.brownfield = 0
        a = try assess(potential)
        #expect(abs(a[2].score - 0.447619047619048) < 1e-12 && abs(a[1].score - 0.662698412698413) < 1e-12)
        #expect(a[1].score > a[2].score)
    }

    @Test func badParametersAreNamed() throws {
        var potential = DevelopmentPotential()
        potential.transitFar = 100
        #expect(throws: AnalysisError.invalidParameter(parameter: "transit_far_m", value: "100.0", expected: "more than transit_near_m (300.0)")) {
            try potential.validate()
        }
        potential = DevelopmentPotential()
        potential.weights.size = -1
        #expect(throws: AnalysisError.self) { try potential.validate() }
    }
}
