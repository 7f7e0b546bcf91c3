import CYaml

/// Reading YAML (or JSON, which is YAML too) into a `ScenarioNode` tree, within bounds.
///
/// The tree is built straight from libyaml's events (the C parser inside Yams), not from
/// `Yams.compose`: YAML aliases nest, so a 600-byte file of nine anchors, each a list of nine
/// aliases of the one before, stands for 9⁹ values, and a composer that hashes or copies
/// them (Yams checks mapping keys for repeats by hashing them, which walks an alias in full)
/// runs until the machine is out of memory. Here every value counts as it is made, and an
/// alias counts as everything it stands for, before anything is copied: a scenario that
/// would expand beyond `ScenarioNode.Bounds` is refused with the line of the alias that
/// crossed it. libyaml itself limits nesting to 1,000 levels.
///
/// This file depends on libyaml alone (with `ScenarioNode` and `ScenarioError`), so that the
/// fuzzing harness in `Fuzz/` can build it without the rest of the module.
extension ScenarioNode {
    /// How large a scenario may be once its aliases are expanded. The default scenario of the
    /// embedded dataset holds 129 values in 1.9 KB; these bounds keep any
    /// scenario's tree below a few tens of megabytes.
    struct Bounds: Sendable {
        /// Values (scalars, lists and mappings, each key with its value counting once for the
        /// value and once for the key), every use of an alias counted in full.
        var values = 200_000
        /// Bytes of scalar text, every use of an alias counted in full.
        var textBytes = 10 << 20
        static let standard = Bounds()
    }

    /// Parses YAML (or JSON). An empty file is an empty mapping.
    static func parse(_ text: String, file: String, bounds: Bounds = .standard) throws -> ScenarioNode {
        var builder = TreeBuilder(file: file, bounds: bounds)
        var bytes = Array(text.utf8)
        return try bytes.withUnsafeMutableBufferPointer { buffer in
            var parser = yaml_parser_t()
            guard yaml_parser_initialize(&parser) != 0 else { throw ScenarioError.syntax(file: file, message: "out of memory") }
            defer { yaml_parser_delete(&parser) }
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var event = yaml_event_t()
            while true {
                guard yaml_parser_parse(&parser, &event) != 0 else {
                    throw ScenarioError.syntax(file: file, message: describeError(parser, deepest: builder.stack.last?.position))
                }
                defer { yaml_event_delete(&event) }
                if event.type == YAML_STREAM_END_EVENT { break }
                try builder.take(event)
            }
            return builder.root ?? .mapping([], Position(line: 1, column: 1))
        }
    }

    /// libyaml's complaint as Yams words it: `line 3, column 7: did not find expected key while parsing a block mapping`.
    /// (`deepest`: where the innermost open list or mapping began, for the nesting limit.)
    private static func describeError(_ parser: yaml_parser_t, deepest: Position?) -> String {
        var problem = parser.problem.map { String(cString: $0) } ?? "unreadable YAML"
        var context = parser.context.map { " " + String(cString: $0) } ?? ""
        if problem.hasPrefix("Maximum nesting level reached") {
            // libyaml's words name its C function; say what the limit is instead.
            problem = "lists and mappings nested more than 1000 levels deep"
            context = ""
            if let deepest { return "line \(deepest.line), column \(deepest.column): \(problem)" }
        }
        let mark = parser.problem_mark
        return "line \(mark.line + 1), column \(mark.column + 1): \(problem)\(context)"
    }
}

/// Builds the tree from libyaml's events with a stack of open lists and mappings (no
/// recursion), counting values against the bounds.
private struct TreeBuilder {
    typealias Position = ScenarioNode.Position
    typealias Pair = (key: String, keyPosition: Position, value: ScenarioNode)

    /// A finished value with what it counts for.
    struct Built {
        var node: ScenarioNode
        var values: Int
        var textBytes: Int
    }

    /// An open list or mapping.
    struct Open {
        var position: Position
        var anchor: String?
        var isMapping: Bool
        var items: [ScenarioNode] = []
        var pairs: [Pair] = []
        var keys: Set<String> = []
        var pendingKey: (text: String, position: Position)?
        var values = 1
        var textBytes = 0
    }

    let file: String
    let bounds: ScenarioNode.Bounds
    var stack: [Open] = []
    var anchors: [String: Built] = [:]
    var values = 0
    var textBytes = 0
    var documents = 0
    var root: ScenarioNode?

    init(file: String, bounds: ScenarioNode.Bounds) {
        self.file = file
        self.bounds = bounds
    }

