import Foundation
import GeoCore
import GeoIO
import UrbanAnalysis
import ZIPFoundation

/// `project.qgz`: a QGIS project that opens a whole run, styled as report.html draws it.
///
/// Every layer points into `results.gpkg` (or, without it, at the GeoJSON files) by a path
/// relative to the project, so the folder can be moved or sent. The project CRS is the
/// run's working CRS (`working_crs`, EPSG:25832 by default; authid and WKT from PROJ), each
/// layer declares its own CRS (the package's, or the GeoJSON files'), layers are grouped by theme, the district choropleths of the
/// report come each as a layer with its quantile classes and colours and the district names
/// as labels, land use is categorized, and the map opens on the city's extent. A .qgz is a
/// zip holding one .qgs (XML); it is written to a temporary name and renamed into place.
struct QGISProject {
    /// The QGIS version the XML follows (Debian 12's), which older and newer QGIS 3 read.
    static let qgisVersion = "3.22.16-Białowieża"

    struct LayerEntry {
        var id: String
        var name: String
        /// Relative to the project: "./results.gpkg|layername=parcels" or "./parcels.geojson".
        var source: String
        var shape: QGISStyle.Shape
        var multi: Bool
        var style: QGISStyle?
        var crs: CRS
        var visible: Bool
    }

    struct Group {
        var name: String
        var layers: [LayerEntry]
    }

    var title: String
    var groups: [Group]
    /// The project's CRS (the run's working CRS).
    var crs: CRS
    /// The extent the map opens on (in `crs`).
    var extent: Envelope

    // MARK: The run's project

    /// The project of a run: `package` when results.gpkg was written, else the GeoJSON files
    /// (`geojsonCRS` is theirs); `results` are the layers of the run by name; `crs` is the
    /// project's (the run's working CRS, which `districts` is in as the runner reads them).
    init(title: String, results: [(String, Layer)], package: ResultPackage?, geojsonCRS: CRS, files: [String], districts: Layer,
         crs: CRS = .etrs89UTM32N) throws {
        self.title = title
        self.crs = crs
        extent = districts.envelope
        if districts.crs != crs {
            let transformer = try Transformer.shared(from: districts.crs, to: crs)
            extent = .empty
            for case let geometry? in districts.features.map(\.geometry) { extent.formUnion(try transformer.transform(geometry).envelope) }
        }
        let layers = Dictionary(results, uniquingKeysWith: { a, _ in a })
        func source(_ name: String) -> (String, CRS)? {
            if let package, package.tables.contains(where: { $0.name == name }) { return ("./results.gpkg|layername=\(name)", package.crs) }
            if files.contains(name + ".geojson") { return ("./\(name).geojson", geojsonCRS) }
            return nil
        }
        func entry(_ name: String, title: String, visible: Bool = true) -> LayerEntry? {
            guard let (path, crs) = source(name) else { return nil }
            let layer = layers[name]
            let table = package?.tables.first { $0.name == name }
            let style = layer.flatMap { RunStyles.style(for: name, layer: $0) } ?? (name == "parcels" ? RunStyles.style(for: name, layer: Layer(name: name, crs: crs, features: [])) : nil)
            return LayerEntry(id: name, name: title, source: path, shape: style?.shape ?? table?.shape ?? .polygon,
                              multi: table?.multi ?? true, style: style, crs: crs, visible: visible)
        }
        var districtLayers: [LayerEntry] = []
        if let (path, crs) = source("districts") {
            for (k, choropleth) in RunStyles.districtStyles(layers["districts"] ?? districts).enumerated() {
                districtLayers.append(LayerEntry(id: "districts_\(choropleth.column)", name: "Districts: \(choropleth.title)", source: path,
                                                 shape: .polygon, multi: package?.tables.first { $0.name == "districts" }?.multi ?? false,
                                                 style: choropleth.style, crs: crs, visible: k == 0))
            }
        }
        let themes: [(String, [LayerEntry?])] = [
            ("Development potential", [entry("potential", title: "Development potential (score)"),
                                       entry("conversion_candidates", title: "Conversion candidates")]),
            ("Mobility", [entry("underserved", title: "Underserved residential land"), entry("catchments", title: "Stop catchments"),
                          entry("walk_catchments", title: "Stop catchments on foot (street network)", visible: false),
                          entry("pt_quality", title: "ÖV-Güteklassen (class areas)", visible: false)]),
            ("Harbour and emissions", [entry("conflicts", title: "Residential parcels in emission zones", visible: false),
                                       entry("harbour_zone", title: "Harbour zone"), entry("emission_zones", title: "Emission zones")]),
            ("Energy", [entry("solar", title: "Rooftop solar potential (MWh/a)", visible: false)]),
            ("Districts", districtLayers.map { $0 } + [entry("grid", title: "Grid cells", visible: false)]),
            ("Parcels", [entry("parcels", title: "Parcels by land use", visible: false)]),
        ]
        groups = themes.map { Group(name: $0.0, layers: $0.1.compactMap { $0 }) }.filter { !$0.layers.isEmpty }
    }

    // MARK: XML

    static func spatialRefSys(_ crs: CRS) -> XMLElement {
        let authority = crs.authorityCode
        return XMLElement("spatialrefsys", [("nativeFormat", "Wkt")], [
            XMLElement("wkt", text: crs.wkt(.wkt2_2019)),
            XMLElement("proj4", text: ""),
            XMLElement("srsid", text: "0"),
            XMLElement("srid", text: String(authority?.code ?? 0)),
            XMLElement("authid", text: authority.map { "\($0.authority):\($0.code)" } ?? ""),
            XMLElement("description", text: crs.name),
            XMLElement("projectionacronym", text: crs.projParameter("proj") ?? (crs.isGeographic ? "longlat" : "")),
            XMLElement("ellipsoidacronym", text: crs.projParameter("ellps") ?? ""),
            XMLElement("geographicflag", text: crs.isGeographic ? "true" : "false"),
        ])
    }

