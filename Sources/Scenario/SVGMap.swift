import Foundation
import GeoCore
import GeoIO
import UrbanAnalysis

/// One map as inline SVG, georeferenced so that a reader can map coordinates back without the
/// toolkit: the `viewBox` is in metres of the run's working CRS (EPSG:25832 by default), with x = easting and y = −northing (the one
/// transform, a flip of the y axis, declared in `data-georeference`).
///
/// Geometry is drawn at the map's resolution: every vertex is snapped to a grid of one pixel
/// (in metres) and vertices that then repeat or lie on a straight line are dropped. Shared
/// vertices of neighbouring polygons snap to the same grid point, so neighbours still meet
/// without gaps or overlaps after simplification (GEOS 3.11 has no coverage simplification).
struct SVGMap {
    /// The CRS of the maps' coordinates, for the georeference: the run's working CRS while its
    /// report is written (EPSG:25832 by default, as the comparison page reads its layers in).
    @TaskLocal static var crsIdentifier = "EPSG:25832"

    let id: String
    let title: String
    let description: String
    let frame: Envelope
    /// Map width in pixels; the height follows the frame.
    let width: Double = 560
    var layers: [String] = []
    var legend: [(colour: String, label: String, outline: Bool)] = []
    var legendTitle = ""
    var attribution: String

    init(id: String, title: String, description: String, frame: Envelope, attribution: String) {
        self.id = id
        self.title = title
        self.description = description
        let margin = Swift.max(frame.width, frame.height) * 0.03
        self.frame = frame.expanded(by: margin)
        self.attribution = attribution
    }

    /// Metres per pixel: the snapping grid.
    var pixel: Double { frame.width / width }
    var height: Double { frame.height / pixel }

    /// Path data of a geometry: rings and lines snapped to the pixel grid.
    func pathData(_ g: Geometry) -> String {
        var out = ""
        func ring(_ coordinates: [Coordinate], closed: Bool) {
            var points: [(Int, Int)] = []
            for c in coordinates {
                let p = (Int((c.x / pixel).rounded()), Int((-c.y / pixel).rounded()))
                if let last = points.last, last == p { continue }
                if points.count >= 2 {
                    let a = points[points.count - 2], b = points[points.count - 1]
                    if (b.0 - a.0) * (p.1 - a.1) == (b.1 - a.1) * (p.0 - a.0) { points[points.count - 1] = p; continue }
                }
                points.append(p)
            }
            if closed, points.count > 1, points.first! == points.last! { points.removeLast() }
            guard points.count >= (closed ? 3 : 2) else { return }
            // The first vertex absolute, the others relative ("l", repeated implicitly), in tenths
            // of a metre: each relative step is the difference of two rounded absolute positions,
            // so nothing drifts along the ring, and a path takes about half the bytes.
            let scale = pixel * 10
            var previous = (0, 0)
            for (i, p) in points.enumerated() {
                let t = (Int((Double(p.0) * scale).rounded()), Int((Double(p.1) * scale).rounded()))
                if i == 0 {
                    out += "M" + SVGMap.tenths(t.0) + " " + SVGMap.tenths(t.1)
                } else {
                    out += (i == 1 ? "l" : " ") + SVGMap.tenths(t.0 - previous.0) + " " + SVGMap.tenths(t.1 - previous.1)
                }
                previous = t
            }
            if closed { out += "Z" }
        }
        func walk(_ g: Geometry) {
            switch g.type {
            case .polygon:
                if let e = try? g.exteriorRing(), let c = try? e.coordinates() { ring(c, closed: true) }
                for hole in (try? g.interiorRings()) ?? [] { if let c = try? hole.coordinates() { ring(c, closed: true) } }
            case .lineString, .linearRing:
                if let c = try? g.coordinates() { ring(c, closed: false) }
            case .point:
                break
            default:
                for part in g.parts where part !== g { walk(part) }
            }
        }
        walk(g)
        return out
    }

    /// A length given in tenths of a metre, as text in metres ("442" → "44.2", "440" → "44").
    static func tenths(_ t: Int) -> String {
        let whole = String(t.magnitude / 10), tenth = t.magnitude % 10
        return (t < 0 ? "-" : "") + (tenth == 0 ? whole : whole + "." + String(tenth))
    }

