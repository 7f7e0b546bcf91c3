/// A position: x/y in the order of the geometry's CRS as this toolkit uses it (east/north,
/// longitude/latitude), and an optional z (NaN when absent, as in GEOS).
public struct Coordinate: Hashable, Sendable, CustomStringConvertible {
    public var x: Double
    public var y: Double
    public var z: Double

    public init(x: Double, y: Double, z: Double = .nan) {
        self.x = x
        self.y = y
        self.z = z
    }

    public init(_ x: Double, _ y: Double) {
        self.init(x: x, y: y)
    }

    public var hasZ: Bool { !z.isNaN }

    public var description: String { hasZ ? "(\(x) \(y) \(z))" : "(\(x) \(y))" }

    public static func == (a: Coordinate, b: Coordinate) -> Bool {
        a.x == b.x && a.y == b.y && (a.z == b.z || (a.z.isNaN && b.z.isNaN))
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(x)
        hasher.combine(y)
        if hasZ { hasher.combine(z) }
    }
}

/// An axis-aligned rectangle: a geometry's bounds, or a query window of a ``SpatialIndex``.
public struct Envelope: Hashable, Sendable, CustomStringConvertible {
    public var minX: Double
    public var minY: Double
    public var maxX: Double
    public var maxY: Double

    public init(minX: Double, minY: Double, maxX: Double, maxY: Double) {
        self.minX = minX
        self.minY = minY
        self.maxX = maxX
        self.maxY = maxY
    }

    /// The envelope that holds nothing; extending it by anything gives that thing's envelope.
    public static let empty = Envelope(minX: .infinity, minY: .infinity, maxX: -.infinity, maxY: -.infinity)

    public var isEmpty: Bool { !(minX <= maxX && minY <= maxY) }
    public var width: Double { isEmpty ? 0 : maxX - minX }
    public var height: Double { isEmpty ? 0 : maxY - minY }
    public var center: Coordinate { Coordinate(x: (minX + maxX) / 2, y: (minY + maxY) / 2) }

    public func intersects(_ other: Envelope) -> Bool {
        minX <= other.maxX && other.minX <= maxX && minY <= other.maxY && other.minY <= maxY
    }

    public func contains(_ other: Envelope) -> Bool {
        minX <= other.minX && other.maxX <= maxX && minY <= other.minY && other.maxY <= maxY
    }

    public func contains(x: Double, y: Double) -> Bool {
        minX <= x && x <= maxX && minY <= y && y <= maxY
    }

    /// Grows to include `other`.
    public mutating func formUnion(_ other: Envelope) {
        minX = Swift.min(minX, other.minX)
        minY = Swift.min(minY, other.minY)
        maxX = Swift.max(maxX, other.maxX)
        maxY = Swift.max(maxY, other.maxY)
    }

    /// Grows to include a position.
    public mutating func include(x: Double, y: Double) {
        if x < minX { minX = x }
        if x > maxX { maxX = x }
        if y < minY { minY = y }
        if y > maxY { maxY = y }
    }

    /// This envelope grown by `distance` on every side.
    public func expanded(by distance: Double) -> Envelope {
        Envelope(minX: minX - distance, minY: minY - distance, maxX: maxX + distance, maxY: maxY + distance)
    }

    /// The smallest distance between the two rectangles (0 when they intersect).
    public func distance(to other: Envelope) -> Double {
        let dx = Swift.max(0, Swift.max(minX - other.maxX, other.minX - maxX))
        let dy = Swift.max(0, Swift.max(minY - other.maxY, other.minY - maxY))
        return (dx * dx + dy * dy).squareRoot()
    }

    public var description: String { "[\(minX), \(minY), \(maxX), \(maxY)]" }
}
