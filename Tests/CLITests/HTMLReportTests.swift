import Foundation
import Testing
import TestSupport

/// report.html in a real browser: headless Chromium with the network off.
@Suite struct HTMLReportTests {
    let dataset = ExternalTools.packageRoot.appendingPathComponent("datasets/dortmund").path

    /// Chromium's DOM after scripts, and what it logged; nil (with SKIPPED) when Chromium is missing.
    func browse(_ file: String) throws -> (dom: String, log: String)? {
        guard let chromium = ["chromium", "chromium-browser", "google-chrome"].first(where: ExternalTools.isAvailable) else {
            FileHandle.standardError.write(Data("SKIPPED: chromium is not installed (apt-get install chromium), so report.html is not tested in a browser\n".utf8))
            return nil
        }
        // As root Chromium needs --no-sandbox; the proxy and resolver rules cut every network request.
        let r = try ExternalTools.run(chromium, ["--headless", "--no-sandbox", "--disable-gpu", "--proxy-server=127.0.0.1:9",
                                                 "--host-resolver-rules=MAP * ~NOTFOUND", "--enable-logging=stderr", "--v=0",
                                                 "--virtual-time-budget=2000", "--dump-dom", "file://" + file])
        #expect(r.status == 0, "\(r.stderr.suffix(2000))")
        return (r.stdout, r.stderr)
    }

    func matches(_ pattern: String, _ text: String) throws -> [[String]] {
        let regex = try NSRegularExpression(pattern: pattern, options: [.dotMatchesLineSeparators])
        return regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).map { m in
            (0..<m.numberOfRanges).map { Range(m.range(at: $0), in: text).map { String(text[$0]) } ?? "" }
        }
    }

    @Test func defaultReportInChromium() throws {
        let out = try ExternalTools.temporaryDirectory().path + "/run"
        let run = try ExternalTools.run(ExternalTools.nordwaerts, ["run", "--out", out, "--quiet"])
        #expect(run.status == 0, "\(run.stderr)")
        let html = try String(contentsOfFile: out + "/report.html", encoding: .utf8)
        // Self-contained and small: nothing fetched from anywhere.
        #expect(html.utf8.count < 2_000_000)
        #expect(try matches(#"(src|href)\s*=\s*"(https?:)?//"#, html).isEmpty)
        #expect(!html.contains("@import") && !html.contains("url("))
        guard let (dom, log) = try browse(out + "/report.html") else { return }
        #expect(!log.contains("Uncaught") && !log.contains("ERROR:CONSOLE"), "\(log.suffix(2000))")
        // One SVG per map; one path per district in each district map.
        let maps = try matches(#"<svg class="map" id="([^"]+)"(.*?)</svg>"#, dom)
        #expect(maps.count == 12, "\(maps.map { $0[1] })")   // with the ÖV-Güteklassen and the walking catchments
        // Choropleths colour shares, densities and indices, never raw totals.
        let ids = Set(maps.map { $0[1] })
        #expect(ids.isSuperset(of: ["map-served_share", "map-residents_in_reach_share", "map-residents_65p_in_reach_share",
                                    "map-potential_share", "map-solar_mwh_per_km2"]), "\(ids)")
        #expect(ids.isDisjoint(with: ["map-potential_area_m2", "map-solar_mwh_per_a", "map-population"]))
        for map in maps where map[1].hasPrefix("map-") {
            let districts = try matches(#"<path class="district""#, map[2]).count
            #expect(districts == 12, "\(map[1]): \(districts) district paths")
            // Every legend class's colour is used inside its map.
            let body = map[2].replacingOccurrences(of: #"<g class="legend">.*?</g>"#, with: "", options: .regularExpression)
            for swatch in try matches(#"class="legend-swatch"[^>]*fill="(#[0-9a-f]{6})""#, map[2]) {
                #expect(body.contains("fill=\"\(swatch[1])\""), "\(map[1]): legend colour \(swatch[1]) not in the map")
            }
            #expect(map[2].contains("class=\"scalebar\"") && map[2].contains("class=\"north\"") && map[2].contains("class=\"attribution\""))
            #expect(try !matches(#"<title id="[^"]+-title">[^<]+</title><desc"#, map[2]).isEmpty, "\(map[1]) has no title and description")
        }
        // The indicator table: 12 districts, Nordwärts, the rest and the whole city.
        let indicators = try #require(try matches(#"<h2 id="indicators">.*?<tbody>(.*?)</tbody>"#, dom).first)
        #expect(try matches("<tr", indicators[1]).count == 15)
        // Georeference: the first vertex of Innenstadt-Nord (id 04) in the served-share map,
        // mapped back through the declared transform (easting = x, northing = −y), lies within
        // a pixel of a vertex of the district in the input file.
        let served = try #require(maps.first { $0[1] == "map-served_share" })[2]
        let pixelText = try #require(try matches(#"data-pixel-m="([0-9.]+)""#, dom).first)
        let pixel = try #require(Double(pixelText[1]))
        let path = try #require(try matches(#"<path class="district" data-id="04" d="M([-0-9.]+) ([-0-9.]+)[lLZ]"#, served).first)
        let x = try #require(Double(path[1])), y = try #require(Double(path[2]))
        let easting = x, northing = -y
        let source = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dataset + "/stadtbezirke.geojson"))) as! [String: Any]
        let nord = (source["features"] as! [[String: Any]]).first { ($0["properties"] as! [String: Any])["id"] as? String == "04" }!
        let ring = ((nord["geometry"] as! [String: Any])["coordinates"] as! [[[Double]]])[0]
        let nearest = ring.map { (($0[0] - easting) * ($0[0] - easting) + ($0[1] - northing) * ($0[1] - northing)).squareRoot() }.min()!
        #expect(nearest <= pixel, "the vertex (\(easting) \(northing)) is \(nearest) m from the district's nearest vertex; a pixel is \(pixel) m")
    }

    @Test func variantReportInChromium() throws {
        let out = try ExternalTools.temporaryDirectory().path + "/runs"
        let scenario = ExternalTools.packageRoot.appendingPathComponent("datasets/scenarios/more-transit.yaml").path
        let run = try ExternalTools.run(ExternalTools.nordwaerts, ["run", scenario, "--out", out, "--quiet"])
        #expect(run.status == 0, "\(run.stderr)")
        for page in ["report.html", "baseline/report.html", "stop-scharnhorst/report.html"] {
            #expect(FileManager.default.fileExists(atPath: "\(out)/\(page)"), "\(page)")
        }
        guard let (dom, log) = try browse(out + "/report.html") else { return }
        #expect(!log.contains("Uncaught"))
        // A difference map per variant, with the 12 districts, and a table of changes.
        let maps = try matches(#"<svg class="map" id="map-change-([^"]+)"(.*?)</svg>"#, dom)
        #expect(maps.map { $0[1] } == ["stop-scharnhorst", "transit-weighted"])
        for map in maps { #expect(try matches(#"<path class="district""#, map[2]).count == 12) }
        #expect(dom.contains("served_share_change"))
    }
}
