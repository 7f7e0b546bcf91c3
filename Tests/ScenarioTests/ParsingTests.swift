import Foundation
import Testing
import TestSupport
@testable import Scenario
import UrbanAnalysis

@Suite struct ParsingTests {
    @Test func defaultScenarioParses() throws {
        let path = ExternalTools.packageRoot.appendingPathComponent("datasets/dortmund/scenario.yaml").path
        let s = try Scenario.load(path: path)
        #expect(s.inputs.count == 8)
        #expect(s.analysisKinds.count == 12)
        #expect(s.study.catchment?.quadrantSegments == 8)
        print(s.effective)
    }
}

