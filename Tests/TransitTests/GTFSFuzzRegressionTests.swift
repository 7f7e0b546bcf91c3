import Foundation
import Testing
import TestSupport
import Transit

/// The seeds of the GTFS fuzzer and every input it ever found (Fuzz/regressions/gtfs) are
/// read as the harness reads them, without a crash: departures counted, or a typed error.
@Suite struct GTFSFuzzRegressionTests {
    @Test func gtfsInputsNeverCrash() throws {
        var inputs: [URL] = []
        for folder in ["Fuzz/corpus/gtfs", "Fuzz/regressions/gtfs"] {
            let url = ExternalTools.packageRoot.appendingPathComponent(folder)
            inputs += try FileManager.default.contentsOfDirectory(at: url, includingPropertiesForKeys: nil).filter { !$0.lastPathComponent.hasPrefix(".") }
        }
        #expect(inputs.count >= 4)
        var counted: [String: Int] = [:], refused: [String] = []
        for url in inputs {
            do {
                let feed = try GTFSFeed(source: GTFSSource(name: url.lastPathComponent, packed: Array(try Data(contentsOf: url))))
                guard let date = feed.calendar.firstWednesday() else { continue }
                let count = try DepartureCount(feed: feed, date: date, window: TimeWindow(start: 6 * 3600, end: 20 * 3600))
                counted[url.lastPathComponent] = count.tallies.values.reduce(0) { $0 + $1.departures }
            } catch is GTFSError {
                refused.append(url.lastPathComponent)
            }
        }
        // The seed without stop_times.txt is refused; the embedded feed's head and the
        // hand-made feed of every rule count departures.
        #expect(refused.contains("04-no-stop-times.txt"), "\(refused)")
        #expect((counted["01-embedded-head.txt"] ?? 0) > 0 && (counted["02-every-rule.txt"] ?? 0) > 0, "\(counted)")
    }
}
