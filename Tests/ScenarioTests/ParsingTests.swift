import Foundation
import Testing
import Transit
import TestSupport
@testable import Scenario
import UrbanAnalysis

/// Scenario files: defaults from the types, and every kind of mistake named with key and line.
@Suite struct ParsingTests {
    let minimal = """
    inputs:
      districts: {path: d.geojson}
      parcels: {path: p.geojson}
    """

    func parse(_ text: String) throws -> Scenario { try Scenario(text: text, file: "/tmp/s.yaml") }

    func error(_ text: String) -> ScenarioError? {
        do { _ = try parse(text); return nil } catch let e as ScenarioError { return e } catch { Issue.record("\(error)"); return nil }
    }

    @Test func theDefaultScenarioParses() throws {
        let path = ExternalTools.packageRoot.appendingPathComponent("datasets/dortmund/scenario.yaml").path
        let s = try Scenario.load(path: path)
        #expect(s.inputs.count == 13 && s.analysisKinds.count == 15)
        #expect(s.study.population == PopulationDistribution())
        #expect(s.inputs.contains { $0.name == "population" && $0.spec.fields["age_65p"] == "a_65p" })
        #expect(s.transitQuality == TransitQuality(preset: .are))
        #expect(s.study.catchment == Catchment())
        #expect(s.study.walking == Catchment(method: .network) && s.workingCRS == .etrs89UTM32N)
        #expect(s.study.emissions == EmissionZones() && s.study.solar == RooftopSolar())
        #expect(s.outputs == OutputSpec())
        #expect(s.effective.contains("quadrant_segments: 8"))
    }

    @Test func leftOutKeysTakeTheTypesDefaults() throws {
        let s = try parse(minimal + """

        analyses:
          - kind: catchment
            method: radius
          - kind: development-potential
            weights: {transit: 2}
        """)
        var expected = Catchment()
        expected.method = .radius
        #expect(s.study.catchment == expected)
        var potential = DevelopmentPotential()
        potential.weights.transit = 2
        #expect(s.study.potential == potential)
        // Analyses not listed are off.
        #expect(s.study.corridors == nil && s.study.solar == nil)
        #expect(s.inputs[1].spec.onInvalid == .repair)
    }

    @Test func mistakesAreNamedWithTheirLine() throws {
        #expect(error(minimal + "\noutput: {}") == .unknownKey(file: "/tmp/s.yaml", key: "output", line: 4, suggestion: "outputs"))
        #expect(error(minimal + "\nanalyses:\n  - kind: catchment\n    radiuss: 500") == .unknownKey(file: "/tmp/s.yaml", key: "analyses.0.radiuss", line: 6))  // catchment has no radius of its own: nothing near
        #expect(error(minimal + "\nanalyses:\n  - kind: walkability") == .unknownAnalysis(file: "/tmp/s.yaml", kind: "walkability", line: 5, known: Scenario.analysisKinds))
        #expect(error(minimal + "\nanalyses:\n  - kind: corridor-proximity\n    distance_m: far")
                == .wrongType(file: "/tmp/s.yaml", key: "analyses.0.distance_m", line: 6, expected: "a number"))
        if case let .invalidValue(_, key, line, message)? = error(minimal + "\nanalyses:\n  - kind: catchment\n    modes:\n      - {name: bus, radius: -5}") {
            #expect(key == "analyses.0.modes.0.radius" && line == 7 && message.contains("-5.0") && message.contains("bus"))
        } else { Issue.record("a radius of −5 must be refused") }
        if case let .invalidValue(_, key, line, message)? = error(minimal + "\noutputs: {crs: EPSG:999999}") {
            #expect(key == "outputs.crs" && line == 4 && message.contains("EPSG:999999"))
        } else { Issue.record("an unknown CRS must be refused") }
        if case let .invalidValue(_, key, line, _)? = error(minimal + "\nanalyses:\n  - kind: catchment\n    method: walking") {
            #expect(key == "analyses.0.method" && line == 6)
        } else { Issue.record("an unknown method must be refused") }
        if case let .invalidValue(_, key, _, _)? = error("inputs:\n  districts: {path: d.geojson}\n  parcels: {path: p.geojson}\n  trees: {path: t.geojson}") {
            #expect(key == "inputs.trees")
        } else { Issue.record("an input without a role must be refused") }
        #expect(error("inputs:\n  districts: {path: d.geojson}") == .missingKey(file: "/tmp/s.yaml", key: "inputs.parcels", line: 2))
        if case .syntax? = error("inputs: [unclosed") {} else { Issue.record("a syntax error must be reported") }
        #expect(error(minimal + "\nvariants:\n  - name: baseline") != nil)
        #expect(ScenarioError.missingFile(file: "f", key: "k", line: 1, path: "p").exitCode == 66)
        #expect(ScenarioError.unknownKey(file: "f", key: "k", line: 1).exitCode == 64)
    }

    @Test func variantsOverrideParameters() throws {
        let s = try parse(minimal + """

        analyses:
          - kind: development-potential
        variants:
          - name: transit
            parameters:
              development-potential.weights.transit: 3
              development-potential.transit_far_m: 1500
        """)
        let v = try s.applying(s.variants[0])
        #expect(v.study.potential?.weights.transit == 3 && v.study.potential?.transitFar == 1500)
        #expect(s.study.potential?.weights.transit == 1)
        // A variant may only touch analyses the scenario runs.
        #expect(error(minimal + "\nvariants:\n  - name: x\n    parameters:\n      catchment.method: radius") != nil)
    }

    @Test func jsonScenariosWorkToo() throws {
        let s = try parse(#"{"inputs": {"districts": {"path": "d.geojson"}, "parcels": {"path": "p.geojson"}}, "analyses": [{"kind": "rooftop-solar", "usable_roof_share": 0.6}]}"#)
        #expect(s.study.solar?.usableRoofShare == 0.6)
    }
}
