/// A GTFS feed with its small tables in memory (agency, stops, routes, trips, calendar,
/// calendar_dates, frequencies) and `stop_times.txt` left on disk, to be streamed by
/// ``DepartureCount``.
///
/// Required: `stops.txt`, `routes.txt`, `trips.txt`, `stop_times.txt`, and `calendar.txt` or
/// `calendar_dates.txt` (a missing one throws ``GTFSError/missingFile(feed:file:)``; the CLI
/// exits 66). `agency.txt` and `frequencies.txt` are read when present. A row that cannot be
/// used (a wrong number of fields, a missing id, an unknown reference, a bad number, time or
/// date, a repeated id) is rejected with its file, line and reason into ``rejects``, never
/// dropped silently.
public struct GTFSFeed: Sendable {
    public struct Stop: Sendable, Equatable {
        public var id: String
        public var name: String
        public var lat: Double?
        public var lon: Double?
        /// 0 stop or platform, 1 station, 2 entrance, 3 generic node, 4 boarding area.
        public var locationType: Int
        /// The parent station's position in ``stops``.
        public var parent: Int?
    }

    public struct Route: Sendable, Equatable {
        public var id: String
        public var shortName: String
        public var type: Int
        public var modeGroup: ModeGroup { ModeGroup(routeType: type) }
    }

    public struct Trip: Sendable, Equatable {
        public var id: String
        public var route: Int
        public var service: Int
        /// `direction_id` 0 or 1; nil when the feed leaves it empty.
        public var direction: Int?
    }

    /// A `frequencies.txt` row: the trip runs every `headway` seconds from `start` until before `end`.
    public struct Frequency: Sendable, Equatable {
        public var start: Int
        public var end: Int
        public var headway: Int
    }

    public let source: GTFSSource
    public private(set) var agencies: [String] = []
    public private(set) var stops: [Stop] = []
    public private(set) var routes: [Route] = []
    public private(set) var trips: [Trip] = []
    public private(set) var calendar: ServiceCalendar
    /// Frequency rows per trip (position in ``trips``).
    public private(set) var frequencies: [Int: [Frequency]] = [:]
    /// Rows that could not be used, in file order.
    public private(set) var rejects: [GTFSReject] = []
    /// Rows read per file (rejected ones included).
    public private(set) var rowCounts: [String: Int] = [:]

    var stopTable = ByteKeyTable()
    var tripTable = ByteKeyTable()

    /// Reads a feed from a `.zip` or a folder.
    public init(path: String) throws {
        try self.init(source: GTFSSource(path: path))
    }

