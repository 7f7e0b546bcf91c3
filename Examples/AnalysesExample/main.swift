// A researcher's program on the toolkit's libraries, without the CLI: load three layers of the
// embedded dataset, measure the parcels, find the Stadtbahn catchments' share of each parcel,
// and write the results as RFC 7946 GeoJSON and a district table.
//
//   swift run analyses-example [DATASET_FOLDER] [OUTPUT_FOLDER]
#if canImport(Glibc)
import Glibc
#endif
import GeoIO
import UrbanAnalysis

// The work runs in a function: Swift 6 isolates top-level code to the main actor, and the
// closures handed to the toolkit's batch operations run on all cores.
func analyse(data: String, out: String) throws {
    // Layers are read, repaired and transformed into EPSG:25832 on all cores.
    let (parcels, summary) = try Layer.read(path: "\(data)/parcels.geojson", name: "parcels")
    let (districts, _) = try Layer.read(path: "\(data)/stadtbezirke.geojson", name: "districts")
    let (stops, _) = try Layer.read(path: "\(data)/vrr_stations.geojson", name: "stops")
    print("read \(summary.kept) parcels (\(summary.repaired) repaired)")

    // Analysis 1: parcel metrics (area, compactness, GRZ, …).
    let measures = try ParcelMetrics().run(parcels: parcels)

    // Analysis 2: the share of each parcel within 500 m of a Stadtbahn stop (lines U41–U49).
    let catchment = try Catchment.single(radius: 500, mode: "stadtbahn", filter: AttributeFilter(field: "lines", matches: "U4[0-9]"))
        .prepare(stops)
    let shares = try parcels.features.parallelMap { try catchment.share($0.geometry!) }

    // The results as properties, written as RFC 7946 GeoJSON.
    var results = parcels
    for i in results.features.indices {
        results.features[i].properties["area_m2"] = .double(measures[i].area)
        results.features[i].properties["compactness"] = .double(measures[i].compactness)
        results.features[i].properties["stadtbahn_share"] = .double(shares[i])
    }
    try results.write(to: "\(out)/parcels.geojson")

    // And per district, with the Nordwärts and rest-of-city rows.
    let units = try ReportingUnits(districts)
    let assignment = try DistrictAssignment().run(parcels, units: units)
    let table = DistrictIndicators().run(units: units, measures: measures, assignment: assignment, catchmentShares: shares)
    try table.write(to: "\(out)/districts.csv")
    let north = table.rows.first { $0[0] == .string("nordwaerts") }!, rest = table.rows.first { $0[0] == .string("rest") }!
    let served = table.index(of: "served_share")!
    print("parcel area within 500 m of the Stadtbahn: Nordwärts \(north[served]), rest of the city \(rest[served])")
    print("wrote \(out)/parcels.geojson and \(out)/districts.csv")
}

let arguments = CommandLine.arguments
do {
    try analyse(data: arguments.count > 1 ? arguments[1] : "datasets/dortmund", out: arguments.count > 2 ? arguments[2] : "example-out")
} catch {
    print("analyses-example: \(error)")
    exit(1)
}
