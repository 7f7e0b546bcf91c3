import Foundation
import GeoCore
import GeoIO
import Mustache
import UrbanAnalysis

/// The human-readable report (Markdown) and the machine-readable manifest (JSON) of one run:
/// indicator tables, parameters, inputs with checksums, licences and whether each is real or
/// modelled, counts of features read, repaired and rejected, versions and the date.
struct RunReport {
    let scenario: Scenario
    let variant: Variant?
    let record: ScenarioRunner.Record
    let started: Date
    let summary: ParcelStudy.Summary
    /// The transit-quality analysis, when the scenario lists it (its own section).
    var transit: TransitQualityRun? = nil

    /// The columns of the report's main table, with their headings.
    static let headline: [(column: String, heading: String)] = [
        ("parcel_count", "parcels"), ("point_count", "points"), ("parcel_area_m2", "parcel area (ha)"), ("landuse_entropy", "land-use mix"),
        ("grz_area_weighted", "GRZ"), ("gfz_area_weighted", "GFZ"), ("population", "residents"), ("residents_per_km2", "residents/km²"),
        ("served_share", "served share"), ("served_count", "served points"), ("served_point_share", "served share of points"),
        ("residents_in_reach_share", "residents in reach"), ("residents_65p_in_reach_share", "65+ in reach"),
        ("potential_area_m2", "potential (ha)"), ("conflict_count", "conflicts"), ("solar_mwh_per_a", "solar MWh/a"),
    ]

    static let template = """
    # Nordwärts run{{#variant}}: variant {{{name}}}{{/variant}}

    {{{date}}} · nordwaerts {{{toolkit}}} · GEOS {{{geos}}} · PROJ {{{proj}}} · scenario `{{{scenarioFile}}}`
    {{#variant}}{{#description}}

    {{{description}}}
    {{/description}}{{/variant}}

    ## Indicators per district

    {{{indicatorTable}}}

    The Nordwärts row adds up the five districts of the programme marked `nordwaerts` in the district layer
    (Innenstadt-Nord, Eving, Scharnhorst, Mengede, Huckarde in the embedded data); the rest of the city is every
    other district. Ratios are computed from the sums, not averaged. All columns, with units in their names, are
    in `districts.csv`. {{{catchmentNote}}}

    ## Residents

    {{{populationSection}}}

    {{{walkingSection}}}

    ## Inputs

    | input | file | features read | repaired | rejected | filtered out | real or modelled | licence and attribution | SHA-256 |
    | --- | --- | ---: | ---: | ---: | ---: | --- | --- | --- |
    {{#inputs}}
    | {{{name}}} | `{{{file}}}` | {{{read}}} | {{{repaired}}} | {{{rejected}}} | {{{filtered}}} | {{{kind}}} | {{{licence}}} | `{{{sha}}}` |
    {{/inputs}}

    Features that could not be used are in `<input>.rejects.jsonl` beside this report, each with its reason:
    read = kept + filtered out + rejected.

    ## Analyses and parameters

    Analyses in the order of the scenario: {{{analyses}}}. The effective parameters, defaults included:

    ```yaml
    {{{parameters}}}
    ```

    ## Outputs

    {{#files}}
    - `{{{.}}}`
    {{/files}}
    - `report.md` (this report), `report.html` (the same with maps), `manifest.json` (what reproduces the run: scenario, input checksums, versions)

    Run time: {{{seconds}}} s.
    """

    var population: PopulationReport { PopulationReport(summary: summary, inputs: record.inputs, scenario: scenario) }

    /// The headline columns the table has. The served count shows only for a point layer
    /// (where it is the headline); parcels show their served share of area.
    static func shownColumns(_ table: Table) -> [(column: String, heading: String)] {
        let points = table.index(of: "point_count") != nil
        return headline.filter { table.index(of: $0.column) != nil && ($0.column != "served_count" || points) }
    }

    func markdown() throws -> String {
        try MustacheTemplate(string: RunReport.template).render(templateContext()) + (transit?.markdownSection() ?? "")
    }

