/// A window of service-day time, `[start, end)` in seconds after the service day's start
/// (noon minus 12 h): `"06:00-20:00"`; the end may pass 24:00 (`"20:00-26:00"` takes the
/// departures until 02:00 of the night that belong to the service day).
public struct TimeWindow: Codable, Sendable, Equatable, CustomStringConvertible {
    public var start: Int
    public var end: Int

    public init(start: Int, end: Int) {
        self.start = start
        self.end = end
    }

    /// `HH:MM-HH:MM` (seconds allowed: `HH:MM:SS`).
    public init?(_ text: String) {
        let parts = text.split(separator: "-").map { String($0).trimmingSpaces }
        guard parts.count == 2 else { return nil }
        func parse(_ s: String) -> Int? {
            let full = s.split(separator: ":").count == 2 ? s + ":00" : s
            return (try? GTFSTime.seconds(full)) ?? nil
        }
        guard let a = parse(parts[0]), let b = parse(parts[1]), b > a else { return nil }
        start = a
        end = b
    }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let w = TimeWindow(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "'\(text)' is not a window HH:MM-HH:MM with the end after the start"))
        }
        self = w
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }

    /// Minutes in the window.
    public var minutes: Double { Double(end - start) / 60 }

    public func contains(_ t: Int) -> Bool { t >= start && t < end }

    public var description: String {
        func hm(_ t: Int) -> String {
            let text = GTFSTime.text(t)
            return t % 60 == 0 ? String(text.dropLast(3)) : text
        }
        return "\(hm(start))-\(hm(end))"
    }
}

/// Departures per station and mode group on one service date, counted from `stop_times.txt`
/// in one streaming pass (memory grows with trips and stations, not with stop times).
///
/// A **departure** is a stop time of a trip that runs on the date (``ServiceCalendar``), whose
/// departure time (the arrival time where the departure is empty) lies in the window
/// `[start, end)`, at a stop that is not the trip's last (highest `stop_sequence`), and whose
/// `pickup_type` is not 1. Stop times without times (between timepoints) are not departures.
/// Times past 24:00:00 belong to the service day the trip started on. A trip in
/// `frequencies.txt` runs once per headway from each row's `start_time` until before its
/// `end_time`, its stop times shifted by the start minus its first stop's time. Departures
/// are counted per **station**: the stop's `parent_station`, else the stop.
///
/// The rows need not be sorted: each running trip keeps the stop time with the highest
/// sequence seen so far aside, counting it only when a higher one arrives, so the last stop is
/// never counted whatever the order.
public struct DepartureCount: Sendable {
    /// Counts for one station and mode group.
    public struct Tally: Sendable, Equatable {
        public var departures = 0
        /// By `direction_id`: 0, 1, and trips without one.
        public var byDirection = [0, 0, 0]
        /// The routes with departures here.
        public var routes: Set<Int> = []
    }

    public struct Key: Hashable, Sendable, Comparable {
        public var station: Int
        public var mode: ModeGroup
        public static func < (a: Key, b: Key) -> Bool { (a.station, a.mode) < (b.station, b.mode) }
    }

    public let date: ServiceDate
    public let window: TimeWindow
    public private(set) var tallies: [Key: Tally] = [:]
    /// Trips running on the date.
    public private(set) var runningTrips = 0
    /// Rows of stop_times.txt read, and the rejected ones with file, line and reason.
    public private(set) var stopTimeRows = 0
    public private(set) var rejects: [GTFSReject] = []

