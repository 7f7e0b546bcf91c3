import Foundation
import Testing
import TestSupport
@testable import Transit

/// Departures counted on ``HandMadeFeed``, each expectation worked out by hand from its trips.
@Suite struct DepartureTests {
    func counts(_ feed: GTFSFeed, _ date: String, _ window: String = "06:00-20:00") throws -> [String: Int] {
        let count = try DepartureCount(feed: feed, date: ServiceDate(date)!, window: TimeWindow(window)!)
        var out: [String: Int] = [:]
        for (key, tally) in count.tallies { out[feed.stops[key.station].id + "/" + key.mode.rawValue] = tally.departures }
        return out
    }

    @Test func everyRuleOnATuesday() throws {
        let feed = try GTFSFeed(path: HandMadeFeed.folder())
        // S bus: T1 P1 07:00 and T6 P1 09:00 (T2 ends at P2, T3's P1 is 24:10, outside the window).
        // S tram: T5 at P1 06:00, 06:10, …, 06:50. A bus: T1 07:10, T2 08:10, T6 09:10 (T3 23:50 outside).
        // A tram: 06:05 … 06:55. C bus: T2 08:00 (its first stop; C is the last stop of T1, T3, T6).
        // B: T6 passes without times. T4 (rail) runs only on the 4th.
        #expect(try counts(feed, "2026-03-03") == ["S/bus": 2, "S/tram": 6, "A/bus": 3, "A/tram": 6, "C/bus": 1])
    }

    @Test func timesPastMidnightBelongToTheirServiceDay() throws {
        let feed = try GTFSFeed(path: HandMadeFeed.folder())
        // Up to 26:00 of the Tuesday: T3's A 23:50 and P1 24:10 count too (C 24:30 is its last stop).
        #expect(try counts(feed, "2026-03-03", "06:00-26:00") == ["S/bus": 3, "S/tram": 6, "A/bus": 4, "A/tram": 6, "C/bus": 1])
        // The Tuesday's 24:10 is not 00:10 of the Wednesday: nothing runs then on the 4th but T4.
        #expect(try counts(feed, "2026-03-04", "00:00-06:00").isEmpty)
    }

    @Test func calendarDatesRemoveAndAdd() throws {
        let feed = try GTFSFeed(path: HandMadeFeed.folder())
        // Wednesday the 4th: WD removed, EXTRA added: only T4, whose A has pickup_type 1 and C is last.
        #expect(try counts(feed, "2026-03-04") == ["S/rail": 1])
        #expect(feed.calendar.firstWednesday() == ServiceDate("2026-03-04"))
        // Without the exceptions the first Wednesday is the 4th through WD, and T4 never runs.
        let plain = try GTFSFeed(path: HandMadeFeed.folder(replacing: ["calendar_dates.txt": "service_id,date,exception_type\n"]))
        #expect(plain.rejects.contains { $0.file == "trips.txt" && $0.reason.contains("EXTRA") })
        #expect(try counts(plain, "2026-03-04") == ["S/bus": 2, "S/tram": 6, "A/bus": 3, "A/tram": 6, "C/bus": 1])
        // A Saturday: nothing.
        #expect(try counts(feed, "2026-03-07").isEmpty)
    }

    @Test func directionsAndRoutesAreKept() throws {
        let feed = try GTFSFeed(path: HandMadeFeed.folder())
        let count = try DepartureCount(feed: feed, date: ServiceDate("2026-03-03")!, window: TimeWindow("06:00-20:00")!)
        let a = count.tallies[.init(station: feed.stopIndex("A")!, mode: .bus)]!
        // T1 (0) 07:10, T2 (1) 08:10, T6 (none) 09:10.
        #expect(a.byDirection == [1, 1, 1])
        #expect(a.routes == [feed.routes.firstIndex { $0.id == "BUS" }!])
    }

