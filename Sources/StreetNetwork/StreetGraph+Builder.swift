import GeoCore

extension StreetGraph {
    /// Collects lines and makes a graph of them. Lines are given as flat x, y arrays in the
    /// graph's CRS; a line with a non-finite coordinate or fewer than two distinct vertices is
    /// refused (``add(line:feature:)`` says why), repeated consecutive vertices (zero-length
    /// segments, which would be self-loops) are dropped and counted.
    public struct Builder {
        public let crs: CRS
        /// Node lines where they cross (GEOS noding of all lines), instead of only at shared
        /// vertices. Default false.
        public let nodeCrossings: Bool
        /// Consecutive repeated vertices dropped.
        public private(set) var zeroLengthSegments = 0
        private var nodes: [Key: Int32] = [:]
        private var x: [Double] = [], y: [Double] = []
        private var from: [Int32] = [], to: [Int32] = [], feature: [Int32] = []
        private var kept: [(line: [Double], feature: Int)] = []

        struct Key: Hashable {
            let x: UInt64, y: UInt64
            // -0.0 and 0.0 are one coordinate.
            init(_ x: Double, _ y: Double) { self.x = (x + 0).bitPattern; self.y = (y + 0).bitPattern }
        }

        public init(crs: CRS, nodeCrossings: Bool = false) throws {
            guard !crs.isGeographic else { throw NetworkError.notMetric(layer: "streets", crs: crs.identifier) }
            self.crs = crs
            self.nodeCrossings = nodeCrossings
        }

        /// Why a line cannot become edges.
        public enum Refusal: String, Sendable {
            case nonFinite = "a coordinate is not a finite number"
            case tooShort = "the line has fewer than two distinct vertices"
        }

        /// Adds a line (flat x, y pairs); returns why it was refused, or nil.
        @discardableResult
        public mutating func add(line flat: [Double], feature: Int) -> Refusal? {
            let count = flat.count / 2
            if let refusal = Builder.refusal(of: flat[...]) { return refusal }
            zeroLengthSegments += count - Builder.distinctVertices(flat[...])
            if nodeCrossings { kept.append((flat, feature)); return nil }
            var previous: Int32 = -1
            for i in 0..<count {
                let node = self.node(flat[2 * i], flat[2 * i + 1])
                if previous >= 0, node != previous {
                    from.append(previous); to.append(node); self.feature.append(Int32(feature))
                }
                previous = node
            }
            return nil
        }

        /// Why a line (flat x, y pairs) cannot become edges, or nil when it can.
        static func refusal(of flat: ArraySlice<Double>) -> Refusal? {
            guard flat.allSatisfy({ $0.isFinite }) else { return .nonFinite }
            return distinctVertices(flat) >= 2 ? nil : .tooShort
        }

        /// Vertices that differ from the one before them (the first counts).
        static func distinctVertices(_ flat: ArraySlice<Double>) -> Int {
            let s = flat.startIndex
            var distinct = 0
            for i in 0..<(flat.count / 2) where i == 0 || flat[s + 2 * i] != flat[s + 2 * i - 2] || flat[s + 2 * i + 1] != flat[s + 2 * i - 1] { distinct += 1 }
            return distinct
        }

        private mutating func node(_ px: Double, _ py: Double) -> Int32 {
            let key = Key(px, py)
            if let n = nodes[key] { return n }
            let n = Int32(x.count)
            nodes[key] = n
            x.append(px + 0)
            y.append(py + 0)
            return n
        }

        /// The graph.
        public mutating func build() throws -> StreetGraph {
            if nodeCrossings, !kept.isEmpty {
                // GEOS nodes the linework where lines cross (and merges overlaps); the pieces
                // keep no feature of their own.
                let lines = try kept.map { item -> Geometry in
                    try Geometry(type: .lineString, flatCoordinates: item.line, hasZ: false, counts: [item.line.count / 2], crs: crs)
                }
                let noded = try Geometry.unaryUnion(of: lines)
                var coordinates: [Double] = [], counts: [Int] = []
                for part in noded.type == .geometryCollection ? noded.parts : [noded] where part.type == .lineString || part.type == .multiLineString {
                    coordinates.removeAll(keepingCapacity: true)
                    counts.removeAll(keepingCapacity: true)
                    try part.flatten(coordinates: &coordinates, counts: &counts, includeZ: false)
                    var offset = 0
                    let lineCounts = part.type == .lineString ? counts : Array(counts.dropFirst())
                    for c in lineCounts {
                        var previous: Int32 = -1
                        for i in 0..<c {
                            let node = self.node(coordinates[2 * (offset + i)], coordinates[2 * (offset + i) + 1])
                            if previous >= 0, node != previous { from.append(previous); to.append(node); feature.append(-1) }
                            previous = node
                        }
                        offset += c
                    }
                }
                kept = []
            }
            return StreetGraph(crs: crs, x: x, y: y, edgeFrom: from, edgeTo: to, edgeFeature: feature)
        }
    }
}
