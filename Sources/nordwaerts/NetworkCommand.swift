import ArgumentParser
import Dispatch
import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif
import GeoCore
import GeoIO
import StreetNetwork

/// `nordwaerts network`: a street layer as a graph, and walking distances on it.
struct NetworkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "network",
        abstract: "Look at a street layer as a graph, and measure walking distances on it.",
        subcommands: [NetworkInspectCommand.self, NetworkWalkCommand.self]
    )
}

/// The options both network subcommands share: how the street layer becomes a graph.
struct StreetOptions: ParsableArguments {
    @Option(help: "The CRS of the street layer, overriding the file's 'crs' member.")
    var from: String?

    @Option(help: "The metric working CRS the graph is built in (default EPSG:25832; EPSG:25833 for Berlin, EPSG:3067 for Helsinki).")
    var to: String = "EPSG:25832"

    @Option(help: "Which lines are walkable: all (default) or osm-walk (OpenStreetMap highway/foot/access, also in GDAL's other_tags).")
    var preset: String = "all"

    @Flag(name: .customLong("node-crossings"), help: "Node lines where they cross (centreline data without shared vertices).")
    var nodeCrossings = false

    @Option(name: .customLong("snap-to"), help: "largest-component (default) or any-component.")
    var snapTo: String = "largest-component"

    @Option(name: .customLong("max-snap-m"), help: "Beyond this distance (m) from the network a point is off it (default 250).")
    var maxSnap: Double = 250

    func validate() throws {
        guard WalkableFilter(rawValue: preset) != nil else { throw ValidationError("--preset must be all or osm-walk, not '\(preset)'") }
        guard EdgeSnapper.Target(rawValue: snapTo) != nil else { throw ValidationError("--snap-to must be largest-component or any-component, not '\(snapTo)'") }
        guard maxSnap >= 0 else { throw ValidationError("--max-snap-m must be >= 0") }
    }

    var workingCRS: CRS {
        get throws {
            let crs = try CRS(to)
            guard !crs.isGeographic else { throw CLIError(.usage, "--to \(to) is geographic (degrees): a street graph needs a metric CRS such as EPSG:25832") }
            return crs
        }
    }

    func read(_ path: String, rejects: RejectsReport?) throws -> (StreetLayerGraph, LayerReadSummary) {
        try StreetLayerGraph.read(path: path, options: ReadOptions(crs: try from.map { try CRS($0) }, keepZ: false, countsRepeatedIDs: false), crs: try workingCRS,
                                  graph: StreetGraph.Options(preset: WalkableFilter(rawValue: preset)!, nodeCrossings: nodeCrossings),
                                  rejects: rejects)
    }

    /// Points of a facility or origin layer in the working CRS (a polygon by its point on surface).
    func points(_ path: String, from: String?) throws -> [(feature: Feature, x: Double, y: Double)] {
        let stream = try FeatureStream(path: path, options: ReadOptions(crs: try from.map { try CRS($0) }, keepZ: false, countsRepeatedIDs: false), crs: try workingCRS)
        var out: [(Feature, Double, Double)] = []
        while let batch = try stream.nextBatch({ f, _ -> (Feature, Double, Double) in
            let p = f.geometry!.type == .point ? f.geometry! : try f.geometry!.pointOnSurface()
            return (f, p.x ?? .nan, p.y ?? .nan)
        }) { out += batch }
        return out
    }
}

