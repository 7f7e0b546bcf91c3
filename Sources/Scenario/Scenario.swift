import Foundation
import GeoCore
import GeoIO
import UrbanAnalysis
import Transit

/// A scenario: which layers to read (`inputs`), which analyses to run with which parameters
/// (`analyses`), what to write (`outputs`) and which alternatives to compare (`variants`).
/// Read from YAML or JSON; every key is checked, an unknown one is an error naming it and its
/// line, and every key left out takes the default of the type it belongs to.
public struct Scenario: Sendable {
    /// The scenario file, and the folder relative input paths resolve against.
    public let file: String
    /// The folder relative input paths resolve against: the scenario's own, unless moved
    /// (`run SCENARIO --data DIR` runs one scenario on several datasets).
    public var folder: String
    /// The inputs in file order.
    public var inputs: [(name: String, spec: InputSpec)]
    /// The analyses as parameters of one study (optional analyses that are not listed are off).
    public var study: ParcelStudy
    /// The analysis kinds in the order the file lists them.
    public var analysisKinds: [String]
    /// `kind: transit-quality` (its own module, beside the parcel study), nil when not listed.
    public var transitQuality: TransitQuality?
    public var outputs: OutputSpec
    public var variants: [Variant]
    /// The metric CRS all analyses run in (`working_crs`, default EPSG:25832; EPSG:25833 for
    /// Berlin, EPSG:3067 for Helsinki): every input is transformed into it on the way in. A
    /// geographic CRS is refused.
    public var workingCRS: CRS = .etrs89UTM32N
    /// The effective scenario (the file with every default filled in), for the report and manifest.
    public let effective: String
    let tree: ScenarioNode

    /// The analysis kinds and the part of the study each one sets.
    public static let analysisKinds = [
        "parcel-metrics", "district-assignment", "district-indicators", "development-potential", "catchment",
        "residents-in-reach", "underserved-areas", "corridor-proximity", "harbour-zone", "emission-zones",
        "conversion-candidates", "rooftop-solar", "population-distribution", "transit-quality",
    ]

    /// The roles an input can play.
    public static let inputRoles = ["parcels", "districts", "buildings", "stops", "corridors", "water", "harbour_zone", "addresses",
                                    "population", "population_check", "gtfs", "streets"]

    /// Reads and checks a scenario file.
    public static func load(path: String) throws -> Scenario {
        let bytes: [UInt8]
        do {
            bytes = try Files.read(path)
        } catch {
            throw ScenarioError.missingFile(file: path, key: "scenario", line: 0, path: path)
        }
        return try Scenario(text: try scenarioText(bytes, file: path), file: path)
    }

    /// Parses and checks scenario text; `file` names it in messages and anchors relative paths.
    public init(text: String, file: String) throws {
        let tree = try ScenarioNode.parse(text, file: file)
        try self.init(tree: tree, file: file)
    }