    @Test func malformedRowsAreRejectedWithFileLineAndReason() throws {
        let feed = try GTFSFeed(path: HandMadeFeed.folder())
        let count = try DepartureCount(feed: feed, date: ServiceDate("2026-03-03")!, window: TimeWindow("06:00-20:00")!)
        #expect(count.stopTimeRows == 22)
        #expect(count.rejects.map(\.line) == [21, 22, 23])
        #expect(count.rejects[0].reason.contains("stop_id ZZ"))
        #expect(count.rejects[1].reason.contains("7:6:00"))
        #expect(count.rejects[2].reason.contains("trip_id T9"))
        // The quoted name, the byte order mark and CRLF.
        #expect(feed.stops[feed.stopIndex("A")!].name == "Platz, \"Nord\"")
        #expect(feed.stops.map(\.id) == ["S", "P1", "P2", "A", "B", "C"])
        #expect(feed.station(of: feed.stopIndex("P2")!) == feed.stopIndex("S"))
        #expect(feed.agencies == ["DSW21"])
    }

    @Test func missingFilesAndColumnsAreTyped() throws {
        #expect(throws: GTFSError.missingFeed(path: "/nonexistent/feed.zip")) { try GTFSFeed(path: "/nonexistent/feed.zip") }
        let noTrips = try HandMadeFeed.folder(replacing: ["trips.txt": nil])
        #expect(throws: GTFSError.missingFile(feed: noTrips, file: "trips.txt")) { try GTFSFeed(path: noTrips) }
        let noCalendar = try HandMadeFeed.folder(replacing: ["calendar.txt": nil, "calendar_dates.txt": nil])
        #expect(throws: GTFSError.missingFile(feed: noCalendar, file: "calendar.txt or calendar_dates.txt")) { try GTFSFeed(path: noCalendar) }
        let badHeader = try HandMadeFeed.folder(replacing: ["routes.txt": "route_id,route_short_name\nBUS,456\n"])
        #expect(throws: GTFSError.missingColumn(file: badHeader + "/routes.txt", column: "route_type")) { try GTFSFeed(path: badHeader) }
    }

    @Test func aZipCountsAsTheFolderDoes() throws {
        let folder = try HandMadeFeed.folder()
        let zip = try ExternalTools.temporaryDirectory().appendingPathComponent("feed.zip").path
        let names = HandMadeFeed.files.keys.sorted()
        let result = try ExternalTools.run("/usr/bin/env", ["python3", "-c", """
            import sys, zipfile
            with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
                for name in sys.argv[3:]: z.write(sys.argv[2] + "/" + name, "feed/" + name)
            """, zip, folder] + names)
        #expect(result.status == 0, "\(result.stderr)")
        let fromZip = try GTFSFeed(path: zip)
        #expect(try counts(fromZip, "2026-03-03") == counts(GTFSFeed(path: folder), "2026-03-03"))
        #expect(fromZip.source.kind == .zip)
    }

    @Test func csvScannerSplitsAnywhere() throws {
        // Every split point of a tricky text gives the same rows.
        let text = Array("\u{FEFF}a,b\r\n\"x,\"\"y\"\"\",2\r\n\r\n\"multi\nline\",3\nlast,4".utf8)
        func rows(splitAt k: Int) throws -> [[String]] {
            var scanner = CSVScanner()
            var out: [[String]] = []
            let collect: (borrowing CSVRow) throws -> Void = { row in out.append((0..<row.count).map { row.string($0) }) }
            try text[..<k].withUnsafeBytes { try scanner.feed($0, collect) }
            try text[k...].withUnsafeBytes { try scanner.feed($0, collect) }
            try scanner.finish(collect)
            return out
        }
        let expected = [["a", "b"], ["x,\"y\"", "2"], ["multi\nline", "3"], ["last", "4"]]
        for k in 0...text.count { #expect(try rows(splitAt: k) == expected, "split at \(k)") }
    }

    @Test func timesAndDates() throws {
        #expect(try GTFSTime.seconds("25:10:00") == 90_600)
        #expect(try GTFSTime.seconds(" 7:05:09") == 25_509)
        #expect(try GTFSTime.seconds("") == nil)
        #expect(throws: (any Error).self) { try GTFSTime.seconds("7:5:00") }
        #expect(ServiceDate("2026-03-04")!.weekday == 2)     // a Wednesday
        #expect(ServiceDate("20240229")!.description == "2024-02-29")
        #expect(ServiceDate("20230229") == nil)
        #expect(TimeWindow("06:00-20:00") == TimeWindow(start: 21_600, end: 72_000))
        #expect(TimeWindow("20:00-06:00") == nil)
    }
}
