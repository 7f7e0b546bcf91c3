import CGEOS
import CPROJ

/// Transforms coordinates from one CRS to another, always in east/north (longitude/latitude)
/// order on both sides (`proj_normalize_for_visualization`), whatever axis order the
/// authorities define.
///
/// Thread safety: PROJ objects must not be used by two threads at once, so the transformer
/// keeps a small pool of PROJ transformations, each in its own PROJ context. A call takes one
/// from the pool (making a new one when all are busy) and puts it back when done, so any
/// number of threads may share one transformer. Whole arrays go through PROJ in one call
/// (`proj_trans_generic`): transform many positions at once whenever you can.
public final class Transformer: Sendable {
    public let source: CRS
    public let target: CRS
    fileprivate let pool: Locked<[PROJObject]>
    /// The first operation, which further ones are cloned from (no database look-up again);
    /// locked, since PROJ promises nothing about two threads cloning one object.
    private let template: Locked<PROJObject>

    public init(from source: CRS, to target: CRS) throws {
        self.source = source
        self.target = target
        let first = try Transformer.makeOperation(source, target)
        template = Locked(try PROJObject { proj_clone($0, first.pj) })
        pool = Locked([first])
    }

    public convenience init(from source: String, to target: String) throws {
        try self.init(from: CRS(source), to: CRS(target))
    }

    /// The transformer between two CRSs, made once per process and then shared. Setting one
    /// up searches PROJ's database for the best operation, which costs milliseconds; prefer
    /// this wherever the same pair comes up again (readers, writers, checks).
    public static func shared(from source: CRS, to target: CRS) throws -> Transformer {
        let key = "\(source.hashValue)|\(source.identifier)|\(target.hashValue)|\(target.identifier)"
        if let known = cache.withLock({ $0[key] }) { return known }
        let made = try Transformer(from: source, to: target)
        return cache.withLock { cache in
            if let raced = cache[key] { return raced }
            cache[key] = made
            return made
        }
    }

    private static let cache = Locked<[String: Transformer]>([:])

    private static func makeOperation(_ source: CRS, _ target: CRS) throws -> PROJObject {
        do {
            return try PROJObject { ctx in
                guard let raw = proj_create_crs_to_crs(ctx, source.definition, target.definition, nil) else { return nil }
                defer { proj_destroy(raw) }
                return proj_normalize_for_visualization(ctx, raw)
            }
        } catch {
            throw CRSError.noTransformation(from: source.identifier, to: target.identifier, message: error.message)
        }
    }

    fileprivate func cloneOperation() throws -> PROJObject {
        do {
            return try template.withLock { template in try PROJObject { proj_clone($0, template.pj) } }
        } catch let error as PROJFailure {
            throw CRSError.noTransformation(from: source.identifier, to: target.identifier, message: error.message)
        }
    }

    /// A transformer for one thread's hot loop: it holds one PROJ operation of the pool for its
    /// whole life (no lock per call) and gives it back when it goes. Not for sharing between
    /// threads; make one per worker.
    public final class Session {
        public let transformer: Transformer
        private var operation: PROJObject?

        fileprivate init(_ transformer: Transformer) {
            self.transformer = transformer
        }

        deinit {
            if let operation { transformer.pool.withLock { $0.append(operation) } }
        }

        /// Transforms interleaved positions in place, in one PROJ call.
        public func transform(_ buffer: UnsafeMutableBufferPointer<Double>, dimension: Int = 2) throws {
            guard buffer.count >= dimension else { return }
            if operation == nil {
                operation = try transformer.pool.withLock { $0.popLast() } ?? transformer.cloneOperation()
            }
            try transformer.transformOnce(buffer, dimension, operation!)
        }
    }

    /// A ``Session`` for one thread's many small transformations.
    public func session() -> Session { Session(self) }

    /// Runs `body` with a PROJ operation that no other thread uses meanwhile.
    private func withOperation<R>(_ body: (PROJObject) throws -> R) throws -> R {
        let operation = try pool.withLock { $0.popLast() } ?? cloneOperation()
        defer { pool.withLock { $0.append(operation) } }
        return try body(operation)
    }

    /// Whether the transformation does nothing (same CRS on both sides).
    public var isIdentity: Bool { source == target }

    // MARK: Positions

    public func transform(_ coordinate: Coordinate) throws -> Coordinate {
        var flat = coordinate.hasZ ? [coordinate.x, coordinate.y, coordinate.z] : [coordinate.x, coordinate.y]
        try transform(flatCoordinates: &flat, dimension: coordinate.hasZ ? 3 : 2)
        return Coordinate(x: flat[0], y: flat[1], z: coordinate.hasZ ? flat[2] : .nan)
    }

    public func transform(x: Double, y: Double) throws -> (x: Double, y: Double) {
        let c = try transform(Coordinate(x: x, y: y))
        return (c.x, c.y)
    }

    /// Transforms interleaved positions (x, y or x, y, z) in place, in one PROJ call.
    public func transform(flatCoordinates: inout [Double], dimension: Int = 2) throws {
        try flatCoordinates.withUnsafeMutableBufferPointer { try transform($0, dimension: dimension) }
    }

    /// Transforms interleaved positions in place, in one PROJ call. On failure the error names
    /// the first position PROJ could not transform.
    public func transform(_ buffer: UnsafeMutableBufferPointer<Double>, dimension: Int = 2) throws {
        precondition(dimension == 2 || dimension == 3, "dimension must be 2 or 3")
        guard buffer.count >= dimension else { return }
        try withOperation { try transformOnce(buffer, dimension, $0) }
    }