    mutating func take(_ event: yaml_event_t) throws {
        let position = Position(line: event.start_mark.line + 1, column: event.start_mark.column + 1)
        switch event.type {
        case YAML_DOCUMENT_START_EVENT:
            documents += 1
            if documents > 1 {
                throw ScenarioError.syntax(file: file, message: "line \(position.line), column \(position.column): a scenario is one YAML document, and a second one starts here")
            }
        case YAML_SCALAR_EVENT:
            let scalar = event.data.scalar
            let text = String(decoding: UnsafeBufferPointer(start: scalar.value, count: scalar.length), as: UTF8.self)
            let plain = scalar.style == YAML_PLAIN_SCALAR_STYLE || scalar.style == YAML_ANY_SCALAR_STYLE
            try count(values: 1, textBytes: scalar.length, at: position)
            try finish(Built(node: .scalar(text, plain: plain, position), values: 1, textBytes: scalar.length), anchor: Self.text(scalar.anchor))
        case YAML_ALIAS_EVENT:
            let name = Self.text(event.data.alias.anchor) ?? ""
            guard let built = anchors[name] else {
                throw ScenarioError.syntax(file: file, message: "line \(position.line), column \(position.column): found undefined alias \(name)")
            }
            try count(values: built.values, textBytes: built.textBytes, at: position)
            try finish(built, anchor: nil)
        case YAML_SEQUENCE_START_EVENT:
            try count(values: 1, textBytes: 0, at: position)
            stack.append(Open(position: position, anchor: Self.text(event.data.sequence_start.anchor), isMapping: false))
        case YAML_MAPPING_START_EVENT:
            try count(values: 1, textBytes: 0, at: position)
            stack.append(Open(position: position, anchor: Self.text(event.data.mapping_start.anchor), isMapping: true))
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            let open = stack.removeLast()
            let node: ScenarioNode = open.isMapping ? .mapping(open.pairs, open.position) : .sequence(open.items, open.position)
            try finish(Built(node: node, values: open.values, textBytes: open.textBytes), anchor: open.anchor)
        default:
            break  // stream start, document end
        }
    }

    /// Adds a value to the totals, refusing it when they would pass the bounds.
    private mutating func count(values more: Int, textBytes moreText: Int, at position: Position) throws {
        values += more
        textBytes += moreText
        if values > bounds.values {
            throw ScenarioError.tooLarge(file: file, line: position.line,
                                         message: "it holds more than \(bounds.values) values, every use of a YAML alias counted in full")
        }
        if textBytes > bounds.textBytes {
            throw ScenarioError.tooLarge(file: file, line: position.line,
                                         message: "it holds more than \(bounds.textBytes >> 20) MB of text, every use of a YAML alias counted in full")
        }
    }

    /// Hands a finished value to the open list or mapping around it (or makes it the root).
    private mutating func finish(_ built: Built, anchor: String?) throws {
        if let anchor { anchors[anchor] = built }
        guard !stack.isEmpty else { root = built.node; return }
        let top = stack.count - 1
        stack[top].values += built.values
        stack[top].textBytes += built.textBytes
        guard stack[top].isMapping else { stack[top].items.append(built.node); return }
        if let key = stack[top].pendingKey {
            stack[top].pairs.append((key.text, key.position, built.node))
            stack[top].pendingKey = nil
            return
        }
        guard case let .scalar(name, _, keyPosition) = built.node else {
            throw ScenarioError.invalidValue(file: file, key: "(a key)", line: built.node.position.line, message: "keys must be plain names")
        }
        guard stack[top].keys.insert(name).inserted else {
            throw ScenarioError.invalidValue(file: file, key: name, line: keyPosition.line, message: "the key appears twice in the same mapping")
        }
        stack[top].pendingKey = (name, keyPosition)
    }

    private static func text(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: UnsafePointer($0)) }
    }
}

/// A scenario file's bytes as text: a file that is not UTF-8 (a binary file, a text saved as
/// Latin-1) is refused like any other file that is not YAML (exit 64), naming the first byte
/// that is not UTF-8 (0-based, as `IOError` counts bytes) and its line.
func scenarioText(_ bytes: [UInt8], file: String) throws -> String {
    var parser = Unicode.UTF8.ForwardParser()
    var iterator = bytes.makeIterator()
    var offset = 0, line = 1
    while true {
        switch parser.parseScalar(from: &iterator) {
        case let .valid(encoded):
            if encoded.count == 1 && encoded.first == 0x0A { line += 1 }
            offset += encoded.count
        case .emptyInput:
            return String(decoding: bytes, as: UTF8.self)
        case .error:
            throw ScenarioError.syntax(file: file, message: "not UTF-8 text at byte \(offset) (line \(line))")
        }
    }
}
