import Foundation
import Testing
import GeoCore
import TestSupport
@testable import GeoIO

/// The lean readers on a mapped file parsed in windows: a small file cut into many windows
/// gives the same ids and points as the feature stream and the feature reader (the
/// independent paths: FeatureStream with GEOS's point on surface, CSVPointReader feature by
/// feature), and empty, missing and unusual files are handled as the stream handles them.
extension GeoJSONPointsOnSurfaceTests {
    /// Features of every kind the reader meets: lean polygons, polygons with holes,
    /// multipolygons, a bow-tie that is repaired, points; ids at the top and in properties.
    func mixedFeatures(_ count: Int) -> [String] {
        var g = SystemRandomNumberGenerator()
        var features: [String] = []
        for k in 0..<count {
            let cx = 390000 + Double.random(in: 0...10000, using: &g), cy = 5705000 + Double.random(in: 0...10000, using: &g)
            let shell = ring(cx, cy, 40, Int.random(in: 3...40, using: &g), &g)
            let geometry: String
            switch k % 6 {
            case 0: geometry = #"{"type": "Polygon", "coordinates": [\#(shell), \#(ring(cx, cy, 8, 5, &g))]}"#
            case 1: geometry = #"{"type": "MultiPolygon", "coordinates": [[\#(shell)], [\#(ring(cx + 300, cy, 40, 6, &g))]]}"#
            case 2: geometry = #"{"type": "Polygon", "coordinates": [[[\#(cx), \#(cy)], [\#(cx + 10), \#(cy + 10)], [\#(cx + 10), \#(cy)], [\#(cx), \#(cy + 10)], [\#(cx), \#(cy)]]]}"#
            case 3: geometry = #"{"type": "Point", "coordinates": [\#(cx), \#(cy)]}"#
            default: geometry = #"{"type": "Polygon", "coordinates": [\#(shell)]}"#
            }
            let id = k % 3 == 0 ? #""id": "p\#(k)", "properties": {"landuse": "green"}"# : #""properties": {"id": "053301-001-\#(k)", "floors": \#(k % 5)}"#
            features.append(#"{"type": "Feature", \#(id), "geometry": \#(geometry)}"#)
        }
        return features
    }

    @Test(arguments: [1, 700, 5000, 1 << 20])
    func manyWindowsGiveWhatTheFeatureStreamGives(windowBytes: Int) throws {
        let features = mixedFeatures(600)
        let path = try write(features)
        let options = ReadOptions(keepZ: false, countsRepeatedIDs: false)
        let lean = try #require(try GeoJSONPointsOnSurface.read(path: path, options: options, crs: .etrs89UTM32N, windowBytes: windowBytes))
        let full = try byFeatureStream(path)
        #expect(full.ids.count == 600)
        #expect(lean.ids == full.ids && lean.x == full.x && lean.y == full.y)
    }

    @Test func aBadFeatureOrEndInALaterWindowLeavesTheFileToTheStream() throws {
        let options = ReadOptions(keepZ: false, countsRepeatedIDs: false)
        var features = mixedFeatures(200)
        features.append(#"{"type": "Feature", "properties": {}, "geometry": null}"#)
        #expect(try GeoJSONPointsOnSurface.read(path: try write(features), options: options, crs: .etrs89UTM32N, windowBytes: 500) == nil)
        // Valid features, but the top-level object is not a FeatureCollection (said after them).
        let notACollection = try ExternalTools.temporaryDirectory().appendingPathComponent("late.geojson").path
        try "{\(Self.crsMember), \"features\": [\n\(mixedFeatures(200).joined(separator: ",\n"))], \"type\": \"Feature\"}\n"
            .write(toFile: notACollection, atomically: true, encoding: .utf8)
        #expect(try GeoJSONPointsOnSurface.read(path: notACollection, options: options, crs: .etrs89UTM32N, windowBytes: 500) == nil)
        // Truncated in the middle of the last feature.
        let text = try String(contentsOfFile: try write(mixedFeatures(200)), encoding: .utf8)
        let truncated = try ExternalTools.temporaryDirectory().appendingPathComponent("cut.geojson").path
        try String(text.dropLast(40)).write(toFile: truncated, atomically: true, encoding: .utf8)
        #expect(try GeoJSONPointsOnSurface.read(path: truncated, options: options, crs: .etrs89UTM32N, windowBytes: 500) == nil)
    }

    /// Features are found by counting brackets, as the stream finds them, and checked when they
    /// are parsed: a syntax error anywhere in one leaves the file to the stream, which refuses it.
    @Test func malformedFeaturesLeaveTheFileToTheStream() throws {
        let options = ReadOptions(keepZ: false, countsRepeatedIDs: false)
        let polygon = #""geometry": {"type": "Polygon", "coordinates": [[[0, 0], [10, 0], [10, 10], [0, 0]]]}"#
        for bad in [#"{"type": "Feature", "properties": {"a": 1.2.3}, \#(polygon)}"#,
                    #"{"type": "Feature", "properties": {"a": "bad \q"}, \#(polygon)}"#,
                    #"{"type": "Feature", "properties": {} \#(polygon)}"#,
                    #"{"type": "Feature", "properties": {"a": [1,]}, \#(polygon)}"#,
                    #"{"type": "Feature", "properties": {"a": tru}, \#(polygon)}"#,
                    #"{"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [10, 0], [10, 10], [0, 0]]] "x": 1}}"#] {
            let path = try write(mixedFeatures(20) + [bad] + mixedFeatures(20))
            #expect(try GeoJSONPointsOnSurface.read(path: path, options: options, crs: .etrs89UTM32N, windowBytes: 2000) == nil, "\(bad)")
            #expect(throws: (any Error).self, "\(bad)") { _ = try byFeatureStream(path) }
        }
    }

    @Test func aFileWithoutTrailingNewline() throws {
        let features = mixedFeatures(50)
        let path = try ExternalTools.temporaryDirectory().appendingPathComponent("tight.geojson").path
        try "{\"type\":\"FeatureCollection\",\(Self.crsMember),\"features\":[\(features.joined(separator: ","))]}"
            .write(toFile: path, atomically: true, encoding: .utf8)
        let options = ReadOptions(keepZ: false, countsRepeatedIDs: false)
        let lean = try #require(try GeoJSONPointsOnSurface.read(path: path, options: options, crs: .etrs89UTM32N, windowBytes: 300))
        let full = try byFeatureStream(path)
        #expect(full.ids.count == 50 && lean.ids == full.ids && lean.x == full.x && lean.y == full.y)
    }

    @Test func emptyAndMissingFiles() throws {
        let options = ReadOptions(keepZ: false, countsRepeatedIDs: false)
        let dir = try ExternalTools.temporaryDirectory()
        let empty = dir.appendingPathComponent("empty.geojson").path
        FileManager.default.createFile(atPath: empty, contents: Data())
        // Empty: left to the stream, which says what is wrong with it.
        #expect(try GeoJSONPointsOnSurface.read(path: empty, options: options, crs: .etrs89UTM32N) == nil)
        #expect(throws: (any Error).self) { _ = try byFeatureStream(empty) }
        // Missing: cannotOpen (exit code 66), naming the file.
        let missing = dir.appendingPathComponent("none.geojson").path
        #expect {
            _ = try GeoJSONPointsOnSurface.read(path: missing, options: options, crs: .etrs89UTM32N)
        } throws: { error in
            guard case let IOError.cannotOpen(path, _) = error else { return false }
            return path == missing
        }
        // An empty FeatureCollection has no points (as the stream reads none).
        let none = try write([])
        #expect(try GeoJSONPointsOnSurface.read(path: none, options: options, crs: .etrs89UTM32N)?.ids == [])
        #expect(try byFeatureStream(none).ids == [])
    }
}

extension CSVPlainCoordinatesTests {
    /// The feature reader's points of `path`, row by row.
    func byFeatureReader(_ path: String) throws -> (x: [Double], y: [Double]) {
        let reader = try CSVPointReader(path: path, options: ReadOptions(crs: .etrs89UTM32N))
        var out: (x: [Double], y: [Double]) = ([], [])
        while let item = try reader.next() {
            guard case let .feature(f) = item, let x = f.geometry?.x, let y = f.geometry?.y else {
                Issue.record("row \(out.x.count + 1) rejected")
                return out
            }
            out.x.append(x)
            out.y.append(y)
        }
        return out
    }

