/// Encodes a value's defaults into a ``ScenarioNode`` tree, so that a scenario file can leave
/// out any key: the type's own initial values fill it (one source for defaults, never a
/// second table of them).
struct TreeEncoder {
    func encode<T: Encodable>(_ value: T) throws -> ScenarioNode {
        let box = Box()
        try value.encode(to: NodeEncoder(box: box, codingPath: []))
        return box.resolved()
    }

    final class Box {
        var node: ScenarioNode?
        var pairs: [(String, Box)]?
        var items: [Box]?

        func resolved() -> ScenarioNode {
            if let pairs { return .mapping(pairs.map { ($0.0, .defaults, $0.1.resolved()) }, .defaults) }
            if let items { return .sequence(items.map { $0.resolved() }, .defaults) }
            return node ?? .scalar("", plain: true, .defaults)
        }
    }

    struct NodeEncoder: Encoder {
        let box: Box
        var codingPath: [CodingKey]
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
            if box.pairs == nil { box.pairs = [] }
            return KeyedEncodingContainer(Keyed<Key>(box: box, codingPath: codingPath))
        }

        func unkeyedContainer() -> UnkeyedEncodingContainer {
            if box.items == nil { box.items = [] }
            return Unkeyed(box: box, codingPath: codingPath)
        }

        func singleValueContainer() -> SingleValueEncodingContainer { Single(box: box, codingPath: codingPath) }
    }

    struct Keyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let box: Box
        var codingPath: [CodingKey]

        private func child(_ key: Key) -> Box {
            let b = Box()
            box.pairs!.append((key.stringValue, b))
            return b
        }

        mutating func encodeNil(forKey key: Key) throws { child(key).node = .scalar("null", plain: true, .defaults) }
        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            try value.encode(to: NodeEncoder(box: child(key), codingPath: codingPath + [key]))
        }
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
            NodeEncoder(box: child(key), codingPath: codingPath + [key]).container(keyedBy: keyType)
        }
        mutating func nestedUnkeyedContainer(forKey key: Key) -> UnkeyedEncodingContainer {
            NodeEncoder(box: child(key), codingPath: codingPath + [key]).unkeyedContainer()
        }
        mutating func superEncoder() -> Encoder { NodeEncoder(box: box, codingPath: codingPath) }
        mutating func superEncoder(forKey key: Key) -> Encoder { NodeEncoder(box: child(key), codingPath: codingPath + [key]) }
    }

    struct Unkeyed: UnkeyedEncodingContainer {
        let box: Box
        var codingPath: [CodingKey]
        var count: Int { box.items!.count }

        private func child() -> Box {
            let b = Box()
            box.items!.append(b)
            return b
        }

        mutating func encodeNil() throws { child().node = .scalar("null", plain: true, .defaults) }
        mutating func encode<T: Encodable>(_ value: T) throws {
            try value.encode(to: NodeEncoder(box: child(), codingPath: codingPath))
        }
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            NodeEncoder(box: child(), codingPath: codingPath).container(keyedBy: keyType)
        }
        mutating func nestedUnkeyedContainer() -> UnkeyedEncodingContainer { NodeEncoder(box: child(), codingPath: codingPath).unkeyedContainer() }
        mutating func superEncoder() -> Encoder { NodeEncoder(box: child(), codingPath: codingPath) }
    }

    struct Single: SingleValueEncodingContainer {
        let box: Box
        var codingPath: [CodingKey]

        mutating func encodeNil() throws { box.node = .scalar("null", plain: true, .defaults) }
        mutating func encode(_ value: Bool) throws { box.node = .scalar(value ? "true" : "false", plain: true, .defaults) }
        mutating func encode(_ value: String) throws { box.node = .scalar(value, plain: false, .defaults) }
        mutating func encode(_ value: Double) throws { box.node = .scalar(value.description, plain: true, .defaults) }
        mutating func encode(_ value: Float) throws { box.node = .scalar(value.description, plain: true, .defaults) }
        mutating func encode(_ value: Int) throws { box.node = .scalar(String(value), plain: true, .defaults) }
        mutating func encode(_ value: Int8) throws { try encode(Int(value)) }
        mutating func encode(_ value: Int16) throws { try encode(Int(value)) }
        mutating func encode(_ value: Int32) throws { try encode(Int(value)) }
        mutating func encode(_ value: Int64) throws { box.node = .scalar(String(value), plain: true, .defaults) }
        mutating func encode(_ value: UInt) throws { box.node = .scalar(String(value), plain: true, .defaults) }
        mutating func encode(_ value: UInt8) throws { try encode(UInt(value)) }
        mutating func encode(_ value: UInt16) throws { try encode(UInt(value)) }
        mutating func encode(_ value: UInt32) throws { try encode(UInt(value)) }
        mutating func encode(_ value: UInt64) throws { box.node = .scalar(String(value), plain: true, .defaults) }
        mutating func encode<T: Encodable>(_ value: T) throws { try value.encode(to: NodeEncoder(box: box, codingPath: codingPath)) }
    }
}

