/// What can go wrong reading or writing data. Each case names the file; errors about one
/// feature also carry its index, id, line and column where known.
public enum IOError: Error, Sendable, CustomStringConvertible {
    /// The input file does not exist or cannot be read (exit code 66).
    case cannotOpen(path: String, reason: String)
    /// The output cannot be created or written (exit code 73).
    case cannotCreate(path: String, reason: String)
    /// The file is not well-formed (truncated, not JSON, not GeoJSON): nothing after this
    /// point can be read (exit code 65).
    case malformed(path: String, location: SourceLocation, message: String)
    /// One feature cannot be used; with a policy that skips, it goes to the rejects report.
    case badFeature(FeatureProblem)
    /// A caller's request the data cannot meet (a missing coordinate column, say).
    case unusable(path: String, message: String)

    public var description: String {
        switch self {
        case let .cannotOpen(path, reason): return "cannot read \(path): \(reason)"
        case let .cannotCreate(path, reason): return "cannot write \(path): \(reason)"
        case let .malformed(path, location, message): return "\(path)\(location): \(message)"
        case let .badFeature(problem): return problem.description
        case let .unusable(path, message): return "\(path): \(message)"
        }
    }
}

/// Where in a file something is: byte offset always, line and column when known.
public struct SourceLocation: Sendable, Equatable, CustomStringConvertible {
    public var offset: Int
    public var line: Int?
    public var column: Int?

    public init(offset: Int, line: Int? = nil, column: Int? = nil) {
        self.offset = offset
        self.line = line
        self.column = column
    }

    public var description: String {
        if let line, let column { return ":\(line):\(column)" }
        if let line { return ":\(line)" }
        return " (byte \(offset))"
    }
}

/// A feature that cannot be used, and why.
public struct FeatureProblem: Sendable, CustomStringConvertible {
    public var path: String
    /// 0-based index of the feature in the file.
    public var index: Int
    public var id: String?
    public var location: SourceLocation?
    public var reason: String

    public init(path: String, index: Int, id: String?, location: SourceLocation?, reason: String) {
        self.path = path
        self.index = index
        self.id = id
        self.location = location
        self.reason = reason
    }

    /// A problem with `feature` of the file at `path`, located by the feature's origin.
    public init(feature: Feature, path: String, reason: String) {
        self.init(path: path, index: feature.origin?.index ?? 0, id: feature.displayID,
                  location: feature.origin?.line.map { SourceLocation(offset: feature.origin!.offset, line: $0) },
                  reason: reason)
    }

    public var description: String {
        var text = path
        if let location, location.line != nil { text += location.description }
        text += ": feature \(index)"
        if let id { text += " (id \(id))" }
        return text + ": " + reason
    }
}
