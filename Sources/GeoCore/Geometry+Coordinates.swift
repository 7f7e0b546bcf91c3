import CGEOS

/// Reading positions straight from GEOS's coordinate sequences, without copying the geometry.
extension Geometry {
    /// A point's x (nil for an empty point or another type).
    public var x: Double? {
        guard type == .point, !isEmpty else { return nil }
        var value = 0.0
        return GEOSGeomGetX_r(GEOSContext.handle, pointer, &value) == 1 ? value : nil
    }

    /// A point's y (nil for an empty point or another type).
    public var y: Double? {
        guard type == .point, !isEmpty else { return nil }
        var value = 0.0
        return GEOSGeomGetY_r(GEOSContext.handle, pointer, &value) == 1 ? value : nil
    }

    /// The positions of a Point, LineString or LinearRing; for other types use ``parts``,
    /// ``exteriorRing()`` and ``interiorRings()`` (which borrow, not copy) and ask those.
    public func coordinates() throws -> [Coordinate] {
        var flat: [Double] = []
        let dimension = try appendCoordinates(to: &flat)
        return stride(from: 0, to: flat.count, by: dimension).map { i in
            Coordinate(x: flat[i], y: flat[i + 1], z: dimension == 3 ? flat[i + 2] : .nan)
        }
    }

    /// Appends the positions of a Point, LineString or LinearRing to `buffer` as flat x, y
    /// (and z when the geometry has z) in one copy from GEOS, and returns the dimension
    /// (2 or 3). Writers call it with a buffer they reuse, so no array is made per geometry.
    @discardableResult
    public func appendCoordinates(to buffer: inout [Double], includeZ: Bool = true) throws -> Int {
        let h = GEOSContext.handle
        switch type {
        case .point, .lineString, .linearRing: break
        default:
            throw GeometryError.wrongGeometryType(operation: "coordinates", expected: "a Point, LineString or LinearRing", actual: type)
        }
        let dimension = includeZ && hasZ ? 3 : 2
        if !isEmpty { _ = Geometry.appendSequence(of: pointer, h, dimension: dimension, to: &buffer) }
        return dimension
    }

    /// Appends the positions of a Point, LineString or LinearRing handle to `buffer` in one
    /// `GEOSCoordSeq_copyToBuffer_r` call; returns how many positions it appended. The one
    /// place coordinates leave GEOS.
    static func appendSequence(of g: OpaquePointer, _ h: OpaquePointer, dimension: Int, to buffer: inout [Double]) -> Int {
        guard let sequence = GEOSGeom_getCoordSeq_r(h, g) else { return 0 }
        var size: UInt32 = 0
        GEOSCoordSeq_getSize_r(h, sequence, &size)
        let n = Int(size)
        guard n > 0 else { return 0 }
        let start = buffer.count
        buffer.append(contentsOf: repeatElement(0, count: n * dimension))
        buffer.withUnsafeMutableBufferPointer { all in
            _ = GEOSCoordSeq_copyToBuffer_r(h, sequence, all.baseAddress! + start, dimension == 3 ? 1 : 0, 0)
        }
        return n
    }

    /// The geometry's bounds in its own CRS; `.empty` for an empty geometry.
    public var envelope: Envelope {
        guard !isEmpty else { return .empty }
        let h = GEOSContext.handle
        var e = Envelope.empty
        GEOSGeom_getXMin_r(h, pointer, &e.minX)
        GEOSGeom_getYMin_r(h, pointer, &e.minY)
        GEOSGeom_getXMax_r(h, pointer, &e.maxX)
        GEOSGeom_getYMax_r(h, pointer, &e.maxY)
        return e
    }
}

extension Geometry {
    /// Appends all positions to `coordinates` (flat x, y and z when `includeZ` and the geometry
    /// has z) and the structure to `counts`, in the layout ``init(type:flatCoordinates:hasZ:counts:crs:)``
    /// takes, in one walk over GEOS with no Swift object per part. Returns the dimension (2 or 3).
    /// Writers use it to send a whole feature through PROJ in one call.
    /// GeometryCollections are not flat: walk their ``parts`` instead.
    @discardableResult
    public func flatten(coordinates: inout [Double], counts: inout [Int], includeZ: Bool = true) throws -> Int {
        guard type != .geometryCollection else {
            throw GeometryError.wrongGeometryType(operation: "flatten", expected: "a non-collection or Multi* geometry", actual: type)
        }
        let h = GEOSContext.handle
        let dimension = includeZ && hasZ ? 3 : 2
        func copy(_ g: OpaquePointer) -> Int {
            Geometry.appendSequence(of: g, h, dimension: dimension, to: &coordinates)
        }
        func polygon(_ g: OpaquePointer) {
            guard GEOSisEmpty_r(h, g) == 0 else { counts.append(0); return }
            let holes = Int(GEOSGetNumInteriorRings_r(h, g))
            counts.append(1 + holes)
            counts.append(copy(GEOSGetExteriorRing_r(h, g)!))
            for i in 0..<holes { counts.append(copy(GEOSGetInteriorRingN_r(h, g, Int32(i))!)) }
        }
        switch type {
        case .point:
            counts.append(isEmpty ? 0 : copy(pointer))
        case .lineString, .linearRing:
            counts.append(copy(pointer))
        case .polygon:
            polygon(pointer)
        case .multiPoint, .multiLineString, .multiPolygon:
            let n = Int(GEOSGetNumGeometries_r(h, pointer))
            var nonEmpty = n
            if type == .multiPoint {
                // A MultiPoint's elements carry no count of their own; empty points have no place.
                nonEmpty = (0..<n).filter { GEOSisEmpty_r(h, GEOSGetGeometryN_r(h, pointer, Int32($0))!) == 0 }.count
            }
            counts.append(nonEmpty)
            for i in 0..<n {
                let part = GEOSGetGeometryN_r(h, pointer, Int32(i))!
                switch type {
                case .multiPoint: _ = GEOSisEmpty_r(h, part) == 0 ? copy(part) : 0
                case .multiLineString: counts.append(copy(part))
                default: polygon(part)
                }
            }
        case .geometryCollection:
            break
        }
        return dimension
    }
}
