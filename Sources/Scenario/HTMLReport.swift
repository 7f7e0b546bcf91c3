import Foundation
import GeoCore
import GeoIO
import Mustache
import UrbanAnalysis

/// `report.html`: one self-contained page (no network: no CDN, fonts, scripts or tiles) with a
/// map per theme as inline SVG, the indicator tables, the parameters, the inputs with their
/// checksums and licences, and the reasons behind the top development scores.
///
/// Size stays bounded at any scale: districts are drawn at the map's resolution (vertices
/// snapped to the pixel grid, see ``SVGMap``); parcel-level layers (underserved land,
/// conflicts) are drawn parcel by parcel only up to `parcelLimit` features, and as a district
/// choropleth above that; the potential map labels only the top parcels. The page says which
/// rule it used.
struct HTMLReport {
    let scenario: Scenario
    let variant: Variant?
    let record: ScenarioRunner.Record
    let summary: ParcelStudy.Summary
    let markdownContext: [String: Any]
    /// The transit-quality analysis, when the scenario lists it (a map and a section).
    var transit: TransitQualityRun? = nil
    /// Parcel-level features drawn one by one up to this count.
    static let parcelLimit = 4000
    static let topParcels = 15

    static let template = """
    <!DOCTYPE html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>{{title}}</title>
    <style>
    body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; margin: 1.5em auto; max-width: 1180px; color: #222; line-height: 1.4; }
    h1 { font-size: 1.6em; } h2 { margin-top: 1.6em; border-bottom: 1px solid #ccc; }
    .maps { display: flex; flex-wrap: wrap; gap: 12px; }
    figure { margin: 0; border: 1px solid #ddd; padding: 6px; background: #fff; width: 560px; }
    figcaption { font-size: 0.9em; color: #444; }
    svg.map { display: block; max-width: 100%; height: auto; }
    svg.map text { font-family: inherit; }
    table { border-collapse: collapse; font-size: 0.85em; margin: 0.5em 0; }
    th, td { border: 1px solid #ccc; padding: 3px 6px; text-align: right; }
    th { background: #eee; } td:first-child, th:first-child { text-align: left; }
    tr.group td { font-weight: bold; background: #f4f4ee; }
    pre { background: #f6f6f6; padding: 0.8em; overflow-x: auto; font-size: 0.8em; }
    #hover { position: fixed; right: 12px; bottom: 12px; max-width: 320px; background: #fff; border: 1px solid #888; padding: 6px; font-size: 0.8em; white-space: pre-line; display: none; }
    .note { color: #555; font-size: 0.9em; }
    </style>
    </head>
    <body>
    <h1>{{title}}</h1>
    <p class="note">{{date}} · nordwaerts {{toolkit}} · GEOS {{geos}} · PROJ {{proj}} · scenario <code>{{scenarioFile}}</code></p>
    {{#description}}<p>{{description}}</p>{{/description}}
    <p>{{headline}}</p>
    <p class="note">Maps are in {{mapCRS}}, the run's working CRS; each SVG declares its georeference (x = easting, y = −northing in metres).
    Districts are drawn at the map's resolution: vertices snapped to the pixel grid, so neighbours meet without gaps.
    {{drawingRule}} Classes are quantiles of the districts' values; colours are viridis (colour-blind safe).
    Hovering a feature shows its properties; the page reads fully without scripts.</p>

    <h2 id="maps">Maps</h2>
    <div class="maps">
    {{#maps}}
    <figure>{{{svg}}}<figcaption>{{caption}}</figcaption></figure>
    {{/maps}}
    </div>

    {{{transitSection}}}
    <h2 id="indicators">Indicators per district</h2>
    {{{indicatorTable}}}
    {{{walkingTable}}}
    <p class="note">The Nordwärts row adds up the districts marked as the programme area; ratios come from the sums.
    All columns, with units in their names, are in districts.csv.</p>

    <h2 id="residents">Residents</h2>
    {{{populationHTML}}}

    {{#changes}}
    <h2 id="changes">Changes against the baseline</h2>
    {{{changes}}}
    {{/changes}}

    <h2 id="potential">Top development potential</h2>
    {{{potentialTable}}}

    <h2 id="inputs">Inputs</h2>
    {{{inputsTable}}}

    <h2 id="parameters">Analyses and parameters</h2>
    <p>Analyses: {{analyses}}.</p>
    <pre>{{parameters}}</pre>

    <h2 id="sources">Sources and licences</h2>
    <ul>
    {{#sources}}<li>{{.}}</li>{{/sources}}
    </ul>
    <div id="hover" aria-hidden="true"></div>
    <script>
    document.querySelectorAll("svg.map path, svg.map g.marker").forEach(function (e) {
      var t = e.querySelector("title"); if (!t) return;
      e.addEventListener("mouseenter", function () { var h = document.getElementById("hover"); h.textContent = t.textContent; h.style.display = "block"; });
      e.addEventListener("mouseleave", function () { document.getElementById("hover").style.display = "none"; });
    });
    </script>
    </body>
    </html>
    """

