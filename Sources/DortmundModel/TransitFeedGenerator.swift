import GeoCore
import GeoIO
import UrbanAnalysis
#if canImport(Glibc)
import Glibc
#endif

/// A modelled GTFS feed for the embedded dataset: the real lines at each real VRR stop
/// (`lines` of vrr_stations.geojson), run at headways typical of each kind of line, on one
/// weekday service. Everything about the timetable is modelled (datasets/README.md): the
/// stations are real, the order of a line's stations is the corridor generator's shortest path
/// through them, the times come from distances and a speed per kind of line, and each line
/// runs as one frequency-based trip per direction (frequencies.txt), so the feed stays small.
///
/// Stations: stops whose names differ only by a platform suffix (`Steig 1`, `Gleis 2`,
/// `Bstg 3`) share a parent station (location_type 1) at their mean position. A line calls at
/// each of its stations once, at the first of the station's stops that has the line.
public struct TransitFeedGenerator: Sendable {
    /// A kind of line: how it is recognised, its GTFS route_type, speed and timetable.
    public struct LineKind: Sendable {
        public var name: String
        public var routeType: Int
        /// Average speed between stations including dwell (km/h).
        public var speed: Double
        /// (start, end, headway) in seconds of the service day; end exclusive.
        public var periods: [(Int, Int, Int)]
    }

    static func h(_ hours: Double) -> Int { Int(hours * 3600) }

    /// The kinds of line and their headways (stated in datasets/README.md).
    public static func kind(of line: String) -> LineKind? {
        let l = line
        if l == "AST" { return nil }   // Anruf-Sammel-Taxi: on demand, no timetable
        if l.hasPrefix("U4"), l.count == 3 {
            return LineKind(name: "Stadtbahn", routeType: 401, speed: 25, periods: [(h(5), h(6), 900), (h(6), h(20), 600), (h(20), h(24), 900)])
        }
        if l == "HB1" || l == "HB2" {
            return LineKind(name: "H-Bahn", routeType: 405, speed: 20, periods: [(h(6), h(20), 600), (h(20), h(23), 1200)])
        }
        let lower = l.lowercased()
        if lower.hasPrefix("de:nrw.de:s") || (l.hasPrefix("S") && l.dropFirst().allSatisfy(\.isNumber) && l.count > 1) {
            let s1s4 = lower.hasSuffix("s1") || lower.hasSuffix("s4") || l == "S1" || l == "S4"
            return LineKind(name: "S-Bahn", routeType: 109, speed: 45, periods: [(h(5), h(24), s1s4 ? 1200 : 1800)])
        }
        if lower.hasPrefix("de:nrw.de:re") || lower.hasPrefix("de:nrw.de:rb") || l.hasPrefix("RE") || l.hasPrefix("RB") {
            return LineKind(name: "regional train", routeType: 106, speed: 60, periods: [(h(5), h(24), 3600)])
        }
        if l.hasPrefix("NE") {
            return LineKind(name: "night express", routeType: 705, speed: 22, periods: [(h(24), h(28), 3600)])
        }
        if l.hasPrefix("E") || l.hasSuffix("E") {
            // Einsatzwagen and school trips: two runs a day.
            return LineKind(name: "school and extra trips", routeType: 712, speed: 18, periods: [(h(7), h(7.5), 3600), (h(13), h(13.5), 3600)])
        }
        if l.hasPrefix("X") || l.hasPrefix("SB") || l.hasPrefix("Airport") {
            return LineKind(name: "express bus", routeType: 702, speed: 25, periods: [(h(6), h(20), 1800)])
        }
        if l.hasPrefix("de:vrr:") || l.hasPrefix("HB") {
            return LineKind(name: "other bus", routeType: 3, speed: 18, periods: [(h(6), h(20), 3600)])
        }
        return LineKind(name: "bus", routeType: 3, speed: 18, periods: [(h(5), h(6), 1800), (h(6), h(20), 1200), (h(20), h(23), 1800)])
    }

    public init() {}