/// Decodes a ``ScenarioNode`` tree, recording every key the types asked for, so that a key
/// nobody asked for can be reported as unknown with its line; type errors name the key path
/// and the line too.
final class TreeDecoder {
    let file: String
    /// "path/key" of every key a type asked about.
    private(set) var consulted: Set<String> = []

    init(file: String) { self.file = file }

    func decode<T: Decodable>(_ type: T.Type, from node: ScenarioNode, path: [String] = []) throws -> T {
        try T(from: NodeDecoder(node: node, path: path, owner: self))
    }

    func record(_ path: [String], _ key: String) { consulted.insert((path + [key]).joined(separator: "/")) }

    /// The first key in `node` (in file order, file keys only) that no type asked about, with
    /// the nearest key the types asked about at the same place.
    func unknownKey(in node: ScenarioNode, path: [String] = []) -> (key: String, line: Int, suggestion: String?)? {
        switch node {
        case let .mapping(pairs, _):
            for pair in pairs {
                if pair.keyPosition.line > 0, !consulted.contains((path + [pair.key]).joined(separator: "/")) {
                    let prefix = path.map { $0 + "/" }.joined()
                    let known = consulted.filter { $0.hasPrefix(prefix) && !$0.dropFirst(prefix.count).contains("/") }.map { String($0.dropFirst(prefix.count)) }
                    return ((path + [pair.key]).joined(separator: "."), pair.keyPosition.line, Suggestion.nearest(to: pair.key, among: known.sorted()))
                }
                if let inner = unknownKey(in: pair.value, path: path + [pair.key]) { return inner }
            }
        case let .sequence(items, _):
            for (i, item) in items.enumerated() {
                if let inner = unknownKey(in: item, path: path + [String(i)]) { return inner }
            }
        case .scalar:
            break
        }
        return nil
    }

    /// Decodes the value of a key; a word an enum of words does not know (`method: bufer-union`)
    /// is told with the words it knows and the nearest one.
    func decodeNaming<T: Decodable>(_ type: T.Type, _ node: ScenarioNode, _ path: [String]) throws -> T {
        do {
            return try T(from: NodeDecoder(node: node, path: path, owner: self))
        } catch let DecodingError.dataCorrupted(context) {
            guard case let .scalar(text, _, _) = node, let names = Suggestion.names(of: T.self) else { throw DecodingError.dataCorrupted(context) }
            throw DecodingError.dataCorrupted(DecodingError.Context(codingPath: path.map(AnyKey.init(stringValue:)),
                debugDescription: "'\(text)' is not one of \(names.joined(separator: ", "))\(Suggestion.phrase(for: text, among: names))"))
        }
    }