    /// Counts the departures of `feed` on `date` within `window`.
    public init(feed: GTFSFeed, date: ServiceDate, window: TimeWindow) throws {
        self.date = date
        self.window = window
        let services = feed.calendar.services(on: date)
        let trips = feed.trips
        var running = [Bool](repeating: false, count: trips.count)
        for (t, trip) in trips.enumerated() where services.contains(trip.service) { running[t] = true }
        runningTrips = running.lazy.filter { $0 }.count
        let stationOf = feed.stops.indices.map { feed.station(of: $0) }
        let modeOf = feed.routes.map(\.modeGroup)

        // Per running trip: the stop time with the highest sequence so far (not yet counted).
        var pendingSeq = [Int32](repeating: Int32.min, count: trips.count)
        var pendingStation = [Int32](repeating: 0, count: trips.count)
        var pendingTime = [Int32](repeating: -1, count: trips.count)
        // Frequency-based trips keep their rows: (sequence, station, time or -1, pickup allowed).
        var frequencyRows: [Int: [(seq: Int, station: Int, time: Int, pickup: Bool)]] = [:]
        var counts: [Key: Tally] = [:]
        let window = self.window

        func count(trip t: Int, station: Int, time: Int) {
            guard window.contains(time) else { return }
            let trip = trips[t]
            let key = Key(station: station, mode: modeOf[trip.route])
            counts[key, default: Tally()].departures += 1
            counts[key]!.byDirection[trip.direction ?? 2] += 1
            counts[key]!.routes.insert(trip.route)
        }

        var scanner = CSVScanner()
        var columns: [Int]?
        var width = 0
        var rows = 0
        var rejects: [GTFSReject] = []
        var lastTrip: [UInt8] = []
        var lastTripIndex = -1
        let stopTable = feed.stopTable, tripTable = feed.tripTable
        let feedPath = feed.source.path

        func handle(_ row: borrowing CSVRow) throws {
            guard let c = columns else {
                var names: [String: Int] = [:]
                for i in 0..<row.count { names[row.trimmed(i)] = names[row.trimmed(i)] ?? i }
                for name in ["trip_id", "stop_id", "stop_sequence", "arrival_time", "departure_time"] where names[name] == nil {
                    throw GTFSError.missingColumn(file: feedPath + "/stop_times.txt", column: name)
                }
                columns = ["trip_id", "stop_id", "stop_sequence", "arrival_time", "departure_time", "pickup_type"].map { names[$0] ?? -1 }
                width = row.count
                return
            }
            rows += 1
            func reject(_ reason: String) { rejects.append(GTFSReject(file: "stop_times.txt", line: row.line, reason: reason)) }
            if let problem = row.problem { return reject(problem) }
            guard row.count == width else { return reject("\(row.count) fields where the header has \(width)") }
            // The trip: rows of one trip usually follow each other, so compare with the last one first.
            let tripField = row.field(c[0])
            var t: Int
            if lastTripIndex >= 0, tripField.elementsEqual(lastTrip) {
                t = lastTripIndex
            } else {
                guard let found = tripTable.value(tripField) else { return reject("trip_id \(row.string(c[0])) is not in trips.txt") }
                t = found
                lastTrip.removeAll(keepingCapacity: true)
                lastTrip.append(contentsOf: tripField)
                lastTripIndex = t
            }
            guard let stop = stopTable.value(row.field(c[1])) else { return reject("stop_id \(row.string(c[1])) is not in stops.txt") }
            guard let seq = Self.integer(row.field(c[2])), seq >= 0, seq < Int(Int32.max) else {
                return reject("stop_sequence '\(row.string(c[2]))' is not a non-negative integer")
            }
            var time = -1
            do {
                let departure = try GTFSTime.seconds(row.field(c[4]))
                let arrival = try GTFSTime.seconds(row.field(c[3]))
                time = departure ?? arrival ?? -1
            } catch {
                return reject("arrival_time/departure_time '\(row.string(c[3]))', '\(row.string(c[4]))' is not a time H:MM:SS")
            }
            var pickup = true
            if c[5] >= 0 {
                let p = row.field(c[5])
                if p.count > 0 {
                    guard let v = Self.integer(p), (0...3).contains(v) else { return reject("pickup_type '\(row.string(c[5]))' is not 0 to 3") }
                    pickup = v != 1
                }
            }
            guard running[t] else { return }
            let station = stationOf[stop]
            if feed.frequencies[t] != nil {
                if frequencyRows[t]?.contains(where: { $0.seq == seq }) == true {
                    return reject("stop_sequence \(seq) appears twice in trip \(trips[t].id)")
                }
                frequencyRows[t, default: []].append((seq, station, time, pickup))
                return
            }
            let s32 = Int32(seq)
            let packedTime = Int32(pickup ? time : -1)
            if pendingSeq[t] == Int32.min {
                (pendingSeq[t], pendingStation[t], pendingTime[t]) = (s32, Int32(station), packedTime)
            } else if s32 > pendingSeq[t] {
                if pendingTime[t] >= 0 { count(trip: t, station: Int(pendingStation[t]), time: Int(pendingTime[t])) }
                (pendingSeq[t], pendingStation[t], pendingTime[t]) = (s32, Int32(station), packedTime)
            } else if s32 < pendingSeq[t] {
                if packedTime >= 0 { count(trip: t, station: station, time: Int(packedTime)) }
            } else {
                return reject("stop_sequence \(seq) appears twice in trip \(trips[t].id)")
            }
        }
        try feed.source.stream("stop_times.txt") { bytes in try scanner.feed(bytes, handle) }
        try scanner.finish(handle)
        if columns == nil { throw GTFSError.missingColumn(file: feedPath + "/stop_times.txt", column: "trip_id") }

        // Frequency-based trips: every start time, the stop times shifted.
        for (t, list) in frequencyRows {
            let ordered = list.sorted { $0.seq < $1.seq }
            guard ordered.count > 1, let base = ordered.first(where: { $0.time >= 0 })?.time else { continue }
            for f in feed.frequencies[t] ?? [] {
                var start = f.start
                while start < f.end {
                    for row in ordered.dropLast() where row.pickup && row.time >= 0 {
                        count(trip: t, station: row.station, time: row.time + start - base)
                    }
                    start += f.headway
                }
            }
        }
        tallies = counts
        stopTimeRows = rows
        self.rejects = rejects
    }

    @inline(__always)
    static func integer(_ field: UnsafeBufferPointer<UInt8>) -> Int? {
        var value = 0, digits = 0
        for b in field {
            if b == 0x20 { if digits == 0 { continue } else { break } }
            guard b >= 0x30, b <= 0x39, digits < 12 else { return nil }
            value = value * 10 + Int(b - 0x30)
            digits += 1
        }
        return digits > 0 ? value : nil
    }
}
