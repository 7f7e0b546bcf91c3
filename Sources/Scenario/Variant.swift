import Foundation
import GeoCore
import GeoIO
import UrbanAnalysis

/// An alternative to the baseline: parameters overridden, features added to a layer,
/// attributes of features set by id. Runs of the baseline and each variant are compared per
/// district and per parcel.
public struct Variant: Sendable {
    public var name: String
    public var description: String?
    /// `kind.key.key` or `id.key.key` → value (a YAML value, as in `analyses`): the analysis
    /// (its position in `analyses`), the path of keys inside it, the value.
    var parameters: [(analysis: Int, path: [String], value: ScenarioNode, line: Int)]
    /// Features added to an input, as GeoJSON text (one FeatureCollection per edit) with its CRS.
    public var additions: [(input: String, geojson: String, crs: String)]
    /// Properties set on the features of an input whose id is listed.
    public var attributes: [(input: String, ids: Set<String>, properties: Properties)]

    /// Names a variant cannot take: they are folders of a run with variants.
    public static let reservedNames = ["baseline", "comparison"]

    init(node: ScenarioNode, path: [String], file: String, analyses: [AnalysisAddress], inputs: [String]) throws {
        let key = path.joined(separator: ".")
        guard case let .mapping(pairs, position) = node else {
            throw ScenarioError.wrongType(file: file, key: key, line: node.position.line, expected: "a mapping with a name")
        }
        let keys = ["name", "description", "parameters", "add_features", "set_attributes"]
        for pair in pairs where !keys.contains(pair.key) {
            throw ScenarioError.unknownKey(file: file, key: "\(key).\(pair.key)", line: pair.keyPosition.line, suggestion: Suggestion.nearest(to: pair.key, among: keys))
        }
        guard case let .scalar(name, _, namePosition)? = node["name"] else {
            throw ScenarioError.missingKey(file: file, key: "\(key).name", line: position.line)
        }
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }), !name.hasPrefix(".") else {
            throw ScenarioError.invalidValue(file: file, key: "\(key).name", line: namePosition.line, message: "'\(name)' must be letters, digits, - _ . (it names a folder)")
        }
        guard !Variant.reservedNames.contains(name) else {
            throw ScenarioError.invalidValue(file: file, key: "\(key).name", line: namePosition.line, message: "'\(name)' is reserved for the run's own folders")
        }
        self.name = name
        if case let .scalar(text, _, _)? = node["description"] { description = text }

        parameters = []
        if let p = node["parameters"] {
            guard case let .mapping(entries, _) = p else { throw ScenarioError.wrongType(file: file, key: "\(key).parameters", line: p.position.line, expected: "a mapping of kind.parameter: value") }
            for entry in entries {
                let parts = entry.key.split(separator: ".").map(String.init)
                let target = try AnalysisAddress.resolve(parts, among: analyses, file: file, key: "\(key).parameters.\(entry.key)", line: entry.keyPosition.line)
                parameters.append((target, Array(parts.dropFirst()), entry.value, entry.keyPosition.line))
            }
        }

        additions = []
        if let a = node["add_features"] {
            guard case let .sequence(items, _) = a else { throw ScenarioError.wrongType(file: file, key: "\(key).add_features", line: a.position.line, expected: "a list of {input, features}") }
            for (i, item) in items.enumerated() {
                let k = "\(key).add_features.\(i)"
                let input = try Variant.input(item, k, file, inputs)
                for pair in Variant.pairs(item) where !["input", "features", "crs"].contains(pair.key) {
                    throw ScenarioError.unknownKey(file: file, key: "\(k).\(pair.key)", line: pair.keyPosition.line,
                                                   suggestion: Suggestion.nearest(to: pair.key, among: ["input", "features", "crs"]))
                }
                guard let features = item["features"], case .sequence = features else {
                    throw ScenarioError.missingKey(file: file, key: "\(k).features", line: item.position.line)
                }
                var crs = "OGC:CRS84"
                if case let .scalar(text, _, p)? = item["crs"] {
                    do { _ = try CRS(text) } catch { throw ScenarioError.invalidValue(file: file, key: "\(k).crs", line: p.line, message: "PROJ does not know the CRS '\(text)'") }
                    crs = text
                }
                let json = "{\"type\":\"FeatureCollection\",\"features\":" + features.json() + "}"
                // Parse now, so that a bad feature is reported with the scenario's line.
                do {
                    let reader = try GeoJSONReader(text: json, name: "\(file):\(features.position.line)", options: ReadOptions(crs: try CRS(crs)))
                    while let item = try reader.next() {
                        if case let .rejected(problem, _) = item {
                            throw ScenarioError.invalidValue(file: file, key: "\(k).features", line: features.position.line, message: problem.reason)
                        }
                    }
                } catch let error as IOError {
                    throw ScenarioError.invalidValue(file: file, key: "\(k).features", line: features.position.line, message: "\(error)")
                }
                additions.append((input, json, crs))
            }
        }

        attributes = []
        if let s = node["set_attributes"] {
            guard case let .sequence(items, _) = s else { throw ScenarioError.wrongType(file: file, key: "\(key).set_attributes", line: s.position.line, expected: "a list of {input, ids, properties}") }
            for (i, item) in items.enumerated() {
                let k = "\(key).set_attributes.\(i)"
                let input = try Variant.input(item, k, file, inputs)
                for pair in Variant.pairs(item) where !["input", "ids", "properties"].contains(pair.key) {
                    throw ScenarioError.unknownKey(file: file, key: "\(k).\(pair.key)", line: pair.keyPosition.line,
                                                   suggestion: Suggestion.nearest(to: pair.key, among: ["input", "ids", "properties"]))
                }
                guard case let .sequence(idNodes, _)? = item["ids"] else { throw ScenarioError.missingKey(file: file, key: "\(k).ids", line: item.position.line) }
                let ids = Set(idNodes.compactMap { if case let .scalar(t, _, _) = $0 { return t } else { return nil } })
                guard case let .mapping(props, _)? = item["properties"] else { throw ScenarioError.missingKey(file: file, key: "\(k).properties", line: item.position.line) }
                attributes.append((input, ids, Properties(props.map { (name: $0.key, value: $0.value.propertyValue) })))
            }
        }
    }

    private static func pairs(_ node: ScenarioNode) -> [(key: String, keyPosition: ScenarioNode.Position, value: ScenarioNode)] {
        if case let .mapping(p, _) = node { return p }
        return []
    }

    private static func input(_ item: ScenarioNode, _ key: String, _ file: String, _ inputs: [String]) throws -> String {
        guard case let .scalar(input, _, p)? = item["input"] else { throw ScenarioError.missingKey(file: file, key: "\(key).input", line: item.position.line) }
        guard inputs.contains(input) else {
            throw ScenarioError.invalidValue(file: file, key: "\(key).input", line: p.line, message: "the scenario has no input '\(input)'\(Suggestion.phrase(for: input, among: inputs)) (it has \(inputs.joined(separator: ", ")))")
        }
        return input
    }
}