    func typeError(_ path: [String], _ node: ScenarioNode, expected: String) -> ScenarioError {
        .wrongType(file: file, key: path.isEmpty ? "(top level)" : path.joined(separator: "."), line: node.position.line, expected: expected)
    }

    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int?
        init(stringValue: String) { self.stringValue = stringValue }
        init(intValue: Int) { stringValue = String(intValue); self.intValue = intValue }
    }

    struct NodeDecoder: Decoder {
        let node: ScenarioNode
        let path: [String]
        let owner: TreeDecoder
        var codingPath: [CodingKey] { path.map { AnyKey(stringValue: $0) } }
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
            guard case let .mapping(pairs, _) = node else { throw owner.typeError(path, node, expected: "a mapping (key: value lines)") }
            return KeyedDecodingContainer(Keyed<Key>(pairs: pairs, node: node, path: path, owner: owner))
        }

        func unkeyedContainer() throws -> UnkeyedDecodingContainer {
            guard case let .sequence(items, _) = node else { throw owner.typeError(path, node, expected: "a list") }
            return Unkeyed(items: items, path: path, owner: owner)
        }

        func singleValueContainer() throws -> SingleValueDecodingContainer { Single(node: node, path: path, owner: owner) }
    }

    struct Keyed<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let pairs: [(key: String, keyPosition: ScenarioNode.Position, value: ScenarioNode)]
        let node: ScenarioNode
        let path: [String]
        let owner: TreeDecoder
        var codingPath: [CodingKey] { path.map { AnyKey(stringValue: $0) } }
        var allKeys: [Key] {
            pairs.compactMap { pair in
                let key = Key(stringValue: pair.key)
                if key != nil { owner.record(path, pair.key) }
                return key
            }
        }

        private func value(_ key: Key) throws -> ScenarioNode {
            owner.record(path, key.stringValue)
            guard let v = pairs.last(where: { $0.key == key.stringValue })?.value else {
                throw ScenarioError.missingKey(file: owner.file, key: (path + [key.stringValue]).joined(separator: "."), line: node.position.line)
            }
            return v
        }

        func contains(_ key: Key) -> Bool {
            owner.record(path, key.stringValue)
            return pairs.contains { $0.key == key.stringValue }
        }

        func decodeNil(forKey key: Key) throws -> Bool { try value(key).isNull }

        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
            try owner.decodeNaming(T.self, try value(key), path + [key.stringValue])
        }

        func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
            guard contains(key), let v = pairs.last(where: { $0.key == key.stringValue })?.value, !v.isNull else { return nil }
            return try owner.decodeNaming(T.self, v, path + [key.stringValue])
        }

        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
            try NodeDecoder(node: try value(key), path: path + [key.stringValue], owner: owner).container(keyedBy: type)
        }

        func nestedUnkeyedContainer(forKey key: Key) throws -> UnkeyedDecodingContainer {
            try NodeDecoder(node: try value(key), path: path + [key.stringValue], owner: owner).unkeyedContainer()
        }

        func superDecoder() throws -> Decoder { NodeDecoder(node: node, path: path, owner: owner) }
        func superDecoder(forKey key: Key) throws -> Decoder { NodeDecoder(node: try value(key), path: path + [key.stringValue], owner: owner) }
    }

    struct Unkeyed: UnkeyedDecodingContainer {
        let items: [ScenarioNode]
        let path: [String]
        let owner: TreeDecoder
        var currentIndex = 0
        var codingPath: [CodingKey] { path.map { AnyKey(stringValue: $0) } }
        var count: Int? { items.count }
        var isAtEnd: Bool { currentIndex >= items.count }

        private mutating func next() -> (ScenarioNode, [String]) {
            defer { currentIndex += 1 }
            return (items[currentIndex], path + [String(currentIndex)])
        }

        mutating func decodeNil() throws -> Bool {
            if items[currentIndex].isNull { currentIndex += 1; return true }
            return false
        }

        mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
            let (n, p) = next()
            return try T(from: NodeDecoder(node: n, path: p, owner: owner))
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
            let (n, p) = next()
            return try NodeDecoder(node: n, path: p, owner: owner).container(keyedBy: type)
        }

        mutating func nestedUnkeyedContainer() throws -> UnkeyedDecodingContainer {
            let (n, p) = next()
            return try NodeDecoder(node: n, path: p, owner: owner).unkeyedContainer()
        }

        mutating func superDecoder() throws -> Decoder {
            let (n, p) = next()
            return NodeDecoder(node: n, path: p, owner: owner)
        }
    }

    struct Single: SingleValueDecodingContainer {
        let node: ScenarioNode
        let path: [String]
        let owner: TreeDecoder
        var codingPath: [CodingKey] { path.map { AnyKey(stringValue: $0) } }

        private func text(_ expected: String) throws -> String {
            guard case let .scalar(t, _, _) = node else { throw owner.typeError(path, node, expected: expected) }
            return t
        }

        func decodeNil() -> Bool { node.isNull }
        func decode(_ type: Bool.Type) throws -> Bool {
            switch try text("true or false").lowercased() {
            case "true", "yes", "on": return true
            case "false", "no", "off": return false
            default: throw owner.typeError(path, node, expected: "true or false")
            }
        }
        func decode(_ type: String.Type) throws -> String {
            guard !node.isNull else { throw owner.typeError(path, node, expected: "a text") }
            return try text("a text")
        }
        func decode(_ type: Double.Type) throws -> Double {
            let t = try text("a number")
            guard let d = Double(t.replacingUnderscores()), d.isFinite else { throw owner.typeError(path, node, expected: "a number") }
            return d
        }
        func decode(_ type: Float.Type) throws -> Float { Float(try decode(Double.self)) }
        func decode(_ type: Int.Type) throws -> Int {
            let t = try text("a whole number")
            guard let i = Int(t.replacingUnderscores()) else { throw owner.typeError(path, node, expected: "a whole number") }
            return i
        }
        func decode(_ type: Int8.Type) throws -> Int8 { try narrow(decode(Int.self)) }
        func decode(_ type: Int16.Type) throws -> Int16 { try narrow(decode(Int.self)) }
        func decode(_ type: Int32.Type) throws -> Int32 { try narrow(decode(Int.self)) }
        func decode(_ type: Int64.Type) throws -> Int64 { Int64(try decode(Int.self)) }
        func decode(_ type: UInt.Type) throws -> UInt { try narrow(decode(Int.self)) }
        func decode(_ type: UInt8.Type) throws -> UInt8 { try narrow(decode(Int.self)) }
        func decode(_ type: UInt16.Type) throws -> UInt16 { try narrow(decode(Int.self)) }
        func decode(_ type: UInt32.Type) throws -> UInt32 { try narrow(decode(Int.self)) }
        func decode(_ type: UInt64.Type) throws -> UInt64 {
            let t = try text("a whole number ≥ 0")
            guard let u = UInt64(t.replacingUnderscores()) else { throw owner.typeError(path, node, expected: "a whole number ≥ 0") }
            return u
        }
        func decode<T: Decodable>(_ type: T.Type) throws -> T { try T(from: NodeDecoder(node: node, path: path, owner: owner)) }

        private func narrow<I: FixedWidthInteger>(_ value: Int) throws -> I {
            guard let v = I(exactly: value) else { throw owner.typeError(path, node, expected: "a whole number from \(I.min) to \(I.max)") }
            return v
        }
    }
}

extension String {
    /// YAML allows 1_000 for 1000.
    func replacingUnderscores() -> String { String(filter { $0 != "_" }) }
}
