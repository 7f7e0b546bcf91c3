import Foundation
import Testing
@testable import GeoCore

/// The same work from many threads at once gives the results of doing it on one thread.
/// Run under `swift test --sanitize=thread` to check for data races, too.
@Suite struct ConcurrencyTests {
    struct Outcome: Equatable, Sendable {
        var areas: [Double] = []
        var hits: [Bool] = []
        var transformed: [String] = []
        var unions: [Double] = []
    }

    func work(_ parcels: [Geometry], _ prepared: PreparedGeometry, _ transformer: Transformer) throws -> Outcome {
        var outcome = Outcome()
        for parcel in parcels {
            outcome.areas.append(try parcel.buffer(3).area())
            outcome.hits.append(try prepared.intersects(parcel))
            outcome.transformed.append(try transformer.transform(parcel).wkt(precision: 9))
            outcome.unions.append(try parcel.union(prepared.geometry).area())
        }
        return outcome
    }

    @Test func eightTasksAgreeWithOneThread() async throws {
        let utm = CRS.etrs89UTM32N
        let parcels = try (0..<200).map { i -> Geometry in
            let x = 390000 + Double(i % 20) * 50, y = 5710000 + Double(i / 20) * 50
            return try Geometry(wkt: "POLYGON ((\(x) \(y), \(x + 40) \(y), \(x + 40) \(y + 30), \(x) \(y + 45), \(x) \(y)))", crs: utm)
        }
        // Shared, warmed before the tasks start.
        let prepared = try PreparedGeometry(Geometry(x: 390500, y: 5710250, crs: utm).buffer(200))
        let transformer = try Transformer(from: utm, to: .wgs84)
        let serial = try work(parcels, prepared, transformer)
        let results = try await withThrowingTaskGroup(of: Outcome.self) { group in
            for _ in 0..<8 { group.addTask { try self.work(parcels, prepared, transformer) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.count == 8)
        for result in results { #expect(result == serial) }
    }

    /// Parcels that cross the district boundary drive GEOS's segment intersector, which in
    /// GEOS 3.11 writes to the prepared geometry on every call: sharing one GEOS prepared
    /// geometry between threads crashes here within a few thousand calls.
    @Test func preparedGeometryIsSafeToShareOnTheBoundaryPath() throws {
        let district = try PreparedGeometry(Geometry(x: 0, y: 0).buffer(1000, style: BufferStyle(quadrantSegments: 32)))
        let parcels = try (0..<4000).map { i -> Geometry in
            let angle = Double(i) * 0.00157, r = 995.0
            let x = r * cos(angle), y = r * sin(angle)
            return try Geometry(wkt: "POLYGON ((\(x) \(y), \(x + 12) \(y), \(x + 12) \(y + 9), \(x) \(y + 9), \(x) \(y)))")
        }
        let expected = try parcels.map { try district.geometry.intersects($0) }
        let coveredExpected = try parcels.map { try district.geometry.covers($0) }
        for _ in 0..<3 {
            #expect(try district.intersects(each: parcels) == expected)
            #expect(try parcels.parallelMap { try district.covers($0) } == coveredExpected)
        }
    }

    @Test func parallelBatchKeepsInputOrder() throws {
        let squares = try (1...5000).map { i in try Geometry(wkt: "POLYGON ((0 0, \(i) 0, \(i) 1, 0 1, 0 0))") }
        // Square i is i × 1.
        #expect(try squares.areas() == (1...5000).map(Double.init))
        #expect(try squares.lengths() == (1...5000).map { 2 * Double($0) + 2 })
        let strip = try PreparedGeometry(Geometry(wkt: "POLYGON ((2500.5 -1, 6000 -1, 6000 2, 2500.5 2, 2500.5 -1))"))
        #expect(try strip.intersects(each: squares) == (1...5000).map { $0 >= 2501 })
    }

    @Test func errorsInABatchAreRethrown() throws {
        let lonLat = try (0..<2000).map { i in try Geometry(x: Double(i) / 1000, y: 51, crs: .wgs84) }
        #expect(throws: GeometryError.self) { try lonLat.areas() }
    }
}
