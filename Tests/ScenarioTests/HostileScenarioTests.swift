import Foundation
import Testing
import TestSupport
import Yams
@testable import Scenario

/// Scenario files as a hostile or careless sender makes them: alias bombs, bytes that are not
/// text, misspelt names; and the bounded parser against Yams's own composer.
@Suite struct HostileScenarioTests {
    /// Nine anchors, each a list of nine aliases of the one before (line k holds level k).
    static let aliasBomb = (["a: &a [x, x, x, x, x, x, x, x, x]"] + (1..<9).map { level -> String in
        let name = String(UnicodeScalar(UInt8(97 + level))), before = String(UnicodeScalar(UInt8(96 + level)))
        return "\(name): &\(name) [" + Array(repeating: "*\(before)", count: 9).joined(separator: ", ") + "]"
    }).joined(separator: "\n") + "\n"

    func parse(_ text: String, _ bounds: ScenarioNode.Bounds = .standard) throws -> ScenarioNode {
        try ScenarioNode.parse(text, file: "s.yaml", bounds: bounds)
    }

    @Test func anAliasBombIsRefusedWhereItCrossesTheBound() throws {
        // Counted by hand: the top mapping 1; each key 1; level a is a list of 9 scalars, 10
        // values; each level after it 1 + 9 × the one before: 91, 820, 7381, 66430. Before
        // line 6 that is 1 + 5 + 10 + 91 + 820 + 7381 + 66430 = 74738; line 6 adds its key and
        // list (74740) and 66430 per alias: the second alias passes 200,000.
        #expect(Self.aliasBomb.utf8.count < 600)
        do {
            _ = try parse(Self.aliasBomb)
            Issue.record("the bomb must be refused")
        } catch let error as ScenarioError {
            guard case let .tooLarge(file, line, message) = error else { Issue.record("\(error)"); return }
            #expect(file == "s.yaml" && line == 6 && message.contains("200000 values"), "\(error)")
            #expect(error.exitCode == 64 && error.description.hasPrefix("s.yaml:6: the scenario is too large"))
        }
        // Five levels (74,738 values) are within the bound and read in full.
        let five = Self.aliasBomb.split(separator: "\n").prefix(5).joined(separator: "\n")
        guard case let .sequence(level5, _)? = try parse(five)["e"] else { Issue.record("e must be a list"); return }
        #expect(level5.count == 9)
    }

