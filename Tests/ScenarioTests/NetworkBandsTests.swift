import Foundation
import Testing
import GeoCore
import GeoIO
import StreetNetwork
import TestSupport
import Transit
import UrbanAnalysis
@testable import Scenario

/// ÖV-Güteklassen drawn with `method: network` (issue 17): a station beside a canal with one
/// bridge, where the walking bands and the circles differ. Every expected value is worked out
/// by hand from the geometry below.
///
/// Station Y (bus, 168 departures 06:00–20:00: ARE category IV, class C within 300 m, D within
/// 500 m) at the origin O of local metres (its position in EPSG:25832). Streets:
/// - the near bank, one line (-200, 0) – O – (400, 0);
/// - the bridge (-200, 0) – (-200, 100);
/// - the far bank (-200, 100) – (400, 100), joined to the rest only at the bridge.
/// Walking from O: to (-200, 0) 200 m, to (-200, 100) 300 m, along the far bank 300 + (x + 200).
/// Station X (1.1 km south, category V) lies 1 km from every street: off the network.
@Suite struct NetworkBandsTests {
    static let utm = CRS.etrs89UTM32N

    struct Setup {
        var feed: GTFSFeed
        var grades: [StationGrade]
        var origin: (x: Double, y: Double)
        var snapper: EdgeSnapper
        func at(_ dx: Double, _ dy: Double) throws -> Geometry { try Geometry(x: origin.x + dx, y: origin.y + dy, crs: NetworkBandsTests.utm) }
    }

    static func setup() throws -> Setup {
        let folder = try ExternalTools.temporaryDirectory().path
        let files: [String: String] = [
            "stops.txt": "stop_id,stop_name,stop_lat,stop_lon\nX,X,51.5100,7.4600\nY,Y,51.5200,7.4600\nZ,Z,51.5300,7.4600\n",
            "routes.txt": "route_id,route_short_name,route_type\nL,456,3\n",
            "trips.txt": "route_id,service_id,trip_id,direction_id\nL,WD,TA,0\nL,WD,TB,1\n",
            "calendar.txt": "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\nWD,1,1,1,1,1,0,0,20260302,20260331\n",
            "frequencies.txt": "trip_id,start_time,end_time,headway_secs\nTA,06:00:00,20:00:00,600\nTB,06:00:00,20:00:00,600\n",
            "stop_times.txt": "trip_id,arrival_time,departure_time,stop_id,stop_sequence\n"
                + "TA,00:00:00,00:00:00,X,1\nTA,00:05:00,00:05:00,Y,2\nTA,00:10:00,00:10:00,Z,3\n"
                + "TB,00:00:00,00:00:00,Z,1\nTB,00:05:00,00:05:00,Y,2\nTB,00:10:00,00:10:00,X,3\n",
        ]
        for (name, text) in files { try text.write(toFile: folder + "/" + name, atomically: true, encoding: .utf8) }
        let feed = try GTFSFeed(path: folder)
        let q = TransitQuality(preset: .are)
        let count = try DepartureCount(feed: feed, date: q.serviceDate(in: feed), window: q.window)
        // Y and X (Z, the other terminus, is left out to keep the map to two stations).
        let grades = try q.grade(feed, count).filter { $0.stationID != "Z" }
        let y = try Transformer.shared(from: .wgs84, to: utm).transform(Coordinate(7.46, 51.52))
        let lines: [[(Double, Double)]] = [[(-200, 0), (0, 0), (400, 0)], [(-200, 0), (-200, 100)], [(-200, 100), (400, 100)]]
        let features = try lines.map { line in
            Feature(geometry: try Geometry(lineString: line.map { Coordinate(y.x + $0.0, y.y + $0.1) }, crs: utm), properties: [:])
        }
        let graph = try StreetGraph.make(from: features, crs: utm).graph
        return Setup(feed: feed, grades: grades, origin: (y.x, y.y), snapper: EdgeSnapper(graph: graph))
    }

    func map(_ s: Setup, _ method: TransitQuality.BandMethod) throws -> QualityMap {
        var q = TransitQuality(preset: .are)
        q.method = method
        let reach = method == .network ? NetworkStationReach(snapper: s.snapper, edgeBuffer: 40, maxSnap: 250) : nil
        return try QualityMap(q, feed: s.feed, grades: s.grades, crs: Self.utm, reach: reach)
    }

