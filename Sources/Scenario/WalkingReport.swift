import Foundation
import GeoCore
import GeoIO
import UrbanAnalysis

/// The reports' part on walking distance (a catchment with `method: network`): the districts
/// where the network's served share falls furthest below the crow-fly one, and a map of both
/// catchments.
enum WalkingReport {
    /// How many districts the list shows.
    static let listed = 5

    struct Row {
        var name: String, crowFly: Double, onFoot: Double, detour: Double?
        var gap: Double { crowFly - onFoot }
    }

    /// The district rows (not the Nordwärts and rest rows), largest gap first; nil without a
    /// network catchment.
    static func rows(_ table: Table) -> [Row]? {
        guard table.index(of: "walk_served_share") != nil else { return nil }
        var rows: [Row] = []
        for r in table.rows.indices where !["nordwaerts", "rest"].contains(table[r, "id"]?.description ?? "") {
            guard let crow = table[r, "crowfly_served_share"]?.doubleValue, let walk = table[r, "walk_served_share"]?.doubleValue else { continue }
            rows.append(Row(name: table[r, "name"]?.description ?? "", crowFly: crow, onFoot: walk, detour: table[r, "walk_detour_median"]?.doubleValue))
        }
        return rows.sorted { $0.gap != $1.gap ? $0.gap > $1.gap : $0.name < $1.name }
    }

    static func share(_ v: Double) -> String { RunReport.format(100 * v, 1) + " %" }

    /// The Markdown section ("" without a network catchment).
    static func markdown(_ table: Table, walking: Catchment?) -> String {
        guard let rows = rows(table), let walking else { return "" }
        var lines = ["## Walking distance on the street network", "",
                     "Parcels served within their mode's radius as the crow flies and along the streets (`catchment` with method `network`: "
                     + "radii " + walking.reachTexts.joined(separator: ", ")
                     + "; parcels from their point on surface, snapped to the nearest street within \(RunReport.format(walking.maxSnap, 0)) m). "
                     + "The districts where the network falls furthest short of the circles:", "",
                     "| district | served, crow-fly | served, on foot | difference | median detour (walk / straight) |",
                     "| --- | ---: | ---: | ---: | ---: |"]
        for row in rows.prefix(listed) {
            lines.append("| \(row.name) | \(share(row.crowFly)) | \(share(row.onFoot)) | \(RunReport.format(100 * row.gap, 1)) points | "
                         + (row.detour.map { RunReport.format($0, 2) } ?? "–") + " |")
        }
        lines += ["", "Per parcel `walk_m`, `walk_stop`, `snap_m` are in `parcels.geojson`; per district `walk_served_share`, "
                  + "`crowfly_served_share`, `walk_detour_median`, `off_network_count` in `districts.csv`; the network catchments in `walk_catchments.geojson`."]
        return lines.joined(separator: "\n")
    }

    /// The HTML table ("" without a network catchment).
    static func html(_ table: Table) -> String {
        guard let rows = rows(table) else { return "" }
        var html = "<h3 id=\"walking\">Where walking falls short of the circles</h3><table><thead><tr><th scope=\"col\">district</th>"
            + "<th scope=\"col\">served, crow-fly</th><th scope=\"col\">served, on foot</th><th scope=\"col\">difference (points)</th>"
            + "<th scope=\"col\">median detour</th></tr></thead><tbody>"
        for row in rows.prefix(listed) {
            html += "<tr><td>\(SVGMap.escape(row.name))</td><td>\(share(row.crowFly))</td><td>\(share(row.onFoot))</td>"
                + "<td>\(RunReport.format(100 * row.gap, 1))</td><td>\(row.detour.map { RunReport.format($0, 2) } ?? "–")</td></tr>"
        }
        return html + "</tbody></table>"
    }

    /// The map of both catchments: the crow-fly one pale, the network's per mode on top.
    static func map(_ summary: ParcelStudy.Summary, frame: Envelope, attribution: String) throws -> [String: String]? {
        guard let walking = summary.context.walking else { return nil }
        let units = summary.context.units
        var map = SVGMap(id: "map-walking", title: "Catchments along the streets and as the crow flies",
                         description: "Stop catchments drawn along the street network (reached streets buffered by \(RunReport.format(walking.catchment.edgeBuffer, 0)) m) over the crow-fly catchments.",
                         frame: frame, attribution: attribution + "; stops: VRR, CC BY 4.0; streets modelled")
        for u in 0..<units.count {
            map.add(units.layer.features[u].geometry!, fill: "#ffffff", stroke: "#999999", cssClass: "district", label: units.names[u], dataID: units.ids[u])
        }
        if let crow = summary.context.catchment {
            map.add(crow.union, fill: "#fde725", stroke: "none", opacity: 0.45, cssClass: "catchment", label: "crow-fly catchment (\(crow.catchment.method.rawValue))")
        }
        let colours = ["rail": "#21918c", "stadtbahn": "#3b528b", "bus": "#5ec962"]
        for (k, area) in walking.areasByMode.enumerated().reversed() {
            // Drawn at the map's resolution: the buffers' round ends hold many vertices within one pixel.
            map.add(try area.area.simplified(tolerance: map.pixel), fill: colours[area.mode] ?? SVGMap.viridis[(k + 1) % 5], stroke: "none", opacity: 0.6, cssClass: "catchment",
                    label: "on foot: \(area.mode)")
        }
        for u in 0..<units.count where units.nordwaerts[u] {
            map.add(units.layer.features[u].geometry!, fill: "none", stroke: "#000000", strokeWidth: 3, cssClass: "outline", label: units.names[u] + " (Nordwärts)")
        }
        map.legendTitle = "Catchments"
        map.legend = (summary.context.catchment == nil ? [] : [("#fde725", "as the crow flies", false)])
            + walking.areasByMode.map { a in (colours[a.mode] ?? "#21918c", "on foot: \(a.mode) \(RunReport.format(walking.modes.first { $0.name == a.mode }?.radius ?? 0, 0)) m", false) }
            + [("#000000", "Nordwärts districts", true)]
        return ["svg": map.svg(), "caption": "Stop catchments along the streets (method network) over the crow-fly ones: where yellow shows, a circle jumps a barrier or reaches land no street reaches within the radius."]
    }
}
