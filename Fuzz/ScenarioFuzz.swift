// libFuzzer harness: any bytes as a scenario file, through the UTF-8 check and the bounded
// YAML parser (libyaml's events into the position-keeping tree, aliases counted against the
// bounds), then the tree's own operations (comparison, merging over defaults). Built with
// the parsing files of the Scenario module and libyaml's C sources only (see Fuzz/run.sh), so
// this file is compiled into that module and reaches its internal API.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzScenario(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    do {
        let text = try scenarioText(bytes, file: "fuzz.yaml")
        let tree = try ScenarioNode.parse(text, file: "fuzz.yaml")
        precondition(tree == tree, "a tree must equal itself")
        let defaults = ScenarioNode.mapping([("inputs", .defaults, .mapping([], .defaults))], .defaults)
        _ = tree.merged(over: defaults)
        _ = tree["inputs"]?.isNull
    } catch is ScenarioError {
    } catch {
        fatalError("an error that is not the toolkit's own: \(error)")
    }
    return 0
}