    static func number(_ v: Double) -> String {
        v == v.rounded() ? String(Int(v)) : String(format: "%.1f", v)
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// A feature as a path with its properties as a tooltip (`<title>`, which the hover panel shows too).
    mutating func add(_ g: Geometry, fill: String, stroke: String = "#ffffff", strokeWidth: Double = 0.8, opacity: Double = 1,
                      cssClass: String, label: String, properties: [(String, String)] = [], dataID: String? = nil) {
        let d = pathData(g)
        guard !d.isEmpty else { return }
        let props = properties.map { "\($0.0): \($0.1)" }.joined(separator: "\n")
        let idAttribute = dataID.map { " data-id=\"\(SVGMap.escape($0))\"" } ?? ""
        layers.append("<path class=\"\(cssClass)\"\(idAttribute) d=\"\(d)\" fill=\"\(fill)\" fill-opacity=\"\(opacity)\" stroke=\"\(stroke)\" "
                      + "stroke-width=\"\(SVGMap.number(strokeWidth * pixel))\"><title>\(SVGMap.escape(label + (props.isEmpty ? "" : "\n" + props)))</title></path>")
    }

    /// A labelled point (top potential parcels).
    mutating func point(_ c: Coordinate, label: String, fill: String, tooltip: String) {
        let r = 5 * pixel, x = SVGMap.number(c.x), y = SVGMap.number(-c.y)
        layers.append("<g class=\"marker\"><circle cx=\"\(x)\" cy=\"\(y)\" r=\"\(SVGMap.number(r))\" fill=\"\(fill)\" "
                      + "stroke=\"#000\" stroke-width=\"\(SVGMap.number(pixel))\"/><text x=\"\(SVGMap.number(c.x + 7 * pixel))\" y=\"\(SVGMap.number(-c.y + 4 * pixel))\" "
                      + "font-size=\"\(SVGMap.number(11 * pixel))\">\(SVGMap.escape(label))</text><title>\(SVGMap.escape(tooltip))</title></g>")
    }

    /// The SVG element. The legend gets a band of its own below the map, so that it hides nothing.
    func svg() -> String {
        let p = pixel
        let band = legend.isEmpty ? 0 : (Double(legend.count) * 16 + 34) * p
        let frame = Envelope(minX: self.frame.minX, minY: self.frame.minY - band, maxX: self.frame.maxX, maxY: self.frame.maxY)
        let minX = frame.minX, minY = -frame.maxY
        let viewBox = "\(SVGMap.number(minX)) \(SVGMap.number(minY)) \(SVGMap.number(frame.width)) \(SVGMap.number(frame.height))"
        var parts: [String] = []
        parts.append("<svg class=\"map\" id=\"\(id)\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"\(viewBox)\" width=\"\(Int(width))\" "
                     + "height=\"\(Int(frame.height / p))\" role=\"img\" aria-labelledby=\"\(id)-title \(id)-desc\" data-crs=\"\(SVGMap.crsIdentifier)\" "
                     + "data-georeference=\"x = easting, y = -northing (metres, \(SVGMap.crsIdentifier)); the viewBox is the frame\" data-pixel-m=\"\(SVGMap.number(p))\">")
        parts.append("<!-- Georeference: \(SVGMap.crsIdentifier) metres; svg x = easting, svg y = -northing. -->")
        parts.append("<title id=\"\(id)-title\">\(SVGMap.escape(title))</title><desc id=\"\(id)-desc\">\(SVGMap.escape(description))</desc>")
        parts.append("<rect x=\"\(SVGMap.number(minX))\" y=\"\(SVGMap.number(minY))\" width=\"\(SVGMap.number(frame.width))\" height=\"\(SVGMap.number(frame.height))\" fill=\"#f7f7f5\"/>")
        parts += layers
        // Scale bar: a round length near a fifth of the width.
        let target = frame.width / 5
        let step = [100.0, 200, 500, 1000, 2000, 5000, 10000, 20000].last { $0 <= target } ?? 100
        let sx = minX + frame.width - step - 20 * p, sy = minY + frame.height - 26 * p
        parts.append("<g class=\"scalebar\"><rect x=\"\(SVGMap.number(sx))\" y=\"\(SVGMap.number(sy))\" width=\"\(SVGMap.number(step))\" height=\"\(SVGMap.number(5 * p))\" fill=\"#000\"/>"
                     + "<text x=\"\(SVGMap.number(sx))\" y=\"\(SVGMap.number(sy - 4 * p))\" font-size=\"\(SVGMap.number(11 * p))\">\(step >= 1000 ? "\(Int(step / 1000)) km" : "\(Int(step)) m")</text></g>")
        // North arrow (north is up: the y axis is northing, flipped).
        let nx = minX + frame.width - 30 * p, ny = minY + 15 * p
        parts.append("<g class=\"north\"><path d=\"M\(SVGMap.number(nx)) \(SVGMap.number(ny))L\(SVGMap.number(nx - 8 * p)) \(SVGMap.number(ny + 24 * p))L\(SVGMap.number(nx)) \(SVGMap.number(ny + 18 * p))L\(SVGMap.number(nx + 8 * p)) \(SVGMap.number(ny + 24 * p))Z\" fill=\"#000\"/>"
                     + "<text x=\"\(SVGMap.number(nx - 4 * p))\" y=\"\(SVGMap.number(ny + 38 * p))\" font-size=\"\(SVGMap.number(12 * p))\">N</text></g>")
        // Legend.
        if !legend.isEmpty {
            let lx = minX + 12 * p, ly = -self.frame.minY + 4 * p
            var items = "<g class=\"legend\"><rect x=\"\(SVGMap.number(lx - 4 * p))\" y=\"\(SVGMap.number(ly - 4 * p))\" width=\"\(SVGMap.number(230 * p))\" "
                + "height=\"\(SVGMap.number((Double(legend.count) * 16 + 26) * p))\" fill=\"#ffffff\" fill-opacity=\"0.85\"/>"
                + "<text x=\"\(SVGMap.number(lx))\" y=\"\(SVGMap.number(ly + 10 * p))\" font-size=\"\(SVGMap.number(11 * p))\" font-weight=\"bold\">\(SVGMap.escape(legendTitle))</text>"
            for (k, item) in legend.enumerated() {
                let y = ly + (Double(k) * 16 + 16) * p
                items += "<rect class=\"legend-swatch\" x=\"\(SVGMap.number(lx))\" y=\"\(SVGMap.number(y))\" width=\"\(SVGMap.number(14 * p))\" height=\"\(SVGMap.number(12 * p))\" "
                    + "fill=\"\(item.outline ? "none" : item.colour)\" stroke=\"\(item.outline ? item.colour : "#555")\" stroke-width=\"\(SVGMap.number((item.outline ? 3 : 0.5) * p))\" data-colour=\"\(item.colour)\"/>"
                    + "<text x=\"\(SVGMap.number(lx + 20 * p))\" y=\"\(SVGMap.number(y + 10 * p))\" font-size=\"\(SVGMap.number(11 * p))\">\(SVGMap.escape(item.label))</text>"
            }
            parts.append(items + "</g>")
        }
        parts.append("<text class=\"attribution\" x=\"\(SVGMap.number(minX + frame.width - 8 * p))\" y=\"\(SVGMap.number(minY + frame.height - 6 * p))\" "
                     + "font-size=\"\(SVGMap.number(9 * p))\" text-anchor=\"end\">\(SVGMap.escape(attribution))</text>")
        parts.append("</svg>")
        return parts.joined(separator: "\n")
    }

    /// Five classes by quantiles (as many as the distinct values allow), viridis colours.
    static let viridis = ["#440154", "#3b528b", "#21918c", "#5ec962", "#fde725"]

    static func quantileClasses(_ values: [Double]) -> [Double] {
        let sorted = values.filter(\.isFinite).sorted()
        guard !sorted.isEmpty else { return [] }
        var breaks: [Double] = []
        for k in 1..<5 {
            let b = sorted[Swift.min(sorted.count - 1, Int((Double(k) / 5 * Double(sorted.count)).rounded(.down)))]
            if breaks.last != b && b > sorted.first! { breaks.append(b) }
        }
        return breaks
    }

    static func classIndex(_ v: Double, _ breaks: [Double]) -> Int { breaks.firstIndex { v < $0 } ?? breaks.count }
}