    /// What both reports show, for their templates.
    func templateContext() -> [String: Any] {
        let table = record.districtTable
        let columns = RunReport.shownColumns(table)
        var lines = ["| district | " + columns.map(\.heading).joined(separator: " | ") + " |",
                     "| --- | " + columns.map { _ in "---:" }.joined(separator: " | ") + " |"]
        for row in table.rows.indices {
            let name = table[row, "name"]?.description ?? ""
            let cells = columns.map { c -> String in
                guard let v = table[row, c.column], !v.isNull else { return "–" }
                let x = v.doubleValue ?? 0
                if c.column.hasSuffix("_m2") { return RunReport.format(x / 10_000, 1) }
                if c.column.contains("share") { return RunReport.format(100 * x, 1) + " %" }
                if c.column.hasSuffix("count") { return RunReport.format(x, 0) }
                if ["residents_per_km2", "solar_mwh_per_a", "population"].contains(c.column) { return RunReport.format(x, 0) }
                return RunReport.format(x, 3)
            }
            let bold = ["nordwaerts", "rest", "city"].contains(table[row, "id"]?.description ?? "")
            lines.append("| " + (bold ? "**\(name)**" : name) + " | " + cells.joined(separator: " | ") + " |")
        }
        var catchmentNote = ""
        if let c = scenario.study.catchment {
            catchmentNote = "Catchments: method `\(c.method.rawValue)`" + (c.method == .bufferUnion ? " with \(c.quadrantSegments) segments per quarter circle" : "")
                + "; radii " + c.reachTexts.joined(separator: ", ") + "."
        }
        let inputs = record.inputs.map { r -> [String: String] in
            var licence = r.spec.licence ?? "not stated"
            if let a = r.spec.attribution { licence += "; " + a }
            return ["name": r.name + (r.role != r.name ? " (\(r.role))" : ""), "file": RunReport.relative(r.spec.path), "read": String(r.summary.read + r.added),
                    "repaired": String(r.summary.repaired), "rejected": String(r.summary.rejected), "filtered": String(r.filtered),
                    "kind": r.spec.modelled ? "**modelled**" : "real", "licence": licence.replacingOccurrences(of: "|", with: "\\|"),
                    "sha": String(r.sha256.prefix(16)) + "…"]
        }
        var context: [String: Any] = [
            "date": ISO8601DateFormatter().string(from: started), "toolkit": Versions.toolkit, "geos": Versions.geos, "proj": Versions.proj,
            "scenarioFile": (scenario.file as NSString).lastPathComponent, "populationSection": population.markdown(), "indicatorTable": lines.joined(separator: "\n"), "catchmentNote": catchmentNote,
            "inputs": inputs, "analyses": scenario.analysisKinds.isEmpty ? "parcel-metrics, district-assignment, development-potential, district-indicators" : scenario.analysisKinds.joined(separator: ", "),
            "parameters": scenario.effective.trimmingCharacters(in: .whitespacesAndNewlines), "files": record.files,
            "seconds": RunReport.format(Date().timeIntervalSince(started), 1),
            "walkingSection": WalkingReport.markdown(table, walking: scenario.study.walking),
        ]
        if let variant { context["variant"] = ["name": variant.name, "description": variant.description as Any] }
        return context
    }

    func writeMarkdown(to path: String) throws {
        let file = try OutputFile(path: path)
        try file.write(try markdown())
        try file.commit()
    }

    /// The HTML report with maps (``HTMLReport``).
    func writeHTML(to path: String) throws {
        try HTMLReport(scenario: scenario, variant: variant, record: record, summary: summary, markdownContext: templateContext(), transit: transit).write(to: path)
    }

    /// The manifest: everything that reproduces the run.
    func writeManifest(to path: String, command: [String], directory: String) throws {
        var outputs: [PropertyValue] = []
        for name in record.files {
            let (digest, bytes) = try sha256(directory + "/" + name)
            outputs.append(.object(["file": .string(name), "sha256": .string(digest), "bytes": .integer(Int64(bytes))]))
        }
        let inputs: [PropertyValue] = record.inputs.map { r in
            .object(["name": .string(r.name), "role": .string(r.role), "path": .string(r.path), "sha256": .string(r.sha256),
                     "bytes": .integer(Int64(r.bytes)), "crs": .string(r.summary.sourceCRS?.identifier ?? ""),
                     "read": .integer(Int64(r.summary.read)), "kept": .integer(Int64(r.summary.kept)),
                     "repaired": .integer(Int64(r.summary.repaired)), "rejected": .integer(Int64(r.summary.rejected)),
                     "filtered": .integer(Int64(r.filtered)), "added_by_variant": .integer(Int64(r.added)),
                     "modelled": .bool(r.spec.modelled), "licence": r.spec.licence.map(PropertyValue.string) ?? .null,
                     "attribution": r.spec.attribution.map(PropertyValue.string) ?? .null])
        }
        let scenarioDigest = (try? sha256(scenario.file).0).map(PropertyValue.string) ?? .null
        let manifest: Properties = [
            "tool": .string("nordwaerts \(Versions.toolkit)"), "geos": .string(Versions.geos), "proj": .string(Versions.proj),
            "started": .string(ISO8601DateFormatter().string(from: started)), "command": .array(command.map(PropertyValue.string)),
            "scenario_file": .string(scenario.file), "scenario_sha256": scenarioDigest,
            "variant": variant.map { .string($0.name) } ?? .null,
            "scenario": .string(scenario.effective), "inputs": .array(inputs), "outputs": .array(outputs),
            "parcels": .integer(Int64(record.parcels)),
        ]
        let file = try OutputFile(path: path)
        try file.write(PropertyValue.object(manifest).jsonText + "\n")
        try file.commit()
    }

    /// A number with thousands separators and `decimals` decimals: 12345.678 → "12,345.68".
    static func format(_ value: Double, _ decimals: Int) -> String {
        guard value.isFinite else { return "–" }
        let text = String(format: "%.\(decimals)f", abs(value))
        let parts = text.split(separator: ".", maxSplits: 1)
        var whole = ""
        for (i, c) in parts[0].reversed().enumerated() {
            if i > 0, i % 3 == 0 { whole.append(",") }
            whole.append(c)
        }
        return (value < 0 && text.contains(where: { $0 != "0" && $0 != "." }) ? "-" : "") + String(whole.reversed()) + (parts.count > 1 ? "." + parts[1] : "")
    }
}