    public init(source: GTFSSource) throws {
        self.source = source
        for file in ["stops.txt", "routes.txt", "trips.txt", "stop_times.txt"] where !source.has(file) {
            throw GTFSError.missingFile(feed: source.path, file: file)
        }
        guard source.has("calendar.txt") || source.has("calendar_dates.txt") else {
            throw GTFSError.missingFile(feed: source.path, file: "calendar.txt or calendar_dates.txt")
        }
        calendar = ServiceCalendar()
        if source.has("agency.txt") {
            absorb("agency.txt", try Self.readTable(source, "agency.txt", required: [], optional: ["agency_name"]) { row, c, _ in
                agencies.append(row.trimmed(c[0]))
            })
        }
        try readStops()
        var routeTable: [String: Int] = [:]
        absorb("routes.txt", try Self.readTable(source, "routes.txt", required: ["route_id", "route_type"], optional: ["route_short_name"]) { row, c, reject in
            let id = row.trimmed(c[0])
            guard !id.isEmpty else { return reject("route_id is empty") }
            guard routeTable[id] == nil else { return reject("route_id \(id) is repeated") }
            guard let type = Int(row.trimmed(c[1])), type >= 0 else { return reject("route_type '\(row.trimmed(c[1]))' is not a route type") }
            routeTable[id] = routes.count
            routes.append(Route(id: id, shortName: row.trimmed(c[2]), type: type))
        })
        try readCalendar()
        absorb("trips.txt", try Self.readTable(source, "trips.txt", required: ["route_id", "service_id", "trip_id"], optional: ["direction_id"]) { row, c, reject in
            let id = row.trimmed(c[2])
            guard !id.isEmpty else { return reject("trip_id is empty") }
            guard let route = routeTable[row.trimmed(c[0])] else { return reject("route_id \(row.trimmed(c[0])) is not in routes.txt") }
            let serviceID = row.trimmed(c[1])
            guard let service = calendar.serviceIndex[serviceID] else {
                return reject("service_id \(serviceID) is in neither calendar.txt nor calendar_dates.txt")
            }
            let directionText = row.trimmed(c[3])
            var direction: Int?
            if !directionText.isEmpty {
                guard let d = Int(directionText), d == 0 || d == 1 else { return reject("direction_id '\(directionText)' is not 0 or 1") }
                direction = d
            }
            guard tripTable.value(id) == nil else { return reject("trip_id \(id) is repeated") }
            tripTable.insert(id, trips.count)
            trips.append(Trip(id: id, route: route, service: service, direction: direction))
        })
        if source.has("frequencies.txt") {
            absorb("frequencies.txt", try Self.readTable(source, "frequencies.txt", required: ["trip_id", "start_time", "end_time", "headway_secs"], optional: []) { row, c, reject in
                let id = row.trimmed(c[0])
                guard let trip = tripTable.value(id) else { return reject("trip_id \(id) is not in trips.txt") }
                guard let s = (try? GTFSTime.seconds(row.field(c[1]))) ?? nil, let e = (try? GTFSTime.seconds(row.field(c[2]))) ?? nil,
                      e > s else { return reject("start_time/end_time is not a time span") }
                guard let headway = Int(row.trimmed(c[3])), headway > 0 else { return reject("headway_secs '\(row.trimmed(c[3]))' is not a positive number") }
                frequencies[trip, default: []].append(Frequency(start: s, end: e, headway: headway))
            })
        }
    }

    /// The position of a stop by id.
    public func stopIndex(_ id: String) -> Int? { stopTable.value(id) }

    /// The position of a trip by id.
    public func tripIndex(_ id: String) -> Int? { tripTable.value(id) }

    /// The station of a stop: its parent station, else the stop itself.
    public func station(of stop: Int) -> Int { stops[stop].parent ?? stop }

    private mutating func readStops() throws {
        var parents: [(stop: Int, parent: String, line: Int)] = []
        absorb("stops.txt", try Self.readTable(source, "stops.txt", required: ["stop_id"], optional: ["stop_name", "stop_lat", "stop_lon", "location_type", "parent_station"]) { row, c, reject in
            let id = row.trimmed(c[0])
            guard !id.isEmpty else { return reject("stop_id is empty") }
            guard stopTable.value(id) == nil else { return reject("stop_id \(id) is repeated") }
            let typeText = row.trimmed(c[4])
            let type = typeText.isEmpty ? 0 : Int(typeText) ?? -1
            guard (0...4).contains(type) else { return reject("location_type '\(typeText)' is not 0 to 4") }
            let latText = row.trimmed(c[2]), lonText = row.trimmed(c[3])
            let lat = Double(latText), lon = Double(lonText)
            if type <= 2 {
                guard let lat, let lon, (-90...90).contains(lat), (-180...180).contains(lon) else {
                    return reject("stop_lat/stop_lon '\(latText)', '\(lonText)' are not a position (required for location_type \(type))")
                }
            }
            let parent = row.trimmed(c[5])
            if !parent.isEmpty { parents.append((stops.count, parent, row.line)) }
            stopTable.insert(id, stops.count)
            stops.append(Stop(id: id, name: row.trimmed(c[1]), lat: lat, lon: lon, locationType: type, parent: nil))
        })
        for (stop, parent, line) in parents {
            if let p = stopTable.value(parent), p != stop {
                stops[stop].parent = p
            } else {
                // The stop stays (it is its own station); the broken reference is reported.
                rejects.append(GTFSReject(file: "stops.txt", line: line, reason: "parent_station \(parent) of stop \(stops[stop].id) is not in stops.txt (the stop counts as its own station)"))
            }
        }
    }

