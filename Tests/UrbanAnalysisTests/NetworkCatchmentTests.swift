import Foundation
import Testing
import GeoCore
import GeoIO
import TestSupport
@testable import UrbanAnalysis

/// The network catchment in the study, worked out by hand on a canal with one bridge.
@Suite struct NetworkCatchmentTests {
    /// West bank x = 0, east bank x = 100, one bridge at y = -800; a stop on the east bank at
    /// (100, 0); streets as line features.
    func canal() throws -> (streets: Layer, stops: Layer) {
        func line(_ id: String, _ points: [(Double, Double)]) throws -> Feature {
            Fixtures.feature(id, try Geometry(lineString: points.map { Coordinate($0.0, $0.1) }, crs: Fixtures.utm))
        }
        let streets = Fixtures.layer("streets", [
            try line("west", [(0, -1000), (0, -800), (0, 0), (0, 1000)]),
            try line("east", [(100, -1000), (100, -800), (100, 0), (100, 1000)]),
            try line("bridge", [(0, -800), (100, -800)]),
        ])
        let stops = Fixtures.layer("stops", [Fixtures.feature("S", try Geometry(x: 100, y: 0, crs: Fixtures.utm), ["name": .string("Hafen")])])
        return (streets, stops)
    }

    @Test func crowFlySaysServedTheNetworkDoesNot() throws {
        let (streets, stops) = try canal()
        let c = Catchment.single(radius: 300, method: .network)
        let prepared = try NetworkCatchment.Prepared(c, streets: streets, facilities: stops)
        // A 20 × 20 m parcel on the west bank centred on (-20, 0): point on surface (-20, 0),
        // 120 m from the stop as the crow flies; on foot 20 + 800 + 100 + 800 = 1,720 m.
        let west = try prepared.walk(Fixtures.box(-30, -10, -10, 10))
        #expect(west.servedCrowFly && !west.servedOnFoot && west.distance == nil && west.snap == 20 && !west.offNetwork)
        // On the east bank, 50 m north of the stop and 10 m off the street: 10 + 50 on foot,
        // √(10² + 50²) straight.
        let east = try prepared.walk(Geometry(x: 110, y: 50, crs: Fixtures.utm))
        #expect(east.servedOnFoot && east.servedCrowFly && east.distance == 60 && east.facility == 0)
        #expect(abs(east.straight! - (10.0 * 10 + 50 * 50).squareRoot()) < 1e-12)
        // The catchment stays on the east bank: 300 m either way along the east street, buffered 40 m.
        let area = try #require(prepared.areasByMode.first).area
        let capArea = 0.5 * 32 * 40 * 40 * sin(2 * Double.pi / 32)
        #expect(abs(try area.area() - (600 * 80 + capArea)) < 1e-6)
        #expect(try !area.intersects(Geometry(x: 0, y: 0, crs: Fixtures.utm)))
    }

    @Test func perDistrictServedOnFootBesideCrowFlyAndTheDetour() throws {
        var tallies = NetworkCatchment.Tallies(units: 1)
        let share = [DistrictAssignment.Share(unit: 0, weight: 1)]
        tallies.add(.init(distance: 60, facility: 0, snap: 10, offNetwork: false, servedOnFoot: true, servedCrowFly: true, straight: 50), shares: share)
        tallies.add(.init(distance: nil, facility: nil, snap: 20, offNetwork: false, servedOnFoot: false, servedCrowFly: true, straight: nil), shares: share)
        tallies.add(.init(distance: 300, facility: 0, snap: 300, offNetwork: true, servedOnFoot: false, servedCrowFly: false, straight: 100), shares: share)
        let columns = Dictionary(uniqueKeysWithValues: tallies.columns.map { ($0.name, $0) })
        #expect(columns["walk_served_count"]!.numerators == [1] && columns["crowfly_served_count"]!.numerators == [2])
        #expect(columns["walk_served_share"]!.denominators! == [3] && columns["off_network_count"]!.numerators == [1])
        // Detours 60/50 = 1.2 and 300/100 = 3: the median of two is their mean.
        #expect(NetworkCatchment.Tallies.median(tallies.detours[0]) == 2.1)
    }

    @Test func missingStreetsNamesTheAnalysis() throws {
        let (_, stops) = try canal()
        var study = ParcelStudy.parcelsAndDistricts
        study.walking = Catchment.single(radius: 300, method: .network)
        let districts = Fixtures.layer("districts", [Fixtures.feature("1", try Fixtures.box(-500, -500, 500, 500), ["name": .string("Hafen")])])
        #expect { try ParcelStudy.Context(.init(districts: districts, stops: stops), study: study) } throws: { error in
            "\(error)".contains("catchment (method network)") && "\(error)".contains("streets")
        }
    }

    /// The study's network catchment on the embedded dataset's modelled streets against networkx
    /// with Shapely snapping (Tests/StreetNetworkTests/Reference/walk_reference.py, case dortmund).
    @Test func embeddedStreetsMatchNetworkx() throws {
        struct Case: Decodable { let name: String; let cutoff_m: Double; let facilities: [[Double]]; let origins: [[Double]]; let walk_m: [Double?]; let snap_m: [Double] }
        struct Reference: Decodable { let cases: [Case] }
        let root = ExternalTools.packageRoot
        let reference = try JSONDecoder().decode(Reference.self, from: Data(contentsOf: root.appendingPathComponent("Tests/StreetNetworkTests/Reference/walk_reference.json")))
        let c = try #require(reference.cases.first { $0.name == "dortmund" })
        let (streets, _) = try Layer.read(path: root.appendingPathComponent("datasets/dortmund/streets.geojson").path, name: "streets")
        let stops = Fixtures.layer("stops", try c.facilities.enumerated().map { k, p in
            Fixtures.feature("S\(k)", try Geometry(x: p[0], y: p[1], crs: Fixtures.utm), ["name": .string("S\(k)")])
        })
        let prepared = try NetworkCatchment.Prepared(Catchment.single(radius: c.cutoff_m, method: .network), streets: streets, facilities: stops)
        var reached = 0
        for (k, o) in c.origins.enumerated() {
            let w = try prepared.walk(Geometry(x: o[0], y: o[1], crs: Fixtures.utm))
            #expect(abs(w.snap! - c.snap_m[k]) <= 1e-6)
            switch (w.distance, c.walk_m[k]) {
            case (nil, nil): break
            case let (mine?, theirs?): #expect(abs(mine - theirs) <= 1e-6, "origin \(k): \(mine) vs networkx \(theirs)"); reached += 1
            default: Issue.record("origin \(k): walk_m \(String(describing: w.distance)) vs networkx \(String(describing: c.walk_m[k]))")
            }
            // Served on foot exactly when networkx reaches the origin within the one radius.
            #expect(w.servedOnFoot == (c.walk_m[k] != nil))
        }
        #expect(reached == c.walk_m.compactMap { $0 }.count && reached > 300)
    }
}
