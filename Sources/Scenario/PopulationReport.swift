import Foundation
import GeoCore
import GeoIO
import UrbanAnalysis

/// The report's section on residents: where the district populations come from, the headline
/// (the share of the north's residents and of its 65+ within reach, against the rest of the
/// city and the whole city), the accounting of the grid (in = outside + distributed +
/// unassigned), residents in reach per age group for every reach method, and the check of the
/// estimate against a finer grid. The same facts for report.md and report.html.
struct PopulationReport {
    let summary: ParcelStudy.Summary
    let inputs: [InputRecord]
    let scenario: Scenario

    /// A row of a small table: the first cell is the row's name.
    typealias Rows = [[String]]

    struct Facts {
        var source: String
        var headline: String?
        var accounting: String
        /// Per method: its name and the table (heading row first).
        var methods: [(name: String, rows: Rows)]
        var check: (note: String, rows: Rows)?
    }

    static func percent(_ x: Double) -> String { RunReport.format(100 * x, 1) + " %" }

    /// Nil when no population grid was given: then the populations are the district layer's own.
    func facts() -> Facts? {
        guard let result = summary.population else { return nil }
        let units = summary.context.units
        let grid = inputs.first { $0.role == "population" }
        let addresses = inputs.first { $0.role == "addresses" }
        let gridName = grid.map { "`\(RunReport.relative($0.spec.path))`" } ?? "the population grid"
        let receivers = summary.context.addressPopulation != nil
            ? "equally over the \(RunReport.format(Double(addresses.map { $0.summary.kept + $0.added } ?? 0), 0)) address points of "
                + (addresses.map { "`\(RunReport.relative($0.spec.path))`" } ?? "the address layer") + " in each cell"
            : "over the residential and mixed floor area of the parcels in each cell"
        let zensus = (grid?.spec.licence ?? "").contains("Zensus 2011") || (grid?.spec.attribution ?? "").contains("Zensus 2011")
        var source = "District populations and residents in reach come from the population grid \(gridName)"
        source += zensus
            ? " (**Zensus 2011, reference date 9 May 2011**; small counts were perturbed by the SAFE method, so the age groups need not add up to official figures)"
            : ""
        source += ", not from the district layer's `population` field: each cell's residents, times its share of area inside the study area (the union of the districts), are spread " + receivers + "."
        if grid?.spec.modelled == true { source += " The grid is marked **modelled**." }

        let all = 0, old = PopulationDistribution.measureCount - 1
        func share(_ m: Int, _ members: [Int], _ k: Int) -> Double? {
            let p = members.reduce(0.0) { $0 + result.population[$1][k] }
            return p > 0 ? members.reduce(0.0) { $0 + result.inReach[m][$1][k] } / p : nil
        }
        let north = (0..<units.count).filter { units.nordwaerts[$0] }, rest = (0..<units.count).filter { !units.nordwaerts[$0] }
        let city = Array(0..<units.count)
        var headline: String?
        if !result.methods.isEmpty, let catchment = scenario.study.catchment {
            func pair(_ members: [Int]) -> String {
                let a = share(0, members, all).map(PopulationReport.percent) ?? "–"
                guard result.hasAgeGroups else { return a + " of residents" }
                return a + " of residents and " + (share(0, members, old).map(PopulationReport.percent) ?? "–") + " of those aged 65+"
            }
            let radii = catchment.modes.map { "\($0.name) \(RunReport.format($0.radius, 0)) m" }.joined(separator: ", ")
            headline = "Within reach of a stop (method `\(result.methods[0])`; \(radii)): **Nordwärts \(pair(north))**; rest of the city \(pair(rest)); whole city \(pair(city))."
        }

        let f = { (x: Double) in RunReport.format(x, 0) }
        var accounting = "Residents in the grid: \(f(result.input[all])) = \(f(result.outside[all])) outside the study area + "
            + "\(f(result.distributed[all])) distributed + \(f(result.unassigned[all])) unassigned "
            + "(\(result.unassignedCells) cells with people but no receiving feature; their residents are counted in no district)."
        if result.hasAgeGroups {
            accounting += " Aged 65+: \(f(result.input[old])) = \(f(result.outside[old])) + \(f(result.distributed[old])) + \(f(result.unassigned[old]))."
        }

        var sets: [(String, [Int])] = (0..<units.count).map { (units.names[$0], [$0]) }
        sets += [("**Nordwärts**", north), ("**Rest of city**", rest), ("**Whole city**", city)]
        let groups = result.hasAgeGroups ? PopulationDistribution.ageGroups : []
        var methods: [(String, Rows)] = []
        for (m, name) in result.methods.enumerated() {
            var rows: Rows = [["district", "residents", "in reach", "share"] + groups.map { "\($0.label) in reach" }]
            for (label, members) in sets {
                let p = members.reduce(0.0) { $0 + result.population[$1][all] }
                let r = members.reduce(0.0) { $0 + result.inReach[m][$1][all] }
                rows.append([label, f(p), f(r), p > 0 ? PopulationReport.percent(r / p) : "–"]
                            + groups.indices.map { g in share(m, members, g + 1).map(PopulationReport.percent) ?? "–" })
            }
            methods.append((name, rows))
        }

        var check: (String, Rows)?
        if let finer = summary.context.populationCheck, let coarse = summary.context.populationCheckEstimate {
            // The districts that hold at least a tenth of the check grid's residents; compared on
            // the check grid's footprint (the addresses inside its cells), where both grids count.
            let checked = (0..<units.count).filter { finer.distributed[all] > 0 && finer.population[$0][all] >= 0.1 * finer.distributed[all] }
            let finerName = inputs.first { $0.role == "population_check" }.map { "`\(RunReport.relative($0.spec.path))`" } ?? "the check grid"
            var rows: Rows = [["district", "figure", "from \(gridName)", "from \(finerName)", "difference"]]
            for u in checked {
                var figures: [(String, Double, Double)] = [("residents", coarse.inReach[0][u][all], finer.population[u][all])]
                if !result.methods.isEmpty { figures.append(("in reach (\(result.methods[0]))", coarse.inReach[1][u][all], finer.inReach[0][u][all])) }
                if result.hasAgeGroups && finer.hasAgeGroups {
                    figures.append(("aged 65+", coarse.inReach[0][u][old], finer.population[u][old]))
                    if !result.methods.isEmpty { figures.append(("65+ in reach (\(result.methods[0]))", coarse.inReach[1][u][old], finer.inReach[0][u][old])) }
                }
                for (label, estimate, fine) in figures {
                    let difference = fine > 0 ? RunReport.format(100 * (estimate - fine) / fine, 1) + " %" : "–"
                    rows.append([units.names[u], label, f(estimate), f(fine), difference])
                }
                if !result.methods.isEmpty, coarse.inReach[0][u][all] > 0, finer.population[u][all] > 0 {
                    let a = coarse.inReach[1][u][all] / coarse.inReach[0][u][all], b = finer.inReach[0][u][all] / finer.population[u][all]
                    rows.append([units.names[u], "share in reach", PopulationReport.percent(a), PopulationReport.percent(b),
                                 RunReport.format(100 * (a - b), 1) + " points"])
                }
            }
            let note = checked.isEmpty
                ? "The check grid \(finerName) holds no district's residents to speak of, so it checks none."
                : "The finer grid \(finerName) covers part of the city (cells without residents are not listed). Both grids are spread over the same addresses "
                    + "and compared on the finer grid's footprint (the addresses inside its cells) in "
                    + checked.map { units.names[$0] }.joined(separator: ", ")
                    + ": how far the estimate from the coarse grid is from the finer grid's figures (difference: estimate − finer, relative to the finer)."
            check = (note, rows)
        }
        if check == nil, let unused = inputs.first(where: { $0.role == "population_check" }) {
            check = ("The check grid `\(RunReport.relative(unused.spec.path))` is compared over address points; this run has no `addresses` input, so it checks nothing.", [])
        }
        return Facts(source: source, headline: headline, accounting: accounting, methods: methods, check: check)
    }