    private mutating func readCalendar() throws {
        if source.has("calendar.txt") {
            let days = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
            absorb("calendar.txt", try Self.readTable(source, "calendar.txt", required: ["service_id"] + days + ["start_date", "end_date"], optional: []) { row, c, reject in
                let id = row.trimmed(c[0])
                guard !id.isEmpty else { return reject("service_id is empty") }
                var flags: [Bool] = []
                for k in 1...7 {
                    let v = row.trimmed(c[k])
                    guard v == "0" || v == "1" else { return reject("\(days[k - 1]) '\(v)' is not 0 or 1") }
                    flags.append(v == "1")
                }
                guard let start = ServiceDate(row.trimmed(c[8])), let end = ServiceDate(row.trimmed(c[9])) else {
                    return reject("start_date/end_date '\(row.trimmed(c[8]))', '\(row.trimmed(c[9]))' are not dates YYYYMMDD")
                }
                guard !calendar.addWeekly(id, days: flags, start: start, end: end) else { return reject("service_id \(id) is repeated") }
            })
        }
        if source.has("calendar_dates.txt") {
            absorb("calendar_dates.txt", try Self.readTable(source, "calendar_dates.txt", required: ["service_id", "date", "exception_type"], optional: []) { row, c, reject in
                let id = row.trimmed(c[0])
                guard !id.isEmpty else { return reject("service_id is empty") }
                guard let date = ServiceDate(row.trimmed(c[1])) else { return reject("date '\(row.trimmed(c[1]))' is not a date YYYYMMDD") }
                let type = row.trimmed(c[2])
                guard type == "1" || type == "2" else { return reject("exception_type '\(type)' is not 1 or 2") }
                calendar.addException(id, date: date, added: type == "1")
            })
        }
    }

    /// Reads a small file: `body` gets each row with the positions of the required then the
    /// optional columns (-1 for an optional column the file lacks), and a function to reject it.
    static func readTable(_ source: GTFSSource, _ file: String, required: [String], optional: [String],
                          _ body: (borrowing CSVRow, [Int], (String) -> Void) throws -> Void) throws -> (rejects: [GTFSReject], rows: Int) {
        var columns: [Int]?
        var width = 0
        var scanner = CSVScanner()
        var newRejects: [GTFSReject] = []
        var rows = 0
        let feedPath = source.path
        func handle(_ row: borrowing CSVRow) throws {
            guard let c = columns else {
                var names: [String: Int] = [:]
                for i in 0..<row.count { names[row.trimmed(i)] = names[row.trimmed(i)] ?? i }
                for name in required where names[name] == nil { throw GTFSError.missingColumn(file: feedPath + "/" + file, column: name) }
                columns = (required + optional).map { names[$0] ?? -1 }
                width = row.count
                return
            }
            rows += 1
            let line = row.line
            if let problem = row.problem {
                newRejects.append(GTFSReject(file: file, line: line, reason: problem))
                return
            }
            guard row.count == width else {
                newRejects.append(GTFSReject(file: file, line: line, reason: "\(row.count) fields where the header has \(width)"))
                return
            }
            try body(row, c) { newRejects.append(GTFSReject(file: file, line: line, reason: $0)) }
        }
        try source.stream(file) { bytes in try scanner.feed(bytes, handle) }
        try scanner.finish(handle)
        if columns == nil, !required.isEmpty { throw GTFSError.missingColumn(file: feedPath + "/" + file, column: required[0]) }
        return (newRejects, rows)
    }

    private mutating func absorb(_ file: String, _ result: (rejects: [GTFSReject], rows: Int)) {
        rejects += result.rejects
        rowCounts[file] = result.rows
    }
}
