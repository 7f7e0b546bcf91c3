import GeoCore

/// Features that could not be used, each with its reason and its original text, so that
/// features in = features out + rejects. A JSON-lines file, one object per rejected feature:
/// `{"file":…,"index":…,"id":…,"line":…,"reason":…,"feature":<the original feature>}`
/// (`"row":"…"` instead of `"feature"` for CSV rows). Written atomically, and only when
/// there is something to report.
public final class RejectsReport {
    public let path: String
    public private(set) var count = 0
    private var file: OutputFile?

    public init(path: String) {
        self.path = path
    }

    public func add(_ problem: FeatureProblem, raw: String?) throws {
        if file == nil { file = try OutputFile(path: path) }
        var line: [UInt8] = Array("{\"file\":".utf8)
        JSONWriting.appendString(problem.path, to: &line)
        line.append(contentsOf: Array(",\"index\":".utf8))
        NumberFormatting.appendInteger(Int64(problem.index), to: &line)
        line.append(contentsOf: Array(",\"id\":".utf8))
        if let id = problem.id { JSONWriting.appendString(id, to: &line) } else { line.append(contentsOf: Array("null".utf8)) }
        if let l = problem.location?.line {
            line.append(contentsOf: Array(",\"line\":".utf8))
            NumberFormatting.appendInteger(Int64(l), to: &line)
        }
        line.append(contentsOf: Array(",\"reason\":".utf8))
        JSONWriting.appendString(problem.reason, to: &line)
        if let raw {
            let trimmed = raw.drop { $0 == " " || $0 == "\n" || $0 == "\r" || $0 == "\t" }
            if trimmed.first == "{" {
                line.append(contentsOf: Array(",\"feature\":".utf8))
                line.append(contentsOf: raw.utf8.filter { $0 != 0x0A && $0 != 0x0D })
            } else {
                line.append(contentsOf: Array(",\"row\":".utf8))
                JSONWriting.appendString(raw, to: &line)
            }
        }
        line.append(contentsOf: Array("}\n".utf8))
        try file!.write(line)
        count += 1
    }

    /// Puts the report in place (if anything was rejected).
    public func finish() throws { try file?.commit() }

    public func abandon() { file?.abandon() }
}
