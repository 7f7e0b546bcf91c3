import Foundation
import Testing
import TestSupport

/// `transit-quality` in a working CRS other than EPSG:25832 (issue 17), with bands drawn along
/// the streets (`method: network`) and as circles. The place: Berlin, working CRS EPSG:25833,
/// districts given in WGS 84, parcels and streets in EPSG:25833. The station's position in the
/// working CRS comes from PROJ's `cs2cs`; the bands around it are worked out by hand from the
/// street geometry (as in ``NetworkBandsTests``: a near bank through the station, a bridge at
/// -200 m, a far bank 100 m across the canal).
@Suite struct TransitWorkingCRSCLITests {
    /// Y (13.40 E, 52.52 N) in EPSG:25833 by cs2cs.
    func station() throws -> (x: Double, y: Double) {
        let r = try ExternalTools.run("cs2cs", ["-f", "%.6f", "OGC:CRS84", "EPSG:25833"], input: "13.40 52.52\n")
        let v = r.stdout.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).compactMap { Double($0) }
        return (v[0], v[1])
    }

    func run(method: String) throws -> (ExternalTools.Result, String, (x: Double, y: Double)) {
        let folder = try ExternalTools.temporaryDirectory().path
        let y = try station()
        try FileManager.default.createDirectory(atPath: folder + "/gtfs", withIntermediateDirectories: true)
        let feed: [String: String] = [
            "stops.txt": "stop_id,stop_name,stop_lat,stop_lon\nX,X,52.5100,13.4000\nY,Y,52.5200,13.4000\nZ,Z,52.5300,13.4000\n",
            "routes.txt": "route_id,route_short_name,route_type\nL,147,3\n",
            "trips.txt": "route_id,service_id,trip_id,direction_id\nL,WD,TA,0\nL,WD,TB,1\n",
            "calendar.txt": "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\nWD,1,1,1,1,1,0,0,20260302,20260331\n",
            "frequencies.txt": "trip_id,start_time,end_time,headway_secs\nTA,06:00:00,20:00:00,600\nTB,06:00:00,20:00:00,600\n",
            "stop_times.txt": "trip_id,arrival_time,departure_time,stop_id,stop_sequence\n"
                + "TA,00:00:00,00:00:00,X,1\nTA,00:05:00,00:05:00,Y,2\nTA,00:10:00,00:10:00,Z,3\n"
                + "TB,00:00:00,00:00:00,Z,1\nTB,00:05:00,00:05:00,Y,2\nTB,00:10:00,00:10:00,X,3\n",
        ]
        for (name, text) in feed { try text.write(toFile: folder + "/gtfs/" + name, atomically: true, encoding: .utf8) }
        let utm33 = "\"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"urn:ogc:def:crs:EPSG::25833\"}}"
        func xy(_ dx: Double, _ dy: Double) -> String { "[\(y.x + dx),\(y.y + dy)]" }
        let streets = [[(-200.0, 0.0), (0, 0), (400, 0)], [(-200, 0), (-200, 100)], [(-200, 100), (400, 100)]].map { line in
            "{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":\"LineString\",\"coordinates\":[" + line.map { xy($0.0, $0.1) }.joined(separator: ",") + "]}}"
        }
        try ("{\"type\":\"FeatureCollection\",\(utm33),\"features\":[" + streets.joined(separator: ",") + "]}").write(toFile: folder + "/streets.geojson", atomically: true, encoding: .utf8)
        // 4 m squares: R (100, 0) 100 m on foot, Q (-100, 100) 400 m, P (100, 100) 600 m.
        let parcels = [("R", 100.0, 0.0), ("Q", -100, 100), ("P", 100, 100)].map { (id, cx, cy) in
            "{\"type\":\"Feature\",\"properties\":{\"pid\":\"\(id)\",\"landuse\":\"residential\",\"floors\":3},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[["
                + [xy(cx - 2, cy - 2), xy(cx + 2, cy - 2), xy(cx + 2, cy + 2), xy(cx - 2, cy + 2), xy(cx - 2, cy - 2)].joined(separator: ",") + "]]}}"
        }
        try ("{\"type\":\"FeatureCollection\",\(utm33),\"features\":[" + parcels.joined(separator: ",") + "]}").write(toFile: folder + "/parcels.geojson", atomically: true, encoding: .utf8)
        try """
        {"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"01","name":"Mitte","nordwaerts":true,"population":1000},
        "geometry":{"type":"Polygon","coordinates":[[[13.38,52.50],[13.42,52.50],[13.42,52.54],[13.38,52.54],[13.38,52.50]]]}}]}
        """.write(toFile: folder + "/districts.geojson", atomically: true, encoding: .utf8)
        try """
        {"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"Y"},"geometry":{"type":"Point","coordinates":[13.40,52.52]}}]}
        """.write(toFile: folder + "/stops.geojson", atomically: true, encoding: .utf8)
        try """
        working_crs: EPSG:25833
        inputs:
          districts: {path: districts.geojson}
          parcels: {path: parcels.geojson}
          stops: {path: stops.geojson}
          streets: {path: streets.geojson}
          gtfs: {path: gtfs}
        analyses:
          - kind: catchment
            method: radius
            modes: [{name: tram, minutes: 5}]
          - kind: transit-quality
            method: \(method)
        outputs:
          crs: EPSG:25833
        """.write(toFile: folder + "/s.yaml", atomically: true, encoding: .utf8)
        let r = try ExternalTools.run(ExternalTools.nordwaerts, ["run", folder + "/s.yaml", "--out", folder + "/out", "--quiet"])
        return (r, folder + "/out", y)
    }

    func features(_ path: String) throws -> [[String: Any]] {
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
        return json["features"] as! [[String: Any]]
    }

    func bounds(_ geometry: [String: Any]) -> (minX: Double, minY: Double, maxX: Double, maxY: Double) {
        var b = (minX: Double.infinity, minY: Double.infinity, maxX: -Double.infinity, maxY: -Double.infinity)
        func walk(_ v: Any) {
            if let pair = v as? [Double], pair.count >= 2 {
                b = (min(b.minX, pair[0]), min(b.minY, pair[1]), max(b.maxX, pair[0]), max(b.maxY, pair[1]))
            } else if let list = v as? [Any] { list.forEach(walk) }
        }
        walk(geometry["coordinates"]!)
        return b
    }

    func classes(_ out: String) throws -> [String: String] {
        var result: [String: String] = [:]
        for f in try features(out + "/parcels.geojson") {
            let p = f["properties"] as! [String: Any]
            result[p["pid"] as! String] = (p["pt_class"] as? String) ?? "none"
        }
        return result
    }

    @Test func networkBandsInTheWorkingCRS() throws {
        let (r, out, y) = try run(method: "network")
        #expect(r.status == 0, "\(r.stderr)")
        // On foot: R 100 m → C, Q 400 m → D, P 600 m → none.
        #expect(try classes(out) == ["R": "C", "Q": "D", "P": "none"])
        // Class C: the near bank from -200 to 300 m and the bridge, buffered by 40 m.
        let c = try features(out + "/pt_quality.geojson").first { ($0["properties"] as! [String: Any])["pt_class"] as? String == "C" }!
        let b = bounds(c["geometry"] as! [String: Any])
        for (got, want) in [(b.minX, y.x - 240), (b.maxX, y.x + 340), (b.minY, y.y - 40), (b.maxY, y.y + 140)] {
            #expect(abs(got - want) < 2e-3, "\(got) vs \(want)")
        }
        // The report: the working CRS in the map note and the SVG georeference; the minutes of a mode.
        let html = try String(contentsOfFile: out + "/report.html", encoding: .utf8)
        #expect(html.contains("(EPSG:25833), the run's working CRS") && html.contains("data-crs=\"EPSG:25833\"") && !html.contains("data-crs=\"EPSG:25832\""))
        let md = try String(contentsOfFile: out + "/report.md", encoding: .utf8)
        #expect(md.contains("tram 5 min (400 m at 4.8 km/h)"), "\(md)")
        #expect(md.contains("bands by `network`"))
        // X and Z, 1.1 km north and south of Y, are 1 km from every street.
        #expect(md.contains("2 of 3 stations lie farther than 250 m from the streets and draw no band (X, Z)."), "\(md)")
    }

    @Test func circlesAroundTheStationInTheWorkingCRS() throws {
        let (r, out, y) = try run(method: "buffer-union")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try classes(out) == ["R": "C", "Q": "C", "P": "C"])
        // Class C: the 32-gon of 300 m around Y at its cs2cs position (vertices on the axes).
        let c = try features(out + "/pt_quality.geojson").first { ($0["properties"] as! [String: Any])["pt_class"] as? String == "C" }!
        let b = bounds(c["geometry"] as! [String: Any])
        for (got, want) in [(b.minX, y.x - 300), (b.maxX, y.x + 300), (b.minY, y.y - 300), (b.maxY, y.y + 300)] {
            #expect(abs(got - want) < 2e-3, "\(got) vs \(want)")
        }
    }
}