struct NetworkInspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Describe a street layer as a graph: nodes, edges, km, components, the largest one's share, facilities off the network.",
        discussion: """
        Lines meet only where they share a vertex (bridges and tunnels stay apart, as \
        OpenStreetMap models them); --node-crossings nodes them where they cross. Lines that \
        give no edge are listed with their reason.

        Examples:
          nordwaerts network inspect datasets/dortmund/streets.geojson --facilities datasets/dortmund/stops.geojson
          nordwaerts network inspect dortmund-lines.geojson --preset osm-walk --json
        """
    )

    @Argument(help: "The street layer (GeoJSON lines).")
    var streets: String

    @OptionGroup var street: StreetOptions

    @Option(help: "A facility layer (stops) to check against the network: how many are off it.")
    var facilities: String?

    @Flag(help: "Print the statistics as JSON (for scripts).")
    var json = false

    func run() throws {
        try reportingErrors {
            let (made, summary) = try street.read(streets, rejects: nil)
            let snapper = EdgeSnapper(graph: made.graph, target: EdgeSnapper.Target(rawValue: street.snapTo)!)
            let reach = try facilities.map { path in
                NetworkReach(snapper: snapper, facilities: try street.points(path, from: nil).map { (x: $0.x, y: $0.y) }, cutoff: 0, maxSnap: street.maxSnap)
            }
            let stats = GraphStatistics(made.graph, reach: reach)
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                print(String(decoding: try encoder.encode(stats), as: UTF8.self))
                return
            }
            print("file:        \(streets) (\(summary.read) features: \(made.used) lines used, \(made.filteredOut) not walkable by --preset \(street.preset), \(made.problems.count + summary.rejected) unusable)")
            print("graph:       \(stats.nodes) nodes, \(stats.edges) edges, \(decimalText(stats.kilometres, decimals: 3)) km in \(street.to)")
            print("components:  \(stats.components); the largest holds \(stats.largestComponentNodes) nodes (\(decimalText(100 * stats.largestComponentNodeShare, decimals: 1)) %) and \(decimalText(100 * stats.largestComponentLengthShare, decimals: 1)) % of the length")
            print("dead ends:   \(stats.deadEnds)")
            if made.zeroLengthSegments > 0 { print("dropped:     \(made.zeroLengthSegments) zero-length segments (repeated vertices)") }
            if let reach {
                print("facilities:  \(reach.facilitySnaps.count), of which \(reach.offNetwork.count) off the network (farther than \(decimalText(street.maxSnap, decimals: 1)) m from the \(street.snapTo))")
            }
            for p in made.problems.prefix(20) { print("unusable:    feature \(p.feature)\(p.id.map { " (id \($0))" } ?? ""): \(p.reason)") }
        }
    }
}