    /// The section for report.md.
    func markdown() -> String {
        guard let facts = facts() else {
            return "District populations are the district layer's `population` field (no population grid was given); "
                + "residents in reach spread them over residential floor area or addresses (see docs/analyses)."
        }
        func table(_ rows: Rows) -> String {
            var lines = ["| " + rows[0].joined(separator: " | ") + " |", "| --- | " + rows[0].dropFirst().map { _ in "---:" }.joined(separator: " | ") + " |"]
            lines += rows.dropFirst().map { "| " + $0.joined(separator: " | ") + " |" }
            return lines.joined(separator: "\n")
        }
        var out = [facts.source]
        if let headline = facts.headline { out.append(headline) }
        out.append(facts.accounting)
        for (name, rows) in facts.methods {
            out.append("### Residents in reach by age group: method `\(name)`\n\n" + table(rows))
        }
        if let check = facts.check {
            out.append("### Check against the finer grid\n\n" + check.note + (check.rows.count > 1 ? "\n\n" + table(check.rows) : ""))
        }
        out.append("All figures per district and method, with the residents of each age group: `residents_in_reach.csv`.")
        return out.joined(separator: "\n\n")
    }

    /// The section for report.html.
    func html() -> String {
        func inline(_ text: String) -> String {
            var s = SVGMap.escape(text)
            s = s.replacingOccurrences(of: #"\*\*([^*]+)\*\*"#, with: "<strong>$1</strong>", options: .regularExpression)
            return s.replacingOccurrences(of: #"`([^`]+)`"#, with: "<code>$1</code>", options: .regularExpression)
        }
        guard let facts = facts() else { return "<p>" + inline(markdown()) + "</p>" }
        func table(_ rows: Rows) -> String {
            "<table><thead><tr>" + rows[0].map { "<th scope=\"col\">\(inline($0))</th>" }.joined() + "</tr></thead><tbody>"
                + rows.dropFirst().map { row in
                    "<tr\(row[0].hasPrefix("**") ? " class=\"group\"" : "")><th scope=\"row\">\(inline(row[0]))</th>"
                        + row.dropFirst().map { "<td>\(inline($0))</td>" }.joined() + "</tr>"
                }.joined() + "</tbody></table>"
        }
        var out = "<p>\(inline(facts.source))</p>"
        if let headline = facts.headline { out += "<p>\(inline(headline))</p>" }
        out += "<p>\(inline(facts.accounting))</p>"
        for (name, rows) in facts.methods { out += "<h3>Residents in reach by age group: method <code>\(SVGMap.escape(name))</code></h3>" + table(rows) }
        if let check = facts.check {
            out += "<h3>Check against the finer grid</h3><p>\(inline(check.note))</p>" + (check.rows.count > 1 ? table(check.rows) : "")
        }
        return out + "<p class=\"note\">All figures per district and method: residents_in_reach.csv.</p>"
    }
}

extension RunReport {
    /// A path as the scenario names it, normalised (`a/../b` → `b`, `./a` → `a`), leading `..` kept.
    static func relative(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == "..", let last = parts.last, last != ".." { parts.removeLast(); continue }
            parts.append(part)
        }
        let joined = parts.joined(separator: "/")
        return path.hasPrefix("/") ? "/" + joined : (joined.isEmpty ? "." : joined)
    }
}