extension Scenario {
    /// The scenario a variant makes: its parameters set in the analyses, checked as a file is.
    public func applying(_ variant: Variant) throws -> Scenario {
        guard case .mapping(var top, let p) = tree else { return self }
        guard let i = top.firstIndex(where: { $0.key == "analyses" }), case .sequence(var items, let ap) = top[i].value else { return self }
        // All of a kind's edits in one pass (a variant may list thousands: no copy per edit).
        for k in items.indices {
            let edits = variant.parameters.filter { $0.analysis == k }.map { (path: $0.path[...], value: $0.value) }
            if !edits.isEmpty { items[k] = items[k].setting(edits) }
        }
        top[i].value = .sequence(items, ap)
        top.removeAll { $0.key == "variants" }
        var scenario = try Scenario(tree: .mapping(top, p), file: file)
        scenario.variants = []
        return scenario
    }
}

extension ScenarioNode {
    /// The tree with the value at `path` replaced (mappings made where missing).
    func setting(_ path: [String], to value: ScenarioNode) -> ScenarioNode {
        setting([(path[...], value)])
    }

    /// The tree with `edits` applied in order, as `setting(_:to:)` one after the other would,
    /// in time linear in the edits: they are grouped by their first key, level by level.
    func setting(_ edits: [(path: ArraySlice<String>, value: ScenarioNode)]) -> ScenarioNode {
        // An edit of this very node replaces it and everything edited before.
        let last = edits.lastIndex { $0.path.isEmpty }
        let base = last.map { edits[$0].value } ?? self
        let rest = edits[(last.map { $0 + 1 } ?? 0)...]
        guard !rest.isEmpty else { return base }
        var pairs: [(key: String, keyPosition: Position, value: ScenarioNode)] = []
        var position = base.position, isMapping = false
        if case let .mapping(existing, p) = base { pairs = existing; position = p; isMapping = true }
        var groups: [String: [(path: ArraySlice<String>, value: ScenarioNode)]] = [:]
        var order: [(key: String, position: Position)] = []
        for edit in rest {
            let key = edit.path.first!
            if groups[key] == nil { order.append((key, edit.value.position)) }
            groups[key, default: []].append((edit.path.dropFirst(), edit.value))
        }
        var index: [String: Int] = [:]
        for (i, pair) in pairs.enumerated() where index[pair.key] == nil { index[pair.key] = i }
        for (key, firstPosition) in order {
            let group = groups[key]!
            if let i = index[key] {
                pairs[i].value = pairs[i].value.setting(group)
            } else {
                let keyPosition = isMapping ? firstPosition : .defaults
                pairs.append((key, keyPosition, ScenarioNode.mapping([], .defaults).setting(group)))
                index[key] = pairs.count - 1
            }
        }
        return .mapping(pairs, position)
    }

    /// A scalar as a property value: plain numbers and booleans typed, null, otherwise text.
    var propertyValue: PropertyValue {
        switch self {
        case let .scalar(text, plain, _):
            if isNull { return .null }
            if plain {
                if let i = Int64(text) { return .integer(i) }
                if let d = Double(text) { return .double(d) }
                if text == "true" { return .bool(true) }
                if text == "false" { return .bool(false) }
            }
            return .string(text)
        case let .sequence(items, _): return .array(items.map(\.propertyValue))
        case let .mapping(pairs, _): return .object(Properties(pairs.map { (name: $0.key, value: $0.value.propertyValue) }))
        }
    }

    /// The tree as JSON text (for GeoJSON features written in a scenario).
    func json() -> String { propertyValue.jsonText }
}
