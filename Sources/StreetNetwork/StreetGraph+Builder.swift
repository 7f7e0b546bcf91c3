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
        /// The node table: open addressing with linear probing, each slot 0 (empty) or a node
        /// number + 1 in the low 32 bits under 32 bits of its hash, so that most probes that miss
        /// never look at the coordinates. Nodes are numbered as first seen, as a dictionary would.
        private var slots = [UInt64](repeating: 0, count: 1024)
        private var x: [Double] = [], y: [Double] = []
        private var from: [Int32] = [], to: [Int32] = [], feature: [Int32] = []
        private var kept: [(line: [Double], feature: Int)] = []

        public init(crs: CRS, nodeCrossings: Bool = false) throws {
            guard !crs.isGeographic else { throw NetworkError.notMetric(layer: "streets", crs: crs.identifier) }
            self.crs = crs
            self.nodeCrossings = nodeCrossings
        }

        /// Makes room for this many edges. (The node table grows as nodes come: sized for the
        /// vertices, most of them shared, it would be several times larger than it needs to be
        /// and miss the cache more.)
        mutating func reserve(edges: Int) {
            from.reserveCapacity(edges); to.reserveCapacity(edges); feature.reserveCapacity(edges)
        }

        /// Why a line cannot become edges.
        public enum Refusal: String, Sendable {
            case nonFinite = "a coordinate is not a finite number"
            case tooShort = "the line has fewer than two distinct vertices"
        }

        /// Adds a line (flat x, y pairs); returns why it was refused, or nil.
        @discardableResult
        public mutating func add(line flat: [Double], feature: Int) -> Refusal? {
            flat.withUnsafeBufferPointer { add(line: $0, feature: feature) }
        }

        /// Adds a line (flat x, y pairs) where it lies; returns why it was refused, or nil.
        @discardableResult
        mutating func add(line flat: UnsafeBufferPointer<Double>, feature: Int) -> Refusal? {
            let count = flat.count / 2
            if let refusal = Builder.refusal(of: flat) { return refusal }
            zeroLengthSegments += count - Builder.distinctVertices(flat)
            if nodeCrossings { kept.append((Array(flat), feature)); return nil }
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
            flat.withUnsafeBufferPointer { refusal(of: $0) }
        }

        static func refusal(of flat: UnsafeBufferPointer<Double>) -> Refusal? {
            guard flat.allSatisfy({ $0.isFinite }) else { return .nonFinite }
            return distinctVertices(flat) >= 2 ? nil : .tooShort
        }

        /// Vertices that differ from the one before them (the first counts).
        static func distinctVertices(_ flat: UnsafeBufferPointer<Double>) -> Int {
            var distinct = 0
            for i in 0..<(flat.count / 2) where i == 0 || flat[2 * i] != flat[2 * i - 2] || flat[2 * i + 1] != flat[2 * i - 1] { distinct += 1 }
            return distinct
        }

        /// The slot hash of a coordinate's bit patterns (a multiply-xorshift mix of both).
        @inline(__always)
        static func hash(_ kx: UInt64, _ ky: UInt64) -> UInt64 {
            var h = (kx &* 0x9E37_79B9_7F4A_7C15) ^ ((ky ^ (ky >> 29)) &* 0xC2B2_AE3D_27D4_EB4F)
            h ^= h >> 31
            h = h &* 0x94D0_49BB_1331_11EB
            return h ^ (h >> 32)
        }

        private mutating func node(_ px: Double, _ py: Double) -> Int32 {
            // -0.0 and 0.0 are one coordinate.
            let nx = px + 0, ny = py + 0
            let kx = nx.bitPattern, ky = ny.bitPattern
            if 2 * x.count >= slots.count { grow() }
            let h = Builder.hash(kx, ky)
            let tag = h & 0xFFFF_FFFF_0000_0000
            let found: Int32? = slots.withUnsafeMutableBufferPointer { slots in
                x.withUnsafeBufferPointer { x in
                    y.withUnsafeBufferPointer { y in
                        let mask = slots.count - 1
                        var i = Int(truncatingIfNeeded: h) & mask
                        while true {
                            let slot = slots[i]
                            if slot == 0 {
                                slots[i] = tag | UInt64(x.count + 1)
                                return nil
                            }
                            if slot & 0xFFFF_FFFF_0000_0000 == tag {
                                let n = Int(slot & 0xFFFF_FFFF) - 1
                                if x[n].bitPattern == kx, y[n].bitPattern == ky { return Int32(n) }
                            }
                            i = (i + 1) & mask
                        }
                    }
                }
            }
            if let found { return found }
            x.append(nx)
            y.append(ny)
            return Int32(x.count - 1)
        }

        /// Doubles the node table (at half load), placing every node again.
        private mutating func grow() {
            var bigger = [UInt64](repeating: 0, count: 2 * slots.count)
            let mask = bigger.count - 1
            for n in 0..<x.count {
                let h = Builder.hash(x[n].bitPattern, y[n].bitPattern)
                var i = Int(truncatingIfNeeded: h) & mask
                while bigger[i] != 0 { i = (i + 1) & mask }
                bigger[i] = (h & 0xFFFF_FFFF_0000_0000) | UInt64(n + 1)
            }
            slots = bigger
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
