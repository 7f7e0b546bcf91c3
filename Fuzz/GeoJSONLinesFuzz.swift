// libFuzzer harness: any bytes into the lean street-layer reader (GeoJSONLines), cut into 1 to
// 8 pieces (the first byte chooses), and, whenever it accepts them, into the feature reader,
// which must read the same features: the same lines to the bit, the same ids, and those the
// lean way hands over as features of the same type. A crash, a leak, a timeout, running out of
// memory or a difference is a finding; returning nil is the lean reader leaving a file to the
// stream, and a typed error is a reader doing its job.
import GeoCore
import GeoIO

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzGeoJSONLines(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 1 else { return 0 }
    let pieces = Int(data[0] % 8) + 1
    let bytes = UnsafeBufferPointer(start: data + 1, count: size - 1)
    // Street layers are metric: the seeds name EPSG:25832 in their `crs` member, as the
    // embedded streets do (the lean reader leaves a geographic target to the stream).
    guard let lean = try? GeoJSONLines.read(bytes, path: "fuzz.geojson", crs: .etrs89UTM32N, pieces: pieces) else { return 0 }
    do {
        let reader = try GeoJSONReader(bytes: Array(bytes), name: "fuzz.geojson")
        var index = 0, vertex = 0, line = 0
        var coordinates: [Double] = [], counts: [Int] = []
        while let item = try reader.next() {
            guard case let .feature(feature) = item else { fatalError("lean accepted a file whose feature \(index) the reader rejects") }
            guard index < lean.featureLines.count, let g = feature.geometry else { fatalError("feature \(index): the lean reader has fewer, or the reader has no geometry") }
            let lines = lean.featureLines[index]
            if lines == GeoJSONLines.other {
                guard let other = lean.others[index], other.geometry?.type == g.type else { fatalError("feature \(index): not handed over as the reader reads it") }
            } else {
                guard g.type == .lineString || g.type == .multiLineString, lean.ids[index] == feature.displayID else { fatalError("feature \(index): another geometry type or id") }
                coordinates.removeAll(keepingCapacity: true)
                counts.removeAll(keepingCapacity: true)
                _ = try g.flatten(coordinates: &coordinates, counts: &counts, includeZ: false)
                let perLine = g.type == .lineString ? counts : Array(counts.dropFirst())
                guard perLine.count == Int(lines) else { fatalError("feature \(index): \(perLine.count) lines, lean \(lines)") }
                for c in perLine {
                    guard Int(lean.lineVertexCounts[line]) == c else { fatalError("feature \(index): line lengths differ") }
                    line += 1
                }
                for k in 0..<coordinates.count where coordinates[k].bitPattern != lean.xy[2 * vertex + k].bitPattern {
                    fatalError("feature \(index): coordinate \(k) differs")
                }
                vertex += coordinates.count / 2
            }
            index += 1
        }
        guard index == lean.featureLines.count, 2 * vertex == lean.xy.count else { fatalError("the lean reader has more features or vertices") }
    } catch {
        fatalError("lean accepted a file the reader refuses: \(error)")
    }
    return 0
}
