import GeoCore
import GeoIO
import UrbanAnalysis

/// How QGIS draws one layer: a renderer (one symbol, categories, or graduated classes with
/// explicit ranges) and optional labels, written as QGIS 3 XML: inside a project's
/// `<maplayer>`, or as a QML style document for a GeoPackage's `layer_styles`.
struct QGISStyle {
    enum Shape: String { case polygon = "fill", line, marker }

    struct Symbol {
        var fill: String?
        var stroke: String
        /// Millimetres.
        var strokeWidth = 0.26
        var opacity = 1.0
    }

    struct Category {
        var value: String
        var label: String
        var symbol: Symbol
    }

    /// A class of a graduated renderer. QGIS puts a value v in a range when lower < v ≤ upper
    /// (the first range also takes v = lower).
    struct Range {
        var lower: Double
        var upper: Double
        var label: String
        var symbol: Symbol
    }

    enum Renderer {
        case single(Symbol)
        case categorized(attribute: String, [Category])
        case graduated(attribute: String, [Range])
    }

    var shape: Shape
    var renderer: Renderer
    /// A field name, or an expression when `labelIsExpression`.
    var label: String?
    var labelIsExpression = false

    // MARK: XML

    static func rgba(_ hex: String, alpha: Int = 255) -> String {
        let digits = Array(hex.dropFirst())
        func component(_ i: Int) -> Int { Int(String(digits[i..<(i + 2)]), radix: 16) ?? 0 }
        guard digits.count == 6 else { return "0,0,0,\(alpha)" }
        return "\(component(0)),\(component(2)),\(component(4)),\(alpha)"
    }

    /// Properties written both as QGIS 3.22's `<Option type="Map">` and the older `<prop>`.
    private static func properties(_ pairs: [(String, String)]) -> [XMLElement] {
        [XMLElement("Option", [("type", "Map")], pairs.map { XMLElement("Option", [("type", "QString"), ("name", $0.0), ("value", $0.1)]) })]
            + pairs.map { XMLElement("prop", [("k", $0.0), ("v", $0.1)]) }
    }

    func symbolElement(_ symbol: Symbol, name: String) -> XMLElement {
        let layer: XMLElement
        switch shape {
        case .polygon:
            layer = XMLElement("layer", [("class", "SimpleFill"), ("enabled", "1"), ("locked", "0"), ("pass", "0")], QGISStyle.properties([
                ("color", symbol.fill.map { QGISStyle.rgba($0) } ?? "0,0,0,0"),
                ("style", symbol.fill == nil ? "no" : "solid"),
                ("outline_color", QGISStyle.rgba(symbol.stroke)),
                ("outline_style", symbol.strokeWidth > 0 ? "solid" : "no"),
                ("outline_width", String(symbol.strokeWidth)),
                ("outline_width_unit", "MM"),
                ("joinstyle", "bevel"),
            ]))
        case .line:
            layer = XMLElement("layer", [("class", "SimpleLine"), ("enabled", "1"), ("locked", "0"), ("pass", "0")], QGISStyle.properties([
                ("line_color", QGISStyle.rgba(symbol.stroke)),
                ("line_style", "solid"),
                ("line_width", String(symbol.strokeWidth)),
                ("line_width_unit", "MM"),
                ("capstyle", "round"),
                ("joinstyle", "round"),
            ]))
        case .marker:
            layer = XMLElement("layer", [("class", "SimpleMarker"), ("enabled", "1"), ("locked", "0"), ("pass", "0")], QGISStyle.properties([
                ("name", "circle"),
                ("color", QGISStyle.rgba(symbol.fill ?? symbol.stroke)),
                ("outline_color", QGISStyle.rgba(symbol.stroke)),
                ("outline_width", "0.2"),
                ("size", "2.4"),
                ("size_unit", "MM"),
            ]))
        }
        return XMLElement("symbol", [("type", shape.rawValue), ("name", name), ("alpha", String(symbol.opacity)),
                                     ("clip_to_extent", "1"), ("force_rhr", "0")], [layer])
    }