    init(tree: ScenarioNode, file: String) throws {
        self.file = file
        folder = file.lastIndex(of: "/").map { String(file[..<$0]) } ?? "."
        let decoder = TreeDecoder(file: file)
        guard case let .mapping(top, _) = tree else { throw decoder.typeError([], tree, expected: "a mapping with inputs, analyses, outputs, variants") }
        for pair in top where !["inputs", "analyses", "outputs", "variants", "working_crs"].contains(pair.key) {
            throw ScenarioError.unknownKey(file: file, key: pair.key, line: pair.keyPosition.line,
                                           suggestion: Suggestion.nearest(to: pair.key, among: ["inputs", "analyses", "outputs", "variants", "working_crs"]))
        }
        ["inputs", "analyses", "outputs", "variants", "working_crs"].forEach { decoder.record([], $0) }
        if let node = tree["working_crs"] {
            guard case let .scalar(text, _, position) = node, let crs = try? CRS(text) else {
                throw ScenarioError.invalidValue(file: file, key: "working_crs", line: node.position.line, message: "PROJ does not know this CRS")
            }
            guard !crs.isGeographic else {
                throw ScenarioError.invalidValue(file: file, key: "working_crs", line: position.line,
                                                 message: "\(text) is geographic (degrees): the analyses need a metric CRS such as EPSG:25832")
            }
            workingCRS = crs
        }

        // inputs
        guard let inputsNode = tree["inputs"], case let .mapping(inputPairs, _) = inputsNode else {
            throw ScenarioError.missingKey(file: file, key: "inputs", line: tree.position.line)
        }
        var inputs: [(String, InputSpec)] = []
        var effectiveInputs: [(key: String, keyPosition: ScenarioNode.Position, value: ScenarioNode)] = []
        let inputDefaults = try TreeEncoder().encode(InputSpec(path: ""))
        for pair in inputPairs {
            decoder.record(["inputs"], pair.key)
            let merged = pair.value.merged(over: inputDefaults)
            let spec = try Scenario.decode(InputSpec.self, merged, ["inputs", pair.key], decoder)
            try spec.check(name: pair.key, file: file, node: pair.value)
            inputs.append((pair.key, spec))
            effectiveInputs.append((pair.key, pair.keyPosition, merged))
        }
        for role in ["parcels", "districts"] where !inputs.contains(where: { $0.1.role(named: $0.0) == role }) {
            throw ScenarioError.missingKey(file: file, key: "inputs.\(role)", line: inputsNode.position.line)
        }

        // analyses
        var study = ParcelStudy.parcelsAndDistricts
        var transitQuality: TransitQuality?
        var kinds: [String] = []
        var addresses: [AnalysisAddress] = []
        var effectiveAnalyses: [ScenarioNode] = []
        if let analysesNode = tree["analyses"] {
            guard case let .sequence(items, _) = analysesNode else { throw decoder.typeError(["analyses"], analysesNode, expected: "a list of analyses, each with a kind") }
            for (k, item) in items.enumerated() {
                let path = ["analyses", String(k)]
                guard case let .mapping(pairs, position) = item else { throw decoder.typeError(path, item, expected: "a mapping with a kind") }
                guard let kindNode = item["kind"], case let .scalar(kind, _, kindPosition) = kindNode else {
                    throw ScenarioError.missingKey(file: file, key: path.joined(separator: ".") + ".kind", line: position.line)
                }
                decoder.record(path, "kind")
                guard Scenario.analysisKinds.contains(kind) else {
                    throw ScenarioError.unknownAnalysis(file: file, kind: kind, line: kindPosition.line, known: Scenario.analysisKinds)
                }
                // A network catchment may stand beside a crow-fly one.
                let isNetwork: Bool = { if case let .scalar(m, _, _)? = item["method"] { return m == "network" } else { return false } }()
                let slot = kind == "catchment" && isNetwork ? "catchment (method network)" : kind
                if kinds.contains(slot) {
                    throw ScenarioError.invalidValue(file: file, key: path.joined(separator: ".") + ".kind", line: kindPosition.line,
                                                     message: "the analysis \(kind) is listed twice")
                }
                kinds.append(slot)
                // An analysis may carry an `id`, the name a variant addresses it by.
                var id: String?
                if let idNode = item["id"] {
                    decoder.record(path, "id")
                    guard case let .scalar(text, _, _) = idNode, !text.isEmpty, !text.contains("."),
                          !Scenario.analysisKinds.contains(text), !addresses.contains(where: { $0.id == text }) else {
                        throw ScenarioError.invalidValue(file: file, key: path.joined(separator: ".") + ".id", line: idNode.position.line,
                                                         message: "an analysis id is a name without dots, unique in the scenario and not an analysis kind")
                    }
                    id = text
                }
                let method: String? = { if case let .scalar(m, _, _)? = item["method"] { return m } else { return nil } }()
                addresses.append(AnalysisAddress(index: k, kind: kind, id: id, method: method))
                let parameters = ScenarioNode.mapping(pairs.filter { $0.key != "kind" && $0.key != "id" }, position)
                var effective: ScenarioNode
                if kind == "transit-quality" {
                    let (quality, merged) = try Scenario.applyTransit(parameters: parameters, path: path, decoder: decoder)
                    guard inputs.contains(where: { $0.1.role(named: $0.0) == "gtfs" }) else {
                        throw ScenarioError.missingKey(file: file, key: "inputs.gtfs (a GTFS feed, for transit-quality)", line: kindPosition.line)
                    }
                    (transitQuality, effective) = (quality, merged)
                } else {
                    effective = try Scenario.apply(kind: kind, parameters: parameters, to: &study, path: path, decoder: decoder)
                }
                if case let .mapping(e, p) = effective {
                    let named: [(key: String, keyPosition: ScenarioNode.Position, value: ScenarioNode)] =
                        id.map { [("id", .defaults, .scalar($0, plain: true, .defaults))] } ?? []
                    effectiveAnalyses.append(.mapping([("kind", .defaults, .scalar(kind, plain: true, .defaults))] + named + e, p))
                }
            }
        }

        if study.walking != nil, !inputs.contains(where: { $0.1.role(named: $0.0) == "streets" }) {
            let k = kinds.firstIndex(of: "catchment (method network)") ?? 0
            throw ScenarioError.invalidValue(file: file, key: "analyses.\(k).method", line: tree["analyses"]?.find([String(k), "method"])?.position.line ?? 0,
                                             message: "the catchment analysis with method network walks on the streets: add an input of role streets (a line layer)")
        }

        if transitQuality?.method == .network, !inputs.contains(where: { $0.1.role(named: $0.0) == "streets" }) {
            let k = kinds.firstIndex(of: "transit-quality") ?? 0
            throw ScenarioError.invalidValue(file: file, key: "analyses.\(k).method", line: tree["analyses"]?.find([String(k), "method"])?.position.line ?? 0,
                                             message: "the transit-quality analysis with method network walks on the streets: add an input of role streets (a line layer)")
        }

        // outputs
        let outputDefaults = try TreeEncoder().encode(OutputSpec())
        let outputsNode = (tree["outputs"] ?? .mapping([], .defaults)).merged(over: outputDefaults)
        let outputs = try Scenario.decode(OutputSpec.self, outputsNode, ["outputs"], decoder)
        try outputs.check(file: file, node: outputsNode)

        // variants
        var variants: [Variant] = []
        var variantNames: Set<String> = []
        if let variantsNode = tree["variants"] {
            guard case let .sequence(items, _) = variantsNode else { throw decoder.typeError(["variants"], variantsNode, expected: "a list of variants") }
            for (k, item) in items.enumerated() {
                let variant = try Variant(node: item, path: ["variants", String(k)], file: file, analyses: addresses, inputs: inputs.map(\.0))
                if !variantNames.insert(variant.name).inserted {
                    throw ScenarioError.invalidValue(file: file, key: "variants.\(k).name", line: item.position.line, message: "two variants are named \(variant.name)")
                }
                variants.append(variant)
            }
        }

        // Variants check their own keys; the rest of the file is checked against what the types asked for.
        if let unknown = decoder.unknownKey(in: .mapping(top.filter { $0.key != "variants" }, tree.position)) {
            throw ScenarioError.unknownKey(file: file, key: unknown.key, line: unknown.line, suggestion: unknown.suggestion)
        }
        self.tree = tree
        self.inputs = inputs
        self.study = study
        self.transitQuality = transitQuality
        analysisKinds = kinds
        self.outputs = outputs
        self.variants = variants
        effective = ScenarioNode.mapping([
            ("working_crs", .defaults, .scalar(workingCRS.identifier, plain: true, .defaults)),
            ("inputs", .defaults, .mapping(effectiveInputs, .defaults)),
            ("analyses", .defaults, .sequence(effectiveAnalyses, .defaults)),
            ("outputs", .defaults, outputsNode),
        ], .defaults).yaml()
    }

