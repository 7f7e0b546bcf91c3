import GeoCore
import GeoIO
import UrbanAnalysis

/// `results.gpkg`: every layer of a run in one GeoPackage, in the run's working CRS
/// (`working_crs`, EPSG:25832 by default: the CRS the analyses work in, so coordinates are
/// kept to the millimetre whatever `outputs.crs` says for the GeoJSON), each with the style
/// of report.html in `layer_styles`.
///
/// The parcels arrive batch by batch while they are evaluated (the table is made from the
/// first batch); the small result layers are added whole at the end.
final class ResultPackage {
    let path: String
    /// The CRS of every table (the run's working CRS).
    let crs: CRS
    private let writer: GeoPackageWriter
    private var parcels: GeoPackageLayerWriter?
    /// The tables written, in order, with what the project needs to know of each.
    private(set) var tables: [Table] = []

    struct Table {
        var name: String
        var shape: QGISStyle.Shape
        var multi: Bool
        var count: Int
    }

    init(path: String, crs: CRS = .etrs89UTM32N) throws {
        self.path = path
        self.crs = crs
        writer = try GeoPackageWriter(path: path)
    }

    /// Adds evaluated parcels (in `crs`) in input order.
    func addParcels(_ features: [Feature]) throws {
        guard !features.isEmpty else { return }
        if parcels == nil {
            var schema = Schema()
            var types: Set<GeometryType> = []
            for f in features {
                schema.include(f.properties)
                if let g = f.geometry { types.insert(g.type) }
            }
            let sample = Layer(name: "parcels", crs: crs, features: features.filter { $0.geometry != nil })
            parcels = try writer.addLayer(name: "parcels", crs: crs, fields: schema.fields.map { ($0.name, $0.type) },
                                          geometryTypes: types, keepZ: false, description: "every parcel with its results",
                                          style: RunStyles.style(for: "parcels", layer: sample)?.qml)
            tables.append(Table(name: "parcels", shape: .polygon, multi: types.contains(.multiPolygon), count: 0))
        }
        try parcels!.add(contentsOf: features)
        tables[tables.firstIndex { $0.name == "parcels" }!].count += features.count
    }

    /// Adds a whole result layer.
    func add(_ name: String, _ layer: Layer) throws {
        let transformer = layer.crs == crs ? nil : try Transformer.shared(from: layer.crs, to: crs)
        var schema = Schema()
        var types: Set<GeometryType> = []
        for f in layer.features {
            schema.include(f.properties)
            if let g = f.geometry { types.insert(g.type) }
        }
        let style = RunStyles.style(for: name, layer: layer)
        let table = try writer.addLayer(name: name, crs: crs, fields: schema.fields.map { ($0.name, $0.type) },
                                        geometryTypes: types, keepZ: false, style: style?.qml)
        var features = layer.features
        if let transformer {
            for i in features.indices { if let g = features[i].geometry { features[i].geometry = try transformer.transform(g) } }
        }
        try table.add(contentsOf: features)
        let shape = style?.shape ?? .polygon
        tables.append(Table(name: name, shape: shape, multi: table.promotes || types.contains { $0.isCollection }, count: layer.count))
    }

    func finish() throws { try writer.finish() }

    func abandon() { writer.abandon() }
}
