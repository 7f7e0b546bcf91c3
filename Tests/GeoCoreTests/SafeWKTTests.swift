import Testing
@testable import GeoCore

/// `Geometry.wkt()` on coordinates GEOS 3.11's writer cannot print: its fixed-notation
/// buffer of 128 bytes overflowed from about 1e110 on and killed the process ("stack smashing
/// detected" at 1e135, found by feeding hostile files). Such geometries now go to
/// `SafeWKTWriter`; ordinary ones still to GEOS, whose text the fallback matches.
@Suite struct SafeWKTTests {
    @Test func hugeCoordinatesAreWrittenInScientificNotationAndReadBack() throws {
        for text in ["POINT (1e300 2)", "POINT (-1.7976931348623157e308 5e200)", "LINESTRING (0 0, 1e150 1, 2 -3e250)",
                     "POLYGON Z ((0 0 1e300, 1e200 0 0, 1e200 1e200 0, 0 0 1e300))",
                     "GEOMETRYCOLLECTION (POINT (1e300 1), LINESTRING EMPTY, MULTIPOINT ((1 2), (1e120 3)))"] {
            let g = try Geometry(wkt: text)
            let wkt = g.wkt()
            // Read back by GEOS's own reader: the same doubles (scientific notation is exact).
            #expect(try Geometry(wkt: wkt).equalsExact(g), "\(text) → \(wkt)")
            #expect(wkt.contains("e+"), "\(wkt)")
            #expect(!g.wkt(precision: 3).isEmpty)
        }
        #expect(try Geometry(wkt: "POINT (1e300 2)").wkt() == "POINT (1e+300 2)")
        #expect(try Geometry(wkt: "POINT (1e300 2.123456)").wkt(precision: 2) == "POINT (1e+300 2.12)")
        #expect(try Geometry(wkt: "POINT Z (1 2 -1e300)").wkt() == "POINT Z (1 2 -1e+300)")
    }

    @Test func theLimitIsCheckedOnEveryCoordinate() throws {
        #expect(SafeWKTWriter.fitsGEOSWriter(try Geometry(wkt: "POINT (1e89 -1e89)")))
        #expect(!SafeWKTWriter.fitsGEOSWriter(try Geometry(wkt: "POINT (1e90 0)")))
        #expect(!SafeWKTWriter.fitsGEOSWriter(try Geometry(wkt: "LINESTRING (0 0, 1 -1e95)")))
        // z is not in the envelope: the walk finds it.
        #expect(!SafeWKTWriter.fitsGEOSWriter(try Geometry(wkt: "LINESTRING Z (0 0 0, 1 1 1e200)")))
        // An infinite coordinate hides a huge one from the envelope; the walk still finds it.
        #expect(!SafeWKTWriter.fitsGEOSWriter(try Geometry(wkt: "MULTIPOINT ((Infinity 0), (1e200 0))")))
        #expect(SafeWKTWriter.fitsGEOSWriter(try Geometry(wkt: "MULTIPOINT ((Infinity 0), (NaN 0))")))
        // A precision beyond a double's digits goes to the fallback too, which prints it safely.
        let p = try Geometry(wkt: "POINT (0.5 1)")
        #expect(p.wkt(precision: 1000) == "POINT (0.5 1)")
        #expect(p.wkt(precision: -3) == "POINT (1 1)" || p.wkt(precision: -3) == "POINT (0 1)")
    }

    @Test func theFallbackWritesWhatGEOSWritesForOrdinaryGeometries() throws {
        for text in ["POINT (1 2)", "POINT EMPTY", "POINT Z (1 2 3)", "LINESTRING (0 0, 1.5 -2.25)", "LINEARRING (0 0, 1 0, 1 1, 0 0)",
                     "POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0), (2 2, 2 4, 4 4, 4 2, 2 2))", "POLYGON EMPTY",
                     "MULTIPOINT (1 2, 3 4)", "MULTIPOINT Z ((1 2 3), (4 5 6))", "MULTILINESTRING ((0 0, 1 1), EMPTY)",
                     "MULTIPOLYGON (((0 0, 1 0, 1 1, 0 0)), EMPTY, ((5 5, 6 5, 6 6, 5 5)))",
                     "GEOMETRYCOLLECTION (POINT (1 2), LINESTRING EMPTY, MULTIPOLYGON (((0 0, 1 0, 1 1, 0 0))))",
                     "GEOMETRYCOLLECTION EMPTY",
                     "POINT (0.1 -0.30000000000000004)", "POINT (0.123456789012345678 1e-7)", "POINT (-1e-17 123456789.123)",
                     "POINT (1e20 -7.77)", "POINT (395000.123456789 5712345.987654321)"] {
            let g = try Geometry(wkt: text)
            #expect(SafeWKTWriter(precision: nil).text(of: g) == g.wkt(), "\(text)")
            #expect(SafeWKTWriter(precision: 3).text(of: g) == g.wkt(precision: 3), "\(text) at 3 decimals")
        }
    }
}
