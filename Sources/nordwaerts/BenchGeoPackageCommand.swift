import ArgumentParser
import Dispatch
import GeoCore
import GeoIO

extension BenchCommand {
    /// GeoPackage write and read speed on features held in memory, the way bench/gpkg_bench.py
    /// times pyogrio (a GeoDataFrame written with to_file, read with read_dataframe).
    struct GeoPackage: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "gpkg",
            abstract: "Time writing a layer held in memory to a GeoPackage (with its R-tree) and reading it back.",
            discussion: """
            Reads INPUT whole (untimed), writes it to OUT.gpkg (timed: blobs encoded on all \
            cores, rows inserted, R-tree built, file renamed into place), then reads OUT.gpkg \
            back with every geometry made in GEOS (timed). Prints one JSON line.

            Example: nordwaerts bench gpkg parcels.geojson /tmp/parcels.gpkg
            """
        )

        @Argument(help: "The layer to write (GeoJSON, CSV points or GeoPackage).")
        var input: String

        @Argument(help: "The GeoPackage to write.")
        var output: String

        func run() throws {
            try reportingErrors {
                let reader = try openFeatureReader(path: input)
                var features: [Feature] = []
                while case let batch = try reader.nextBatch(maxCount: 16384), !batch.isEmpty {
                    for case let .feature(f) in batch { features.append(f) }
                }
                var schema = Schema()
                var types: Set<GeometryType> = []
                for f in features {
                    schema.include(f.properties)
                    if let g = f.geometry { types.insert(g.type) }
                }
                let name = String((input.split(separator: "/").last ?? "layer").split(separator: ".").first ?? "layer")

                let writeStart = DispatchTime.now().uptimeNanoseconds
                let writer = try GeoPackageWriter(path: output)
                let layer = try writer.addLayer(name: name, crs: reader.crs, fields: schema.fields.map { ($0.name, $0.type) }, geometryTypes: types)
                try layer.add(contentsOf: features)
                let finishStart = DispatchTime.now().uptimeNanoseconds
                try writer.finish()
                let finishSeconds = Double(DispatchTime.now().uptimeNanoseconds - finishStart) / 1e9
                let writeSeconds = Double(DispatchTime.now().uptimeNanoseconds - writeStart) / 1e9
                features = []

                let readStart = DispatchTime.now().uptimeNanoseconds
                let back = try GeoPackageReader(path: output)
                var count = 0, rejected = 0
                while case let batch = try back.nextBatch(maxCount: 16384, workers: Cores.available * 2, transform: { item, _ -> Bool in
                    if case .feature = item { return true } else { return false }
                }), !batch.isEmpty {
                    count += batch.filter { $0 }.count
                    rejected += batch.filter { !$0 }.count
                }
                let readSeconds = Double(DispatchTime.now().uptimeNanoseconds - readStart) / 1e9
                print("{\"features\": \(count), \"rejected\": \(rejected), \"write_s\": \(writeSeconds), \"of_which_finish_s\": \(finishSeconds), \"read_s\": \(readSeconds)}")
            }
        }
    }
}
