import Yams

extension ScenarioNode {
    /// YAML text of the tree (for the report's parameters and the run manifest), by Yams's emitter.
    func yaml() -> String {
        (try? Yams.serialize(node: yamsNode(), width: 120, allowUnicode: true, sortKeys: false)) ?? ""
    }

    private func yamsNode() -> Node {
        switch self {
        case let .scalar(text, plain, _):
            return Node(text, .implicit, plain ? .plain : .doubleQuoted)
        case let .sequence(items, _):
            return Node(items.map { $0.yamsNode() })
        case let .mapping(pairs, _):
            return Node(pairs.map { (Node($0.key), $0.value.yamsNode()) })
        }
    }
}
