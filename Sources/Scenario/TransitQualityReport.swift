import GeoCore
import GeoIO
import Transit
import UrbanAnalysis

/// The HTML parts of the transit-quality analysis: its map (class polygons over the districts)
/// and its section (the residents per class with Nordwärts, rest and whole city).
extension TransitQualityRun {
    /// Colours of the classes, best first: viridis from yellow-green (A) to purple, colour-blind safe.
    static let classColours = ["#1a9850", "#66bd63", "#a6d96a", "#fee08b", "#fdae61", "#f46d43", "#d73027"]

    func mapEntry(units: ReportingUnits, frame: Envelope, attribution: String) throws -> [String: String] {
        var map = SVGMap(id: "map-pt-quality", title: "Public-transport quality classes (ÖV-Güteklassen)",
                         description: "Class polygons around the stations of the timetable (preset \(quality.preset.rawValue), \(date), \(quality.window)); the best class wins where bands overlap.",
                         frame: frame, attribution: attribution + "; timetable: " + (record.spec.modelled ? "modelled" : (record.spec.licence ?? "see inputs")))
        for u in 0..<units.count {
            map.add(units.layer.features[u].geometry!, fill: "#ffffff", stroke: "#999999", cssClass: "district", label: units.names[u], dataID: units.ids[u])
        }
        for (k, p) in self.map.polygons.enumerated().reversed() {
            let colour = TransitQualityRun.classColours[min(k, TransitQualityRun.classColours.count - 1)]
            // Drawn at the map's resolution: simplified within half a pixel (the file keeps every vertex).
            let drawn = try p.area.simplified(tolerance: map.pixel / 2)
            map.add(drawn, fill: colour, stroke: "none", opacity: 0.75, cssClass: "pt-class", label: "class \(p.name)",
                    properties: [("area ha", RunReport.format(try p.area.area() / 10_000, 1))])
        }
        for u in 0..<units.count where units.nordwaerts[u] {
            map.add(units.layer.features[u].geometry!, fill: "none", stroke: "#000000", strokeWidth: 3, cssClass: "outline", label: units.names[u] + " (Nordwärts)")
        }
        map.legendTitle = "ÖV-Güteklasse (\(quality.preset.rawValue))"
        map.legend = self.map.polygons.enumerated().map { k, p in
            (TransitQualityRun.classColours[min(k, TransitQualityRun.classColours.count - 1)], "class \(p.name)", false)
        } + [("#000000", "Nordwärts districts", true)]
        return ["svg": map.svg(),
                "caption": "ÖV-Güteklassen, preset \(quality.preset.rawValue), \(date), \(quality.window), bands by \(quality.method.rawValue). Audit per station in pt_stops.csv."]
    }

    func htmlSection() -> String {
        let table = districtTable()
        let shown = map.classNames + ["none"]
        var html = "<h2 id=\"pt-quality\">Public-transport quality (ÖV-Güteklassen)</h2>\n<p>Preset <code>\(quality.preset.rawValue)</code>, service date \(date)"
            + (quality.date == "weekday" ? " (the first Wednesday the feed serves)" : "") + ", window \(quality.window), bands by <code>\(quality.method.rawValue)</code>; "
            + "\(count.runningTrips) trips run that day; every station's category and the rule behind it are in <code>pt_stops.csv</code>.</p>\n"
        if let n = bestTwo(table, row: "nordwaerts"), let r = bestTwo(table, row: "rest") {
            let best = map.classNames.prefix(2).joined(separator: "–")
            html += "<p><strong>Residents in classes \(best): Nordwärts \(RunReport.format(n.residents, 0)) (\(RunReport.format(100 * n.share, 1)) %), "
                + "rest of the city \(RunReport.format(r.residents, 0)) (\(RunReport.format(100 * r.share, 1)) %).</strong></p>\n"
        }
        html += "<table><thead><tr><th scope=\"col\">district</th>" + shown.map { "<th scope=\"col\">residents \(SVGMap.escape($0))</th>" }.joined()
            + "<th scope=\"col\">SDG 11.2.1</th>" + TransitQualityRun.dgClasses.prefix(3).map { "<th scope=\"col\">DG REGIO \($0)</th>" }.joined() + "</tr></thead><tbody>"
        for r in table.rows.indices {
            let id = table[r, "id"]?.description ?? ""
            html += "<tr\(["nordwaerts", "rest", "city"].contains(id) ? " class=\"group\"" : "")><th scope=\"row\">\(SVGMap.escape(table[r, "name"]?.description ?? ""))</th>"
            html += shown.map { "<td>\(table[r, "residents_\($0)"]?.doubleValue.map { RunReport.format($0, 0) } ?? "–")</td>" }.joined()
            html += "<td>\(table[r, "sdg_11_2_1_share"]?.doubleValue.map { RunReport.format(100 * $0, 1) + " %" } ?? "–")</td>"
            html += TransitQualityRun.dgClasses.prefix(3).map { "<td>\(table[r, "residents_dg_regio_\($0)"]?.doubleValue.map { RunReport.format($0, 0) } ?? "–")</td>" }.joined()
            html += "</tr>"
        }
        return html + "</tbody></table>\n<p class=\"note\">Residents are spread over residential and mixed floor area (or addresses); a parcel takes the class at its point on surface. "
            + "SDG 11.2.1: residents within \(RunReport.format(quality.sdgLowCapacityM, 0)) m of a bus or tram station or \(RunReport.format(quality.sdgHighCapacityM, 0)) m of a rail or metro station with departures; "
            + "DG REGIO classes by departures per hour (low &lt; \(RunReport.format(quality.dgRegioEdges[0], 0)), high ≥ \(RunReport.format(quality.dgRegioEdges[1], 0))).</p>\n"
    }
}
