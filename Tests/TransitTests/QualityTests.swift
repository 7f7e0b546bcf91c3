import Foundation
import Testing
import GeoCore
import TestSupport
@testable import Transit

/// Grading and class bands, worked out by hand on a line with a 10-minute Takt (the bin edge).
@Suite struct QualityTests {
    /// One bus line X – Y – Z, both directions every 600 s from 06:00 to before 20:00 (84 runs
    /// each), as frequency-based trips: Y has 168 departures in 06:00–20:00, X 84 (direction 0
    /// starts there, direction 1 ends there), Z 84.
    static func taktFeed(routeType: Int = 3) throws -> GTFSFeed {
        try GTFSFeed(path: HandMadeFeed.folder(replacing: [
            "stops.txt": "stop_id,stop_name,stop_lat,stop_lon\nX,X,51.5100,7.4600\nY,Y,51.5200,7.4600\nZ,Z,51.5300,7.4600\n",
            "routes.txt": "route_id,route_short_name,route_type\nL,456,\(routeType)\n",
            "trips.txt": "route_id,service_id,trip_id,direction_id\nL,WD,TA,0\nL,WD,TB,1\n",
            "calendar_dates.txt": nil, "agency.txt": nil,
            "frequencies.txt": "trip_id,start_time,end_time,headway_secs\nTA,06:00:00,20:00:00,600\nTB,06:00:00,20:00:00,600\n",
            "stop_times.txt": "trip_id,arrival_time,departure_time,stop_id,stop_sequence\n"
                + "TA,00:00:00,00:00:00,X,1\nTA,00:05:00,00:05:00,Y,2\nTA,00:10:00,00:10:00,Z,3\n"
                + "TB,00:00:00,00:00:00,Z,1\nTB,00:05:00,00:05:00,Y,2\nTB,00:10:00,00:10:00,X,3\n",
        ]))
    }

    func grades(_ q: TransitQuality, _ feed: GTFSFeed) throws -> [String: StationGrade] {
        let count = try DepartureCount(feed: feed, date: q.serviceDate(in: feed), window: q.window)
        return Dictionary(uniqueKeysWithValues: try q.grade(feed, count).map { ($0.stationID, $0) })
    }

    @Test func aTenMinuteTaktOnTheBinEdge() throws {
        let feed = try Self.taktFeed()
        var q = TransitQuality(preset: .are)
        #expect(try q.serviceDate(in: feed) == ServiceDate("2026-03-04"))   // the first Wednesday of WD
        var y = try grades(q, feed)["Y"]!
        // 168 departures, halved 84, 840 min / 84 = 10 min exactly: [10, 20) × urban → IV.
        #expect(y.departures == 168 && y.effectiveDepartures == 84 && y.intervalMinutes == 10)
        #expect(y.category == 4 && y.type == "urban")
        #expect(y.rule.contains("[10, 20)") && y.rule.contains("category IV"))
        // Closed above, (5, 10]: III.
        q.closedSide = .upper
        y = try grades(q, feed)["Y"]!
        #expect(y.category == 3 && y.rule.contains("(5, 10]"))
        // GOAT: bus is type C; [10, 20) → 4, (5, 10] → 3.
        var goat = TransitQuality(preset: .goat)
        #expect(try grades(goat, feed)["Y"]!.category == 4)
        goat.closedSide = .upper
        #expect(try grades(goat, feed)["Y"]!.category == 3)
        // As a tram (900) with GOAT: type B; [10, 20) → 3.
        #expect(try grades(TransitQuality(preset: .goat), Self.taktFeed(routeType: 900))["Y"]!.category == 3)
        // As a Stadtbahn (401): ARE grades it urban (IV), GOAT as A (2), ARE with stadtbahn: rail → III.
        let metro = try Self.taktFeed(routeType: 401)
        #expect(try grades(TransitQuality(preset: .are), metro)["Y"]!.category == 4)
        #expect(try grades(TransitQuality(preset: .goat), metro)["Y"]!.category == 2)
        var asRail = TransitQuality(preset: .are)
        asRail.stadtbahn = "rail"
        #expect(try grades(asRail, metro)["Y"]!.category == 3)
    }

    @Test func directionRules() throws {
        let feed = try Self.taktFeed()
        // X: 84 departures, all direction 0 (direction 1 ends there).
        var q = TransitQuality(preset: .are)
        #expect(try grades(q, feed)["X"]!.intervalMinutes == 20)          // halved: 42 → 20 min → [20, 40) → V
        #expect(try grades(q, feed)["X"]!.category == 5)
        q.directions = .halveIfBoth
        #expect(try grades(q, feed)["X"]!.intervalMinutes == 10)          // one direction: 84 → 10 min → IV
        #expect(try grades(q, feed)["Y"]!.intervalMinutes == 10)          // both: halved as before
        q.directions = TransitQuality.DirectionRule.none
        #expect(try grades(q, feed)["Y"]!.intervalMinutes == 5)           // 168 → 5 min → [5, 10) → III
        #expect(try grades(q, feed)["Y"]!.category == 3)
        q.directions = nil
        q.interval = .windowOverBusiestDirection
        #expect(try grades(q, feed)["Y"]!.intervalMinutes == 10)          // 84 each way
        // A shorter window: the interval is the window over its departures.
        q = TransitQuality(preset: .are)
        q.window = TimeWindow("06:00-06:30")!
        // 06:00–06:30: Y has 3 + 3 departures, halved 3, 30 / 3 = 10 min.
        #expect(try grades(q, feed)["Y"]!.intervalMinutes == 10)
        // Z in 06:00–07:00: 6 departures of direction 1, not halved: 10 min, [10, 20) → IV;
        // with a single bin below 5 min it is past the last bin and has no category.
        q.directions = TransitQuality.DirectionRule.none
        q.window = TimeWindow("06:00-07:00")!
        #expect(try grades(q, feed)["Z"]!.intervalMinutes == 10 && grades(q, feed)["Z"]!.category == 4)
        q.intervalEdges = [5]
        q.categories = [["urban": 1]]
        #expect(try grades(q, feed)["Z"]!.category == nil && grades(q, feed)["Z"]!.rule.contains("past the last bin"))
    }

