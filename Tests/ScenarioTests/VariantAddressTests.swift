import Foundation
import Testing
import TestSupport
import UrbanAnalysis
@testable import Scenario

/// Which analysis a variant's `kind.key` edits (issue 16): the one analysis of that kind, or
/// the one with that `id`; two of a kind without an id are refused (64), naming both.
@Suite struct VariantAddressTests {
    let inputs = """
    inputs:
      districts: {path: d.geojson}
      parcels: {path: p.geojson}
      stops: {path: s.geojson}
      streets: {path: streets.geojson}

    """

    func parse(_ text: String) throws -> Scenario { try Scenario(text: text, file: "/tmp/s.yaml") }

    @Test func theOneCatchmentOfAKindKeepsTheOldForm() throws {
        // Only a network catchment: catchment.* edits it (the old form).
        let s = try parse(inputs + """
        analyses:
          - kind: catchment
            method: network
        variants:
          - name: wider
            parameters:
              catchment.edge_buffer_m: 60
        """)
        let v = try s.applying(s.variants[0])
        #expect(v.study.walking?.edgeBuffer == 60 && s.study.walking?.edgeBuffer == 40)
        // Only a crow-fly one.
        let c = try parse(inputs + """
        analyses:
          - kind: catchment
            method: radius
        variants:
          - name: finer
            parameters:
              catchment.quadrant_segments: 16
        """)
        #expect(try c.applying(c.variants[0]).study.catchment?.quadrantSegments == 16)
    }

    @Test func twoCatchmentsAreAddressedByID() throws {
        let s = try parse(inputs + """
        analyses:
          - kind: catchment
            method: buffer-union
          - kind: catchment
            id: walking
            method: network
        variants:
          - name: wider
            parameters:
              walking.edge_buffer_m: 60
              walking.modes: [{name: tram, minutes: 5}]
        """)
        let v = try s.applying(s.variants[0])
        #expect(v.study.walking?.edgeBuffer == 60 && v.study.walking?.modes.map(\.name) == ["tram"])
        // The crow-fly catchment is untouched.
        #expect(v.study.catchment == s.study.catchment && v.study.catchment?.method == .bufferUnion)
        // The manifest's effective scenario keeps the id, so a rerun of it addresses the same analysis.
        #expect(s.effective.contains("id: walking"))
        #expect(try parse(s.effective + "\n").study.walking?.edgeBuffer == 40)
    }

    @Test func twoCatchmentsWithoutIDsAreAmbiguous() throws {
        do {
            _ = try parse(inputs + """
            analyses:
              - kind: catchment
                method: buffer-union
              - kind: catchment
                method: network
            variants:
              - name: wider
                parameters:
                  catchment.edge_buffer_m: 60
            """)
            Issue.record("expected an error")
        } catch let e as ScenarioError {
            guard case let .invalidValue(_, key, line, message) = e else { Issue.record("\(e)"); return }
            #expect(key == "variants.0.parameters.catchment.edge_buffer_m" && line == 14)
            #expect(message.contains("ambiguous") && message.contains("analyses.0 (method buffer-union)") && message.contains("analyses.1 (method network)"))
            #expect(message.contains("id"), "\(message)")
            #expect(e.exitCode == 64)
        }
    }

    @Test func idsAreChecked() {
        for bad in ["catchment", "a.b"] {
            #expect(throws: ScenarioError.self) {
                try parse(inputs + "analyses:\n  - kind: catchment\n    id: \(bad)\n")
            }
        }
        #expect(throws: ScenarioError.self) {
            try parse(inputs + "analyses:\n  - kind: catchment\n    id: x\n  - kind: catchment\n    method: network\n    id: x\n")
        }
    }
}
