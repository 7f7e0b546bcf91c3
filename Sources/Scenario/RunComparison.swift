import Foundation
import GeoCore
import GeoIO
import UrbanAnalysis

/// The differences between two runs (a baseline and a variant, or any two run folders):
/// per district and per parcel, as tables and layers.
///
/// - `districts.csv` / `districts.json`: per district (and the Nordwärts and rest rows) every
///   numeric indicator of both runs as `<column>` (the variant's value) and `<column>_change`
///   (variant − baseline); `districts.geojson` the same on the district polygons.
/// - `parcels.csv` / `parcels.geojson`: the parcels whose results differ, were added or were
///   removed (`status`), with `<property>_change` for every numeric property that changed.
public struct RunComparison: Sendable {
    public let baseline: String
    public let variant: String

    public init(baseline: String, variant: String) {
        self.baseline = baseline
        self.variant = variant
    }

    /// Writes the comparison into `directory` (created when missing).
    public func write(into directory: String, baselineName: String = "a", variantName: String = "b") throws {
        try Files.makeFolder(directory)
        let a = try Table.read(csv: baseline + "/districts.csv"), b = try Table.read(csv: variant + "/districts.csv")
        let table = RunComparison.districtChanges(a, b)
        try table.write(to: directory + "/districts.csv")
        try table.write(to: directory + "/districts.json")
        if FileManager.default.fileExists(atPath: variant + "/districts.geojson") {
            let (layer, _) = try Layer.read(path: variant + "/districts.geojson", name: "districts", crs: .etrs89UTM32N)
            let byID = Dictionary(table.rows.map { ($0[0].description, $0) }, uniquingKeysWith: { x, _ in x })
            let features = layer.features.compactMap { f -> Feature? in
                guard let id = f.properties["id"]?.description, let row = byID[id] else { return nil }
                var out = f
                out.properties = Properties(zip(table.columns, row).map { (name: $0.0, value: $0.1) })
                return out
            }
            try Layer(name: "districts", crs: layer.crs, features: features).write(to: directory + "/districts.geojson")
        }
        if FileManager.default.fileExists(atPath: baseline + "/parcels.geojson"), FileManager.default.fileExists(atPath: variant + "/parcels.geojson") {
            let (changes, rows) = try parcelChanges()
            try changes.write(to: directory + "/parcels.geojson")
            try rows.write(to: directory + "/parcels.csv")
        }
        var note = "# Comparison\n\n\(variantName) against \(baselineName): `<column>` is \(variantName)'s value, "
        note += "`<column>_change` is \(variantName) − \(baselineName).\n"
        try Files.write(note, to: directory + "/README.md")
    }

    /// Per row id: the variant's values and, for numbers, the change from the baseline.
    static func districtChanges(_ a: Table, _ b: Table) -> Table {
        let numeric = b.columns.enumerated().filter { k, _ in k > 0 && b.rows.contains { $0[k].doubleValue != nil } }.map(\.element)
        var columns = ["id", "name"]
        for c in numeric { columns += [c, c + "_change"] }
        var out = Table(columns: columns)
        let baseRows = Dictionary(a.rows.map { ($0[0].description, $0) }, uniquingKeysWith: { x, _ in x })
        for row in b.rows {
            let id = row[0].description
            var values: [PropertyValue] = [row[0], b.index(of: "name").map { row[$0] } ?? .null]
            for c in numeric {
                let new = b.index(of: c).map { row[$0] } ?? .null
                let old = a.index(of: c).flatMap { k in baseRows[id].map { $0[k] } } ?? .null
                values.append(new)
                if let x = new.doubleValue, let y = old.doubleValue { values.append(.double(x - y)) } else { values.append(.null) }
            }
            out.rows.append(values)
        }
        return out
    }

    /// The parcels that differ (by id), as a layer and a table.
    func parcelChanges() throws -> (Layer, Table) {
        func load(_ folder: String) throws -> [String: Feature] {
            let (layer, _) = try Layer.read(path: folder + "/parcels.geojson", name: "parcels")
            return Dictionary(layer.features.map { ($0.id?.description ?? $0.properties["id"]?.description ?? "", $0) }, uniquingKeysWith: { x, _ in x })
        }
        let old = try load(baseline), new = try load(variant)
        var features: [Feature] = [], rows: [[PropertyValue]] = []
        var names: [String] = []
        for f in new.values { for (name, value) in f.properties where value.doubleValue != nil && !names.contains(name) { names.append(name) } }
        names.sort()
        for id in Set(old.keys).union(new.keys).sorted() {
            let o = old[id], n = new[id]
            var p: Properties = ["id": .string(id)]
            var changed = false
            let status: String
            switch (o, n) {
            case (nil, _?): status = "added"; changed = true
            case (_?, nil): status = "removed"; changed = true
            default:
                status = "changed"
                for name in names {
                    let x = n!.properties[name]?.doubleValue, y = o!.properties[name]?.doubleValue
                    if let x, let y, abs(x - y) > 1e-9 * max(1, abs(y)) {
                        p[name] = .double(x)
                        p[name + "_change"] = .double(x - y)
                        changed = true
                    }
                }
                for (name, value) in n!.properties where value.doubleValue == nil && o!.properties[name] != value {
                    p[name] = value
                    p[name + "_was"] = o!.properties[name] ?? .null
                    changed = true
                }
            }
            guard changed else { continue }
            p["status"] = .string(status)
            features.append(Feature(id: .string(id), geometry: (n ?? o)!.geometry, properties: p))
        }
        var columns = ["id", "status"]
        for f in features { for name in f.properties.names where !columns.contains(name) { columns.append(name) } }
        for f in features { rows.append(columns.map { f.properties[$0] ?? .null }) }
        return (Layer(name: "parcel_changes", crs: .etrs89UTM32N, features: features), Table(columns: columns, rows: rows))
    }
}
