import Yams

/// A scenario file's content as a tree that remembers where each value stood, so that every
/// error can name the key and its line.
indirect enum ScenarioNode: Sendable, Equatable {
    case scalar(String, plain: Bool, Position)
    case sequence([ScenarioNode], Position)
    case mapping([(key: String, keyPosition: Position, value: ScenarioNode)], Position)

    /// 1-based line and column; line 0 for values that came from defaults, not the file.
    struct Position: Sendable, Equatable, CustomStringConvertible {
        var line: Int
        var column: Int
        static let defaults = Position(line: 0, column: 0)
        var description: String { line > 0 ? "line \(line)" : "the defaults" }
    }

    var position: Position {
        switch self {
        case let .scalar(_, _, p), let .sequence(_, p), let .mapping(_, p): return p
        }
    }

    /// A plain (unquoted) scalar that YAML reads as null: `~`, `null`, or nothing.
    var isNull: Bool {
        if case let .scalar(text, plain, _) = self, plain { return text.isEmpty || text == "~" || text == "null" || text == "Null" || text == "NULL" }
        return false
    }

    static func == (a: ScenarioNode, b: ScenarioNode) -> Bool {
        switch (a, b) {
        case let (.scalar(x, px, _), .scalar(y, py, _)): return x == y && px == py
        case let (.sequence(x, _), .sequence(y, _)): return x == y
        case let (.mapping(x, _), .mapping(y, _)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: return false
        }
    }

    /// The value under `key` of a mapping.
    subscript(key: String) -> ScenarioNode? {
        if case let .mapping(pairs, _) = self { return pairs.last { $0.key == key }?.value }
        return nil
    }

    /// Parses YAML (or JSON, which is YAML too).
    static func parse(_ text: String, file: String) throws -> ScenarioNode {
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw ScenarioError.syntax(file: file, message: ScenarioNode.describe(error))
        }
        guard let node else { return .mapping([], Position(line: 1, column: 1)) }
        return try convert(node, file: file)
    }

    private static func describe(_ error: YamlError) -> String {
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _), let .composer(context, problem, mark, _):
            return "line \(mark.line), column \(mark.column): \(problem)" + (context.map { " \($0.text)" } ?? "")
        default:
            return "\(error)"
        }
    }

    private static func convert(_ node: Node, file: String) throws -> ScenarioNode {
        let p = node.mark.map { Position(line: $0.line, column: $0.column) } ?? .defaults
        switch node {
        case let .scalar(scalar):
            return .scalar(scalar.string, plain: scalar.style == .plain || scalar.style == .any, p)
        case let .sequence(sequence):
            return .sequence(try sequence.map { try convert($0, file: file) }, p)
        case let .mapping(mapping):
            var pairs: [(key: String, keyPosition: Position, value: ScenarioNode)] = []
            for (key, value) in mapping {
                guard case let .scalar(k) = key else {
                    throw ScenarioError.invalidValue(file: file, key: "(a key)", line: p.line, message: "keys must be plain names")
                }
                let kp = key.mark.map { Position(line: $0.line, column: $0.column) } ?? p
                if pairs.contains(where: { $0.key == k.string }) {
                    throw ScenarioError.invalidValue(file: file, key: k.string, line: kp.line, message: "the key appears twice in the same mapping")
                }
                pairs.append((k.string, kp, try convert(value, file: file)))
            }
            return .mapping(pairs, p)
        case .alias:
            throw ScenarioError.invalidValue(file: file, key: "(alias)", line: p.line, message: "YAML aliases are not supported in scenario files")
        }
    }

    /// `self` with `defaults` filled in wherever `self` says nothing: mappings merge key by
    /// key (the file's keys first, in the file's order), anything else is taken from the file.
    func merged(over defaults: ScenarioNode) -> ScenarioNode {
        guard case let .mapping(mine, p) = self, case let .mapping(theirs, _) = defaults else { return self }
        var out = mine.map { pair -> (key: String, keyPosition: Position, value: ScenarioNode) in
            if let d = theirs.first(where: { $0.key == pair.key })?.value { return (pair.key, pair.keyPosition, pair.value.merged(over: d)) }
            return pair
        }
        for pair in theirs where !mine.contains(where: { $0.key == pair.key }) { out.append(pair) }
        return .mapping(out, p)
    }

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