    static func extentElement(_ name: String, _ e: Envelope) -> XMLElement {
        XMLElement(name, [], [XMLElement("xmin", text: String(e.minX)), XMLElement("ymin", text: String(e.minY)),
                              XMLElement("xmax", text: String(e.maxX)), XMLElement("ymax", text: String(e.maxY))])
    }

    func mapLayer(_ layer: LayerEntry) -> XMLElement {
        let geometry = ["fill": "Polygon", "line": "Line", "marker": "Point"][layer.shape.rawValue]!
        let wkb = (layer.multi ? "Multi" : "") + ["fill": "Polygon", "line": "LineString", "marker": "Point"][layer.shape.rawValue]!
        var element = XMLElement("maplayer", [("type", "vector"), ("geometry", geometry), ("wkbType", wkb),
                                              ("labelsEnabled", layer.style?.label == nil ? "0" : "1"), ("styleCategories", "AllStyleCategories"),
                                              ("autoRefreshEnabled", "0"), ("simplifyDrawingHints", "1"), ("simplifyLocal", "1"),
                                              ("simplifyDrawingTol", "1"), ("simplifyMaxScale", "1"), ("simplifyAlgorithm", "0"),
                                              ("hasScaleBasedVisibilityFlag", "0"), ("readOnly", "0")], [
            XMLElement("id", text: layer.id),
            XMLElement("datasource", text: layer.source),
            XMLElement("layername", text: layer.name),
            XMLElement("srs", [], [QGISProject.spatialRefSys(layer.crs)]),
            XMLElement("provider", [("encoding", "UTF-8")], text: "ogr"),
        ])
        if let style = layer.style {
            element.children.append(style.rendererElement)
            if let labeling = style.labelingElement { element.children.append(labeling) }
        }
        element.children += [XMLElement("blendMode", text: "0"), XMLElement("featureBlendMode", text: "0"), XMLElement("layerOpacity", text: "1")]
        return element
    }

    /// The .qgs document.
    var qgs: String {
        let all = groups.flatMap(\.layers)
        let tree = XMLElement("layer-tree-group", [], [XMLElement("customproperties")] + groups.map { group in
            XMLElement("layer-tree-group", [("name", group.name), ("checked", "Qt::Checked"), ("expanded", "1")],
                       [XMLElement("customproperties")] + group.layers.map { layer in
                XMLElement("layer-tree-layer", [("id", layer.id), ("name", layer.name), ("source", layer.source), ("providerKey", "ogr"),
                                                ("checked", layer.visible ? "Qt::Checked" : "Qt::Unchecked"), ("expanded", "1")],
                           [XMLElement("customproperties")])
            })
        })
        let root = XMLElement("qgis", [("projectname", title), ("version", QGISProject.qgisVersion)], [
            XMLElement("homePath", [("path", "")]),
            XMLElement("title", text: title),
            XMLElement("projectCrs", [], [QGISProject.spatialRefSys(crs)]),
            tree,
            XMLElement("mapcanvas", [("name", "theMapCanvas"), ("annotationsVisible", "1")], [
                XMLElement("units", text: "meters"),
                QGISProject.extentElement("extent", extent.expanded(by: Swift.max(extent.width, extent.height) * 0.03)),
                XMLElement("rotation", text: "0"),
                XMLElement("destinationsrs", [], [QGISProject.spatialRefSys(crs)]),
                XMLElement("rendermaptile", text: "0"),
            ]),
            XMLElement("projectlayers", [], all.map(mapLayer)),
            XMLElement("layerorder", [], all.map { XMLElement("layer", [("id", $0.id)]) }),
            XMLElement("properties", [], [
                XMLElement("Paths", [], [XMLElement("Absolute", [("type", "bool")], text: "false")]),
                XMLElement("SpatialRefSys", [], [
                    XMLElement("ProjectCrs", [("type", "QString")], text: crs.authorityCode.map { "\($0.authority):\($0.code)" } ?? crs.identifier),
                    XMLElement("ProjectionsEnabled", [("type", "int")], text: "1"),
                ]),
                XMLElement("Measurement", [], [XMLElement("DistanceUnits", [("type", "QString")], text: "meters"),
                                               XMLElement("AreaUnits", [("type", "QString")], text: "m2")]),
            ]),
        ])
        return "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n" + root.rendered
    }

    /// Writes the .qgz (a zip with `project.qgs`), atomically.
    func write(to path: String) throws {
        let data = Data(qgs.utf8)
        let temporary = path + ".tmp-\(getpid())"
        try? FileManager.default.removeItem(atPath: temporary)
        do {
            let archive = try Archive(url: URL(fileURLWithPath: temporary), accessMode: .create)
            try archive.addEntry(with: "project.qgs", type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { position, size in
                data.subdata(in: Int(position)..<(Int(position) + size))
            }
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw IOError.cannotCreate(path: path, reason: "\(error)")
        }
        guard rename(temporary, path) == 0 else {
            try? FileManager.default.removeItem(atPath: temporary)
            throw IOError.cannotCreate(path: path, reason: String(cString: strerror(errno)))
        }
    }
}