    /// The headline indicators drawn as choropleths: (column, title, unit text).
    /// Never raw totals: shares, densities or indices (`potential_share` and
    /// `solar_mwh_per_km2` are derived from the table's totals).
    static let choropleths: [(String, String, String)] = [
        ("served_share", "Served share of parcel area", "share"),
        ("served_point_share", "Served share of points", "share"),
        ("residents_in_reach_share", "Residents within reach of a stop", "share"),
        ("residents_65p_in_reach_share", "Residents aged 65+ within reach of a stop", "share"),
        ("potential_share", "Development potential (share of parcel area)", "share"),
        ("landuse_entropy", "Land-use mix (entropy)", "index"),
        ("solar_mwh_per_km2", "Rooftop solar potential (MWh/a per km²)", "MWh/a"),
    ]

    func html() throws -> String {
        let units = summary.context.units
        let table = record.districtTable
        let frame = units.layer.envelope
        var maps: [[String: String]] = []
        let modelled = record.inputs.contains { $0.spec.modelled }
        let attribution = "Districts: Stadt Dortmund, dl-de/by-2.0" + (modelled ? "; parcels and buildings modelled" : "")

        func value(_ u: Int, _ column: String) -> Double? {
            switch column {
            case "potential_share":
                guard let a = table[u, "potential_area_m2"]?.doubleValue, let s = table[u, "parcel_area_m2"]?.doubleValue, s > 0 else { return nil }
                return a / s
            case "solar_mwh_per_km2":
                guard let e = table[u, "solar_mwh_per_a"]?.doubleValue, let a = table[u, "district_area_m2"]?.doubleValue, a > 0 else { return nil }
                return e / (a / 1e6)
            default: return table[u, column]?.doubleValue
            }
        }
        func display(_ v: Double, _ unit: String) -> String {
            switch unit {
            case "share": return RunReport.format(100 * v, 1) + " %"
            case "ha": return RunReport.format(v / 10_000, 1)
            case "MWh/a": return RunReport.format(v, 0)
            default: return RunReport.format(v, 3)
            }
        }
        func districtProperties(_ u: Int) -> [(String, String)] {
            RunReport.headline.compactMap { c in table[u, c.column].flatMap { $0.isNull ? nil : (c.heading, $0.description) } }
        }
        func outline(_ map: inout SVGMap) {
            for u in 0..<units.count where units.nordwaerts[u] {
                map.add(units.layer.features[u].geometry!, fill: "none", stroke: "#000000", strokeWidth: 3, cssClass: "outline",
                        label: units.names[u] + " (Nordwärts)")
            }
        }

        // Choropleths of the headline indicators.
        for (column, title, unit) in HTMLReport.choropleths {
            let values = (0..<units.count).compactMap { value($0, column) }
            guard values.count == units.count else { continue }
            let breaks = SVGMap.quantileClasses(values)
            var map = SVGMap(id: "map-\(column)", title: title, description: "Districts coloured by \(title.lowercased()) in \(breaks.count + 1) quantile classes; the Nordwärts districts are outlined in black.",
                             frame: frame, attribution: attribution + (column.hasPrefix("residents") && summary.population != nil
                                 ? "; Zensus 2011 © Destatis, dl-de/by-2-0" : ""))
            for u in 0..<units.count {
                let v = values[u]
                map.add(units.layer.features[u].geometry!, fill: SVGMap.viridis[SVGMap.classIndex(v, breaks)], cssClass: "district",
                        label: "\(units.names[u]): \(display(v, unit))", properties: districtProperties(u), dataID: units.ids[u])
            }
            outline(&map)
            let bounds = [values.min()!] + breaks + [values.max()!]
            map.legendTitle = title + " (quantiles)"
            map.legend = (0...breaks.count).map { k in
                (SVGMap.viridis[k], "\(display(bounds[k], unit)) – \(display(bounds[k + 1], unit))", false)
            } + [("#000000", "Nordwärts districts", true)]
            maps.append(["svg": map.svg(), "caption": "\(title) per district, quantile classes. Black outline: the Nordwärts districts."])
        }

        // Catchments and underserved residential land.
        if let catchment = summary.context.catchment {
            var map = SVGMap(id: "map-catchments", title: "Catchments and underserved residential land",
                             description: "Stop catchments by mode and residential or mixed land outside every catchment.", frame: frame,
                             attribution: attribution + "; stops: VRR, CC BY 4.0")
            for u in 0..<units.count {
                map.add(units.layer.features[u].geometry!, fill: "#ffffff", stroke: "#999999", cssClass: "district", label: units.names[u], dataID: units.ids[u])
            }
            let colours = ["rail": "#21918c", "stadtbahn": "#3b528b", "bus": "#5ec962"]
            for (k, area) in catchment.areasByMode.enumerated().reversed() {
                map.add(area.area, fill: colours[area.mode] ?? SVGMap.viridis[(k + 1) % 5], stroke: "none", opacity: 0.35, cssClass: "catchment",
                        label: "catchment: \(area.mode)")
            }
            var rule = ""
            if summary.underservedPieces.count <= HTMLReport.parcelLimit {
                // One shape per district: the pieces merged (neighbouring parcels join).
                for (district, pieces) in Dictionary(grouping: summary.underservedPieces, by: { $0.properties["district_id"]?.description ?? "" }).sorted(by: { $0.key < $1.key }) {
                    let merged = try Geometry.unaryUnion(of: pieces.map { $0.geometry! })
                    let area = pieces.reduce(0) { $0 + ($1.properties["underserved_area_m2"]?.doubleValue ?? 0) }
                    let name = units.ids.firstIndex(of: district).map { units.names[$0] } ?? district
                    map.add(merged, fill: "#d7301f", stroke: "none", cssClass: "underserved", label: "underserved land in \(name)",
                            properties: [("parcels", String(pieces.count)), ("area ha", RunReport.format(area / 10_000, 1))])
                }
            } else {
                rule = " (\(summary.underservedPieces.count) underserved pieces: more than \(HTMLReport.parcelLimit), so shown per district in the table)"
            }
            outline(&map)
            map.legendTitle = "Catchments (\(catchment.catchment.method.rawValue))"
            var legend: [(colour: String, label: String, outline: Bool)] = []
            for area in catchment.areasByMode {
                let radius = catchment.catchment.modes.first { $0.name == area.mode }?.radius ?? 0
                legend.append((colours[area.mode] ?? "#21918c", "\(area.mode) \(RunReport.format(radius, 0)) m", false))
            }
            map.legend = legend + [("#d7301f", "underserved residential/mixed land", false), ("#000000", "Nordwärts districts", true)]
            maps.append(["svg": map.svg(), "caption": "Catchments by mode (method \(catchment.catchment.method.rawValue)) and underserved residential land" + rule + "."])
        }

        if let walking = try WalkingReport.map(summary, frame: frame, attribution: attribution) { maps.append(walking) }

        // Corridors.
        if let corridors = summary.context.corridors {
            var map = SVGMap(id: "map-corridors", title: "Mobility corridors", description: "Stadtbahn, rail, cycle and road corridors.",
                             frame: frame, attribution: attribution + "; corridors modelled through real VRR and DB stops; RS1 © OpenStreetMap contributors, ODbL")
            for u in 0..<units.count {
                map.add(units.layer.features[u].geometry!, fill: "#ffffff", stroke: "#999999", cssClass: "district", label: units.names[u], dataID: units.ids[u])
            }
            let colours = ["stadtbahn": "#3b528b", "rail": "#440154", "cycle": "#5ec962", "road": "#e08214"]
            for (k, feature) in corridors.corridors.features.enumerated() {
                let kind = feature.properties["kind"]?.description ?? ""
                map.add(feature.geometry!, fill: "none", stroke: colours[kind] ?? "#21918c", strokeWidth: 2.5, cssClass: "corridor",
                        label: corridors.names[k], properties: [("kind", kind)])
            }
            outline(&map)
            map.legendTitle = "Corridors"
            map.legend = ["stadtbahn", "rail", "cycle", "road"].filter { k in corridors.corridors.features.contains { $0.properties["kind"]?.description == k } }
                .map { (colours[$0]!, $0, true) }
            maps.append(["svg": map.svg(), "caption": "Mobility corridors by kind."])
        }

        // The harbour.
        if let harbour = summary.context.harbour, !harbour.zone.isEmpty {
            let zones = try summary.context.emissions?.zoneLayer()
            var box = harbour.zone.envelope.expanded(by: 1500)
            for f in zones?.features ?? [] { box.formUnion(f.geometry!.envelope) }
            var map = SVGMap(id: "map-harbour", title: "The harbour: zone, emission zones and conflicts",
                             description: "The harbour zone, the emission zones of industrial and harbour land by distance class, and residential parcels inside them.",
                             frame: box, attribution: attribution + "; harbour modelled")
            for u in 0..<units.count {
                map.add(units.layer.features[u].geometry!, fill: "#ffffff", stroke: "#999999", cssClass: "district", label: units.names[u], dataID: units.ids[u])
            }
            let classColours = ["IV": "#fde725", "V": "#5ec962", "VI": "#21918c", "VII": "#3b528b", "III": "#b5de2b", "II": "#d8e219", "I": "#e6f598"]
            for zone in zones?.features ?? [] {
                let c = zone.properties["class"]?.description ?? ""
                map.add(zone.geometry!, fill: classColours[c] ?? "#fde725", stroke: "none", opacity: 0.3, cssClass: "emission-zone",
                        label: "emission zone class \(c) (\(zone.properties["distance_m"]?.description ?? "") m)")
            }
            map.add(harbour.zone, fill: "#440154", stroke: "#440154", opacity: 0.25, cssClass: "harbour-zone", label: "harbour zone")
            for f in harbour.water?.features ?? [] {
                map.add(f.geometry!, fill: "#6baed6", stroke: "#2171b5", strokeWidth: 1.5, cssClass: "water", label: f.properties["name"]?.description ?? "water")
            }
            var rule = ""
            let inFrame = summary.conflicts.filter { box.intersects($0.geometry!.envelope) }
            if inFrame.count <= HTMLReport.parcelLimit {
                // One shape per distance class: the parcels in conflict merged.
                for (distanceClass, parcels) in Dictionary(grouping: inFrame, by: { $0.properties["distance_class"]?.description ?? "" }).sorted(by: { $0.key < $1.key }) {
                    let merged = try Geometry.unaryUnion(of: parcels.map { $0.geometry! })
                    map.add(merged, fill: "#d7301f", stroke: "none", cssClass: "conflict", label: "residential parcels in emission zones of class \(distanceClass)",
                            properties: [("parcels", String(parcels.count))])
                }
            } else {
                rule = " (\(inFrame.count) conflicts in view: more than \(HTMLReport.parcelLimit), counted per district in the table)"
            }
            map.legendTitle = "Harbour"
            map.legend = [("#440154", "harbour zone", false), ("#6baed6", "basins, quays, canal", false)]
                + (zones?.features ?? []).map { (classColours[$0.properties["class"]?.description ?? ""] ?? "#fde725", "emission zone class \($0.properties["class"]?.description ?? "")", false) }
                + [("#d7301f", "residential parcels in conflict", false)]
            maps.append(["svg": map.svg(), "caption": "The harbour zone, emission zones after the Abstandserlass 2007 and the conflicts" + rule + "."])
        }

        if let transit { maps.append(try transit.mapEntry(units: units, frame: frame, attribution: attribution)) }

        // Top development potential.
        let potential = summary.potentialLayer(crs: .etrs89UTM32N)
        if potential.count > 0 {
            var map = SVGMap(id: "map-potential", title: "Top development potential", description: "The \(HTMLReport.topParcels) parcels with the highest development score, labelled with it.",
                             frame: frame, attribution: attribution)
            for u in 0..<units.count {
                map.add(units.layer.features[u].geometry!, fill: "#ffffff", stroke: "#999999", cssClass: "district", label: units.names[u], dataID: units.ids[u])
            }
            outline(&map)
            for f in potential.features.prefix(HTMLReport.topParcels) {
                guard let p = try? f.geometry!.pointOnSurface(), let x = p.x, let y = p.y else { continue }
                let score = f.properties["potential_score"]?.doubleValue ?? 0
                map.point(Coordinate(x, y), label: RunReport.format(score, 2), fill: "#fde725",
                          tooltip: "\(f.id?.description ?? ""): score \(RunReport.format(score, 2))\n\(f.properties["potential_reasons"]?.description ?? "")")
            }
            map.legendTitle = "Development potential"
            map.legend = [("#fde725", "top \(HTMLReport.topParcels) parcels, labelled with their score", false), ("#000000", "Nordwärts districts", true)]
            maps.append(["svg": map.svg(), "caption": "The \(HTMLReport.topParcels) parcels with the highest development score (0…1); reasons in the table below."])
        }

        var context = markdownContext
        context["title"] = "Nordwärts run" + (variant.map { ": variant \($0.name)" } ?? "")
        context["description"] = variant?.description
        context["maps"] = maps
        context["mapCRS"] = "\(scenario.workingCRS.name) (\(scenario.workingCRS.identifier))"
        context["drawingRule"] = "Parcel-level layers are drawn parcel by parcel up to \(HTMLReport.parcelLimit) features, above that per district; the potential map labels the top \(HTMLReport.topParcels) parcels."
        context["indicatorTable"] = indicatorTable()
        context["transitSection"] = transit?.htmlSection() ?? ""
        context["walkingTable"] = WalkingReport.html(table)
        context["potentialTable"] = potentialTable(potential)
        context["inputsTable"] = inputsTable()
        let population = PopulationReport(summary: summary, inputs: record.inputs, scenario: scenario)
        context["populationHTML"] = population.html()
        let north = table.rows.firstIndex { $0.first == .string("nordwaerts") }, rest = table.rows.firstIndex { $0.first == .string("rest") }
        if let facts = population.facts(), let headline = facts.headline {
            context["headline"] = headline.replacingOccurrences(of: "**", with: "").replacingOccurrences(of: "`", with: "")
        } else if let north, let rest, let n = table[north, "served_share"]?.doubleValue, let r = table[rest, "served_share"]?.doubleValue {
            context["headline"] = "Served share of parcel area: Nordwärts \(RunReport.format(100 * n, 1)) %, rest of the city \(RunReport.format(100 * r, 1)) %."
        } else {
            context["headline"] = "\(record.parcels) parcels analysed."
        }
        context["sources"] = record.inputs.map { r in
            "\(r.name): \(r.spec.modelled ? "modelled" : "real"); \(r.spec.licence ?? "licence not stated")" + (r.spec.attribution.map { "; \($0)" } ?? "")
        }
        return try MustacheTemplate(string: HTMLReport.template).render(context)
    }

