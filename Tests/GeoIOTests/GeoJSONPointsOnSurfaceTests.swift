import Foundation
import Testing
import GeoCore
import TestSupport
@testable import GeoIO

/// `GeoJSONPointsOnSurface`: the same ids and points as reading the file with ``FeatureStream``
/// (repair policy) and asking GEOS for each feature's point on surface, feature by feature, and
/// nil for every file that stream would reject something of.
@Suite struct GeoJSONPointsOnSurfaceTests {
    static let crsMember = #""crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::25832"}}"#

    func write(_ features: [String], name: String = "parcels.geojson", crs: String = crsMember) throws -> String {
        let path = try ExternalTools.temporaryDirectory().appendingPathComponent(name).path
        try "{\"type\": \"FeatureCollection\", \(crs), \"features\": [\n\(features.joined(separator: ",\n"))]}\n"
            .write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// What the walk command's feature path gives: display id and GEOS's point on surface.
    func byFeatureStream(_ path: String) throws -> (ids: [String], x: [Double], y: [Double]) {
        let stream = try FeatureStream(path: path, options: ReadOptions(keepZ: false, countsRepeatedIDs: false), crs: .etrs89UTM32N)
        var out: (ids: [String], x: [Double], y: [Double]) = ([], [], [])
        while let batch = try stream.nextBatch({ f, _ -> (String, Double, Double) in
            let g = f.geometry!
            let p = g.type == .point ? g : try g.pointOnSurface()
            return (f.displayID ?? "", p.x ?? .nan, p.y ?? .nan)
        }) {
            for (id, x, y) in batch { out.ids.append(id); out.x.append(x); out.y.append(y) }
        }
        return out
    }

    func ring(_ cx: Double, _ cy: Double, _ radius: Double, _ n: Int, _ g: inout some RandomNumberGenerator) -> String {
        let angles = (0..<n).map { _ in Double.random(in: 0..<(2 * .pi), using: &g) }.sorted()
        var points = angles.map { a -> String in
            let r = radius * Double.random(in: 0.3...1, using: &g)
            return "[\(((cx + r * cos(a)) * 100).rounded() / 100), \(((cy + r * sin(a)) * 100).rounded() / 100)]"
        }
        points.append(points[0])
        return "[" + points.joined(separator: ", ") + "]"
    }

    @Test func sameIdsAndPointsAsTheFeatureStream() throws {
        var g = SystemRandomNumberGenerator()
        var features: [String] = []
        for k in 0..<3000 {
            let cx = 390000 + Double.random(in: 0...10000, using: &g), cy = 5705000 + Double.random(in: 0...10000, using: &g)
            let shell = ring(cx, cy, 40, Int.random(in: 3...40, using: &g), &g)
            let geometry: String
            switch k % 10 {
            case 0: geometry = #"{"type": "Polygon", "coordinates": [\#(shell), \#(ring(cx, cy, 8, 5, &g))]}"#          // a hole: GEOS
            case 1: geometry = #"{"type": "MultiPolygon", "coordinates": [[\#(shell)], [\#(ring(cx + 300, cy, 40, 6, &g))]]}"#
            case 2: geometry = #"{"type": "Polygon", "coordinates": [[[\#(cx), \#(cy)], [\#(cx + 10), \#(cy + 10)], [\#(cx + 10), \#(cy)], [\#(cx), \#(cy + 10)], [\#(cx), \#(cy)]]]}"# // a bow-tie: repaired
            case 3: geometry = #"{"type": "Point", "coordinates": [\#(cx), \#(cy)]}"#
            default: geometry = #"{"type": "Polygon", "coordinates": [\#(shell)]}"#                             // lean (when simple)
            }
            let id: String
            switch k % 7 {
            case 0: id = #""id": "p\#(k)", "properties": {"landuse": "green"}"#
            case 1: id = #""id": \#(k), "properties": {"id": "not this"}"#
            case 2: id = #""properties": {"id": 7.5, "x": [1, {"a": null}]}"#
            case 3: id = #""properties": null"#
            case 4: id = #""properties": {"id": "a\"b"}"#
            default: id = #""properties": {"id": "053301-001-\#(k)", "floors": 3}"#
            }
            features.append(#"{"type": "Feature", \#(id), "geometry": \#(geometry)}"#)
        }
        let path = try write(features)
        let lean = try #require(try GeoJSONPointsOnSurface.read(path: path, options: ReadOptions(keepZ: false, countsRepeatedIDs: false), crs: .etrs89UTM32N))
        let full = try byFeatureStream(path)
        #expect(lean.ids == full.ids)
        #expect(lean.x.count == 3000 && lean.x == full.x && lean.y == full.y)
        for i in 0..<Swift.min(lean.x.count, full.x.count) where lean.x[i] != full.x[i] || lean.y[i] != full.y[i] {
            Issue.record("feature \(i): \(features[i]): lean \(lean.x[i]) \(lean.y[i]), GEOS \(full.x[i]) \(full.y[i])")
            break
        }
    }

    @Test func filesTheStreamWouldRejectFromAreLeftToIt() throws {
        let square = #"{"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]]]}}"#
        let options = ReadOptions(keepZ: false, countsRepeatedIDs: false)
        #expect(try GeoJSONPointsOnSurface.read(path: try write([square]), options: options, crs: .etrs89UTM32N) != nil)
        for bad in [#"{"type": "Feature", "properties": {}, "geometry": null}"#,                                        // no geometry
                    #"{"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [10, 0], [10, 10], [0, 0]], [[1, 1], [2, 2]]]}}"#, // a ring of 2
                    #"{"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [10, 0], [10, 10], [0, 9], [0, 1]]]}}"#, // not closed
                    #"{"type": "Feature", "type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [10, 0], [10, 10], [0, 0]]]}}"#, // type twice
                    #"{"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": []}}"#] {                 // empty
            #expect(try GeoJSONPointsOnSurface.read(path: try write([square, bad]), options: options, crs: .etrs89UTM32N) == nil, "\(bad)")
        }
        // Another CRS than the target's (the stream would transform): not here.
        #expect(try GeoJSONPointsOnSurface.read(path: try write([square], crs: #""crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::25833"}}"#), options: options, crs: .etrs89UTM32N) == nil)
    }
}

extension GeoJSONPointsOnSurfaceTests {
    @Test func embeddedParcelsAsTheFeatureStreamReadsThem() throws {
        let path = ExternalTools.packageRoot.appendingPathComponent("datasets/dortmund/parcels.geojson").path
        let lean = try #require(try GeoJSONPointsOnSurface.read(path: path, options: ReadOptions(keepZ: false, countsRepeatedIDs: false), crs: .etrs89UTM32N))
        let full = try byFeatureStream(path)
        #expect(lean.x.count == 10000)
        #expect(lean.ids == full.ids && lean.x == full.x && lean.y == full.y)
    }
}
