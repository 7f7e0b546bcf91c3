import Foundation
import Testing
import GeoCore
import GeoIO
import TestSupport
@testable import UrbanAnalysis

/// The district analyses against GeoPandas/Shapely 2 (Reference/district_indicators.py made
/// the CSV files beside it) and the real districts against their source documentation.
@Suite struct ReferenceTests {
    let dataset = ExternalTools.packageRoot.appendingPathComponent("datasets/dortmund").path

    /// The reference table: id → column → value.
    func reference(_ name: String) throws -> [String: [String: Double]] {
        let url = ExternalTools.packageRoot.appendingPathComponent("Tests/UrbanAnalysisTests/Reference/\(name)")
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
        let header = lines[0].split(separator: ",").map(String.init)
        var rows: [String: [String: Double]] = [:]
        for line in lines.dropFirst() {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            rows[fields[0]] = Dictionary(uniqueKeysWithValues: zip(header.dropFirst(), fields.dropFirst().map { Double($0)! }))
        }
        return rows
    }

    func compare(_ table: Table, _ expected: [String: [String: Double]]) {
        #expect(expected.count > 0)
        for row in table.rows.indices {
            guard case let .string(id) = table[row, "id"]!, let want = expected[id] else { continue }
            for (column, value) in want {
                let ours = table[row, column]!.doubleValue!
                #expect(abs(ours - value) <= 1e-9 * max(1, abs(value)), "\(id) \(column): \(ours) vs GeoPandas \(value)")
            }
        }
        #expect(Set(table.rows.compactMap { $0[0].stringValue }).isSuperset(of: expected.keys))
    }

    @Test func embeddedDatasetAgreesWithGeoPandas() throws {
        let (parcels, _) = try Layer.read(path: dataset + "/parcels.geojson", name: "parcels")
        let (districts, _) = try Layer.read(path: dataset + "/stadtbezirke.geojson", name: "districts")
        let (buildings, _) = try Layer.read(path: dataset + "/buildings.geojson", name: "buildings")
        let (stops, _) = try Layer.read(path: dataset + "/vrr_stations.geojson", name: "stops")
        let results = try ParcelStudy().run(parcels: parcels, inputs: .init(districts: districts, buildings: buildings, stops: stops))
        compare(results.districtTable, try reference("embedded_districts.csv"))
    }

    @Test func benchmarkDataAgreesWithGeoPandas() throws {
        // ../shared/bench/gen_data.py, 10k parcels, seed 7, 1 % invalid (repaired as stage b).
        guard let generator = ExternalTools.sharedFile("bench/gen_data.py") else { return }
        let dir = try ExternalTools.temporaryDirectory().path
        let made = try ExternalTools.run("python3", [generator.path, "--out", dir, "--parcels", "10000", "--seed", "7", "--invalid-rate", "0.01"])
        #expect(made.status == 0, "\(made.stderr)")
        let (parcels, summary) = try Layer.read(path: dir + "/parcels.geojson", name: "parcels")
        // The generator's manifest counts the invalid parcels it wrote: each is repaired, none lost.
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/manifest.json"))) as! [String: Any]
        let invalid = (manifest["parcel_stats"] as! [String: Any])["invalid"] as! Int
        #expect(invalid > 50 && summary.repaired == invalid && summary.kept == 10000)
        let (districts, _) = try Layer.read(path: dir + "/districts.geojson", name: "districts")
        let results = try ParcelStudy.parcelsAndDistricts.run(parcels: parcels, inputs: .init(districts: districts))
        compare(results.districtTable, try reference("gendata_10k_districts.csv"))
    }

    @Test func realDistrictsMatchTheirSourceDocumentation() throws {
        // ../shared/data/dortmund/SOURCES.md §1: areas in km² per Stadtbezirk, the union
        // 280.561 km², the five Nordwärts districts 112.56 km².
        let documented: [String: Double] = [
            "Innenstadt-West": 13.754, "Innenstadt-Nord": 14.410, "Innenstadt-Ost": 11.259, "Eving": 22.883,
            "Scharnhorst": 31.419, "Brackel": 30.862, "Aplerbeck": 24.964, "Hörde": 29.771, "Hombruch": 34.957,
            "Lütgendortmund": 22.434, "Huckarde": 15.091, "Mengede": 28.757,
        ]
        let (layer, _) = try Layer.read(path: dataset + "/stadtbezirke.geojson", name: "districts")
        let units = try ReportingUnits(layer)
        #expect(units.count == 12)
        for (name, area) in zip(units.names, units.areas) {
            #expect(abs(area / 1e6 - documented[name]!) < 0.0005, "\(name): \(area / 1e6) km²")
        }
        let north = zip(units.nordwaerts, units.areas).filter(\.0).map(\.1).reduce(0, +)
        #expect(Set(zip(units.names, units.nordwaerts).filter(\.1).map(\.0)) == ["Innenstadt-Nord", "Eving", "Scharnhorst", "Mengede", "Huckarde"])
        #expect(abs(north / 1e6 - 112.56) < 0.005)
        #expect(abs(units.areas.reduce(0, +) / 1e6 - 280.561) < 0.001)
    }
}