    func indicatorTable() -> String {
        let table = record.districtTable
        let columns = RunReport.shownColumns(table)
        var html = "<table><thead><tr><th scope=\"col\">district</th>" + columns.map { "<th scope=\"col\">\(SVGMap.escape($0.heading))</th>" }.joined() + "</tr></thead><tbody>"
        for row in table.rows.indices {
            let id = table[row, "id"]?.description ?? ""
            html += "<tr\(["nordwaerts", "rest", "city"].contains(id) ? " class=\"group\"" : "") data-id=\"\(SVGMap.escape(id))\"><th scope=\"row\">\(SVGMap.escape(table[row, "name"]?.description ?? ""))</th>"
            for c in columns {
                guard let v = table[row, c.column], let x = v.doubleValue else { html += "<td>–</td>"; continue }
                let text: String
                if c.column.hasSuffix("_m2") { text = RunReport.format(x / 10_000, 1) } else if c.column.contains("share") { text = RunReport.format(100 * x, 1) + " %" }
                else if c.column.hasSuffix("count") || ["residents_per_km2", "solar_mwh_per_a", "population"].contains(c.column) { text = RunReport.format(x, 0) }
                else { text = RunReport.format(x, 3) }
                html += "<td>\(text)</td>"
            }
            html += "</tr>"
        }
        return html + "</tbody></table>"
    }

    func potentialTable(_ potential: Layer) -> String {
        if summary.isPointLayer { return "<p>Development potential applies to parcels (areas); this run's parcels are points.</p>" }
        guard potential.count > 0 else { return "<p>No parcel is eligible.</p>" }
        var html = "<table><thead><tr><th scope=\"col\">rank</th><th scope=\"col\">parcel</th><th scope=\"col\">district</th><th scope=\"col\">score</th><th scope=\"col\">reasons</th></tr></thead><tbody>"
        for (k, f) in potential.features.prefix(HTMLReport.topParcels).enumerated() {
            html += "<tr><td>\(k + 1)</td><td>\(SVGMap.escape(f.id?.description ?? ""))</td><td>\(SVGMap.escape(f.properties["district_id"]?.description ?? ""))</td>"
                + "<td>\(RunReport.format(f.properties["potential_score"]?.doubleValue ?? 0, 3))</td><td style=\"text-align:left\">\(SVGMap.escape(f.properties["potential_reasons"]?.description ?? ""))</td></tr>"
        }
        return html + "</tbody></table>"
    }

    func inputsTable() -> String {
        var html = "<table><thead><tr><th scope=\"col\">input</th><th scope=\"col\">file</th><th scope=\"col\">read</th><th scope=\"col\">repaired</th><th scope=\"col\">rejected</th>"
            + "<th scope=\"col\">filtered out</th><th scope=\"col\">real or modelled</th><th scope=\"col\">licence</th><th scope=\"col\">SHA-256</th></tr></thead><tbody>"
        for r in record.inputs {
            html += "<tr><td>\(SVGMap.escape(r.name))</td><td style=\"text-align:left\">\(SVGMap.escape(RunReport.relative(r.spec.path)))</td><td>\(r.summary.read + r.added)</td><td>\(r.summary.repaired)</td>"
                + "<td>\(r.summary.rejected)</td><td>\(r.filtered)</td><td>\(r.spec.modelled ? "<strong>modelled</strong>" : "real")</td>"
                + "<td style=\"text-align:left\">\(SVGMap.escape(r.spec.licence ?? "not stated"))</td><td><code>\(r.sha256.prefix(16))…</code></td></tr>"
        }
        return html + "</tbody></table>"
    }

    func write(to path: String) throws {
        let file = try OutputFile(path: path)
        // The maps are drawn in the working CRS: their georeference says so.
        try file.write(try SVGMap.$crsIdentifier.withValue(scenario.workingCRS.identifier) { try html() })
        try file.commit()
    }
}

