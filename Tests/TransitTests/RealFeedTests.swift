import Foundation
import Testing
import TestSupport
@testable import Transit

/// Departures on real feeds (the ones gtfs-kit's source distribution ships: Cairns, the NYC
/// subway, Google's sample with frequencies) against the independent count of
/// `Reference/gtfs_kit_departures.py` (gtfs-kit and pandas), kept in
/// `Reference/gtfs_kit_departures.json`.
@Suite struct RealFeedTests {
    static let feeds = ["cairns_gtfs.zip", "nyc_subway_gtfs.zip", "sample_gtfs.zip"]

    /// The folder with the feeds: `$NORDWAERTS_GTFS_FEEDS`, else gtfs-kit 13.0.1's sdist
    /// fetched once with pip into .build/gtfs-kit-data (PyPI by package name).
    static let folder: String? = {
        if let dir = ProcessInfo.processInfo.environment["NORDWAERTS_GTFS_FEEDS"] { return dir }
        let dir = ExternalTools.packageRoot.appendingPathComponent(".build/gtfs-kit-data").path
        if feeds.allSatisfy({ FileManager.default.fileExists(atPath: dir + "/" + $0) }) { return dir }
        guard let tmp = try? ExternalTools.temporaryDirectory().path,
              let r = try? ExternalTools.run("python3", ["-m", "pip", "download", "--no-deps", "--no-binary", ":all:", "gtfs_kit==13.0.1", "-d", tmp]),
              r.status == 0,
              let t = try? ExternalTools.run("tar", ["xzf", tmp + "/gtfs_kit-13.0.1.tar.gz", "-C", tmp]), t.status == 0 else { return nil }
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for feed in feeds { try? FileManager.default.copyItem(atPath: tmp + "/gtfs_kit-13.0.1/data/" + feed, toPath: dir + "/" + feed) }
        return feeds.allSatisfy({ FileManager.default.fileExists(atPath: dir + "/" + $0) }) ? dir : nil
    }()

    @Test(arguments: feeds) func departuresAgreeWithGTFSKit(feedName: String) throws {
        guard let folder = Self.folder else {
            print("SKIPPED: gtfs-kit's real feeds are not here and pip could not fetch them (set NORDWAERTS_GTFS_FEEDS)")
            return
        }
        let reference = ExternalTools.packageRoot.appendingPathComponent("Tests/TransitTests/Reference/gtfs_kit_departures.json")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: reference)) as! [String: [String: Any]]
        let expected = json[feedName]!
        let feed = try GTFSFeed(path: folder + "/" + feedName)
        let date = feed.calendar.firstWednesday()!
        #expect(date.description == expected["date"] as? String)
        let count = try DepartureCount(feed: feed, date: date, window: TimeWindow("06:00-20:00")!)
        var ours: [String: Int] = [:]
        for (key, tally) in count.tallies { ours[feed.stops[key.station].id + "|" + key.mode.rawValue] = tally.departures }
        let theirs = (expected["departures"] as! [String: Int])
        #expect(ours == theirs)
        #expect(!ours.isEmpty)
        let differing = Set(ours.keys).union(theirs.keys).filter { ours[$0] != theirs[$0] }.sorted().prefix(10)
        #expect(differing.isEmpty, "\(differing.map { "\($0): ours \(ours[$0] ?? 0), gtfs-kit \(theirs[$0] ?? 0)" })")
        #expect(count.rejects.isEmpty && feed.rejects.isEmpty, "\(feed.rejects.prefix(5)) \(count.rejects.prefix(5))")
    }
}
