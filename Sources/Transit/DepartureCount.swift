#if canImport(Glibc)
import Glibc
#endif

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
    /// stop_times.txt is parsed on all cores (``Cores/available``) in pieces cut at line ends,
    /// with the same counts, rejects and lines as one pass on one core.
    public init(feed: GTFSFeed, date: ServiceDate, window: TimeWindow) throws {
        try self.init(feed: feed, date: date, window: window, reader: StopTimeReader())
    }

    /// The count with the pieces and threads of `reader` (tests cut small feeds into tiny pieces).
    init(feed: GTFSFeed, date: ServiceDate, window: TimeWindow, reader: StopTimeReader) throws {
        self.date = date
        self.window = window
        var pass = StopTimePass(feed: feed, date: date, window: window)
        runningTrips = pass.running.lazy.filter { $0 }.count
        try reader.read("stop_times.txt", of: feed.source, into: &pass)
        if pass.layout == nil { throw GTFSError.missingColumn(file: feed.source.path + "/stop_times.txt", column: "trip_id") }
        pass.expandFrequencies(feed)
        tallies = pass.tallies()
        stopTimeRows = pass.rows
        rejects = pass.rejects
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

/// A row of stop_times.txt as a parser hands it to the count: what the count needs of it, in
/// 24 bytes instead of a row of text.
struct ParsedStopTime {
    var trip: Int32
    var station: Int32
    var sequence: Int32
    /// Seconds of the service day (departure, else arrival); -1 where the row has neither.
    var time: Int32
    /// The line the row starts on, counted from the start of the piece it was parsed in.
    var line: Int32
    /// `pickup_type` is not 1.
    var pickup: Bool
}

/// What a parser of stop_times.txt needs: the column positions and the read-only tables of the
/// feed. A value shared by every thread that parses a piece of the file.
struct StopTimeLayout: Sendable {
    let running: [Bool]
    let stationOf: [Int32]
    let stopTable: ByteKeyTable
    let tripTable: ByteKeyTable
    /// trip_id, stop_id, stop_sequence, arrival_time, departure_time, pickup_type (-1: absent).
    let columns: [Int]
    let width: Int
}

/// Turns rows of stop_times.txt into ``ParsedStopTime``s, rejecting malformed ones with their
/// line and reason and dropping the rows of trips that do not run on the date. It needs nothing
/// from the rows before, so pieces of the file are parsed on all cores (``StopTimeReader``);
/// what depends on the order of the rows (a trip's last stop) is left to ``StopTimePass``.
struct StopTimeParser: CSVRowHandler {
    let layout: StopTimeLayout
    /// Rows read (rejected ones and those of trips not running included).
    var rows = 0
    /// Rows parsed, in file order, and the rejected ones (lines as the scanner counted them).
    var parsed: [ParsedStopTime] = []
    var rejects: [GTFSReject] = []
    private var lastTrip: [UInt8] = []
    private var lastTripIndex = -1

    init(layout: StopTimeLayout) {
        self.layout = layout
    }

    mutating func handle(_ row: borrowing CSVRow) {
        if let stopTime = parse(row) { parsed.append(stopTime) }
    }

    private mutating func reject(_ line: Int, _ reason: String) -> ParsedStopTime? {
        rejects.append(GTFSReject(file: "stop_times.txt", line: line, reason: reason))
        return nil
    }

    /// The row parsed; nil for a rejected row (into ``rejects``) and for a trip not running.
    @inline(__always)
    mutating func parse(_ row: borrowing CSVRow) -> ParsedStopTime? {
        rows += 1
        if let problem = row.problem { return reject(row.line, problem) }
        guard row.count == layout.width else { return reject(row.line, "\(row.count) fields where the header has \(layout.width)") }
        let columns = layout.columns
        let c0 = columns[0], c1 = columns[1], c2 = columns[2], c3 = columns[3], c4 = columns[4], c5 = columns[5]
        // The trip: rows of one trip usually follow each other, so compare with the last one first.
        let tripField = row.field(c0)
        let t: Int
        if lastTripIndex >= 0, tripField.count > 0, tripField.count == lastTrip.count,
           lastTrip.withUnsafeBufferPointer({ memcmp($0.baseAddress!, tripField.baseAddress!, tripField.count) == 0 }) {
            t = lastTripIndex
        } else {
            guard let found = layout.tripTable.value(tripField) else { return reject(row.line, "trip_id \(row.string(c0)) is not in trips.txt") }
            t = found
            lastTrip.removeAll(keepingCapacity: true)
            lastTrip.append(contentsOf: tripField)
            lastTripIndex = t
        }
        guard let stop = layout.stopTable.value(row.field(c1)) else { return reject(row.line, "stop_id \(row.string(c1)) is not in stops.txt") }
        guard let seq = DepartureCount.integer(row.field(c2)), seq < Int(Int32.max) else {
            return reject(row.line, "stop_sequence '\(row.string(c2))' is not a non-negative integer")
        }
        var time = -1
        do {
            let departure = try GTFSTime.seconds(row.field(c4))
            let arrival = try GTFSTime.seconds(row.field(c3))
            time = departure ?? arrival ?? -1
        } catch {
            return reject(row.line, "arrival_time/departure_time '\(row.string(c3))', '\(row.string(c4))' is not a time H:MM:SS")
        }
        var pickup = true
        if c5 >= 0 {
            let p = row.field(c5)
            if p.count > 0 {
                guard let v = DepartureCount.integer(p), v <= 3 else { return reject(row.line, "pickup_type '\(row.string(c5))' is not 0 to 3") }
                pickup = v != 1
            }
        }
        guard layout.running[t] else { return nil }
        return ParsedStopTime(trip: Int32(t), station: layout.stationOf[stop], sequence: Int32(seq), time: Int32(time),
                              line: Int32(truncatingIfNeeded: row.line), pickup: pickup)
    }
}

/// The state of one pass over stop_times.txt, as stored properties (the hot loop touches no
/// captured variables): per running trip its highest-sequence stop time so far, and counters
/// per (station, mode group) slot in flat arrays. Rows arrive parsed (``StopTimeParser``), in
/// file order: the header and any piece read on this thread through ``handle(_:)``, the pieces
/// parsed on other threads through ``apply(_:lineOffset:)``.
struct StopTimePass: CSVRowHandler {
    let window: TimeWindow
    let running: [Bool]
    let isFrequencyBased: [Bool]
    let routeOf: [Int32]
    let directionOf: [Int8]
    let modeIndexOf: [Int]
    let stationOf: [Int32]
    let tripIDs: [String]
    let stopTable: ByteKeyTable
    let tripTable: ByteKeyTable
    let feedPath: String
    static let modeCount = ModeGroup.allCases.count

    var pendingSeq: [Int32]
    var pendingStation: [Int32]
    var pendingTime: [Int32]
    var frequencyRows: [Int: [(seq: Int, station: Int, time: Int, pickup: Bool)]] = [:]
    var slotOf: [Int32]
    var slotKeys: [DepartureCount.Key] = []
    var departures: [Int] = []
    var byDirection: [Int] = []
    var lastRoute: [Int32] = []
    var routesAt: Set<Int64> = []
    /// The parser of the rows read on this thread; nil until the header is read.
    var parser: StopTimeParser?
    var rows = 0
    var rejects: [GTFSReject] = []

    init(feed: GTFSFeed, date: ServiceDate, window: TimeWindow) {
        self.window = window
        let services = feed.calendar.services(on: date)
        running = feed.trips.map { services.contains($0.service) }
        isFrequencyBased = feed.trips.indices.map { feed.frequencies[$0] != nil }
        routeOf = feed.trips.map { Int32($0.route) }
        directionOf = feed.trips.map { Int8($0.direction ?? 2) }
        modeIndexOf = feed.routes.map { $0.modeGroup.index }
        stationOf = feed.stops.indices.map { Int32(feed.station(of: $0)) }
        tripIDs = feed.trips.map(\.id)
        stopTable = feed.stopTable
        tripTable = feed.tripTable
        feedPath = feed.source.path
        pendingSeq = Array(repeating: Int32.min, count: feed.trips.count)
        pendingStation = Array(repeating: 0, count: feed.trips.count)
        pendingTime = Array(repeating: -1, count: feed.trips.count)
        slotOf = Array(repeating: -1, count: feed.stops.count * StopTimePass.modeCount)
    }

    /// The parsers' layout, once the header is read.
    var layout: StopTimeLayout? { parser?.layout }

    @inline(__always)
    mutating func count(trip t: Int, station: Int, time: Int) {
        guard window.contains(time) else { return }
        let route = routeOf[t]
        let m = modeIndexOf[Int(route)]
        let index = station * StopTimePass.modeCount + m
        var slot = Int(slotOf[index])
        if slot < 0 {
            slot = slotKeys.count
            slotOf[index] = Int32(slot)
            slotKeys.append(DepartureCount.Key(station: station, mode: ModeGroup.allCases[m]))
            departures.append(0)
            byDirection += [0, 0, 0]
            lastRoute.append(-1)
        }
        departures[slot] += 1
        byDirection[slot * 3 + Int(directionOf[t])] += 1
        if lastRoute[slot] != route {
            lastRoute[slot] = route
            routesAt.insert(Int64(slot) << 32 | Int64(route))
        }
    }

    mutating func reject(_ line: Int, _ reason: String) {
        rejects.append(GTFSReject(file: "stop_times.txt", line: line, reason: reason))
    }

    /// A row read on this thread: the header, or a row parsed and applied at once.
    mutating func handle(_ row: borrowing CSVRow) throws {
        guard var parser else {
            var names: [String: Int] = [:]
            for i in 0..<row.count { names[row.trimmed(i)] = names[row.trimmed(i)] ?? i }
            for name in ["trip_id", "stop_id", "stop_sequence", "arrival_time", "departure_time"] where names[name] == nil {
                throw GTFSError.missingColumn(file: feedPath + "/stop_times.txt", column: name)
            }
            let columns = ["trip_id", "stop_id", "stop_sequence", "arrival_time", "departure_time", "pickup_type"].map { names[$0] ?? -1 }
            parser = StopTimeParser(layout: StopTimeLayout(running: running, stationOf: stationOf, stopTable: stopTable,
                                                           tripTable: tripTable, columns: columns, width: row.count))
            return
        }
        self.parser = nil   // no second reference: the parser's arrays stay uniquely owned
        defer { self.parser = parser }
        let parsed = parser.parse(row)
        rows += 1
        if !parser.rejects.isEmpty {
            rejects += parser.rejects
            parser.rejects.removeAll(keepingCapacity: true)
        }
        if let parsed { apply(parsed, lineOffset: 0) }
    }

    /// The rows of a piece parsed elsewhere, in file order; their lines are `lineOffset` more.
    mutating func apply(_ piece: StopTimeParser, lineOffset: Int) {
        rows += piece.rows
        var r = 0
        let pieceRejects = piece.rejects
        for stopTime in piece.parsed {
            while r < pieceRejects.count, pieceRejects[r].line < Int(stopTime.line) {
                var moved = pieceRejects[r]
                moved.line += lineOffset
                rejects.append(moved)
                r += 1
            }
            apply(stopTime, lineOffset: lineOffset)
        }
        for k in r..<pieceRejects.count {
            var moved = pieceRejects[k]
            moved.line += lineOffset
            rejects.append(moved)
        }
    }

    /// One stop time of a running trip, in file order: counted once a later stop of its trip
    /// is known (never the trip's last stop).
    @inline(__always)
    mutating func apply(_ stopTime: ParsedStopTime, lineOffset: Int) {
        let t = Int(stopTime.trip)
        let seq = Int(stopTime.sequence), station = Int(stopTime.station), time = Int(stopTime.time)
        if isFrequencyBased[t] {
            if frequencyRows[t]?.contains(where: { $0.seq == seq }) == true {
                return reject(Int(stopTime.line) + lineOffset, "stop_sequence \(seq) appears twice in trip \(tripIDs[t])")
            }
            frequencyRows[t, default: []].append((seq, station, time, stopTime.pickup))
            return
        }
        let s32 = stopTime.sequence
        let packedTime = stopTime.pickup ? stopTime.time : -1
        let pending = pendingSeq[t]
        if pending == Int32.min {
            pendingSeq[t] = s32; pendingStation[t] = stopTime.station; pendingTime[t] = packedTime
        } else if s32 > pending {
            if pendingTime[t] >= 0 { count(trip: t, station: Int(pendingStation[t]), time: Int(pendingTime[t])) }
            pendingSeq[t] = s32; pendingStation[t] = stopTime.station; pendingTime[t] = packedTime
        } else if s32 < pending {
            if packedTime >= 0 { count(trip: t, station: station, time: Int(packedTime)) }
        } else {
            return reject(Int(stopTime.line) + lineOffset, "stop_sequence \(seq) appears twice in trip \(tripIDs[t])")
        }
    }

    /// Frequency-based trips: every start time, the stop times shifted.
    mutating func expandFrequencies(_ feed: GTFSFeed) {
        for (t, list) in frequencyRows.sorted(by: { $0.key < $1.key }) {
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
    }

    func tallies() -> [DepartureCount.Key: DepartureCount.Tally] {
        var out: [DepartureCount.Key: DepartureCount.Tally] = [:]
        for (slot, key) in slotKeys.enumerated() {
            out[key] = DepartureCount.Tally(departures: departures[slot], byDirection: Array(byDirection[(slot * 3)..<(slot * 3 + 3)]), routes: [])
        }
        for packed in routesAt { out[slotKeys[Int(packed >> 32)]]!.routes.insert(Int(packed & 0xFFFF_FFFF)) }
        return out
    }
}