extension HTMLReport {
    /// The page of a run with variants (`report.html` beside baseline/ and the variants): a
    /// difference map per variant and the table of changes against the baseline.
    static func comparisonPage(directory: String, variants: [Variant], baseline: ScenarioRunner.Record) throws -> String {
        let (districts, _) = try Layer.read(path: directory + "/baseline/districts.geojson", name: "districts")
        let frame = districts.envelope
        let palette = ["#e66101", "#fdb863", "#f7f7f7", "#b2abd2", "#5e3c99"] // ColorBrewer PuOr, colour-blind safe
        var sections: [[String: String]] = []
        for variant in variants {
            let table = try Table.read(csv: directory + "/comparison/\(variant.name)/districts.csv")
            // The first share or density that moved, else served share: a map never colours a
            // change of a raw total (areas and counts grow with a district's size); those are
            // in the table below.
            let candidates = ["served_share_change", "residents_in_reach_share_change", "residents_65p_in_reach_share_change",
                              "walk_served_share_change", "near_corridor_share_change", "residents_per_km2_change"]
            let column = candidates.first { c in table.index(of: c) != nil && table.rows.contains { ($0[table.index(of: c)!].doubleValue ?? 0) != 0 } }
                ?? candidates.first { table.index(of: $0) != nil } ?? "served_share_change"
            var map = SVGMap(id: "map-change-\(variant.name)", title: "\(variant.name): \(column)",
                             description: "Districts coloured by the change of \(column.replacingOccurrences(of: "_change", with: "")) from the baseline to the variant \(variant.name).",
                             frame: frame, attribution: "Districts: Stadt Dortmund, dl-de/by-2.0")
            let byID = Dictionary(table.rows.map { ($0[0].description, $0) }, uniquingKeysWith: { a, _ in a })
            let k = table.index(of: column)
            let values = districts.features.map { f -> Double in
                guard let k, let row = byID[f.properties["id"]?.description ?? ""] else { return 0 }
                return row[k].doubleValue ?? 0
            }
            let m = values.map(abs).max() ?? 0
            func cls(_ v: Double) -> Int {
                let e = m * 1e-9
                if abs(v) <= e { return 2 }
                if v < 0 { return v < -m / 2 ? 0 : 1 }
                return v > m / 2 ? 4 : 3
            }
            for (u, f) in districts.features.enumerated() {
                map.add(f.geometry!, fill: palette[cls(values[u])], stroke: "#777777", cssClass: "district",
                        label: "\(f.properties["name"]?.description ?? ""): \(column) \(values[u])", dataID: f.properties["id"]?.description)
            }
            map.legendTitle = "Change (variant − baseline)"
            map.legend = [(palette[0], "below −\(RunReport.format(m / 2, 4))", false), (palette[1], "−\(RunReport.format(m / 2, 4)) to 0", false),
                          (palette[2], "no change", false), (palette[3], "0 to \(RunReport.format(m / 2, 4))", false), (palette[4], "above \(RunReport.format(m / 2, 4))", false)]
            var rows = "<table><thead><tr>" + table.columns.prefix(2).map { "<th scope=\"col\">\($0)</th>" }.joined()
            let shown = table.columns.filter { column in
                column.hasSuffix("_change") && table.rows.contains { row in (row[table.index(of: column)!].doubleValue ?? 0) != 0 }
            }
            rows += shown.map { "<th scope=\"col\">\(SVGMap.escape($0))</th>" }.joined() + "</tr></thead><tbody>"
            for row in table.rows {
                rows += "<tr><th scope=\"row\">\(SVGMap.escape(row[0].description))</th><td>\(SVGMap.escape(row[1].description))</td>"
                rows += shown.map { "<td>\(RunReport.format(row[table.index(of: $0)!].doubleValue ?? 0, 4))</td>" }.joined() + "</tr>"
            }
            rows += "</tbody></table>"
            if shown.isEmpty { rows = "<p>No indicator changed.</p>" }
            sections.append(["name": variant.name, "description": variant.description ?? "", "svg": map.svg(), "table": rows])
        }
        let template = """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>Nordwärts run with variants</title>
        <style>body { font-family: "DejaVu Sans", Arial, sans-serif; max-width: 1180px; margin: 1.5em auto; } table { border-collapse: collapse; font-size: 0.85em; }
        th, td { border: 1px solid #ccc; padding: 3px 6px; text-align: right; } th { background: #eee; } svg.map { max-width: 100%; height: auto; }</style></head>
        <body><h1>Nordwärts run with variants</h1>
        <p>Baseline: <a href="baseline/report.html">baseline/report.html</a> ({{parcels}} parcels). Each variant's own report is in its folder;
        the differences per district and per parcel are in comparison/. Maps: EPSG:25832, x = easting, y = −northing; change classes split at
        half the largest change, colours ColorBrewer PuOr (colour-blind safe).</p>
        {{#sections}}
        <h2>Variant {{name}}</h2><p>{{description}}</p><p><a href="{{name}}/report.html">{{name}}/report.html</a></p>
        <figure>{{{svg}}}</figure>
        <h3>Changes against the baseline</h3>{{{table}}}
        {{/sections}}
        </body></html>
        """
        return try MustacheTemplate(string: template).render(["sections": sections, "parcels": String(baseline.parcels)] as [String: Any])
    }
}
