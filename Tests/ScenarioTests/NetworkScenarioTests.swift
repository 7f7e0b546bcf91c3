import Foundation
import Testing
import GeoCore
import TestSupport
import UrbanAnalysis
@testable import Scenario

/// The scenario keys of issue 16: a network catchment beside a crow-fly one, its streets
/// input, and the working CRS.
@Suite struct NetworkScenarioTests {
    let inputs = """
    inputs:
      parcels: {path: parcels.geojson}
      districts: {path: stadtbezirke.geojson}
      stops: {path: vrr_stations.geojson}

    """

    func error(_ text: String) -> ScenarioError? {
        do { _ = try Scenario(text: text, file: "/tmp/s.yaml"); return nil } catch let e as ScenarioError { return e } catch { Issue.record("\(error)"); return nil }
    }

    @Test func networkNeedsStreetsAndNamesTheAnalysis() {
        let e = error(inputs + """
        analyses:
          - kind: catchment
            method: network
        """)
        guard case let .invalidValue(_, key, line, message)? = e else { Issue.record("expected invalidValue, got \(String(describing: e))"); return }
        #expect(key == "analyses.0.method" && line == 7 && message.contains("catchment") && message.contains("streets"))
        #expect(e?.exitCode == 64)
    }

    @Test func networkBesideCrowFlyWithMinutes() throws {
        let s = try Scenario(text: inputs + """
          streets: {path: streets.geojson}
        working_crs: EPSG:25833
        analyses:
          - kind: catchment
            method: buffer-union
          - kind: catchment
            method: network
            walk_speed_kmh: 6
            snap_to: any-component
            modes:
              - {name: tram, minutes: 5}
        """, file: "/tmp/s.yaml")
        #expect(s.study.catchment?.method == .bufferUnion && s.study.walking?.method == .network)
        let berlin = try CRS("EPSG:25833")
        #expect(s.study.walking?.snapTo == .anyComponent && s.workingCRS == berlin)
        // 5 minutes at 6 km/h: 500 m.
        #expect(s.study.walking?.resolvedModes.first?.radius == 500)
        // Two crow-fly catchments are still one too many.
        let twice = error(inputs + """
        analyses:
          - kind: catchment
          - kind: catchment
            method: radius
        """)
        #expect(twice != nil)
    }

    @Test func geographicWorkingCRSIsRefused() {
        let e = error("working_crs: EPSG:4326\n" + inputs)
        guard case let .invalidValue(_, key, _, message)? = e else { Issue.record("expected invalidValue, got \(String(describing: e))"); return }
        #expect(key == "working_crs" && message.contains("geographic") && e?.exitCode == 64)
    }
}
