/// A property value as GeoJSON (JSON) and CSV carry it: typed, with arrays and objects kept
/// intact and in order.
public enum PropertyValue: Sendable, Equatable, CustomStringConvertible {
    case null
    case bool(Bool)
    case integer(Int64)
    case double(Double)
    case string(String)
    case array([PropertyValue])
    case object(Properties)

    public var description: String {
        switch self {
        case .null: return "null"
        case let .bool(b): return b ? "true" : "false"
        case let .integer(i): return String(i)
        case let .double(d): return String(d)
        case let .string(s): return s
        case let .array(a): return "[" + a.map(\.description).joined(separator: ", ") + "]"
        case let .object(o): return "{" + o.map { "\($0.name): \($0.value)" }.joined(separator: ", ") + "}"
        }
    }

    public var stringValue: String? { if case let .string(s) = self { return s } else { return nil } }
    public var integerValue: Int64? { if case let .integer(i) = self { return i } else { return nil } }
    public var boolValue: Bool? { if case let .bool(b) = self { return b } else { return nil } }

    /// The value as a double: integers and doubles both count.
    public var doubleValue: Double? {
        switch self {
        case let .double(d): return d
        case let .integer(i): return Double(i)
        default: return nil
        }
    }

    public var isNull: Bool { self == .null }

    /// The type a schema records for this value.
    public var fieldType: FieldType {
        switch self {
        case .null: return .null
        case .bool: return .boolean
        case .integer: return .integer
        case .double: return .double
        case .string: return .string
        case .array: return .array
        case .object: return .object
        }
    }
}

/// Named values in the order they came: a feature's properties, or a JSON object.
/// Looking up by name is linear, which beats hashing for the handful of fields a feature has.
public struct Properties: Sendable, Equatable, Sequence, ExpressibleByDictionaryLiteral {
    public private(set) var entries: [(name: String, value: PropertyValue)]

    public init() { entries = [] }

    public init(_ entries: [(name: String, value: PropertyValue)]) { self.entries = entries }

    public init(dictionaryLiteral elements: (String, PropertyValue)...) {
        entries = elements.map { (name: $0.0, value: $0.1) }
    }

    public var count: Int { entries.count }
    public var isEmpty: Bool { entries.isEmpty }
    public var names: [String] { entries.map(\.name) }

    /// The value named `name`; setting nil removes it, setting a new name appends it.
    public subscript(name: String) -> PropertyValue? {
        get { entries.first { $0.name == name }?.value }
        set {
            if let i = entries.firstIndex(where: { $0.name == name }) {
                if let newValue { entries[i].value = newValue } else { entries.remove(at: i) }
            } else if let newValue {
                entries.append((name, newValue))
            }
        }
    }

    /// Appends without looking for an existing name (readers, which keep duplicates' last value
    /// by calling the subscript instead when a name repeats).
    public mutating func append(_ name: String, _ value: PropertyValue) {
        entries.append((name, value))
    }

    public func makeIterator() -> some IteratorProtocol<(name: String, value: PropertyValue)> {
        entries.makeIterator()
    }

    public static func == (a: Properties, b: Properties) -> Bool {
        a.entries.count == b.entries.count && zip(a.entries, b.entries).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }
}

extension PropertyValue {
    /// The value as compact JSON text (objects keep their member order): for manifests and
    /// reports that are not GeoJSON.
    public var jsonText: String {
        var out: [UInt8] = []
        JSONWriting.appendValue(self, to: &out)
        return String(decoding: out, as: UTF8.self)
    }
}
