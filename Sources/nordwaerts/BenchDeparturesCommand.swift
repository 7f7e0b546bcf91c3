import ArgumentParser
import FoundationEssentials
import GeoIO
import Transit

extension BenchCommand {
    /// `nordwaerts bench departures FEED`: read a GTFS feed and count departures per station
    /// and mode group for one date, as bench/gtfs_bench.py times it against gtfs-kit.
    struct Departures: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Read a GTFS feed and count departures per station and mode group on one date (for the benchmark).",
            discussion: """
            Prints the date, the counts and the time taken; --out writes station_id,mode_group,departures \
            (sorted) for a comparison with a peer.

            Example: nordwaerts bench departures datasets/dortmund/gtfs --date weekday
            """
        )

        @Argument(help: "The feed: a .zip or a folder of .txt files.")
        var feed: String

        @Option(help: "YYYY-MM-DD, or weekday (the first Wednesday the feed serves).")
        var date = "weekday"

        @Option(help: "The window, HH:MM-HH:MM.")
        var window = "06:00-20:00"

        @Option(help: "Write the counts as CSV here.")
        var out: String?

        func run() throws {
            try reportingErrors {
                guard let window = TimeWindow(self.window) else { throw CLIError(.usage, "--window: '\(self.window)' is not HH:MM-HH:MM") }
                let started = ContinuousClock.now
                let gtfs = try GTFSFeed(path: feed)
                var quality = TransitQuality()
                quality.date = date
                let day = try quality.serviceDate(in: gtfs)
                let count = try DepartureCount(feed: gtfs, date: day, window: window)
                let elapsed = ContinuousClock.now - started
                let total = count.tallies.values.reduce(0) { $0 + $1.departures }
                print("departures: \(total) at \(count.tallies.count) station × mode pairs on \(day), \(window); "
                      + "\(count.stopTimeRows) stop times, \(count.runningTrips) of \(gtfs.trips.count) trips running; "
                      + "\(gtfs.rejects.count + count.rejects.count) rows rejected; \(elapsed)")
                if let out {
                    var text = "station_id,mode_group,departures\n"
                    for (key, tally) in count.tallies.sorted(by: { (gtfs.stops[$0.key.station].id, $0.key.mode) < (gtfs.stops[$1.key.station].id, $1.key.mode) }) {
                        text += "\(gtfs.stops[key.station].id),\(key.mode.rawValue),\(tally.departures)\n"
                    }
                    let file = try OutputFile(path: out)
                    try file.write(text)
                    try file.commit()
                }
            }
        }
    }
}
