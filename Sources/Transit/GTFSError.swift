/// What can go wrong reading a feed or grading it. The CLI maps ``missingFeed(path:)`` and
/// ``missingFile(feed:file:)`` to exit code 66, the others to 65 (bad input data), except
/// ``invalidParameter(parameter:value:expected:)`` (64, usage).
public enum GTFSError: Error, CustomStringConvertible, Equatable {
    /// No file or folder at the path.
    case missingFeed(path: String)
    /// A file the feed must have (stops, routes, trips, stop_times, and calendar or calendar_dates).
    case missingFile(feed: String, file: String)
    /// A required column is not in a file's header.
    case missingColumn(file: String, column: String)
    /// The file or archive cannot be read.
    case unreadable(file: String, reason: String)
    /// The feed serves no day that fits the request (`weekday` in a feed without Wednesdays).
    case noServiceDay(feed: String, reason: String)
    /// A parameter out of range.
    case invalidParameter(parameter: String, value: String, expected: String)

    public var description: String {
        switch self {
        case let .missingFeed(path): return "\(path): no GTFS feed there (a .zip or a folder of .txt files)"
        case let .missingFile(feed, file): return "\(feed): the feed has no \(file), which GTFS requires"
        case let .missingColumn(file, column): return "\(file): the header has no column \(column), which GTFS requires"
        case let .unreadable(file, reason): return "\(file): cannot be read: \(reason)"
        case let .noServiceDay(feed, reason): return "\(feed): \(reason)"
        case let .invalidParameter(parameter, value, expected): return "\(parameter): \(value) is out of range: expected \(expected)"
        }
    }

    /// Whether the error means an input is missing (exit 66) rather than bad (65).
    public var isMissingInput: Bool {
        switch self {
        case .missingFeed, .missingFile: return true
        default: return false
        }
    }
}

/// A row of a feed file that could not be used, with where it is and why.
public struct GTFSReject: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var reason: String

    public var description: String { "\(file):\(line): \(reason)" }
}