    // MARK: Geometries

    /// The geometry with every position transformed, tagged with the target CRS. Its CRS must
    /// be the source CRS (or unknown, then it is taken to be the source CRS).
    public func transform(_ geometry: Geometry) throws -> Geometry {
        if let crs = geometry.crs, crs != source {
            throw CRSError.wrongSource(expected: source.identifier, actual: crs.identifier)
        }
        if isIdentity { return geometry.assigningCRS(target) }
        let context = GEOSContext.current
        var scratch: [Double] = []
        let made = try withOperation { operation in
            try transformRaw(geometry.pointer, context, operation, &scratch)
        }
        return Geometry(taking: made, crs: target, context: context)
    }

    /// Transforms many geometries on all cores; the result keeps the input order.
    public func transform(_ geometries: [Geometry]) throws -> [Geometry] {
        try geometries.parallelMap { try self.transform($0) }
    }

    private func transformRaw(_ g: OpaquePointer, _ context: GEOSContext, _ operation: PROJObject,
                              _ scratch: inout [Double]) throws -> OpaquePointer {
        let h = context.handle
        let type = GEOSGeomTypeId_r(h, g)
        if GEOSisEmpty_r(h, g) == 1 || type >= Int32(GEOS_MULTIPOINT.rawValue) || type == Int32(GEOS_POLYGON.rawValue) {
            if type == Int32(GEOS_POLYGON.rawValue) {
                if GEOSisEmpty_r(h, g) == 1 { return GEOSGeom_clone_r(h, g)! }
                let shell = try transformRaw(GEOSGetExteriorRing_r(h, g)!, context, operation, &scratch)
                let n = GEOSGetNumInteriorRings_r(h, g)
                var holes: [OpaquePointer?] = []
                do {
                    for i in 0..<max(n, 0) {
                        holes.append(try transformRaw(GEOSGetInteriorRingN_r(h, g, i)!, context, operation, &scratch))
                    }
                } catch {
                    GEOSGeom_destroy_r(h, shell)
                    holes.forEach { GEOSGeom_destroy_r(h, $0) }
                    throw error
                }
                guard let made = holes.withUnsafeMutableBufferPointer({ GEOSGeom_createPolygon_r(h, shell, $0.baseAddress, UInt32(n)) }) else {
                    throw context.failure("transform")
                }
                return made
            }
            if GEOSisEmpty_r(h, g) == 1 { return GEOSGeom_clone_r(h, g)! }
            let n = GEOSGetNumGeometries_r(h, g)
            var parts: [OpaquePointer?] = []
            do {
                for i in 0..<n { parts.append(try transformRaw(GEOSGetGeometryN_r(h, g, i)!, context, operation, &scratch)) }
            } catch {
                parts.forEach { GEOSGeom_destroy_r(h, $0) }
                throw error
            }
            guard let made = parts.withUnsafeMutableBufferPointer({ GEOSGeom_createCollection_r(h, type, $0.baseAddress, UInt32(n)) }) else {
                parts.forEach { GEOSGeom_destroy_r(h, $0) }
                throw context.failure("transform")
            }
            return made
        }
        // Point, LineString, LinearRing: one coordinate sequence through PROJ in one call.
        let hasZ = GEOSHasZ_r(h, g) == 1
        let dimension = hasZ ? 3 : 2
        scratch.removeAll(keepingCapacity: true)
        let size = Geometry.appendSequence(of: g, h, dimension: dimension, to: &scratch)
        let made: OpaquePointer? = try scratch.withUnsafeMutableBufferPointer { buffer in
            try transformOnce(buffer, dimension, operation)
            guard let newSequence = GEOSCoordSeq_copyFromBuffer_r(h, buffer.baseAddress, UInt32(size), hasZ ? 1 : 0, 0) else { return nil }
            let geometry: OpaquePointer?
            switch type {
            case Int32(GEOS_POINT.rawValue): geometry = GEOSGeom_createPoint_r(h, newSequence)
            case Int32(GEOS_LINEARRING.rawValue): geometry = GEOSGeom_createLinearRing_r(h, newSequence)
            default: geometry = GEOSGeom_createLineString_r(h, newSequence)
            }
            if geometry == nil { GEOSCoordSeq_destroy_r(h, newSequence) }
            return geometry
        }
        guard let made else { throw context.failure("transform") }
        return made
    }

    /// One PROJ call on a buffer with an operation already taken from the pool.
    fileprivate func transformOnce(_ buffer: UnsafeMutableBufferPointer<Double>, _ dimension: Int, _ operation: PROJObject) throws {
        guard let base = buffer.baseAddress else { return }
        let count = buffer.count / dimension
        let stride = MemoryLayout<Double>.stride * dimension
        proj_errno_reset(operation.pj)
        _ = proj_trans_generic(operation.pj, PJ_FWD, base, stride, count, base + 1, stride, count,
                               dimension == 3 ? base + 2 : nil, dimension == 3 ? stride : 0, dimension == 3 ? count : 0, nil, 0, 0)
        for i in 0..<count where !base[i * dimension].isFinite || !base[i * dimension + 1].isFinite {
            let code = proj_errno(operation.pj)
            let reason = code != 0 ? proj_context_errno_string(operation.context, code).map { String(cString: $0) } : nil
            throw CRSError.untransformable(index: i, from: source.identifier, to: target.identifier,
                                           message: reason ?? "outside the domain of the transformation")
        }
    }
}