    @Test(arguments: [1, 1000, 200_000])
    func manyWindowsGiveWhatTheFeatureReaderGives(windowBytes: Int) throws {
        var text = "name;RW;HW;note\r\n"
        for i in 0..<12000 {
            text += "n\(i);\(380000 + Double(i) * 0.37);\(5700000 + Double(i % 977) * 12.345678901);x\r\n"
            if i % 1000 == 7 { text += "\r\n" }   // blank rows are no rows
        }
        text.removeLast(2)                         // no newline after the last row
        let path = try write(text, name: "windows.csv")
        let points = try #require(try CSVPointReader.plainCoordinates(path: path, options: ReadOptions(crs: .etrs89UTM32N), windowBytes: windowBytes))
        let full = try byFeatureReader(path)
        #expect(full.x.count == 12000)
        #expect(points.x == full.x && points.y == full.y)
    }

    @Test func aQuoteInALaterWindowLeavesTheFileToTheFeatureReader() throws {
        var text = "name,RW,HW\n"
        for i in 0..<3000 { text += "n\(i),\(380000 + i),5700000\n" }
        text += "\"quoted\",1,2\n"
        #expect(try CSVPointReader.plainCoordinates(path: try write(text), options: ReadOptions(crs: .etrs89UTM32N), windowBytes: 4096) == nil)
    }