    /// `<renderer-v2>`.
    var rendererElement: XMLElement {
        let common = [("symbollevels", "0"), ("forceraster", "0"), ("enableorderby", "0")]
        switch renderer {
        case let .single(symbol):
            return XMLElement("renderer-v2", [("type", "singleSymbol")] + common,
                              [XMLElement("symbols", [], [symbolElement(symbol, name: "0")])])
        case let .categorized(attribute, categories):
            return XMLElement("renderer-v2", [("type", "categorizedSymbol"), ("attr", attribute)] + common, [
                XMLElement("categories", [], categories.enumerated().map { k, c in
                    XMLElement("category", [("value", c.value), ("label", c.label), ("symbol", String(k)), ("render", "true")])
                }),
                XMLElement("symbols", [], categories.enumerated().map { symbolElement($1.symbol, name: String($0)) }),
            ])
        case let .graduated(attribute, ranges):
            return XMLElement("renderer-v2", [("type", "graduatedSymbol"), ("attr", attribute), ("graduatedMethod", "GraduatedColor")] + common, [
                XMLElement("ranges", [], ranges.enumerated().map { k, r in
                    XMLElement("range", [("lower", String(r.lower)), ("upper", String(r.upper)), ("label", r.label), ("symbol", String(k)), ("render", "true")])
                }),
                XMLElement("symbols", [], ranges.enumerated().map { symbolElement($1.symbol, name: String($0)) }),
                XMLElement("mode", [("name", "quantile")]),
                XMLElement("classificationMethod", [("id", "Quantile")]),
            ])
        }
    }

    /// `<labeling>`, or nil without labels.
    var labelingElement: XMLElement? {
        guard let label else { return nil }
        return XMLElement("labeling", [("type", "simple")], [
            XMLElement("settings", [("calloutType", "simple")], [
                XMLElement("text-style", [("fieldName", label), ("isExpression", labelIsExpression ? "1" : "0"), ("fontFamily", "DejaVu Sans"),
                                          ("fontSize", "9"), ("fontSizeUnit", "Point"), ("fontWeight", "75"), ("textColor", "0,0,0,255"),
                                          ("textOpacity", "1")], [
                    XMLElement("text-buffer", [("bufferDraw", "1"), ("bufferSize", "0.8"), ("bufferSizeUnits", "MM"),
                                               ("bufferColor", "255,255,255,255"), ("bufferOpacity", "1"), ("bufferNoFill", "1")]),
                ]),
                XMLElement("placement", [("placement", shape == .polygon ? "1" : (shape == .line ? "2" : "0")), ("dist", "0")]),
                XMLElement("rendering", [("obstacle", "1"), ("displayAll", "1"), ("scaleVisibility", "0")]),
            ]),
        ])
    }

    /// The style as a QML document (what QGIS saves as a .qml and keeps in `layer_styles`).
    var qml: String {
        var root = XMLElement("qgis", [("version", QGISProject.qgisVersion), ("styleCategories", "Symbology|Labeling"),
                                       ("labelsEnabled", label == nil ? "0" : "1")], [rendererElement])
        if let labeling = labelingElement { root.children.append(labeling) }
        return "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n" + root.rendered
    }
}

// MARK: The run's styles

/// The styles of a run's layers: the classes and colours of report.html.
enum RunStyles {
    /// Land-use colours after the conventions of German land-use plans (the report draws no
    /// land-use map, so these are the toolkit's): residential red, mixed brown, commercial
    /// grey-violet, industrial violet, harbour blue, green, brownfield ochre, transport grey.
    static let landUseColours: [(LandUse, String)] = [
        (.residential, "#e8837d"), (.mixed, "#b5651d"), (.commercial, "#9e9ac8"), (.industrial, "#6a51a3"),
        (.harbour, "#3b528b"), (.green, "#74c476"), (.brownfield, "#d8b365"), (.transport, "#bdbdbd"),
    ]

    static let catchmentColours = ["rail": "#21918c", "stadtbahn": "#3b528b", "bus": "#5ec962"]
    static let emissionClassColours = ["IV": "#fde725", "V": "#5ec962", "VI": "#21918c", "VII": "#3b528b", "III": "#b5de2b", "II": "#d8e219", "I": "#e6f598"]

    /// Graduated classes exactly as report.html draws them: quantile breaks of the values,
    /// viridis colours; the report puts v in class k when breaks[k-1] ≤ v < breaks[k], so the
    /// QGIS ranges end just below each break (QGIS takes lower < v ≤ upper).
    static func graduated(_ attribute: String, values: [Double], display: (Double) -> String, outline: String = "#232323",
                          opacity: Double = 1) -> QGISStyle.Renderer? {
        let finite = values.filter(\.isFinite)
        guard let low = finite.min(), let high = finite.max() else { return nil }
        let breaks = SVGMap.quantileClasses(finite)
        let bounds = [low] + breaks + [high]
        let ranges = (0...breaks.count).map { k in
            QGISStyle.Range(lower: k == 0 ? low : breaks[k - 1].nextDown, upper: k == breaks.count ? high : breaks[k].nextDown,
                            label: "\(display(bounds[k])) – \(display(bounds[k + 1]))",
                            symbol: .init(fill: SVGMap.viridis[k], stroke: outline, strokeWidth: 0.26, opacity: opacity))
        }
        return .graduated(attribute: attribute, ranges)
    }

