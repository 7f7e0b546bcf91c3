/// What can be wrong with a scenario. Each case names the file, the key (as a dotted path,
/// `analyses.2.radius`) and its line, and maps to a documented exit code.
public enum ScenarioError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Not YAML or JSON (exit 64).
    case syntax(file: String, message: String)
    /// A key no scenario type knows (exit 64), with the nearest known key at its place if one
    /// is near ("did you mean `radius`?").
    case unknownKey(file: String, key: String, line: Int, suggestion: String? = nil)
    /// A required key is missing (exit 64).
    case missingKey(file: String, key: String, line: Int)
    /// A value of the wrong type: a text where a number belongs (exit 64).
    case wrongType(file: String, key: String, line: Int, expected: String)
    /// A value of the right type out of range, or otherwise unusable: a radius of −5, a CRS
    /// PROJ does not know (exit 64).
    case invalidValue(file: String, key: String, line: Int, message: String)
    /// An analysis `kind` the toolkit does not have (exit 64).
    case unknownAnalysis(file: String, kind: String, line: Int, known: [String])
    /// The scenario file or an input it names does not exist or cannot be read (exit 66).
    case missingFile(file: String, key: String, line: Int, path: String)
    /// A scenario beyond the bounds of `ScenarioNode.Bounds` once its YAML aliases are expanded
    /// (exit 64): the line is where it crossed them.
    case tooLarge(file: String, line: Int, message: String)

    public var description: String {
        func at(_ file: String, _ line: Int) -> String { line > 0 ? "\(file):\(line)" : file }
        switch self {
        case let .syntax(file, message):
            return "\(file): not a YAML or JSON scenario: \(message)"
        case let .unknownKey(file, key, line, suggestion):
            if let suggestion { return "\(at(file, line)): unknown key '\(key)': did you mean `\(suggestion)`?" }
            return "\(at(file, line)): unknown key '\(key)' (see docs/scenarios.md for the keys a scenario takes)"
        case let .missingKey(file, key, line):
            return "\(at(file, line)): '\(key)' is required"
        case let .wrongType(file, key, line, expected):
            return "\(at(file, line)): '\(key)' must be \(expected)"
        case let .invalidValue(file, key, line, message):
            return "\(at(file, line)): '\(key)': \(message)"
        case let .unknownAnalysis(file, kind, line, known):
            if let nearest = Suggestion.nearest(to: kind, among: known) {
                return "\(at(file, line)): unknown analysis kind '\(kind)': did you mean `\(nearest)`?"
            }
            return "\(at(file, line)): unknown analysis kind '\(kind)'; the toolkit has \(known.joined(separator: ", "))"
        case let .missingFile(file, key, line, path):
            return "\(at(file, line)): '\(key)' names \(path), which does not exist or cannot be read"
        case let .tooLarge(file, line, message):
            return "\(at(file, line)): the scenario is too large: \(message) (see docs/scenarios.md on the bounds)"
        }
    }

    /// The sysexits code the CLI exits with.
    public var exitCode: Int32 {
        if case .missingFile = self { return 66 }
        return 64
    }
}