struct NetworkWalkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "walk",
        abstract: "Walking distance on the street network from every origin to its nearest facility, as CSV (id, walk_m, walk_stop, snap_m).",
        discussion: """
        walk_m = snap_m(origin) + shortest path between the snap points + snap_m(facility); \
        empty when no facility is within --cutoff-m or the origin is off the network. Polygons \
        start from their point on surface.

        Example:
          nordwaerts network walk streets.geojson --facilities stops.geojson --origins parcels.geojson --out walk.csv --cutoff-m 1000
        """
    )

    @Argument(help: "The street layer (GeoJSON lines).")
    var streets: String

    @OptionGroup var street: StreetOptions

    @Option(help: "The facility layer (stops).")
    var facilities: String

    @Option(help: "The origins (parcels, addresses).")
    var origins: String

    @Option(name: .customLong("origins-from"), help: "The CRS of the origins, overriding the file's (CSV needs it).")
    var originsFrom: String?

    @Option(help: "The CSV to write.")
    var out: String

    @Option(name: .customLong("cutoff-m"), help: "The longest walk (m) searched (default 1000).")
    var cutoff: Double = 1000

    @Option(name: .customLong("name-field"), help: "The facility name field (default name).")
    var nameField: String = "name"

    func run() throws {
        try reportingErrors {
            guard cutoff > 0 else { throw CLIError(.usage, "--cutoff-m must be > 0") }
            var stages = StageClock()
            // The graph is made on another thread while the origins are read here (each parses
            // on all cores); errors come out in the order the inputs are named.
            let street = self.street
            let streets = self.streets
            let graph = BackgroundWork { try street.read(streets, rejects: nil) }
            let originsPath = origins, originsFrom = self.originsFrom
            let read = Result { try OriginPoints.read(originsPath, from: originsFrom, workingCRS: try street.workingCRS) }
            let facilitiesPath = facilities
            let readStops = Result { try street.points(facilitiesPath, from: nil) }
            let (made, _) = try graph.value()
            stages.lap("graph (origins and facilities read alongside)")
            let stops = try readStops.get()
            let names = stops.enumerated().map { i, s in s.feature.properties[nameField].map(\.description) ?? s.feature.displayID ?? String(i + 1) }
            let reach = NetworkReach(snapper: EdgeSnapper(graph: made.graph, target: EdgeSnapper.Target(rawValue: street.snapTo)!),
                                     facilities: stops.map { (x: $0.x, y: $0.y) }, cutoff: cutoff, maxSnap: street.maxSnap)
            if reach.offNetwork.count == stops.count { printError("nordwaerts: warning: every facility is off the network: no origin is reached") }
            stages.lap("facilities, snapping and Dijkstra")
            let file = try OutputFile(path: out)
            do {
                let points = try read.get()
                stages.lap("origins read (beyond the graph)")
                try file.write("id,walk_m,walk_stop,snap_m\n")
                // Origins are snapped, walked and formatted on all cores, a block at a time; the
                // block before is written meanwhile by the first thread that starts (in file order).
                let nameFields = names.map { Array(csvField($0).utf8) }
                let index = points.x.count
                var reached = 0, off = 0
                var start = 0
                var previous: [WalkRows] = []
                repeat {
                    let first = start, n = Swift.min(index - start, 65536)
                    let pieces = n == 0 ? 0 : Swift.max(1, Swift.min(Cores.available * 4, n / 1024))
                    let walked = Locked([WalkRows?](repeating: nil, count: pieces))
                    let written = previous
                    try concurrentPieces(n, pieces: pieces, alongside: written.isEmpty ? nil : {
                        for rows in written { try file.append { $0 += rows.bytes } }
                    }) { piece, range in
                        var rows = WalkRows()
                        rows.bytes.reserveCapacity(range.count * 48)
                        for i in (first + range.lowerBound)..<(first + range.upperBound) {
                            let id = points.ids.isEmpty ? "" : points.ids[i]
                            if id.isEmpty { TextFields.appendInteger(Int64(i + 1), to: &rows.bytes) } else { rows.bytes += csvField(id).utf8 }
                            rows.append(reach.walk(fromX: points.x[i], y: points.y[i]), names: nameFields)
                        }
                        walked.withLock { $0[piece] = rows }
                    }
                    previous = walked.withLock { $0.map { $0! } }
                    for rows in previous {
                        reached += rows.reached
                        off += rows.offNetwork
                    }
                    start += n
                } while start < index || !previous.isEmpty
                try file.commit()
                stages.lap("origins: snap, walk, write")
                stages.report()
                printError("\(index) origins: \(reached) within \(decimalText(cutoff, decimals: 0)) m of a facility, \(off) off the network; "
                           + "\(stops.count - reach.offNetwork.count) of \(stops.count) facilities on the network (\(made.graph.nodeCount) nodes, \(made.graph.edgeCount) edges)")
            } catch {
                file.abandon()
                throw error
            }
        }
    }
}

/// Wall and CPU time (user + system, all threads) per stage of a command, printed to
/// standard error when NORDWAERTS_STAGES is set (for bench/README.md's "where the time goes";
/// CPU time is steadier than wall time on a shared machine).
struct StageClock {
    private let enabled = getenv("NORDWAERTS_STAGES") != nil
    private var last = ContinuousClock.now
    private var lastCPU = StageClock.cpuSeconds()
    private var laps: [(String, Duration, Double)] = []

    mutating func lap(_ name: String) {
        guard enabled else { return }
        let now = ContinuousClock.now, cpu = StageClock.cpuSeconds()
        laps.append((name, now - last, cpu - lastCPU))
        last = now
        lastCPU = cpu
    }

