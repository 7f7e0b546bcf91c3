import Foundation
import Testing
import TestSupport

/// The modelled timetable `nordwaerts generate` writes beside the layers: the same bytes as the
/// committed datasets/dortmund/gtfs, built on the real stops and lines of vrr_stations.geojson.
@Suite struct ModelledFeedTests {
    let dataset = ExternalTools.packageRoot.appendingPathComponent("datasets/dortmund").path

    func rows(_ path: String) throws -> [[String: String]] {
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        let header = lines[0].split(separator: ",").map(String.init)
        return lines.dropFirst().map { line in
            // The feed quotes only names; ids and numbers are plain.
            var fields: [String] = [], field = "", quoted = false
            for c in line {
                if c == "\"" { quoted.toggle(); continue }
                if c == ",", !quoted { fields.append(field); field = ""; continue }
                field.append(c)
            }
            fields.append(field)
            return Dictionary(uniqueKeysWithValues: zip(header, fields))
        }
    }

    @Test func generateWritesTheCommittedFeed() throws {
        let out = try ExternalTools.temporaryDirectory().path
        let r = try ExternalTools.run(ExternalTools.nordwaerts, ["generate", "--parcels", "100", "--out", out])
        #expect(r.status == 0, "\(r.stderr)")
        for file in ["agency.txt", "calendar.txt", "feed_info.txt", "frequencies.txt", "routes.txt", "stop_times.txt", "stops.txt", "trips.txt"] {
            #expect(FileManager.default.contents(atPath: out + "/gtfs/" + file) == FileManager.default.contents(atPath: dataset + "/gtfs/" + file), "\(file)")
        }
    }

    @Test func realStopsAndTheirLines() throws {
        let vrr = try Checks.json(dataset + "/vrr_stations.geojson")["features"] as! [[String: Any]]
        var linesAt: [String: Set<String>] = [:]
        for f in vrr {
            let p = f["properties"] as! [String: Any]
            linesAt[p["id"] as! String] = Set(((p["lines"] as? String) ?? "").split(separator: ";").map(String.init))
        }
        let stops = try rows(dataset + "/gtfs/stops.txt")
        let platforms = stops.filter { $0["location_type"] == "0" }
        // Every real stop is in the feed, under its own id.
        #expect(Set(platforms.map { $0["stop_id"]! }) == Set(linesAt.keys))
        // Every call of a line is at a real stop that lists the line.
        let routes = Dictionary(uniqueKeysWithValues: try rows(dataset + "/gtfs/routes.txt").map { ($0["route_id"]!, $0["route_short_name"]!) })
        let trips = Dictionary(uniqueKeysWithValues: try rows(dataset + "/gtfs/trips.txt").map { ($0["trip_id"]!, $0["route_id"]!) })
        let stopTimes = try rows(dataset + "/gtfs/stop_times.txt")
        #expect(stopTimes.count > 5000)
        for st in stopTimes {
            let line = routes[trips[st["trip_id"]!]!]!
            #expect(linesAt[st["stop_id"]!]?.contains(line) == true, "\(line) at \(st["stop_id"]!)")
        }
        // AST (on demand) has no timetable; the Stadtbahn lines all have one.
        #expect(!routes.values.contains("AST"))
        #expect(Set(routes.values).isSuperset(of: ["U41", "U42", "U43", "U44", "U45", "U46", "U47", "U49"]))
    }
}