    /// The feed's files (name → text) from the VRR stops (in EPSG:25832, `id`, `name`, `lines`).
    public func files(vrrStations: Layer) throws -> [(name: String, text: String)] {
        let toWGS84 = try Transformer.shared(from: vrrStations.crs, to: .wgs84)
        struct Stop { var id: String; var name: String; var position: Coordinate; var lines: [String] }
        var stops: [Stop] = []
        for f in vrrStations.features {
            guard let g = f.geometry, let x = g.x, let y = g.y else { continue }
            let lines = (f.properties["lines"]?.stringValue ?? "").split(separator: ";").map(String.init)
            stops.append(Stop(id: f.properties["id"]?.description ?? f.id?.description ?? "", name: f.properties["name"]?.description ?? "",
                              position: Coordinate(x, y), lines: lines))
        }
        // Stations: stops named alike but for a platform suffix.
        func baseName(_ name: String) -> String {
            let words = name.split(separator: " ")
            if words.count >= 3, ["Steig", "Gleis", "Bstg", "Bstg.", "Bussteig"].contains(String(words[words.count - 2])) {
                return words.dropLast(2).joined(separator: " ")
            }
            return name
        }
        var stationOf: [Int] = [], stationNames: [String] = [], members: [[Int]] = []
        var byName: [String: Int] = [:]
        for (i, s) in stops.enumerated() {
            let base = baseName(s.name)
            if let k = byName[base] {
                stationOf.append(k)
                members[k].append(i)
            } else {
                byName[base] = stationNames.count
                stationOf.append(stationNames.count)
                stationNames.append(base)
                members.append([i])
            }
        }
        let stationPosition = members.map { m in
            Coordinate(m.reduce(0) { $0 + stops[$1].position.x } / Double(m.count), m.reduce(0) { $0 + stops[$1].position.y } / Double(m.count))
        }
        func wgs(_ c: Coordinate) throws -> (String, String) {
            let p = try toWGS84.transform(c)
            return (Self.fixed(p.y, 7), Self.fixed(p.x, 7))
        }

        var stopsText = "stop_id,stop_name,stop_lat,stop_lon,location_type,parent_station\n"
        for (k, name) in stationNames.enumerated() {
            let (lat, lon) = try wgs(stationPosition[k])
            stopsText += "station:\(k + 1),\(Self.csv(name)),\(lat),\(lon),1,\n"
        }
        for (i, s) in stops.enumerated() {
            let (lat, lon) = try wgs(s.position)
            stopsText += "\(Self.csv(s.id)),\(Self.csv(s.name)),\(lat),\(lon),0,station:\(stationOf[i] + 1)\n"
        }

        var lines: [String: Set<Int>] = [:]
        for (i, s) in stops.enumerated() { for l in s.lines { lines[l, default: []].insert(stationOf[i]) } }
        var routes = "route_id,agency_id,route_short_name,route_long_name,route_type\n"
        var trips = "route_id,service_id,trip_id,direction_id\n"
        var stopTimes = "trip_id,arrival_time,departure_time,stop_id,stop_sequence,pickup_type,drop_off_type\n"
        var frequencies = "trip_id,start_time,end_time,headway_secs\n"
        for line in lines.keys.sorted() {
            guard let kind = Self.kind(of: line), lines[line]!.count >= 2 else { continue }
            let stations = lines[line]!.sorted()
            let ordered = CityGenerator.shortestPath(through: stations.map { stationPosition[$0] })
            let order = ordered.map { c in stations.first { stationPosition[$0] == c }! }
            let routeID = "r:" + line
            routes += "\(Self.csv(routeID)),VRR-MODEL,\(Self.csv(line)),\(Self.csv(kind.name + " " + line + " (modelled)")),\(kind.routeType)\n"
            for direction in 0...1 {
                let sequence = direction == 0 ? order : order.reversed()
                let tripID = "t:\(line):\(direction)"
                trips += "\(Self.csv(routeID)),WD,\(Self.csv(tripID)),\(direction)\n"
                var t = 0.0
                for (k, station) in sequence.enumerated() {
                    if k > 0 {
                        let a = stationPosition[sequence[k - 1]], b = stationPosition[station]
                        t += max(60, ((a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y)).squareRoot() / (kind.speed / 3.6))
                    }
                    let time = GTFSClock.text(Int((t / 60).rounded()) * 60)
                    let stop = members[station].first { stops[$0].lines.contains(line) }!
                    stopTimes += "\(Self.csv(tripID)),\(time),\(time),\(Self.csv(stops[stop].id)),\(k + 1),0,0\n"
                }
                for (start, end, headway) in kind.periods {
                    frequencies += "\(Self.csv(tripID)),\(GTFSClock.text(start)),\(GTFSClock.text(end)),\(headway)\n"
                }
            }
        }
        return [
            ("agency.txt", "agency_id,agency_name,agency_url,agency_timezone,agency_lang\nVRR-MODEL,Modelled timetable (nordwaerts generate; not the VRR's),https://github.com/,Europe/Berlin,de\n"),
            ("feed_info.txt", "feed_publisher_name,feed_publisher_url,feed_lang,feed_version\nnordwaerts generate (modelled: real stops and lines; modelled order, times and headways),https://github.com/,de,modelled-1\n"),
            ("calendar.txt", "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\nWD,1,1,1,1,1,0,0,20260105,20261231\n"),
            ("stops.txt", stopsText), ("routes.txt", routes), ("trips.txt", trips), ("stop_times.txt", stopTimes), ("frequencies.txt", frequencies),
        ]
    }

    /// Writes the feed as a folder of .txt files (each file atomically).
    public func write(vrrStations: Layer, to directory: String) throws {
        mkdir(directory, 0o755)   // an existing folder is fine; a failure shows when a file cannot be written
        for (name, text) in try files(vrrStations: vrrStations) {
            let file = try OutputFile(path: directory + "/" + name)
            try file.write(text)
            try file.commit()
        }
    }

    static func csv(_ text: String) -> String {
        text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + text.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\"" : text
    }

    static func fixed(_ v: Double, _ decimals: Int) -> String {
        let scale = (0..<decimals).reduce(1.0) { a, _ in a * 10 }
        let n = Int((v * scale).rounded())
        let sign = n < 0 ? "-" : ""
        let a = abs(n)
        let fraction = String(a % Int(scale))
        return sign + String(a / Int(scale)) + "." + String(repeating: "0", count: decimals - fraction.count) + fraction
    }
}

/// `HH:MM:SS` with hours past 24 kept (GTFS).
enum GTFSClock {
    static func text(_ seconds: Int) -> String {
        let h = seconds / 3600, m = seconds / 60 % 60, s = seconds % 60
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(two(h)):\(two(m)):\(two(s))"
    }
}
