import Foundation
import Testing
import GeoCore
import GeoIO
import TestSupport
@testable import UrbanAnalysis

/// The three checks on the real layers of ../shared/data/dortmund against GeoPandas/Shapely 2
/// (Reference/real_checks.py made Reference/real_checks.json).
@Suite struct RealLayerChecks {
    let base = "data/dortmund/"

    func reference() throws -> [String: Any] {
        let url = ExternalTools.packageRoot.appendingPathComponent("Tests/UrbanAnalysisTests/Reference/real_checks.json")
        return try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
    }

    func districts() throws -> ReportingUnits? {
        guard let url = ExternalTools.sharedFile(base + "stadtbezirke-fjonnw/dortmund_stadtbezirke_epsg25832.geojson") else { return nil }
        var (layer, _) = try Layer.read(path: url.path, name: "districts")
        layer.features = layer.features.map { f in
            var f = f
            f.properties["id"] = f.properties["stbeznr"]
            return f
        }
        return try ReportingUnits(layer)
    }

    @Test func addressesWithinReachOfTheStadtbahn() throws {
        guard let units = try districts(),
              let addressFile = ExternalTools.sharedFile(base + "kor-addrlink/dortmund_adressen.csv"),
              let stopFile = ExternalTools.sharedFile(base + "vrr-gtfs-dortmund-index/vrr_dortmund_stations.geojson") else { return }
        let expected = try reference()
        let (addresses, summary) = try Layer.read(path: addressFile.path, name: "addresses", options: ReadOptions(crs: .etrs89UTM32N))
        #expect(summary.kept == 109_700 && addresses.count == expected["addresses"] as! Int)
        let (stops, _) = try Layer.read(path: stopFile.path, name: "stops")
        let u4 = AttributeFilter(field: "lines", matches: "U4[0-9]")
        let assignment = try DistrictAssignment().run(addresses, units: units)
        for (method, key) in [(Catchment.Method.radius, "served_radius_500"), (.bufferUnion, "served_buffer_union_500_q8")] {
            let catchment = try Catchment.single(radius: 500, method: method, quadrantSegments: 8, filter: u4).prepare(stops)
            #expect(catchment.facilities.count == expected["u4_stops"] as! Int)
            let served = try addresses.features.parallelMap { try catchment.reach($0.geometry!).served }
            #expect(served.filter { $0 }.count == expected[key] as! Int, "\(method)")
            var perDistrict = [String: Int]()
            for (i, shares) in assignment.enumerated() where served[i] {
                for s in shares { perDistrict[units.ids[s.unit], default: 0] += 1 }
            }
            let want = expected[key + "_by_district"] as! [String: Int]
            for (id, count) in want { #expect((perDistrict[id] ?? 0) == count, "\(method) \(id)") }
        }
    }

    @Test func rs1KilometresPerDistrict() throws {
        guard let units = try districts(), let file = ExternalTools.sharedFile(base + "radschnellwege/rs1_radschnellweg_ruhr.geojson") else { return }
        let (rs1, _) = try Layer.read(path: file.path, name: "rs1")
        let km = try CorridorProximity().prepare(rs1).kilometres(in: units)
        let want = try reference()["rs1_km_by_district"] as! [String: Double]
        for (u, id) in units.ids.enumerated() {
            #expect(abs(km[u][0] - want[id]!) < 1e-6, "\(id): \(km[u][0]) km")
        }
        // SOURCES.md: 21.94 km of the RS1 lie in Dortmund, 9.01 of them in Brackel.
        #expect(abs(km.map { $0[0] }.reduce(0, +) - 21.94) < 0.01)
        #expect(abs(km[units.ids.firstIndex(of: "3")!][0] - 9.01) < 0.005)
    }

    @Test func dbStationsPerDistrict() throws {
        guard let units = try districts(), let file = ExternalTools.sharedFile(base + "db-stations/dortmund_db_stations.geojson") else { return }
        let (stations, _) = try Layer.read(path: file.path, name: "stations")
        let shares = try DistrictAssignment().run(stations, units: units)
        let want = try reference()["db_station_district"] as! [String: String?]
        #expect(stations.count == 44 && want.count == 44)
        for (i, station) in stations.features.enumerated() {
            let name = station.properties["name"]!.stringValue!
            #expect(shares[i].first.map { units.ids[$0.unit] } == want[name]!, "\(name)")
        }
    }
}