    @Test func railNodes() throws {
        // Three rail routes through Y make it a rail node under ARE: I for < 5 min.
        let folder = try HandMadeFeed.folder(replacing: [
            "stops.txt": "stop_id,stop_name,stop_lat,stop_lon\nX,X,51.51,7.46\nY,Y,51.52,7.46\n",
            "routes.txt": "route_id,route_short_name,route_type\nR1,S1,109\nR2,S2,109\nR3,RE3,106\n",
            "trips.txt": "route_id,service_id,trip_id,direction_id\nR1,WD,T1,0\nR2,WD,T2,0\nR3,WD,T3,0\n",
            "calendar_dates.txt": nil, "agency.txt": nil,
            "frequencies.txt": "trip_id,start_time,end_time,headway_secs\nT1,06:00:00,20:00:00,1200\nT2,06:00:00,20:00:00,1200\nT3,06:00:00,20:00:00,3600\n",
            "stop_times.txt": "trip_id,arrival_time,departure_time,stop_id,stop_sequence\n"
                + "T1,00:00:00,00:00:00,Y,1\nT1,00:05:00,00:05:00,X,2\nT2,00:00:00,00:00:00,Y,1\nT2,00:05:00,00:05:00,X,2\n"
                + "T3,00:00:00,00:00:00,Y,1\nT3,00:05:00,00:05:00,X,2\n",
        ])
        let feed = try GTFSFeed(path: folder)
        // Y: 42 + 42 + 14 = 98 departures, halved 49, 840 / 49 = 17.14 min: [10, 20).
        let y = try grades(TransitQuality(preset: .are), feed)["Y"]!
        #expect(y.type == "rail-node" && y.category == 2 && y.departures == 98)
        var q = TransitQuality(preset: .are)
        q.railNodeMinRoutes = 4
        #expect(try grades(q, feed)["Y"]!.type == "rail" && grades(q, feed)["Y"]!.category == 3)
    }

    @Test func presetTablesAreTheDocumentedOnes() throws {
        let oerok = TransitQuality.presetRules(.oerok)
        #expect(oerok.classes[0] == ["A", "A", "B", "C", "D"])
        #expect(oerok.classes[3] == ["C", "D", "E", "F", "G"])
        #expect(oerok.classes[7] == ["G", "", "", "", ""])
        #expect(oerok.categories[6] == ["rail-node": 6, "rail": 7, "urban": 8])
        let goat = TransitQuality.presetRules(.goat)
        #expect(goat.categories[0] == ["A": 1, "B": 1, "C": 2] && goat.categories[5] == ["A": 5, "B": 6, "C": 7])
        for preset in TransitQuality.Preset.allCases { _ = try TransitQuality(preset: preset).rules() }
        var bad = TransitQuality()
        bad.intervalEdges = [10, 5]
        #expect(throws: GTFSError.self) { try bad.validate() }
        bad = TransitQuality()
        bad.stadtbahn = "ferry"
        #expect(throws: GTFSError.self) { try bad.validate() }
    }

    @Test func bandsAroundAStation() throws {
        // Y is category IV under ARE: C within 300 m, D within 500 m, nothing beyond.
        let feed = try Self.taktFeed()
        let q = TransitQuality(preset: .are)
        let count = try DepartureCount(feed: feed, date: q.serviceDate(in: feed), window: q.window)
        let grades = try q.grade(feed, count).filter { $0.stationID == "Y" }
        let utm = CRS.etrs89UTM32N
        var radius = q
        radius.method = .radius
        let exact = try QualityMap(radius, feed: feed, grades: grades, crs: utm)
        let y = exact.stations[0].location.envelope
        func at(_ d: Double) throws -> Geometry { try Geometry(x: y.minX + d, y: y.minY, crs: utm) }
        #expect(try exact.classify(at(300)) == "C")
        #expect(try exact.classify(at(300.001)) == "D")
        #expect(try exact.classify(at(500)) == "D")
        #expect(try exact.classify(at(500.001)) == nil)
        // buffer-union: a 32-gon of radius r has area 16 r² sin(π/16); C is the 300 m one, D the
        // 500 m one less it.
        let drawn = try QualityMap(q, feed: feed, grades: grades, crs: utm)
        #expect(drawn.polygons.map(\.name) == ["C", "D"])
        let gon = { (r: Double) in 16 * r * r * sin(Double.pi / 16) }
        #expect(abs(try drawn.polygons[0].area.area() - gon(300)) < 1e-6)
        #expect(abs(try drawn.polygons[1].area.area() - (gon(500) - gon(300))) < 1e-6)
        #expect(try drawn.classify(at(299)) == "C")
        // SDG 11.2.1: a bus stop reaches 500 m.
        #expect(try drawn.access(at(499)).served && !drawn.access(at(501)).served)
        // 168 departures in 14 h = 12 per hour: DG REGIO "high" (≥ 10).
        #expect(try drawn.access(at(10)).dgRegioClass == "high")
    }
}
