import Foundation
import Testing
import TestSupport
@testable import Transit

/// stop_times.txt cut into pieces at line ends and parsed on worker threads
/// (``StopTimeReader``) must count exactly what one pass counts: the hand-made feed's
/// hand-worked expectations and gtfs-kit's counts on the real feeds, at piece sizes small
/// enough that every row boundary, quote fallback and reject falls somewhere else each time.
@Suite struct PiecewiseReadingTests {
    /// The expectations of ``DepartureTests/everyRuleOnATuesday()``, worked out by hand.
    static let tuesday = ["S/bus": 2, "S/tram": 6, "A/bus": 3, "A/tram": 6, "C/bus": 1]

    func count(_ feed: GTFSFeed, _ reader: StopTimeReader, date: String = "2026-03-03") throws -> (counts: [String: Int], count: DepartureCount) {
        let count = try DepartureCount(feed: feed, date: ServiceDate(date)!, window: TimeWindow("06:00-20:00")!, reader: reader)
        var out: [String: Int] = [:]
        for (key, tally) in count.tallies { out[feed.stops[key.station].id + "/" + key.mode.rawValue] = tally.departures }
        return (out, count)
    }

    @Test func everyPieceSizeCountsTheHandMadeFeedAlike() throws {
        let feed = try GTFSFeed(path: HandMadeFeed.folder())
        for pieceBytes in [1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 377, 610] {
            for blockSize in [1, 7, 64, 4096] {
                let reader = StopTimeReader(pieceBytes: pieceBytes, workers: 2, blockSize: blockSize)
                let (counts, count) = try count(feed, reader)
                #expect(counts == Self.tuesday, "pieces of \(pieceBytes) bytes, blocks of \(blockSize)")
                #expect(count.stopTimeRows == 22)
                #expect(count.rejects.map(\.line) == [21, 22, 23], "pieces of \(pieceBytes) bytes, blocks of \(blockSize)")
                #expect(count.rejects.first?.reason.contains("stop_id ZZ") == true)
                let a = count.tallies[.init(station: feed.stopIndex("A")!, mode: .bus)]
                #expect(a?.byDirection == [1, 1, 1])
            }
        }
    }

    /// A repeated stop_sequence is found while rows are applied, after parsing; its reject
    /// must fall between the parsers' rejects at its own line.
    @Test func rejectsKeepFileOrderAcrossPieces() throws {
        var text = HandMadeFeed.files["stop_times.txt"]!
        // Line 24: T2's stop 3 again (T2 already holds 3 as its highest stop: rejected, as
        // one pass rejects it); line 25: an unknown trip again.
        text += "T2,08:25:00,08:25:00,P2,3,\nT8,08:00:00,08:00:00,A,1,\n"
        let feed = try GTFSFeed(path: HandMadeFeed.folder(replacing: ["stop_times.txt": text]))
        for pieceBytes in [1, 30, 100, 300, 1 << 20] {
            let (counts, count) = try count(feed, StopTimeReader(pieceBytes: pieceBytes, workers: 2, blockSize: 16))
            #expect(counts == Self.tuesday)
            #expect(count.rejects.map(\.line) == [21, 22, 23, 24, 25], "pieces of \(pieceBytes) bytes")
            #expect(count.rejects[3].reason.contains("stop_sequence 3 appears twice in trip T2"))
            #expect(count.rejects[4].reason.contains("trip_id T8"))
        }
    }

    /// A quote may hold a line end, so from the first piece with a quote on the rest is read
    /// on one thread: the counts and lines stay those of the feed without quotes.
    @Test func aQuoteLateInTheFileFallsBackToOneThread() throws {
        let original = HandMadeFeed.files["stop_times.txt"]!
        // The same rows, T6's stop B (line 19) with its trip id quoted: the same values.
        let text = original.replacingOccurrences(of: "T6,,,B,20,", with: "\"T6\",,,B,20,")
        #expect(text != original)
        let feed = try GTFSFeed(path: HandMadeFeed.folder(replacing: ["stop_times.txt": text]))
        for pieceBytes in [1, 50, 200, 600] {
            let (counts, count) = try count(feed, StopTimeReader(pieceBytes: pieceBytes, workers: 2, blockSize: 8))
            #expect(counts == Self.tuesday, "pieces of \(pieceBytes) bytes")
            #expect(count.rejects.map(\.line) == [21, 22, 23])
        }
    }

    /// The real feeds against gtfs-kit's counts, in pieces of 4 KiB (hundreds of pieces, on
    /// two threads and on one).
    @Test(arguments: RealFeedTests.feeds) func realFeedsInSmallPiecesAgreeWithGTFSKit(feedName: String) throws {
        guard let folder = RealFeedTests.folder else {
            print("SKIPPED: gtfs-kit's real feeds are not here and pip could not fetch them (set NORDWAERTS_GTFS_FEEDS)")
            return
        }
        let reference = ExternalTools.packageRoot.appendingPathComponent("Tests/TransitTests/Reference/gtfs_kit_departures.json")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: reference)) as! [String: [String: Any]]
        let theirs = json[feedName]!["departures"] as! [String: Int]
        let feed = try GTFSFeed(path: folder + "/" + feedName)
        let date = feed.calendar.firstWednesday()!
        for reader in [StopTimeReader(pieceBytes: 4096, workers: 2, blockSize: 1000), StopTimeReader(pieceBytes: 4096, workers: 1)] {
            let count = try DepartureCount(feed: feed, date: date, window: TimeWindow("06:00-20:00")!, reader: reader)
            var ours: [String: Int] = [:]
            for (key, tally) in count.tallies { ours[feed.stops[key.station].id + "|" + key.mode.rawValue] = tally.departures }
            #expect(ours == theirs, "\(feedName), \(reader.workers) worker(s)")
            #expect(count.rejects.isEmpty)
        }
    }
}