    /// How report.html prints a value of each unit.
    static func display(_ unit: String) -> (Double) -> String {
        switch unit {
        case "share": return { RunReport.format(100 * $0, 1) + " %" }
        case "ha": return { RunReport.format($0 / 10_000, 1) }
        case "MWh/a": return { RunReport.format($0, 0) }
        default: return { RunReport.format($0, 3) }
        }
    }

    static func values(_ layer: Layer, _ attribute: String) -> [Double] {
        layer.features.compactMap { $0.properties[attribute]?.doubleValue }
    }

    /// The style of a result layer (nil: the layer is drawn with QGIS's default).
    static func style(for name: String, layer: Layer) -> QGISStyle? {
        let shape: QGISStyle.Shape = layer.features.first { $0.geometry != nil }.map {
            switch $0.geometry!.type {
            case .point, .multiPoint: return .marker
            case .lineString, .linearRing, .multiLineString: return .line
            default: return .polygon
            }
        } ?? .polygon
        switch name {
        case "parcels":
            return QGISStyle(shape: shape, renderer: .categorized(attribute: "landuse", landUseColours.map {
                .init(value: $0.0.rawValue, label: $0.0.rawValue, symbol: .init(fill: $0.1, stroke: "#7f7f7f", strokeWidth: 0.1))
            }))
        case "districts":
            return districtStyles(layer).first?.style
        case "potential":
            guard let renderer = graduated("potential_score", values: values(layer, "potential_score"), display: { RunReport.format($0, 2) }) else { return nil }
            // The report labels the top parcels with their score.
            return QGISStyle(shape: shape, renderer: renderer,
                             label: "CASE WHEN \"potential_rank\" <= \(HTMLReport.topParcels) THEN format_number(\"potential_score\", 2) END",
                             labelIsExpression: true)
        case "pt_quality":
            // The report's colours: the best class first (``TransitQualityRun/classColours``).
            let classes = layer.features.compactMap { $0.properties["pt_class"]?.stringValue }
            return QGISStyle(shape: shape, renderer: .categorized(attribute: "pt_class", classes.enumerated().map { k, name in
                let colour = TransitQualityRun.classColours[min(k, TransitQualityRun.classColours.count - 1)]
                return .init(value: name, label: "class " + name, symbol: .init(fill: colour, stroke: colour, strokeWidth: 0, opacity: 0.45))
            }))
        case "catchments", "walk_catchments":
            return QGISStyle(shape: shape, renderer: .categorized(attribute: "mode", catchmentColours.sorted { $0.key < $1.key }.map {
                .init(value: $0.key, label: $0.key, symbol: .init(fill: $0.value, stroke: $0.value, strokeWidth: 0, opacity: 0.35))
            }))
        case "underserved", "conflicts":
            return QGISStyle(shape: shape, renderer: .single(.init(fill: "#d7301f", stroke: "#d7301f", strokeWidth: 0)))
        case "emission_zones":
            return QGISStyle(shape: shape, renderer: .categorized(attribute: "class", emissionClassColours.sorted { $0.key < $1.key }.map {
                .init(value: $0.key, label: "class \($0.key)", symbol: .init(fill: $0.value, stroke: $0.value, strokeWidth: 0, opacity: 0.3))
            }))
        case "harbour_zone":
            return QGISStyle(shape: shape, renderer: .single(.init(fill: "#440154", stroke: "#440154", strokeWidth: 0.5, opacity: 0.25)))
        case "conversion_candidates":
            return QGISStyle(shape: shape, renderer: .single(.init(fill: nil, stroke: "#e08214", strokeWidth: 0.8)))
        case "solar":
            guard let renderer = graduated("solar_mwh_per_a", values: values(layer, "solar_mwh_per_a"), display: display("MWh/a"), outline: "#7f7f7f") else { return nil }
            return QGISStyle(shape: shape, renderer: renderer)
        case "grid":
            guard let renderer = graduated("parcel_area_m2", values: values(layer, "parcel_area_m2"), display: display("ha"), outline: "#7f7f7f", opacity: 0.7) else { return nil }
            return QGISStyle(shape: shape, renderer: renderer)
        default:
            return nil
        }
    }

    /// The district choropleths of report.html, each a style of the districts layer, with the
    /// district names as labels.
    static func districtStyles(_ layer: Layer) -> [(column: String, title: String, style: QGISStyle)] {
        HTMLReport.choropleths.compactMap { column, title, unit in
            let values = values(layer, column)
            guard values.count == layer.count, let renderer = graduated(column, values: values, display: display(unit)) else { return nil }
            return (column, title, QGISStyle(shape: .polygon, renderer: renderer, label: "name"))
        }
    }
}
