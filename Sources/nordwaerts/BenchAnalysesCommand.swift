import ArgumentParser
import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif
import GeoCore
import GeoIO
import UrbanAnalysis

extension BenchCommand {
    /// Times each analysis on a dataset folder (the benchmark kit's data by default layout).
    struct Analyses: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Time each analysis of the parcel study on a dataset (for developers).",
            discussion: """
            Reads parcels.geojson, districts.geojson (or stadtbezirke.geojson) and stops.geojson \
            (or vrr_stations.geojson) from DATA, then times reading with repair, parcel metrics, \
            the district join, development potential, district indicators and a 1 km grid, and \
            prints one line per stage, peak memory, and a JSON line last.

            Example: python3 ../shared/bench/gen_data.py --out /tmp/n100k --parcels 100000 && \
            nordwaerts bench analyses --data /tmp/n100k
            """
        )

        @Option(help: "The dataset folder.")
        var data: String

        func run() throws {
            try reportingErrors {
                var stages: [(String, Double)] = []
                func timed<T>(_ name: String, _ body: () throws -> T) rethrows -> T {
                    let start = ContinuousClock.now
                    let value = try body()
                    let d = ContinuousClock.now - start
                    let seconds = Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
                    stages.append((name, seconds))
                    printError("\(name): \(decimalText(seconds, decimals: 3)) s")
                    return value
                }
                func first(_ names: [String]) -> String {
                    names.map { data + "/" + $0 }.first { FileManager.default.fileExists(atPath: $0) } ?? data + "/" + names[0]
                }
                let (parcels, summary) = try timed("read_parcels") { try Layer.read(path: first(["parcels.geojson"]), name: "parcels") }
                let (districts, _) = try Layer.read(path: first(["districts.geojson", "stadtbezirke.geojson"]), name: "districts")
                let (stopLayer, _) = try Layer.read(path: first(["stops.geojson", "vrr_stations.geojson"]), name: "stops")
                let (corridorLayer, _) = try Layer.read(path: first(["corridors.geojson"]), name: "corridors")
                func optional(_ file: String) throws -> Layer? {
                    FileManager.default.fileExists(atPath: data + "/" + file) ? try Layer.read(path: data + "/" + file, name: file).0 : nil
                }
                let buildingLayer = try optional("buildings.geojson")
                let water = try optional("quays.geojson")
                let units = try ReportingUnits(districts)
                let stops = try Facilities(stopLayer)
                let measures = try timed("parcel_metrics") { try ParcelMetrics().run(parcels: parcels) }
                let shares = try timed("district_assignment") { try DistrictAssignment().run(parcels, units: units) }
                let weighted = try timed("district_assignment_area_weighted") { try DistrictAssignment(method: .areaWeighted).run(parcels, units: units) }
                let potential = try timed("development_potential") { try DevelopmentPotential().run(parcels: parcels, measures: measures, stops: stops) }
                _ = timed("district_indicators") { DistrictIndicators().run(units: units, measures: measures, assignment: shares, potential: potential) }
                _ = weighted
                _ = try timed("grid_1km_indicators") {
                    let grid = try ReportingUnits.grid(cellSize: 1000, covering: parcels.envelope)
                    let cells = try DistrictAssignment().run(parcels, units: grid)
                    return DistrictIndicators().run(units: grid, measures: measures, assignment: cells, potential: potential)
                }
                // Layer II.
                let catchment = try timed("catchment_prepare_500m") { try Catchment.single(radius: 500).prepare(stopLayer) }
                let reach = try timed("catchment_shares") { try parcels.features.parallelMap(minimumChunk: 64) { try catchment.reach($0.geometry!) } }
                _ = try timed("underserved_areas") { try UnderservedAreas().run(parcels: parcels, measures: measures, catchment: catchment) }
                _ = timed("served_share_and_residents") {
                    DistrictIndicators().run(units: units, measures: measures, assignment: shares, catchmentShares: reach.map(\.share))
                }
                let corridors = try timed("corridor_prepare") { try CorridorProximity().prepare(corridorLayer) }
                _ = try timed("corridor_proximity_300m") { try parcels.features.parallelMap(minimumChunk: 64) { try corridors.measure($0.geometry!) } }
                let harbour = HarbourZone()
                let positions = try timed("harbour_zone") {
                    try harbour.run(parcels: parcels, zone: harbour.zone(given: nil, parcels: parcels, measures: measures), water: water)
                }
                let conflicts = try timed("emission_conflicts") { try EmissionZones().run(parcels: parcels, measures: measures) }
                _ = try timed("conversion_candidates") { try ConversionCandidates().run(parcels: parcels, measures: measures, harbour: positions, stops: stops) }
                _ = try timed("potential_with_conflicts") {
                    try DevelopmentPotential().run(parcels: parcels, measures: measures, stops: stops, conflicts: conflicts.map { $0 != nil })
                }
                if let buildingLayer {
                    _ = try timed("rooftop_solar") { try RooftopSolar().run(buildings: buildingLayer) }
                }
                let rss = Soak.peakResidentMiB()
                printError("parcels: \(summary.kept) (\(summary.repaired) repaired); peak RSS \(decimalText(rss, decimals: 1)) MiB")
                let fields = stages.map { "\"\($0.0)\":\(decimalText($0.1, decimals: 4))" }.joined(separator: ",")
                print("{\"tool\":\"nordwaerts\",\"parcels\":\(summary.kept),\"stages\":{\(fields)},\"max_rss_mib\":\(decimalText(rss, decimals: 1))}")
            }
        }
    }
}

extension BenchCommand.Soak {
    /// Peak resident memory of this process (VmHWM in /proc/self/status), MiB.
    static func peakResidentMiB() -> Double {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return 0 }
        return (Double(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) / 1024
    }
}
