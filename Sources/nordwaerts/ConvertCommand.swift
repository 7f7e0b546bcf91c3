import ArgumentParser
import GeoCore
import GeoIO

struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert GeoJSON, GeoJSONSeq, CSV points, Esri JSON or shapefiles to GeoJSON or GeoJSONSeq, reprojecting on the way.",
        discussion: """
        The output is RFC 7946 unless --to names another CRS: WGS 84 longitude/latitude, \
        exterior rings counter-clockwise and holes clockwise, no 'crs' member, 7 decimals. \
        With --to EPSG:25832 (say) the coordinates stay metric and the legacy 'crs' member \
        names the CRS, as QGIS and GDAL read it.

        The output format follows the extension: .geojson (FeatureCollection), .geojsonl or \
        .geojsonseq (newline-delimited), .geojsons (RFC 8142, with RS); or --format. The file \
        appears only when complete (written to a temporary file, then renamed).

        Features that cannot be used go to the rejects report (default OUT.rejects.jsonl) \
        with their reasons and original text, so that features in = written + rejected. \
        Invalid geometries follow --on-invalid:
          keep    pass them through unchanged, with a warning and a count (default)
          fail    stop with exit code 65 at the first one
          skip    leave them out, into the rejects report
          repair  GEOS MakeValid, keeping the parts of the input's dimension

        To .gpkg (or --format gpkg) the output is a GeoPackage 1.3 with one feature table named \
        after the input (or its --layer), in the input's CRS unless --to names another, with \
        an R-tree spatial index; integer ids become the fid. A GeoPackage input needs --layer \
        when it holds several feature tables ('nordwaerts inspect' lists them).

        Examples:
          nordwaerts convert parcels_25832.geojson parcels.geojson
          nordwaerts convert parcels_25832.geojson parcels.gpkg
          nordwaerts convert results.gpkg potential.geojson --layer potential
          nordwaerts convert addresses.csv addresses.geojsonl --from EPSG:25832 --x RW --y HW
          nordwaerts convert in.geojson out.geojson --to EPSG:25832 --on-invalid repair
        """
    )

    @Argument(help: "The input file ('-' for standard input).")
    var input: String

    @Argument(help: "The output file ('-' for standard output).")
    var output: String

    @OptionGroup var inputOptions: InputOptions

    @Option(help: "The CRS to write (default: WGS 84 lon/lat, RFC 7946).")
    var to: String?

    @Option(help: "Decimals of coordinates (default 7; trailing zeros dropped).")
    var precision: Int = 7

    @Option(name: .customLong("on-invalid"), help: "keep, fail, skip or repair (see above).")
    var onInvalid: String = InvalidGeometryPolicy.keep.rawValue

    @Option(help: "geojson, geojsonseq or gpkg (default: by the output's extension).")
    var format: String?

    @Flag(help: "Write a bbox on every feature and on the collection.")
    var bbox = false

    @Option(help: "Where to write rejected features (default: OUTPUT.rejects.jsonl).")
    var rejects: String?

    func validate() throws {
        guard InvalidGeometryPolicy(rawValue: onInvalid) != nil else {
            throw ValidationError("--on-invalid must be keep, fail, skip or repair, not '\(onInvalid)'")
        }
        guard (0...15).contains(precision) else { throw ValidationError("--precision must be between 0 and 15") }
        if let format, !["geojson", "geojsonseq", "gpkg"].contains(format) {
            throw ValidationError("--format must be geojson, geojsonseq or gpkg, not '\(format)'")
        }
    }

    func run() throws {
        try reportingErrors {
            let policy = InvalidGeometryPolicy(rawValue: onInvalid)!
            let reader = try inputOptions.openReader(input)
            if format == "gpkg" || (format == nil && output.lowercased().hasSuffix(".gpkg")) {
                return try convertToGeoPackage(reader, policy: policy)
            }
            let target = try to.map { try CRS($0) } ?? .wgs84
            var options = GeoJSONWriteOptions(crs: target, precision: precision, bbox: bbox, keepZ: !inputOptions.dropZ)
            let (layout, separator) = GeoJSONWriteOptions.layout(forPath: output)
            switch format {
            case "geojson": options.layout = .featureCollection
            case "geojsonseq": options.layout = .sequence; options.recordSeparator = separator
            default: options.layout = layout; options.recordSeparator = separator
            }
            let writer = try GeoJSONWriter(path: output, options: options, sourceCRS: reader.crs)
            let rejectsPath = rejects ?? (output == "-" ? "rejects.jsonl" : output + ".rejects.jsonl")
            let report = policy == .fail ? nil : RejectsReport(path: rejectsPath)
            let summary: ConversionSummary
            do {
                summary = try FeatureConversion(policy: policy).run(reader: reader, writer: writer, rejects: report)
                try writer.finish()
                try report?.finish()
            } catch {
                writer.abandon()
                report?.abandon()
                throw error
            }
            describe(summary, reader: reader, target: target, outputBounds: writer.bounds, rejectsPath: rejectsPath)
        }
    }

    /// `convert IN OUT.gpkg`: one feature table, in the input's CRS unless --to says otherwise.
    private func convertToGeoPackage(_ reader: any FeatureReader, policy: InvalidGeometryPolicy) throws {
        AllocatorTuning.keepFreedMemory()
        let target = try to.map { try CRS($0) } ?? reader.crs
        let base = input.split(separator: "/").last.map(String.init) ?? input
        let name = inputOptions.layer ?? String(base.split(separator: ".").first ?? "layer")
        let writer = try GeoPackageWriter(path: output)
        let rejectsPath = rejects ?? output + ".rejects.jsonl"
        let report = policy == .fail ? nil : RejectsReport(path: rejectsPath)
        let summary: ConversionSummary
        do {
            summary = try GeoPackageConversion(policy: policy).run(reader: reader, into: writer, layer: name.isEmpty ? "layer" : name,
                                                                   crs: target, keepZ: !inputOptions.dropZ, rejects: report)
            try writer.finish()
            try report?.finish()
        } catch {
            writer.abandon()
            report?.abandon()
            throw error
        }
        var text = "nordwaerts: \(summary.read) features read from \(reader.path) (\(reader.crs.identifier)), \(summary.written) written to \(output) (GeoPackage, table \(name), \(target.identifier))"
        if summary.rejected > 0 { text += ", \(summary.rejected) rejected → \(rejectsPath)" }
        printError(text)
        if summary.invalidKept > 0 { printError("warning: \(summary.invalidKept) invalid geometries kept unchanged (--on-invalid keep); e.g.") }
        if summary.repaired > 0 { printError("nordwaerts: \(summary.repaired) invalid geometries repaired") }
        if summary.invalidKept > 0 || summary.skippedInvalid > 0 {
            for example in summary.invalidExamples { printError("  \(example)") }
        }
        for warning in summary.warnings { printError("warning: \(warning)") }
    }

    private func describe(_ s: ConversionSummary, reader: any FeatureReader, target: CRS, outputBounds: Envelope,
                          rejectsPath: String) {
        var text = "nordwaerts: \(s.read) features read from \(reader.path) (\(reader.crs.identifier)), \(s.written) written to \(output) (\(target == .wgs84 ? "RFC 7946" : target.identifier))"
        if s.rejected > 0 { text += ", \(s.rejected) rejected → \(rejectsPath)" }
        printError(text)
        if s.invalidKept > 0 { printError("warning: \(s.invalidKept) invalid geometries kept unchanged (--on-invalid keep); e.g.") }
        if s.repaired > 0 { printError("nordwaerts: \(s.repaired) invalid geometries repaired") }
        if s.invalidKept > 0 || s.skippedInvalid > 0 {
            for example in s.invalidExamples { printError("  \(example)") }
        }
        for warning in s.warnings { printError("warning: \(warning)") }
        // The writer kept the bounds of what it wrote (in the output CRS); no second pass over GEOS.
        if let warning = LayerInspection.areaOfUseWarning(outputBounds, in: target, crs: reader.crs, path: reader.path) {
            printError("warning: \(warning)")
        }
    }
}