    @Test func emptyAndMissingFiles() throws {
        let dir = try ExternalTools.temporaryDirectory()
        let empty = dir.appendingPathComponent("empty.csv").path
        FileManager.default.createFile(atPath: empty, contents: Data())
        #expect(try CSVPointReader.plainCoordinates(path: empty, options: ReadOptions(crs: .etrs89UTM32N)) == nil)
        let missing = dir.appendingPathComponent("none.csv").path
        #expect {
            _ = try CSVPointReader.plainCoordinates(path: missing, options: ReadOptions(crs: .etrs89UTM32N))
        } throws: { error in
            guard case let IOError.cannotOpen(path, _) = error else { return false }
            return path == missing
        }
        // A header without rows has no points, as the feature reader reads none.
        let headerOnly = try write("name,RW,HW", name: "header.csv")
        #expect(try CSVPointReader.plainCoordinates(path: headerOnly, options: ReadOptions(crs: .etrs89UTM32N))?.x == [])
        #expect(try byFeatureReader(headerOnly).x == [])
    }
}

@Suite struct MappedFileTests {
    @Test func bytesAreTheFilesAndStayReadableAfterRelease() throws {
        let path = try ExternalTools.temporaryDirectory().appendingPathComponent("bytes.bin").path
        let content = (0..<300_000).map { UInt8(truncatingIfNeeded: ($0 &* 2654435761) >> 13) }
        try Data(content).write(to: URL(fileURLWithPath: path))
        let file = try #require(try MappedFile(path: path))
        #expect(file.count == content.count && Array(file.bytes) == content)
        file.release(upTo: 200_000)
        file.release(upTo: 100_000)      // already given back: nothing to do
        #expect(Array(file.bytes) == content)
        #expect(file.isUnchanged)
        // A file that grows meanwhile is noticed (its mapping keeps the size it was opened with).
        let handle = try #require(FileHandle(forWritingAtPath: path))
        handle.seekToEndOfFile()
        handle.write(Data([1, 2, 3]))
        try handle.close()
        #expect(!file.isUnchanged && file.bytes.count == content.count)
    }

    @Test func streamsAreNotMappedAndFoldersAreRefused() throws {
        #expect(try MappedFile(path: "-") == nil)
        #expect(try MappedFile(path: "/dev/null") == nil)
        let dir = try ExternalTools.temporaryDirectory().path
        #expect(throws: IOError.self) { _ = try MappedFile(path: dir) }
        let empty = dir + "/empty"
        FileManager.default.createFile(atPath: empty, contents: Data())
        let file = try #require(try MappedFile(path: empty))
        #expect(file.count == 0 && file.bytes.isEmpty)
        file.release(upTo: 10)
    }
}

extension GeoJSONPointsOnSurfaceTests {
    /// Room for the rest of the file at the density read so far, worked out by hand: 100
    /// features in the first 33,000 bytes of 333,000 leave room for 100 · 300,000 / 33,000
    /// · 1.05 = 954.5 more; one feature per 64 bytes at most (10 bytes a feature: 140 more).
    @Test func roomForTheRestOfTheFile() {
        #expect(GeoJSONPointsOnSurface.capacity(count: 0, adding: 100, readUpTo: 33_000, of: 333_000) == 1054)
        #expect(GeoJSONPointsOnSurface.capacity(count: 0, adding: 100, readUpTo: 1000, of: 10_000) == 240)
        #expect(GeoJSONPointsOnSurface.capacity(count: 900, adding: 100, readUpTo: 10_000, of: 10_000) == 1000)
    }

    /// Read window by window, the arrays end up about as large as the features they hold
    /// (appending by doubling would leave up to half of them empty).
    @Test func arraysAreNotLeftHalfEmpty() throws {
        let path = ExternalTools.packageRoot.appendingPathComponent("datasets/dortmund/parcels.geojson").path
        let options = ReadOptions(keepZ: false, countsRepeatedIDs: false)
        let lean = try #require(try GeoJSONPointsOnSurface.read(path: path, options: options, crs: .etrs89UTM32N, windowBytes: 100_000))
        #expect(lean.ids.count == 10000)
        #expect(lean.ids.capacity < 11000 && lean.x.capacity < 11000 && lean.y.capacity < 11000, "\(lean.ids.capacity) \(lean.x.capacity)")
    }
}
