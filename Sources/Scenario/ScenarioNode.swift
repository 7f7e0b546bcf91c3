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
}
