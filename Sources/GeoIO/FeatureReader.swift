import GeoCore

/// What a reader hands on for each input record: a feature, or the reason it cannot be one.
public enum ReadResult: Sendable {
    case feature(Feature)
    /// A record that cannot be used. `raw` is its text as it stood in the file, so that a
    /// rejects report loses nothing.
    case rejected(FeatureProblem, raw: String?)
}

/// A source of features read one at a time, so that files of any size stream through in
/// bounded memory.
public protocol FeatureReader: AnyObject {
    /// The file (or "-" for standard input).
    var path: String { get }
    /// The CRS of the geometries: from the file, the caller's override, or the format's default.
    var crs: CRS { get }
    /// Things worth telling the user that do not stop reading (duplicate ids, …).
    var warnings: [String] { get }
    /// The next feature or rejection; nil at the end.
    func next() throws -> ReadResult?
    /// Up to `maxCount` features or rejections, in file order; empty at the end. Readers that
    /// can parse on several cores do so here.
    func nextBatch(maxCount: Int) throws -> [ReadResult]
    /// Up to `maxCount` records, each handed to `transform` on the thread that made it (the
    /// work of a batch is split over at most `workers` threads; `transform` gets the number of
    /// the worker, below `workers`, so that it can keep state per worker). Results come back in
    /// file order; empty at the end. Features are used and freed where they were parsed, which
    /// is the fast path for a pipeline.
    func nextBatch<T>(maxCount: Int, workers: Int, transform: @Sendable (ReadResult, Int) throws -> T) throws -> [T]
}

extension FeatureReader {
    public func nextBatch(maxCount: Int) throws -> [ReadResult] {
        var batch: [ReadResult] = []
        while batch.count < maxCount, let item = try next() { batch.append(item) }
        return batch
    }

    public func nextBatch<T>(maxCount: Int, workers: Int, transform: @Sendable (ReadResult, Int) throws -> T) throws -> [T] {
        let items = try nextBatch(maxCount: maxCount)
        return try concurrentChunks(items.count, chunks: workers) { i, worker in try transform(items[i], worker) }
    }
}

/// How readers treat what they read.
public struct ReadOptions: Sendable {
    /// The CRS to use whatever the file says (for files that lie or say nothing).
    public var crs: CRS?
    /// Whether to keep z coordinates (true) or drop them.
    public var keepZ: Bool
    /// For CSV: the columns holding x (easting, longitude) and y (northing, latitude); nil
    /// looks for the usual names (x/y, lon/lat, RW/HW, easting/northing, …).
    public var xColumn: String?
    public var yColumn: String?
    /// Whether the reader keeps every feature's id to warn about ids used again (about 50
    /// bytes a feature). A caller that finds repeats itself (the STANDARD PIPELINE does, in its
    /// id-sorted table) turns it off, so that memory stays flat.
    public var countsRepeatedIDs: Bool
    /// For GeoPackage: the feature table to read (nil: the only one).
    public var layer: String?

    public init(crs: CRS? = nil, keepZ: Bool = true, xColumn: String? = nil, yColumn: String? = nil, countsRepeatedIDs: Bool = true,
                layer: String? = nil) {
        self.layer = layer
        self.crs = crs
        self.keepZ = keepZ
        self.xColumn = xColumn
        self.yColumn = yColumn
        self.countsRepeatedIDs = countsRepeatedIDs
    }
}

/// The input formats and how a file's name picks one.
public enum InputFormat: String, Sendable, CaseIterable {
    case geojson, csv
    /// An Esri JSON FeatureSet (``EsriJSONReader``): `.json` files whose first bytes show one.
    case esrijson
    /// A shapefile (``ShapefileReader``): `.shp`, with its `.shx` and `.dbf` beside it.
    case shapefile
    /// A GeoPackage (``GeoPackageReader``): one feature table of a `.gpkg` file.
    case gpkg

    public static func forPath(_ path: String) -> InputFormat {
        if path.lowercased().hasSuffix(".shp") { return .shapefile }
        if path.lowercased().hasSuffix(".json"), EsriJSONReader.looksLikeEsriJSON(path: path) { return .esrijson }
        if path.lowercased().hasSuffix(".gpkg") { return .gpkg }
        return path.lowercased().hasSuffix(".csv") || path.lowercased().hasSuffix(".tsv") ? .csv : .geojson
    }

    /// The formats' names for messages: "geojson, csv, …".
    public static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

/// Opens the reader for a file, by its extension unless `format` is given.
public func openFeatureReader(path: String, format: InputFormat? = nil, options: ReadOptions = ReadOptions()) throws -> any FeatureReader {
    switch format ?? InputFormat.forPath(path) {
    case .geojson: return try GeoJSONReader(path: path, options: options)
    case .csv: return try CSVPointReader(path: path, options: options)
    case .esrijson: return try EsriJSONReader(path: path, options: options)
    case .shapefile: return try ShapefileReader(path: path, options: options)
    case .gpkg: return try GeoPackageReader(path: path, layer: options.layer, options: options)
    }
}
