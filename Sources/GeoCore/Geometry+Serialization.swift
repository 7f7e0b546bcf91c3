import CGEOS

/// WKT, WKB and hex WKB in and out.
extension Geometry {
    /// Reads Well-Known Text ("POLYGON ((0 0, 1 0, 1 1, 0 0))").
    public convenience init(wkt: String, crs: CRS? = nil) throws {
        let context = GEOSContext.current
        let h = context.handle
        guard let reader = GEOSWKTReader_create_r(h) else { throw context.failure("WKT reader") }
        defer { GEOSWKTReader_destroy_r(h, reader) }
        context.reset()
        guard let made = GEOSWKTReader_read_r(h, reader, wkt) else {
            throw GeometryError.parse(format: "WKT", message: context.lastError ?? "unreadable text")
        }
        self.init(taking: made, crs: crs, context: context)
    }

    /// Reads Well-Known Binary (either byte order, ISO or extended 3D).
    public convenience init(wkb: some Collection<UInt8>, crs: CRS? = nil) throws {
        let context = GEOSContext.current
        let h = context.handle
        guard let reader = GEOSWKBReader_create_r(h) else { throw context.failure("WKB reader") }
        defer { GEOSWKBReader_destroy_r(h, reader) }
        context.reset()
        let bytes = Array(wkb)
        let made = bytes.withUnsafeBufferPointer { GEOSWKBReader_read_r(h, reader, $0.baseAddress, $0.count) }
        guard let made else {
            throw GeometryError.parse(format: "WKB", message: context.lastError ?? "unreadable bytes")
        }
        self.init(taking: made, crs: crs, context: context)
    }

    /// Reads hex-encoded WKB ("0101000000…"), as PostGIS and GDAL print it.
    public convenience init(hexWKB: String, crs: CRS? = nil) throws {
        let context = GEOSContext.current
        let h = context.handle
        guard let reader = GEOSWKBReader_create_r(h) else { throw context.failure("WKB reader") }
        defer { GEOSWKBReader_destroy_r(h, reader) }
        context.reset()
        let bytes = Array(hexWKB.utf8)
        let made = bytes.withUnsafeBufferPointer { GEOSWKBReader_readHEX_r(h, reader, $0.baseAddress, $0.count) }
        guard let made else {
            throw GeometryError.parse(format: "hex WKB", message: context.lastError ?? "unreadable text")
        }
        self.init(taking: made, crs: crs, context: context)
    }

    /// Well-Known Text; `precision` fixes the decimals (trailing zeros trimmed), nil prints
    /// every digit needed to read the same doubles back.
    ///
    /// GEOS 3.11's writer prints every number in fixed notation into a 128-byte buffer on
    /// the stack, so a coordinate of about 1e110 or more (hostile input, a broken transform)
    /// overflows it and kills the process. Geometries with such coordinates, and any
    /// `precision` beyond 17 decimals, are written by ``SafeWKTWriter`` instead (scientific
    /// notation for the huge numbers, the same text as GEOS's for the others).
    public func wkt(precision: Int? = nil) -> String {
        if let precision, !(0...SafeWKTWriter.maximumPrecision).contains(precision) || !SafeWKTWriter.fitsGEOSWriter(self) {
            return SafeWKTWriter(precision: Swift.min(Swift.max(precision, 0), 40)).text(of: self)
        }
        if precision == nil, !SafeWKTWriter.fitsGEOSWriter(self) { return SafeWKTWriter(precision: nil).text(of: self) }
        let h = GEOSContext.handle
        guard let writer = GEOSWKTWriter_create_r(h) else { return "" }
        defer { GEOSWKTWriter_destroy_r(h, writer) }
        GEOSWKTWriter_setTrim_r(h, writer, 1)
        GEOSWKTWriter_setOutputDimension_r(h, writer, 3)
        if let precision { GEOSWKTWriter_setRoundingPrecision_r(h, writer, Int32(precision)) }
        guard let text = GEOSWKTWriter_write_r(h, writer, pointer) else { return "" }
        defer { GEOSFree_r(h, text) }
        return String(cString: text)
    }

    /// Well-Known Binary, little-endian, with z when the geometry has it.
    public func wkb() -> [UInt8] {
        writeWKB(hex: false)
    }

    /// Hex-encoded WKB (upper case), little-endian.
    public func hexWKB() -> String {
        String(decoding: writeWKB(hex: true), as: UTF8.self)
    }

    private func writeWKB(hex: Bool) -> [UInt8] {
        let h = GEOSContext.handle
        guard let writer = GEOSWKBWriter_create_r(h) else { return [] }
        defer { GEOSWKBWriter_destroy_r(h, writer) }
        GEOSWKBWriter_setOutputDimension_r(h, writer, 3)
        GEOSWKBWriter_setByteOrder_r(h, writer, Int32(GEOS_WKB_NDR.rawValue))
        var size = 0
        let bytes = hex ? GEOSWKBWriter_writeHEX_r(h, writer, pointer, &size)
                        : GEOSWKBWriter_write_r(h, writer, pointer, &size)
        guard let bytes else { return [] }
        defer { GEOSFree_r(h, bytes) }
        return Array(UnsafeBufferPointer(start: bytes, count: size))
    }
}

extension Geometry: CustomStringConvertible {
    public var description: String { wkt() }
}
