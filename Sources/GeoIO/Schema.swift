/// The type a schema gives a field, widened as values are seen.
public enum FieldType: String, Sendable, Equatable, CustomStringConvertible {
    case null, boolean, integer, double, string, array, object, mixed

    /// The type that holds values of both types: integer and double give double, null gives
    /// way to anything, other pairs are mixed.
    public func merged(with other: FieldType) -> FieldType {
        if self == other || other == .null { return self }
        if self == .null { return other }
        if (self == .integer && other == .double) || (self == .double && other == .integer) { return .double }
        return .mixed
    }

    public var description: String { rawValue }
}

/// Field names and types of a layer, in order of first appearance.
public struct Schema: Sendable, Equatable {
    public struct Field: Sendable, Equatable {
        public let name: String
        public var type: FieldType
        /// How many features have a non-null value.
        public var nonNullCount: Int
    }

    public private(set) var fields: [Field] = []
    private var positions: [String: Int] = [:]

    public init() {}

    public init(fields: [(String, FieldType)]) {
        for (name, type) in fields {
            positions[name] = self.fields.count
            self.fields.append(Field(name: name, type: type, nonNullCount: 0))
        }
    }

    public subscript(name: String) -> Field? { positions[name].map { fields[$0] } }

    /// Widens the schema by one feature's properties.
    public mutating func include(_ properties: Properties) {
        for (name, value) in properties {
            let type = value.fieldType
            if let i = positions[name] {
                fields[i].type = fields[i].type.merged(with: type)
                if type != .null { fields[i].nonNullCount += 1 }
            } else {
                positions[name] = fields.count
                fields.append(Field(name: name, type: type, nonNullCount: type == .null ? 0 : 1))
            }
        }
    }
}
