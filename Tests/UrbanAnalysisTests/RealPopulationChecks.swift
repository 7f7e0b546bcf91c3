import Foundation
import Testing
import GeoCore
import GeoIO
import TestSupport
@testable import UrbanAnalysis

/// Residents and the 65+ within 500 m of a Stadtbahn stop per Stadtbezirk, from the Zensus 2011
/// grid spread over the addresses of the embedded dataset, against GeoPandas/Shapely 2
/// (Reference/population_checks.py made Reference/population_checks.json).
@Suite struct RealPopulationChecks {
    let data = ExternalTools.packageRoot.appendingPathComponent("datasets/dortmund").path

    @Test func residentsAndOlderResidentsInReachPerDistrict() throws {
        let url = ExternalTools.packageRoot.appendingPathComponent("Tests/UrbanAnalysisTests/Reference/population_checks.json")
        let expected = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        let (districts, _) = try Layer.read(path: data + "/stadtbezirke.geojson", name: "districts")
        let (cells, _) = try Layer.read(path: data + "/zensus2011_1km.geojson", name: "population")
        let (addresses, _) = try Layer.read(path: data + "/addresses.csv", name: "addresses", options: ReadOptions(crs: .etrs89UTM32N))
        let (stops, _) = try Layer.read(path: data + "/vrr_stations.geojson", name: "stops")
        #expect(addresses.count == expected["addresses"] as! Int)
        let units = try ReportingUnits(districts)
        let u4 = AttributeFilter(field: "lines", matches: "U4[0-9]")
        let methods = try [Catchment.Method.radius, .bufferUnion].map { method -> PopulationDistribution.ReachMethod in
            let prepared = try Catchment.single(radius: 500, mode: "stadtbahn", method: method, quadrantSegments: 8, filter: u4).prepare(stops)
            #expect(prepared.facilities.count == expected["u4_stops"] as! Int)
            return prepared.reachMethod
        }
        let distribution = PopulationDistribution(populationField: "pop_sum_agegroups", ageFields: ["a_u18", "a_18_29", "a_30_49", "a_50_64", "a_65p"])
        let grid = try distribution.prepare(cells, studyArea: try Geometry.unaryUnion(of: districts.geometries))
        let result = try distribution.run(grid: grid, addresses: try PopulationDistribution.Addresses(addresses, units: units, methods: methods))

        func close(_ got: Double, _ want: Double, _ what: String) {
            #expect(abs(got - want) <= 1e-6 * max(1, abs(want)), "\(what): \(got) vs GeoPandas \(want)")
        }
        let want = expected["districts"] as! [String: [String: Double]]
        #expect(want.count == 12)
        for (u, id) in units.ids.enumerated() {
            let w = try #require(want[id])
            for (name, k) in [("residents", 0), ("residents_65p", 5)] {
                close(result.population[u][k], w[name]!, "\(id) \(name)")
                for (m, method) in result.methods.enumerated() {
                    close(result.inReach[m][u][k], w["\(name)_in_reach_\(method)"]!, "\(id) \(name) in reach (\(method))")
                }
            }
        }
        let totals = expected["totals"] as! [String: [String: Double]]
        for (name, k) in [("residents", 0), ("residents_65p", 5)] {
            let t = totals[name]!
            close(result.input[k], t["input"]!, "\(name) input")
            close(result.outside[k], t["outside"]!, "\(name) outside")
            close(result.distributed[k], t["distributed"]!, "\(name) distributed")
            close(result.unassigned[k], t["unassigned"]!, "\(name) unassigned")
        }
    }
}