    @Test func aliasesCountAsEverythingTheyStandFor() throws {
        // [&a [1, 2], *a]: the outer list 1, the anchored list 3, the alias 3 more: 7 values.
        #expect(try parse("[&a [1, 2], *a]", ScenarioNode.Bounds(values: 7)) == .sequence([
            .sequence([.scalar("1", plain: true, .defaults), .scalar("2", plain: true, .defaults)], .defaults),
            .sequence([.scalar("1", plain: true, .defaults), .scalar("2", plain: true, .defaults)], .defaults),
        ], .defaults))
        #expect(throws: ScenarioError.self) { try parse("[&a [1, 2], *a]", ScenarioNode.Bounds(values: 6)) }
        // Text: three uses of five bytes are 15 bytes.
        #expect(throws: Never.self) { try parse("[&a xxxxx, *a, *a]", ScenarioNode.Bounds(textBytes: 15)) }
        #expect(throws: ScenarioError.self) { try parse("[&a xxxxx, *a, *a]", ScenarioNode.Bounds(textBytes: 14)) }
    }

    @Test func keysArePlainAndOnce() throws {
        if case let .invalidValue(_, key, line, message)? = error({ try parse("a: 1\nb: 2\na: 3\n") }) {
            #expect(key == "a" && line == 3 && message.contains("twice"))
        } else { Issue.record("a repeated key must be refused") }
        // A list as a key, even behind an alias (Yams would hash the whole expansion).
        if case let .invalidValue(_, _, _, message)? = error({ try parse("x: &l [1, 2]\n? *l\n: 3\n") }) {
            #expect(message.contains("plain names"))
        } else { Issue.record("a list as a key must be refused") }
        if case let .syntax(_, message)? = error({ try parse("a: *nowhere\n") }) {
            #expect(message.contains("undefined alias"))
        } else { Issue.record("an undefined alias must be refused") }
        if case .syntax? = error({ try parse("a: 1\n---\nb: 2\n") }) {} else { Issue.record("a second document must be refused") }
        #expect(try parse("") == .mapping([], .defaults))
    }

    /// The bounded parser builds the same tree as Yams's composer (an independent reading of
    /// the same YAML), values and lines, for every scenario the project ships.
    @Test func theTreeIsYamsTreeForEveryShippedScenario() throws {
        let root = ExternalTools.packageRoot
        let folder = root.appendingPathComponent("datasets/scenarios").path
        let files = ["datasets/dortmund/scenario.yaml"]
            + (try FileManager.default.contentsOfDirectory(atPath: folder)).filter { $0.hasSuffix(".yaml") }.sorted().map { "datasets/scenarios/" + $0 }
        #expect(files.count >= 4)
        for file in files {
            let text = try String(contentsOfFile: root.appendingPathComponent(file).path, encoding: .utf8)
            let ours = try parse(text)
            let theirs = try Self.reference(try #require(try Yams.compose(yaml: text)))
            #expect(ours == theirs, "\(file)")
            #expect(Self.lines(ours) == Self.lines(theirs), "\(file)")
        }
    }

    @Test func bytesThatAreNotUTF8AreNamed() throws {
        if case let .syntax(file, message)? = error({ try scenarioText(Array("inputs:\n  parcels: ".utf8) + [0x66, 0xFC, 0x72], file: "s.yaml") }) {
            // "inputs:\n" is 8 bytes, "  parcels: " 11, "f" 1: the Latin-1 ü is byte 20, on line 2.
            #expect(file == "s.yaml" && message == "not UTF-8 text at byte 20 (line 2)")
        } else { Issue.record("Latin-1 text must be refused") }
        if case let .syntax(_, message)? = error({ try scenarioText([0x50, 0x4B, 0x03, 0x04, 0x14, 0x00, 0x08, 0x00, 0x08, 0x00, 0xA4], file: "z") }) {
            #expect(message == "not UTF-8 text at byte 10 (line 1)")
        } else { Issue.record("a zip file must be refused") }
        #expect(try scenarioText(Array("a: Mängel €\n".utf8), file: "s") == "a: Mängel €\n")
    }

    @Test func misspeltNamesGetTheNearestKnownOne() throws {
        // Distances by hand: kitten → sitting 3 (k→s, e→i, +g); a swap of neighbours is 1.
        #expect(Suggestion.distance(Array("kitten"), Array("sitting")) == 3)
        #expect(Suggestion.distance(Array("radisu"), Array("radius")) == 1)
        #expect(Suggestion.distance(Array(""), Array("abc")) == 3)
        #expect(Suggestion.nearest(to: "rooftop-solr", among: Scenario.analysisKinds) == "rooftop-solar")
        #expect(Suggestion.nearest(to: "Catchement", among: Scenario.analysisKinds) == "catchment")
        #expect(Suggestion.nearest(to: "walkability", among: Scenario.analysisKinds) == nil)
        let minimal = "inputs:\n  districts: {path: d.geojson}\n  parcels: {path: p.geojson}\n"
        func message(_ text: String) -> String { error({ _ = try Scenario(text: minimal + text, file: "s.yaml") }).map(\.description) ?? "" }
        #expect(message("analyses:\n  - kind: rooftop-solr") == "s.yaml:5: unknown analysis kind 'rooftop-solr': did you mean `rooftop-solar`?")
        #expect(message("analysis: []") == "s.yaml:4: unknown key 'analysis': did you mean `analyses`?")
        #expect(message("analyses:\n  - kind: catchment\n    quadrant_segmnts: 8").hasSuffix("unknown key 'analyses.0.quadrant_segmnts': did you mean `quadrant_segments`?"))
        #expect(message("outputs: {precison: 3}").hasSuffix("did you mean `precision`?"))
        #expect(message("outputs: {csv: exel}").contains("did you mean `excel`?"))
        #expect(error({ _ = try Scenario(text: "inputs:\n  districts: {path: d.geojson}\n  parcels: {path: p.geojson, formt: csv}\n", file: "s") })?
            .description.contains("did you mean `format`?") == true)
        #expect(error({ _ = try Scenario(text: "inputs:\n  districts: {path: d.geojson}\n  parcels: {path: p.geojson, format: cvs}\n", file: "s") })?
            .description.contains("did you mean `csv`?") == true)
        #expect(error({ _ = try Scenario(text: minimal + "  stop: {path: s.geojson}\n", file: "s") })?
            .description.contains("did you mean `stops`?") == true)
        #expect(message("analyses:\n  - kind: catchment\n    method: bufer-union")
                == "s.yaml:6: 'analyses.0.method': 'bufer-union' is not one of radius, buffer-union, network (did you mean `buffer-union`?)")
        #expect(error({ _ = try Scenario(text: "inputs:\n  districts: {path: d.geojson}\n  parcels: {path: p.geojson, on_invalid: repiar}\n", file: "s") })?
            .description.contains("'repiar' is not one of keep, fail, skip, repair (did you mean `repair`?)") == true)
        // Far from every name: the list, not a guess.
        #expect(message("analyses:\n  - kind: walkability").contains("the toolkit has parcel-metrics"))
    }

    func error(_ body: () throws -> Any) -> ScenarioError? {
        do { _ = try body(); return nil } catch let e as ScenarioError { return e } catch { Issue.record("\(error)"); return nil }
    }

    /// Yams's node as a scenario tree, the way the toolkit read scenarios before the bounded parser.
    static func reference(_ node: Node) throws -> ScenarioNode {
        let p = node.mark.map { ScenarioNode.Position(line: $0.line, column: $0.column) } ?? .defaults
        switch node {
        case let .scalar(s): return .scalar(s.string, plain: s.style == .plain || s.style == .any, p)
        case let .sequence(s): return .sequence(try s.map(reference), p)
        case let .mapping(m):
            return .mapping(try m.map { key, value in
                (key.string ?? "", key.mark.map { ScenarioNode.Position(line: $0.line, column: $0.column) } ?? p, try reference(value))
            }, p)
        case .alias: throw ScenarioError.syntax(file: "", message: "alias")
        }
    }

    /// Every line the tree remembers, in order.
    static func lines(_ node: ScenarioNode) -> [Int] {
        switch node {
        case let .scalar(_, _, p): return [p.line]
        case let .sequence(items, p): return [p.line] + items.flatMap(lines)
        case let .mapping(pairs, p): return [p.line] + pairs.flatMap { [$0.keyPosition.line] + lines($0.value) }
        }
    }
}

