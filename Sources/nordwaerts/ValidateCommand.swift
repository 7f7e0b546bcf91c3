import ArgumentParser
import FoundationEssentials
import GeoCore
import GeoIO

/// `nordwaerts validate`: every invalid geometry of a layer, with reason and location.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "List every invalid geometry of a layer with its reason and location; optionally write it repaired.",
        discussion: """
        Checks every geometry by the OGC rules (GEOS IsValidDetail) and lists each invalid one: \
        its position in the file, id, line, the reason (Self-intersection, Ring Self-intersection, \
        Too few points, …) and where it is. 'inspect' gives a summary; this lists them all. \
        Features that cannot be read at all are listed with their reasons too.

        With --repair OUT the layer is written repaired, as 'convert --on-invalid repair' writes \
        it (GEOS MakeValid, keeping the parts of the input's dimension; RFC 7946 unless --to), \
        with unusable features in the rejects report. The exit code is 0 when the layer could be \
        read, whatever it found; 65 when the file is malformed.

        Examples:
          nordwaerts validate parcels.geojson
          nordwaerts validate parcels.geojson --json > problems.json
          nordwaerts validate parcels.geojson --repair parcels_repaired.geojson --to EPSG:25832
        """
    )

    @Argument(help: "The file to check ('-' for standard input).")
    var file: String

    @OptionGroup var input: InputOptions

    @Flag(help: "Print the findings as JSON (for scripts).")
    var json = false

    @Option(help: "Write the repaired layer here.")
    var repair: String?

    @Option(help: "With --repair: the CRS to write (default: WGS 84 lon/lat, RFC 7946).")
    var to: String?

    @Option(help: "With --repair: where to write unusable features (default: REPAIR.rejects.jsonl).")
    var rejects: String?

    struct Finding {
        var index: Int
        var id: String?
        var line: Int?
        var reason: String
        var location: Coordinate?
    }

    func run() throws {
        try reportingErrors {
            let reader = try input.openReader(file)
            var findings: [Finding] = [], unreadable: [FeatureProblem] = []
            var count = 0
            while true {
                let batch = try reader.nextBatch(maxCount: 8192, workers: Cores.available * 2) { item, _ -> (Finding?, FeatureProblem?) in
                    guard case let .feature(f) = item else {
                        if case let .rejected(problem, _) = item { return (nil, problem) }
                        return (nil, nil)
                    }
                    guard let g = f.geometry else { return (nil, nil) }
                    let validity = try g.validity()
                    if validity.isValid { return (nil, nil) }
                    return (Finding(index: f.origin?.index ?? 0, id: f.displayID, line: f.origin?.line, reason: validity.reason ?? "invalid",
                                    location: validity.location), nil)
                }
                if batch.isEmpty { break }
                count += batch.count
                findings += batch.compactMap(\.0)
                unreadable += batch.compactMap(\.1)
            }
            if json {
                var problems: [PropertyValue] = findings.map { f in
                    .object(["index": .integer(Int64(f.index)), "id": f.id.map(PropertyValue.string) ?? .null,
                             "line": f.line.map { .integer(Int64($0)) } ?? .null, "reason": .string(f.reason),
                             "x": f.location.map { .double($0.x) } ?? .null, "y": f.location.map { .double($0.y) } ?? .null])
                }
                problems += unreadable.map { p in
                    .object(["index": .integer(Int64(p.index)), "id": p.id.map(PropertyValue.string) ?? .null,
                             "line": p.location?.line.map { .integer(Int64($0)) } ?? .null, "reason": .string("unreadable: " + p.reason),
                             "x": .null, "y": .null])
                }
                let report: Properties = ["file": .string(file), "crs": .string(reader.crs.identifier), "features": .integer(Int64(count)),
                                          "invalid": .integer(Int64(findings.count)), "unreadable": .integer(Int64(unreadable.count)),
                                          "problems": .array(problems)]
                print(PropertyValue.object(report).jsonText)
            } else {
                for f in findings {
                    let place = f.location.map { " at (\(decimalText($0.x, decimals: 3)) \(decimalText($0.y, decimals: 3)))" } ?? ""
                    print("\(file)\(f.line.map { ":\($0)" } ?? ""): feature \(f.index)\(f.id.map { " (id \($0))" } ?? ""): \(f.reason)\(place)")
                }
                for p in unreadable { print("\(p)") }
                print("\(file): \(count) features, \(findings.count) invalid, \(unreadable.count) unreadable")
            }
            if let repair {
                let target = try to.map { try CRS($0) } ?? .wgs84
                let source = try input.openReader(file)
                let writer = try GeoJSONWriter(path: repair, options: GeoJSONWriteOptions(crs: target), sourceCRS: source.crs)
                let report = RejectsReport(path: rejects ?? repair + ".rejects.jsonl")
                do {
                    let summary = try FeatureConversion(policy: .repair).run(reader: source, writer: writer, rejects: report)
                    try writer.finish()
                    try report.finish()
                    printError("nordwaerts: \(summary.written) features written to \(repair), \(summary.repaired) repaired, \(summary.rejected) rejected")
                } catch {
                    writer.abandon()
                    report.abandon()
                    throw error
                }
            }
        }
    }
}
