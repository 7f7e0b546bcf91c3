import ArgumentParser
import GeoCore
import GeoIO

struct TransformCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "transform",
        abstract: "Transform coordinates between CRSs, like PROJ's cs2cs, always in east/north (lon/lat) order.",
        discussion: """
        Coordinates come as arguments (X Y [X Y ...]) or, with none, as lines on standard input: \
        x and y separated by blanks or tabs, an optional third column z that is passed through, \
        and anything after it copied unchanged. Blank lines and lines starting with # are copied. \
        Output is one 'x y' (or 'x y z') line per position.

        Unlike cs2cs, geographic CRSs are read and written as longitude latitude, also for \
        EPSG:4326, whose authority order is latitude first.

        Examples:
          nordwaerts transform --from EPSG:4326 --to EPSG:25832 7.45889 51.51750
          nordwaerts transform --from EPSG:25832 --to EPSG:4326 < points.txt
        """
    )

    @Option(help: "The CRS of the input coordinates (EPSG:25832, OGC:CRS84, WKT, PROJ string, ...).")
    var from: String

    @Option(help: "The CRS to transform to.")
    var to: String

    @Option(help: "Decimals in the output (default: 8 for degrees, 3 for metres, i.e. about 1 mm).")
    var precision: Int?

    @Argument(parsing: .allUnrecognized, help: "Coordinates as X Y pairs; none: read lines from standard input.")
    var coordinates: [String] = []

    /// The coordinates given as arguments, without a `--` that ends the options.
    private var numbers: [String] { coordinates.filter { $0 != "--" } }

    func validate() throws {
        if let precision, !(0...17).contains(precision) {
            throw ValidationError("--precision must be between 0 and 17")
        }
    }

    func run() throws {
        try reportingErrors {
            let source = try CRS(from)
            let target = try CRS(to)
            let transformer = try Transformer(from: source, to: target)
            let decimals = precision ?? (target.isGeographic ? 8 : 3)
            if numbers.isEmpty {
                try transformLines(transformer, decimals)
            } else {
                try transformArguments(transformer, decimals)
            }
        }
    }

    private func transformArguments(_ transformer: Transformer, _ decimals: Int) throws {
        let coordinates = numbers
        guard coordinates.count % 2 == 0 else {
            throw CLIError(.usage, "coordinates come in X Y pairs; got \(coordinates.count) numbers")
        }
        var flat: [Double] = []
        for (i, text) in coordinates.enumerated() {
            guard let value = Double(text), value.isFinite else {
                throw CLIError(.usage, "argument \(i + 1) '\(text)' is not a number")
            }
            flat.append(value)
        }
        do {
            try transformer.transform(flatCoordinates: &flat)
        } catch let CRSError.untransformable(index, from, to, message) {
            throw CLIError(.dataError, "position \(index + 1) (\(coordinates[2 * index]) \(coordinates[2 * index + 1])) cannot be transformed from \(from) to \(to): \(message)")
        }
        var output = ""
        for i in stride(from: 0, to: flat.count, by: 2) {
            output += "\(format(flat[i], decimals)) \(format(flat[i + 1], decimals))\n"
        }
        print(output, terminator: "")
    }

    /// Reads standard input in batches, so that PROJ sees thousands of positions per call.
    private func transformLines(_ transformer: Transformer, _ decimals: Int) throws {
        var lineNumber = 0
        var batch: [Line] = []
        var flat: [Double] = []
        func flush() throws {
            guard !batch.isEmpty else { return }
            var xy = flat
            do {
                try transformer.transform(flatCoordinates: &xy)
            } catch let CRSError.untransformable(index, from, to, message) {
                let line = batch.filter { $0.isPosition }[index]
                throw CLIError(.dataError, "stdin line \(line.number): position (\(line.text)) cannot be transformed from \(from) to \(to): \(message)")
            }
            var output = ""
            var k = 0
            for line in batch {
                if line.isPosition {
                    output += format(xy[2 * k], decimals) + " " + format(xy[2 * k + 1], decimals)
                    if !line.rest.isEmpty { output += " " + line.rest }
                    output += "\n"
                    k += 1
                } else {
                    output += line.text + "\n"
                }
            }
            print(output, terminator: "")
            batch.removeAll(keepingCapacity: true)
            flat.removeAll(keepingCapacity: true)
        }
        while let raw = readLine(strippingNewline: true) {
            lineNumber += 1
            let text = raw.hasSuffix("\r") ? String(raw.dropLast()) : raw
            let fields = text.split(whereSeparator: { $0 == " " || $0 == "\t" })
            if fields.isEmpty || fields[0].hasPrefix("#") {
                batch.append(Line(number: lineNumber, text: text, isPosition: false, rest: ""))
                continue
            }
            guard fields.count >= 2, let x = Double(fields[0]), let y = Double(fields[1]), x.isFinite, y.isFinite else {
                throw CLIError(.dataError, "stdin line \(lineNumber): expected 'x y [z]', got '\(text)'")
            }
            flat.append(x)
            flat.append(y)
            batch.append(Line(number: lineNumber, text: text, isPosition: true, rest: fields.dropFirst(2).joined(separator: " ")))
            if batch.count >= 8192 { try flush() }
        }
        try flush()
    }

    private struct Line {
        let number: Int
        let text: String
        let isPosition: Bool
        /// z and whatever follows, passed through unchanged.
        let rest: String
    }

    private func format(_ value: Double, _ decimals: Int) -> String {
        decimalText(value, decimals: decimals)
    }
}