/// Variants with many edits: applied in order, in one pass per level.
@Suite struct VariantEditTests {
    func scalar(_ text: String) -> ScenarioNode { .scalar(text, plain: true, .defaults) }

    @Test func editsApplyInOrder() throws {
        let tree = try ScenarioNode.parse("a: {b: 0}\nk: [1]\n", file: "s")
        let edited = tree.setting([
            (["a", "b"][...], scalar("1")), (["a", "c"][...], scalar("2")), (["a", "b"][...], scalar("3")),
            (["x"][...], scalar("4")), (["k", "y"][...], scalar("5")),
        ])
        // By hand: b set twice (3 wins), c and x added in order, the list k becomes a mapping.
        #expect(edited == .mapping([
            ("a", .defaults, .mapping([("b", .defaults, scalar("3")), ("c", .defaults, scalar("2"))], .defaults)),
            ("k", .defaults, .mapping([("y", .defaults, scalar("5"))], .defaults)),
            ("x", .defaults, scalar("4")),
        ], .defaults))
        // Replacing a node drops the edits before it, not those after.
        #expect(tree.setting([(["a", "b"][...], scalar("1")), (["a"][...], scalar("9")), (["a", "d"][...], scalar("2"))])["a"]
                == .mapping([("d", .defaults, scalar("2"))], .defaults))
    }

    @Test func aVariantOfTwentyFiveThousandEditsIsRefusedAtItsFirstUnknownKey() throws {
        let text = "inputs:\n  districts: {path: d.geojson}\n  parcels: {path: p.geojson}\nanalyses:\n  - kind: catchment\nvariants:\n  - name: v\n    parameters:\n"
            + (0..<25_000).map { "      catchment.tile_size_m\($0): 1\n" }.joined()
        #expect(text.utf8.count < 1 << 20)
        let scenario = try Scenario(text: text, file: "s.yaml")
        do {
            _ = try scenario.applying(scenario.variants[0])
            Issue.record("unknown parameters must be refused")
        } catch let error as ScenarioError {
            #expect(error == .unknownKey(file: "s.yaml", key: "analyses.0.tile_size_m0", line: 9, suggestion: "tile_size_m"), "\(error)")
        }
    }
}