    @Test func classesByWalkingDistanceAcrossTheCanal() throws {
        let s = try Self.setup()
        let grades = Dictionary(uniqueKeysWithValues: s.grades.map { ($0.stationID, $0) })
        #expect(grades["Y"]?.category == 4 && grades["X"]?.category == 5)
        let network = try map(s, .network)
        let radius = try map(s, .radius)
        // (100, 0) on the near bank: 100 m on foot → C.
        #expect(try network.classify(s.at(100, 0)) == "C" && radius.classify(s.at(100, 0)) == "C")
        // (300, 0): exactly 300 m → C; (300.5, 0) → D.
        #expect(try network.classify(s.at(300, 0)) == "C")
        #expect(try network.classify(s.at(300.5, 0)) == "D")
        // (-100, 100) across the canal: 141.4 m straight (C), 200 + 100 + 100 = 400 m on foot (D).
        #expect(try radius.classify(s.at(-100, 100)) == "C")
        #expect(try network.classify(s.at(-100, 100)) == "D")
        // (100, 100): 141.4 m straight (C), 300 + 300 = 600 m on foot: no class.
        #expect(try radius.classify(s.at(100, 100)) == "C")
        #expect(try network.classify(s.at(100, 100)) == nil)
        // (0, 110), 10 m beyond the far bank: snap 10 + 300 + 200 = 510 m → none; (-10, 110): 500 m → D.
        #expect(try network.classify(s.at(0, 110)) == nil)
        #expect(try network.classify(s.at(-10, 110)) == "D")
        // Near X (category V: D within 300 m): as the crow flies D, on foot X is off the network.
        let x = network.stations.first { $0.id == "X" }!.location
        let nearX = try Geometry(x: x.x! + 50, y: x.y!, crs: Self.utm)
        #expect(try radius.classify(nearX) == "D" && network.classify(nearX) == nil)
        // SDG 11.2.1 (a bus: 500 m): (-100, 100) at 400 m served, (100, 100) at 600 m not.
        #expect(try network.access(s.at(-100, 100)).served && !network.access(s.at(100, 100)).served)
        #expect(try radius.access(s.at(100, 100)).served)
        // 12 departures an hour at Y: DG REGIO high.
        #expect(try network.access(s.at(50, 0)).dgRegioClass == "high")
    }

    @Test func bandPolygonsAreTheReachedStreetsBuffered() throws {
        let s = try Self.setup()
        let network = try map(s, .network)
        #expect(network.polygons.map(\.name) == ["C", "D"])
        // Buffers of 40 m with 8 segments per quarter circle: a segment of length L gives a
        // capsule of 2 r L + 16 r² sin(π/16) (two half 32-gons); two segments meeting at a right
        // angle at a common end overlap by r² (the inner square) + 3 quarter 32-gons, 12 r² sin(π/16).
        let r = 40.0, gon = 16 * r * r * sin(Double.pi / 16)
        func capsule(_ l: Double) -> Double { 2 * r * l + gon }
        let corner = r * r + 0.75 * gon
        // C (≤ 300 m): the near bank from -200 to 300 (500 m) and the bridge (100 m, reached whole at
        // 300 m); the far bank is touched at 300 m exactly (a piece of no length, left out).
        let c = capsule(500) + capsule(100) - corner
        // D (≤ 500 m) cumulative: the whole near bank (600 m), the bridge, the far bank to x = 0 (200 m),
        // two corners; the bands of the two banks (100 m apart) do not meet.
        let d = capsule(600) + capsule(100) + capsule(200) - 2 * corner
        #expect(abs(try network.polygons[0].area.area() - c) < 1e-3)
        #expect(abs(try network.polygons[1].area.area() - (d - c)) < 1e-3)
        // The circles around Y would cover the far bank; the network band does not reach (100, 100).
        #expect(try !network.polygons[0].area.covers(s.at(100, 100)) && !network.polygons[1].area.covers(s.at(100, 100)))
        // X is off the network: no band around it.
        let x = network.stations.first { $0.id == "X" }!.location
        #expect(try !network.polygons[1].area.covers(x))
    }

    @Test func networkWithoutStreetsIsRefused() throws {
        let s = try Self.setup()
        var q = TransitQuality(preset: .are)
        q.method = .network
        #expect(throws: GTFSError.self) { try QualityMap(q, feed: s.feed, grades: s.grades, crs: Self.utm) }
        let text = """
        inputs:
          parcels: {path: parcels.geojson}
          districts: {path: stadtbezirke.geojson}
          gtfs: {path: gtfs}
        analyses:
          - kind: transit-quality
            method: network
        """
        do {
            _ = try Scenario(text: text, file: "/tmp/s.yaml")
            Issue.record("expected an error")
        } catch let e as ScenarioError {
            guard case let .invalidValue(_, key, line, message) = e else { Issue.record("\(e)"); return }
            #expect(key == "analyses.0.method" && line == 7 && message.contains("transit-quality") && message.contains("streets") && e.exitCode == 64)
        }
    }
}