    /// Decodes with the scenario's decoder, turning the standard library's decoding errors
    /// (an unknown enum value) into scenario errors with the key and line.
    static func decode<T: Decodable>(_ type: T.Type, _ node: ScenarioNode, _ path: [String], _ decoder: TreeDecoder) throws -> T {
        do {
            return try decoder.decode(type, from: node, path: path)
        } catch let error as DecodingError {
            var keys: [String] = path, message = "\(error)"
            if case let .dataCorrupted(context) = error {
                keys = context.codingPath.map(\.stringValue)
                message = context.debugDescription
            }
            let line = node.find(Array(keys.dropFirst(path.count)))?.position.line ?? node.position.line
            var text = message
            if message.contains("Cannot initialize"), let value = node.find(Array(keys.dropFirst(path.count))), case let .scalar(v, _, _) = value {
                text = "'\(v)' is not one of the values this key takes"
            }
            throw ScenarioError.invalidValue(file: decoder.file, key: keys.joined(separator: "."), line: line, message: text)
        }
    }

    /// Sets the part of `study` an analysis kind stands for; returns its effective parameters.
    static func apply(kind: String, parameters: ScenarioNode, to study: inout ParcelStudy, path: [String], decoder: TreeDecoder) throws -> ScenarioNode {
        func load<T: Codable>(_ value: T) throws -> (T, ScenarioNode) {
            let merged = parameters.merged(over: try TreeEncoder().encode(value))
            return (try decode(T.self, merged, path, decoder), merged)
        }
        func check(_ body: () throws -> Void) throws {
            do { try body() } catch let error as AnalysisError {
                if case let .invalidParameter(parameter, value, expected) = error {
                    let key = parameter.split(separator: ".").map(String.init)
                    let line = parameters.find(key)?.position.line ?? parameters.position.line
                    throw ScenarioError.invalidValue(file: decoder.file, key: (path + key).joined(separator: "."), line: line,
                                                     message: "\(value) is out of range: expected \(expected)")
                }
                throw ScenarioError.invalidValue(file: decoder.file, key: path.joined(separator: "."), line: parameters.position.line, message: "\(error)")
            }
        }
        var merged: ScenarioNode
        switch kind {
        case "parcel-metrics": (study.metrics, merged) = try load(study.metrics)
        case "district-assignment": (study.assignment, merged) = try load(study.assignment)
        case "district-indicators": (study.indicators, merged) = try load(study.indicators)
        case "development-potential":
            let potential: DevelopmentPotential
            (potential, merged) = try load(study.potential ?? DevelopmentPotential())
            try check { try potential.validate() }
            study.potential = potential
        case "catchment":
            var c: Catchment
            (c, merged) = try load(Catchment())
            try check { try c.validate() }
            if c.method == .network { study.walking = c } else { study.catchment = c }
        case "residents-in-reach": let r: ResidentsInReach; (r, merged) = try load(ResidentsInReach()); study.residents = r
        case "underserved-areas": let u: UnderservedAreas; (u, merged) = try load(UnderservedAreas()); study.underserved = u
        case "corridor-proximity":
            let c: CorridorProximity
            (c, merged) = try load(CorridorProximity())
            try check { try c.validate() }
            study.corridors = c
        case "harbour-zone": let h: HarbourZone; (h, merged) = try load(HarbourZone()); study.harbour = h
        case "emission-zones": let e: EmissionZones; (e, merged) = try load(EmissionZones()); study.emissions = e
        case "conversion-candidates": let c: ConversionCandidates; (c, merged) = try load(ConversionCandidates()); study.conversion = c
        case "population-distribution":
            let p: PopulationDistribution
            (p, merged) = try load(PopulationDistribution())
            try check { try p.validate() }
            study.population = p
        case "rooftop-solar":
            let s: RooftopSolar
            (s, merged) = try load(RooftopSolar())
            try check { try s.validate() }
            study.solar = s
        default:
            fatalError("unreachable: kinds are checked before")
        }
        return merged
    }
}

extension ScenarioNode {
    /// The node at a key path below this one (mapping keys or list positions).
    func find(_ path: [String]) -> ScenarioNode? {
        var node = self
        for key in path {
            switch node {
            case .mapping: guard let next = node[key] else { return nil }; node = next
            case let .sequence(items, _): guard let i = Int(key), items.indices.contains(i) else { return nil }; node = items[i]
            case .scalar: return nil
            }
        }
        return node
    }
}
