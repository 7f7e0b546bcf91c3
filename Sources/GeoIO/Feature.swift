import GeoCore

/// A GeoJSON feature id: a string or a number (RFC 7946 §3.2).
public enum FeatureID: Hashable, Sendable, CustomStringConvertible {
    case string(String)
    case integer(Int64)
    case double(Double)

    public var description: String {
        switch self {
        case let .string(s): return s
        case let .integer(i): return String(i)
        case let .double(d): return String(d)
        }
    }
}

/// One record of a layer: an optional id, an optional geometry (GeoJSON allows null), and
/// typed properties.
public struct Feature: Sendable {
    public var id: FeatureID?
    public var geometry: Geometry?
    public var properties: Properties
    /// Where the feature came from, for messages; nil for features made in code.
    public var origin: FeatureOrigin?

    public init(id: FeatureID? = nil, geometry: Geometry?, properties: Properties = Properties(), origin: FeatureOrigin? = nil) {
        self.id = id
        self.geometry = geometry
        self.properties = properties
        self.origin = origin
    }

    /// The id, or else an "id" property, for messages that must name the feature.
    public var displayID: String? {
        if let id { return id.description }
        if let value = properties["id"], !value.isNull { return value.description }
        return nil
    }
}

/// The position of a feature in its source file.
public struct FeatureOrigin: Sendable, Equatable {
    /// 0-based index of the feature in the file (the data row, for CSV).
    public var index: Int
    /// Byte offset of the feature's first byte.
    public var offset: Int
    /// 1-based line of the feature's first byte, when known.
    public var line: Int?

    public init(index: Int, offset: Int, line: Int? = nil) {
        self.index = index
        self.offset = offset
        self.line = line
    }
}
