import Foundation
import Testing
import TestSupport
@testable import Scenario

/// Every seed of the scenario fuzzer and every input it ever found (Fuzz/regressions/scenario)
/// is read as the harness reads it, without a crash: a tree or a typed scenario error.
@Suite struct ScenarioFuzzRegressionTests {
    @Test func scenarioFuzzInputsNeverCrash() throws {
        var inputs: [URL] = []
        for folder in ["Fuzz/corpus/scenario", "Fuzz/regressions/scenario"] {
            let url = ExternalTools.packageRoot.appendingPathComponent(folder)
            inputs += try FileManager.default.contentsOfDirectory(at: url, includingPropertiesForKeys: nil).filter { !$0.lastPathComponent.hasPrefix(".") }
        }
        #expect(inputs.count >= 13)
        var parsed = 0, refused = 0
        for url in inputs {
            do {
                let tree = try ScenarioNode.parse(try scenarioText(Array(try Data(contentsOf: url)), file: url.lastPathComponent), file: url.lastPathComponent)
                #expect(tree == tree)
                parsed += 1
            } catch is ScenarioError {
                refused += 1
            }
        }
        // The seeds hold the shipped scenarios and the broken cases (two documents, a repeated
        // key, Latin-1 text).
        #expect(parsed >= 9 && refused >= 3, "\(parsed) parsed, \(refused) refused")
    }
}
