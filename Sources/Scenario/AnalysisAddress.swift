/// How a variant names the analysis it edits: `kind.key` when the scenario runs one analysis
/// of that kind, else `id.key` with the `id` the scenario gives the analysis (a network
/// catchment beside a crow-fly one, say `id: walking`, is `walking.edge_buffer_m`).
struct AnalysisAddress: Sendable, Equatable {
    /// The position in `analyses`.
    var index: Int
    var kind: String
    var id: String?
    var method: String?

    /// The analysis `parts[0]` names, or a usage error (64) that names the candidates.
    static func resolve(_ parts: [String], among analyses: [AnalysisAddress], file: String, key: String, line: Int) throws -> Int {
        let names = analyses.compactMap(\.id) + Array(Set(analyses.map(\.kind))).sorted()
        guard parts.count >= 2 else {
            throw ScenarioError.invalidValue(file: file, key: key, line: line,
                                             message: "name an analysis the scenario runs and its parameter, e.g. catchment.method (the scenario runs \(names.joined(separator: ", ")))")
        }
        if let byID = analyses.first(where: { $0.id == parts[0] }) { return byID.index }
        let ofKind = analyses.filter { $0.kind == parts[0] }
        if ofKind.count == 1 { return ofKind[0].index }
        if ofKind.isEmpty {
            throw ScenarioError.invalidValue(file: file, key: key, line: line,
                                             message: "name an analysis the scenario runs and its parameter, e.g. catchment.method\(Suggestion.phrase(for: parts[0], among: names)) (the scenario runs \(names.joined(separator: ", ")))")
        }
        let candidates = ofKind.map { a in
            "analyses.\(a.index)" + (a.method.map { " (method \($0))" } ?? "") + (a.id.map { ", id \($0)" } ?? ", no id")
        }
        let ids = ofKind.compactMap(\.id)
        throw ScenarioError.invalidValue(file: file, key: key, line: line,
                                         message: "\(parts[0]).\(parts.dropFirst().joined(separator: ".")) is ambiguous: the scenario runs \(ofKind.count) \(parts[0]) analyses: "
                                            + candidates.joined(separator: "; ") + ". "
                                            + (ids.isEmpty ? "Give each an id (e.g. id: walking) and write id.\(parts.dropFirst().joined(separator: "."))"
                                                           : "Write \(ids.map { "\($0).\(parts.dropFirst().joined(separator: "."))" }.joined(separator: " or "))"
                                                            + (ids.count < ofKind.count ? ", or give the others an id" : "")))
    }
}
