import Foundation
import Testing
import GeoCore
@testable import GeoIO
import TestSupport
@testable import StreetNetwork

/// The lean street reader (``GeoJSONLines``) against the feature reader's way
/// (``FeatureStream``, what NORDWAERTS_FULL_READ=1 takes): the same graph, node and edge
/// order, problems, counts and rejects for every file the lean reader takes; and the builder's
/// node table against a plain dictionary.
@Suite struct LeanReadingTests {
    /// Reads `path` both ways; the lean way must take the file when `leanTakes`.
    func compareBothWays(_ path: String, crs: CRS = .etrs89UTM32N, preset: WalkableFilter = .all, options: ReadOptions = ReadOptions(),
                         leanTakes: Bool = true, withRejects: Bool = false, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        let graphOptions = StreetGraph.Options(preset: preset)
        let folder = try ExternalTools.temporaryDirectory()
        let leanRejects = withRejects ? RejectsReport(path: folder.appendingPathComponent("lean-rejects.jsonl").path) : nil
        let fullRejects = withRejects ? RejectsReport(path: folder.appendingPathComponent("full-rejects.jsonl").path) : nil
        let lean = try StreetLayerGraph.readLean(path: path, format: nil, options: options, crs: crs, graph: graphOptions, rejects: leanRejects)
        #expect((lean != nil) == leanTakes, "lean reader took \(path): \(lean != nil)", sourceLocation: sourceLocation)
        let full = try StreetLayerGraph.readStreaming(path: path, format: nil, options: options, crs: crs, graph: graphOptions, rejects: fullRejects)
        // What `read` gives (lean when it takes the file) equals the stream's in every case.
        let (made, summary) = try lean ?? StreetLayerGraph.read(path: path, options: options, crs: crs, graph: graphOptions, rejects: leanRejects)
        let (expected, expectedSummary) = full
        let g = made.graph, e = expected.graph
        #expect(g.x.map(\.bitPattern) == e.x.map(\.bitPattern) && g.y.map(\.bitPattern) == e.y.map(\.bitPattern), "nodes", sourceLocation: sourceLocation)
        #expect(g.edgeFrom == e.edgeFrom && g.edgeTo == e.edgeTo && g.edgeFeature == e.edgeFeature, "edges", sourceLocation: sourceLocation)
        #expect(g.edgeLength.map(\.bitPattern) == e.edgeLength.map(\.bitPattern), "lengths", sourceLocation: sourceLocation)
        #expect(g.offsets == e.offsets && g.neighbours == e.neighbours && g.neighbourEdges == e.neighbourEdges, "adjacency", sourceLocation: sourceLocation)
        #expect(g.component == e.component && g.componentNodeCounts == e.componentNodeCounts, "components", sourceLocation: sourceLocation)
        #expect(made.filteredOut == expected.filteredOut && made.used == expected.used && made.zeroLengthSegments == expected.zeroLengthSegments,
                "counts", sourceLocation: sourceLocation)
        #expect(made.problems.map { "\($0.feature) \($0.id ?? "-") \($0.reason)" } == expected.problems.map { "\($0.feature) \($0.id ?? "-") \($0.reason)" },
                "problems", sourceLocation: sourceLocation)
        #expect(summary.read == expectedSummary.read && summary.kept == expectedSummary.kept && summary.rejected == expectedSummary.rejected
                && summary.repaired == expectedSummary.repaired && summary.sourceCRS == expectedSummary.sourceCRS && summary.warnings == expectedSummary.warnings,
                "summary \(summary) vs \(expectedSummary)", sourceLocation: sourceLocation)
        if withRejects, let leanRejects, let fullRejects {
            try leanRejects.finish()
            try fullRejects.finish()
            #expect(leanRejects.count == fullRejects.count, sourceLocation: sourceLocation)
            if fullRejects.count > 0 {
                #expect(try Data(contentsOf: URL(fileURLWithPath: leanRejects.path)) == Data(contentsOf: URL(fileURLWithPath: fullRejects.path)),
                        "rejects", sourceLocation: sourceLocation)
            }
        }
    }

    func write(_ features: [String], crs: String = #""crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::25832"}}, "#) throws -> String {
        let path = try ExternalTools.temporaryDirectory().appendingPathComponent("streets.geojson").path
        try Data(#"{"type": "FeatureCollection", \#(crs)"features": [\#n\#(features.joined(separator: ",\n"))]}"#.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func embeddedDortmundStreets() throws {
        let path = ExternalTools.packageRoot.appendingPathComponent("datasets/dortmund/streets.geojson").path
        try compareBothWays(path)
        try compareBothWays(path, options: ReadOptions(keepZ: false, countsRepeatedIDs: false))
        try compareBothWays(path, preset: .osmWalk)
    }

    @Test func generatedReferenceNetwork() throws {
        let path = ExternalTools.packageRoot.appendingPathComponent("Tests/StreetNetworkTests/Reference/generated_streets.geojson").path
        try compareBothWays(path)
    }

    @Test func openStreetMapHelsinki() throws {
        // The real OSM extract of NetworkxReferenceTests, as GDAL's OSM driver exports it:
        // escaped quotes in other_tags, ways the osm-walk preset leaves out.
        let out = try ExternalTools.temporaryDirectory().appendingPathComponent("helsinki_lines.geojson").path
        let made = try ExternalTools.run("ogr2ogr", ["-f", "GeoJSON", out,
                                                     ExternalTools.packageRoot.appendingPathComponent("Tests/StreetNetworkTests/Reference/helsinki.osm.pbf").path,
                                                     "lines", "-t_srs", "EPSG:3067"])
        #expect(made.status == 0, "ogr2ogr: \(made.stderr)")
        let crs = try CRS("EPSG:3067")
        try compareBothWays(out, crs: crs, preset: .osmWalk, withRejects: true)
        // Every way, some of them lines of one repeated vertex (problems).
        try compareBothWays(out, crs: crs, preset: .all, withRejects: true)
        // In another CRS than the file's, the lean reader does not take it (the stream transforms).
        try compareBothWays(out, crs: .etrs89UTM32N, preset: .osmWalk, leanTakes: false, withRejects: true)
    }

    @Test func multiLinesZeroLengthAndFilteredFeatures() throws {
        let path = try write([
            #"{"type": "Feature", "id": "a\t\u00e9", "properties": {"highway": "resid\u0065ntial", "name": "K\u00f6ln-Minden\\"}, "geometry": {"type": "LineString", "coordinates": [[0, 0], [100, 0], [100, 0], [200, 0.5]]}}"#,
            #"{"type": "Feature", "properties": {"id": 7, "highway": "footway"}, "geometry": {"type": "MultiLineString", "coordinates": [[[100, 0], [100, 100]], [[200, 0.5], [200, 0.5]], [[-0.0, 0], [0, -100]]]}}"#,
            #"{"type": "Feature", "id": 3, "properties": {"highway": "motorway"}, "geometry": {"type": "LineString", "coordinates": [[0, 0], [0, 500]]}}"#,
            #"{"type": "Feature", "id": "d", "properties": {"other_tags": "\"highway\"=>\"path\",\"foot\"=>\"yes\""}, "geometry": {"type": "LineString", "coordinates": [[200, 0.5], [300, 1e2]]}}"#,
            #"{"geometry": {"coordinates": [[300, 100, 5], [400, 100, 6.5]], "type": "LineString"}, "properties": null, "type": "Feature", "id": 4.5}"#,
        ])
        try compareBothWays(path)
        try compareBothWays(path, preset: .osmWalk)
        try compareBothWays(path, options: ReadOptions(keepZ: false))
        // Worked out by hand: 8 distinct vertices (-0.0 and 0.0 are one), 7 edges (2 + 1 + 1 +
        // 1 + 1 + 1); one zero-length segment in a; the second line of feature 1 is one point
        // repeated, refused whole (feature 1 is used by its other lines).
        let (made, _) = try StreetLayerGraph.read(path: path)
        #expect(made.graph.nodeCount == 8 && made.graph.edgeCount == 7 && made.used == 5 && made.zeroLengthSegments == 1)
        #expect(made.graph.edgeFeature == [0, 0, 1, 1, 2, 3, 4])
    }

    @Test func problemsAndFallbacks() throws {
        let line = #""geometry": {"type": "LineString", "coordinates": [[0, 0], [10, 0]]}"#
        // A Point and a line of one repeated vertex are problems the graph names: the lean
        // reader takes the file (the Point through the full parser).
        let problems = try write([
            #"{"type": "Feature", "id": "l", "properties": {}, \#(line)}"#,
            #"{"type": "Feature", "id": "p\"t\u00e9", "properties": {"name": "Stra\u00dfe"}, "geometry": {"type": "Point", "coordinates": [5, 5]}}"#,
            #"{"type": "Feature", "properties": {"id": "z"}, "geometry": {"type": "LineString", "coordinates": [[7, 7], [7, 7]]}}"#,
            #"{"type": "Feature", "id": "z\u00e9\"m\/", "properties": {"id": "zm"}, "geometry": {"type": "MultiLineString", "coordinates": [[[8, 8], [8, 8]], [[9, 9], [9, 9]]]}}"#,
        ])
        try compareBothWays(problems, withRejects: true)
        // Without a rejects report the first problem is thrown, naming the same feature.
        func message(_ body: () throws -> Void) -> String { do { try body(); return "no error" } catch { return "\(error)" } }
        let leanError = message { _ = try StreetLayerGraph.read(path: problems) }
        let fullError = message { _ = try StreetLayerGraph.readStreaming(path: problems, format: nil, options: ReadOptions(), crs: .etrs89UTM32N, graph: .init(), rejects: nil) }
        #expect(leanError == fullError && leanError.contains("feature 1 (id p\"té)"), "\(leanError) vs \(fullError)")

        // What the stream rejects or warns about makes the lean reader step aside.
        for odd in [
            #"{"type": "Feature", "id": "n", "properties": {}, "geometry": null}"#,
            #"{"type": "Feature", "id": "one", "properties": {}, "geometry": {"type": "LineString", "coordinates": [[1, 1]]}}"#,
            #"{"type": "Feature", "id": "e", "properties": {}, "geometry": {"type": "LineString", "coordinates": []}}"#,
            #"{"type": "Feature", "properties": {}, "bbox": [0, 0], \#(line)}"#,
            #"{"type": "Feature", "properties": {}, "geometry": {"type": "LineString", "coordinates": [[0, 0, 1, 2], [10, 0, 1, 2]]}}"#,
            #"{"type": "Feature", "id": "d", "properties": {}, "id": "d2", \#(line)}"#,
            #"{"type": "Feature", "properties": {}, "geometry": {"type": "LineString", "coordinates": [[0, 0], [10, NaN]]}}"#,
            // z on some positions only: GEOS refuses the NaN z the others get.
            #"{"type": "Feature", "properties": {}, "geometry": {"type": "MultiLineString", "coordinates": [[[0, 0], [10, 0]], [[0, 0, 1], [0, 5, 2]]]}}"#,
        ] {
            let path = try write([#"{"type": "Feature", "id": "l", "properties": {}, \#(line)}"#, odd])
            try compareBothWays(path, leanTakes: false, withRejects: true)
        }
        // Without z kept, the stream takes such a line, and so does the lean reader (through the full parser).
        let mixed = try write([#"{"type": "Feature", "properties": {}, "geometry": {"type": "LineString", "coordinates": [[0, 0], [10, 0, 3]]}}"#])
        try compareBothWays(mixed, options: ReadOptions(keepZ: false), withRejects: true)
        // Ids used twice: the same warning both ways.
        try compareBothWays(try write([#"{"type": "Feature", "id": "x", "properties": {}, \#(line)}"#, #"{"type": "Feature", "id": "x", "properties": {}, \#(line)}"#]))
        // A CRS other than the target's, or none (RFC 7946's WGS84): the stream's.
        try compareBothWays(try write([#"{"type": "Feature", "properties": {}, "geometry": {"type": "LineString", "coordinates": [[7.4, 51.5], [7.5, 51.6]]}}"#], crs: ""),
                            leanTakes: false)
    }

    @Test func malformedFilesAreTheStreams() throws {
        let path = try write([#"{"type": "Feature", "properties": {}, "geometry": {"type": "LineString", "coordinates": [[0, 0], [10, 0]]}"#])
        #expect(try StreetLayerGraph.readLean(path: path, format: nil, options: ReadOptions(), crs: .etrs89UTM32N, graph: .init(), rejects: nil) == nil)
        #expect(throws: IOError.self) { try StreetLayerGraph.read(path: path) }
        // Properties the feature reader refuses (a bad escape, invalid UTF-8, a bad number), by
        // either preset (the lean way builds them only for osm-walk).
        let line = #""geometry": {"type": "LineString", "coordinates": [[0, 0], [10, 0]]}"#
        for properties in [#"{"name": "a\xb"}"#, #"{"name": "a\#u{1}b"}"#, #"{"name": "aXb"}"#, #"{"n": 1.}"#, #"{"n": [1, {"k": tru}]}"#] {
            let bad = try write([#"{"type": "Feature", "properties": \#(properties), \#(line)}"#])
            if properties.contains("aXb") {
                // Invalid UTF-8: a lone 0xFF byte where the X is.
                var bytes = try Data(contentsOf: URL(fileURLWithPath: bad))
                bytes[bytes.firstIndex(of: UInt8(ascii: "X"))!] = 0xFF
                try bytes.write(to: URL(fileURLWithPath: bad))
            }
            for preset in WalkableFilter.allCases {
                #expect(try StreetLayerGraph.readLean(path: bad, format: nil, options: ReadOptions(), crs: .etrs89UTM32N, graph: .init(preset: preset), rejects: nil) == nil,
                        "\(properties)")
                #expect(throws: IOError.self) { try StreetLayerGraph.readStreaming(path: bad, format: nil, options: ReadOptions(), crs: .etrs89UTM32N, graph: .init(preset: preset), rejects: nil) }
            }
        }
    }

    @Test func piecesCutAnywhereGiveTheSameLines() throws {
        // Properties holding arrays of objects put ",{" inside features (one of them a whole
        // Feature, then the "]" of its array), and a member after the features array has them
        // too: guessed starts there must be found out, whatever the cut.
        var features: [String] = []
        for i in 0..<60 {
            let geometry = i % 10 == 3 ? #"{"type": "Point", "coordinates": [\#(i), 1]}"#
                : #"{"type": "LineString", "coordinates": [[\#(i), 0], [\#(i + 1), 0.5]]}"#
            features.append(#"{"type": "Feature", "id": "f\#(i)", "properties": {"tags": [{"a": 1}, {"b": [{"c": 2}, {"type": "Feature", "geometry": null}]}, {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[5, 5], [6, 6]]}}]}, "geometry": \#(geometry)}"#)
        }
        let text = #"{"type": "FeatureCollection", "features": [\#n\#(features.joined(separator: ",\n"))],\#n"extra": [{"x": 1}, {"y": 2}], "crs": {"type": "name", "properties": {"name": "EPSG:25832"}}}"#
        let bytes = Array(text.utf8)
        let one = try #require(bytes.withUnsafeBufferPointer { try GeoJSONLines.read($0, path: "t", options: ReadOptions(), crs: .etrs89UTM32N, accepts: nil, pieces: 1) })
        #expect(one.featureLines.count == 60 && one.others.count == 6 && one.xy.count == 54 * 4)
        for pieces in [2, 3, 7, 16, 59, 200] {
            let cut = try #require(bytes.withUnsafeBufferPointer { try GeoJSONLines.read($0, path: "t", options: ReadOptions(), crs: .etrs89UTM32N, accepts: nil, pieces: pieces) })
            #expect(cut.xy == one.xy && cut.lineVertexCounts == one.lineVertexCounts && cut.featureLines == one.featureLines && cut.ids == one.ids, "\(pieces) pieces")
            #expect(cut.others.keys.sorted() == one.others.keys.sorted() && cut.others.allSatisfy { $0.value.origin == one.others[$0.key]?.origin }, "\(pieces) pieces")
        }
        // Where no feature holds ",{", every cut fits.
        let plain = Array(text.replacingOccurrences(of: #"{"tags": [{"a": 1}, {"b": [{"c": 2}, {"type": "Feature", "geometry": null}]}, {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[5, 5], [6, 6]]}}]}"#, with: "{}").utf8)
        let whole = try #require(plain.withUnsafeBufferPointer { try GeoJSONLines.read($0, path: "t", options: ReadOptions(), crs: .etrs89UTM32N, accepts: nil, pieces: 1) })
        for pieces in [2, 7, 16] {
            let cut = try #require(plain.withUnsafeBufferPointer { try GeoJSONLines.read($0, path: "t", options: ReadOptions(), crs: .etrs89UTM32N, accepts: nil, pieces: pieces) })
            #expect(cut.pieces == pieces && cut.xy == whole.xy && cut.featureLines == whole.featureLines && cut.ids == whole.ids && cut.others.keys.sorted() == whole.others.keys.sorted())
        }
        // And the file read whole equals the stream's reading, the Points being named problems.
        let path = try ExternalTools.temporaryDirectory().appendingPathComponent("tags.geojson").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        try compareBothWays(path, withRejects: true)
    }

    @Test func nodeNumberingMatchesADictionary() throws {
        // Lines on a coarse grid share many vertices; -0.0 and 0.0 appear both. The reference
        // numbers nodes by a plain dictionary, in the order they are first met.
        var generator = SystemRandomNumberGenerator()
        var lines: [[Double]] = []
        for _ in 0..<3000 {
            let n = Int.random(in: 2...6, using: &generator)
            var flat: [Double] = []
            for _ in 0..<n {
                let x = Double(Int.random(in: -40...40, using: &generator)) * 2.5, y = Double(Int.random(in: -40...40, using: &generator)) * 2.5
                flat += [x == 0 && Bool.random(using: &generator) ? -0.0 : x, y == 0 && Bool.random(using: &generator) ? -0.0 : y]
            }
            lines.append(flat)
        }
        var builder = try StreetGraph.Builder(crs: .etrs89UTM32N)
        for (i, line) in lines.enumerated() { builder.add(line: line, feature: i) }
        let g = try builder.build()

        struct Key: Hashable { let x: UInt64, y: UInt64 }
        var numbers: [Key: Int32] = [:]
        var x: [Double] = [], y: [Double] = [], from: [Int32] = [], to: [Int32] = []
        for line in lines {
            // A line of one point (repeated) gives no node: the builder refuses it whole.
            guard (1..<(line.count / 2)).contains(where: { line[2 * $0] != line[0] || line[2 * $0 + 1] != line[1] }) else { continue }
            var previous: Int32 = -1
            for k in 0..<(line.count / 2) {
                let px = line[2 * k] == 0 ? 0.0 : line[2 * k], py = line[2 * k + 1] == 0 ? 0.0 : line[2 * k + 1]
                let key = Key(x: px.bitPattern, y: py.bitPattern)
                let node: Int32
                if let known = numbers[key] { node = known } else {
                    node = Int32(x.count)
                    numbers[key] = node
                    x.append(px); y.append(py)
                }
                if previous >= 0, node != previous { from.append(previous); to.append(node) }
                previous = node
            }
        }
        #expect(g.nodeCount > 1000)
        #expect(g.x.map(\.bitPattern) == x.map(\.bitPattern) && g.y.map(\.bitPattern) == y.map(\.bitPattern))
        #expect(g.edgeFrom == from && g.edgeTo == to)
    }
}
