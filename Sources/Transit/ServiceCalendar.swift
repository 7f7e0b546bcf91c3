/// Which services run on which day: `calendar.txt` (weekdays between two dates) with the
/// exceptions of `calendar_dates.txt` (exception_type 1 adds the day, 2 removes it).
public struct ServiceCalendar: Sendable {
    struct Weekly: Sendable { var days: [Bool]; var start: ServiceDate; var end: ServiceDate }

    public private(set) var serviceIDs: [String] = []
    var serviceIndex: [String: Int] = [:]
    var weekly: [Int: Weekly] = [:]
    var added: [ServiceDate: Set<Int>] = [:]
    var removed: [ServiceDate: Set<Int>] = [:]

    public init() {}

    mutating func service(_ id: String) -> Int {
        if let i = serviceIndex[id] { return i }
        serviceIndex[id] = serviceIDs.count
        serviceIDs.append(id)
        return serviceIDs.count - 1
    }

    /// Adds a calendar.txt row; returns true when the service already had one.
    mutating func addWeekly(_ id: String, days: [Bool], start: ServiceDate, end: ServiceDate) -> Bool {
        let s = service(id)
        if weekly[s] != nil { return true }
        weekly[s] = Weekly(days: days, start: start, end: end)
        return false
    }

    mutating func addException(_ id: String, date: ServiceDate, added isAdded: Bool) {
        let s = service(id)
        if isAdded { added[date, default: []].insert(s) } else { removed[date, default: []].insert(s) }
    }

    /// The services running on `date`.
    public func services(on date: ServiceDate) -> Set<Int> {
        var running = Set<Int>()
        for (s, w) in weekly where w.start <= date && date <= w.end && w.days[date.weekday] { running.insert(s) }
        running.subtract(removed[date] ?? [])
        running.formUnion(added[date] ?? [])
        return running
    }

    /// The first and last day any service could run, nil for an empty calendar.
    public var span: ClosedRange<ServiceDate>? {
        let days = weekly.values.flatMap { [$0.start, $0.end] } + Array(added.keys)
        guard let first = days.min(), let last = days.max() else { return nil }
        return first...last
    }

    /// The first Wednesday on which any service runs (the `weekday` of a scenario).
    public func firstWednesday() -> ServiceDate? {
        guard let span else { return nil }
        var day = span.lowerBound.dayNumber
        while ServiceDate(dayNumber: day).weekday != 2 { day += 1 }
        while day <= span.upperBound.dayNumber {
            if !services(on: ServiceDate(dayNumber: day)).isEmpty { return ServiceDate(dayNumber: day) }
            day += 7
        }
        return nil
    }
}

/// The mode groups departures are counted in (GTFS `route_type`, basic and extended).
public enum ModeGroup: String, Codable, Sendable, CaseIterable, Comparable {
    /// 2 and 100–117 (railway services, S-Bahn, regional trains).
    case rail
    /// 1 and 400–405 (metro, underground, Stadtbahn).
    case metro
    /// 0 and 900–906.
    case tram
    /// 3, 200–209 (coaches) and 700–716.
    case bus
    /// Everything else (ferries, cable cars, funiculars, taxis, …).
    case other

    public init(routeType t: Int) {
        switch t {
        case 2, 100...117: self = .rail
        case 1, 400...405: self = .metro
        case 0, 900...906: self = .tram
        case 3, 200...209, 700...716: self = .bus
        default: self = .other
        }
    }

    var index: Int { ModeGroup.allCases.firstIndex(of: self)! }

    public static func < (a: ModeGroup, b: ModeGroup) -> Bool { a.index < b.index }
}
