import ArgumentParser
import Dispatch
import GeoCore
import GeoIO

extension BenchCommand {
    /// Reading alone, for comparing readers with each other and with a peer's read step
    /// (bench/shapefile_bench.py sets it beside pyogrio's `read_file`).
    struct Read: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Read every feature of a layer into geometries (on all cores) and free them; print the time.",
            discussion: """
            Prints one JSON line: features, rejected, seconds (opening included). \
            Nothing is checked, reprojected or written: the time is the reader's and GEOS's.

            Example: nordwaerts bench read parcels.shp
            """
        )

        @Argument(help: "The layer to read.")
        var file: String

        @OptionGroup var input: InputOptions

        func run() throws {
            try reportingErrors {
                let start = DispatchTime.now().uptimeNanoseconds
                let reader = try input.openReader(file)
                var features = 0, rejected = 0
                while case let batch = try reader.nextBatch(maxCount: 8192, workers: Cores.available * 2, transform: { item, _ -> Bool in
                    if case .feature = item { return true } else { return false }
                }), !batch.isEmpty {
                    for kept in batch { if kept { features += 1 } else { rejected += 1 } }
                }
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                print("{\"features\":\(features),\"rejected\":\(rejected),\"seconds\":\(decimalText(seconds, decimals: 4))}")
            }
        }
    }
}