    func report() {
        for (name, d, cpu) in laps {
            let ms = Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
            printError("stage \(name): \(decimalText(ms, decimals: 1)) ms (CPU \(decimalText(cpu * 1000, decimals: 1)) ms)")
        }
    }

    /// The process's user + system time so far (s).
    private static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }
}

/// Where each origin of `walk` starts (a polygon from its point on surface), in the working
/// CRS, and its id (empty: named by its position, from 1; `ids` is empty when all are).
struct OriginPoints: Sendable {
    var ids: [String] = []
    var x: [Double] = [], y: [Double] = []

    static func read(_ path: String, from: String?, workingCRS: CRS) throws -> OriginPoints {
        let crs = try from.map { try CRS($0) }
        if InputFormat.forPath(path) == .csv, crs == workingCRS,
           let plain = try CSVPointReader.plainCoordinates(path: path, options: ReadOptions(crs: crs, keepZ: false)) {
            // A plain CSV of points in the working CRS: no feature per row (rows are named by their number).
            return OriginPoints(ids: [], x: plain.x, y: plain.y)
        }
        if getenv("NORDWAERTS_FULL_READ") == nil, InputFormat.forPath(path) == .geojson,
           let lean = (try? GeoJSONPointsOnSurface.read(path: path, options: ReadOptions(crs: crs, keepZ: false, countsRepeatedIDs: false), crs: workingCRS)) ?? nil {
            // Polygons in the working CRS: simple ones without a GEOS geometry (the same ids and
            // points; any file it refuses is read below, which reports what is wrong with it).
            // NORDWAERTS_FULL_READ=1 takes the feature reader always (tests compare the two).
            return OriginPoints(ids: lean.ids, x: lean.x, y: lean.y)
        }
        let stream = try FeatureStream(path: path, options: ReadOptions(crs: crs, keepZ: false, countsRepeatedIDs: false), crs: workingCRS)
        var points = OriginPoints()
        while let batch = try stream.nextBatch({ f, _ -> (String, Double, Double) in
            let g = f.geometry!
            let p = g.type == .point ? g : try g.pointOnSurface()
            return (f.displayID ?? "", p.x ?? .nan, p.y ?? .nan)
        }) {
            for (id, x, y) in batch {
                points.ids.append(id)
                points.x.append(x)
                points.y.append(y)
            }
        }
        return points
    }
}

/// Work started on another thread, whose value (or error) is waited for where it is needed.
final class BackgroundWork<T: Sendable>: Sendable {
    private let done = DispatchSemaphore(value: 0)
    private let result = Locked<Result<T, any Error>?>(nil)

    init(_ body: @escaping @Sendable () throws -> T) {
        DispatchQueue.global().async { [result, done] in
            let outcome = Result { try body() }
            result.withLock { $0 = outcome }
            done.signal()
        }
    }

    /// The value, once the work is done; its error rethrown.
    func value() throws -> T {
        done.wait()
        done.signal()
        return try result.withLock { $0! }.get()
    }
}

/// Rows of `walk`'s CSV after the id (`,walk_m,walk_stop,snap_m`), with how many of them
/// reached a facility and how many were off the network.
struct WalkRows {
    var bytes: [UInt8] = []
    var reached = 0
    var offNetwork = 0

    mutating func append(_ walk: NetworkReach.Walk, names: [[UInt8]]) {
        bytes.append(UInt8(ascii: ","))
        if let d = walk.distance { TextFields.appendShortest(d, to: &bytes); reached += 1 }
        bytes.append(UInt8(ascii: ","))
        if let f = walk.facility { bytes += names[f] }
        bytes.append(UInt8(ascii: ","))
        if let s = walk.snap { TextFields.appendShortest(s.distance, to: &bytes) }
        bytes.append(UInt8(ascii: "\n"))
        if walk.offNetwork { offNetwork += 1 }
    }
}

/// A CSV field, quoted when it holds a comma, quote or line break.
func csvField(_ text: String) -> String {
    guard text.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) else { return text }
    return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
}
