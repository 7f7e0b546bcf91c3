/// The audit of one station and mode group: its departures, interval, category and the rule
/// that decided it (one row of `pt_stops.csv`).
public struct StationGrade: Sendable, Equatable {
    /// The station's position in the feed's stops.
    public var station: Int
    public var stationID: String
    public var name: String
    public var mode: ModeGroup
    public var departures: Int
    /// Departures after the direction rule.
    public var effectiveDepartures: Double
    /// Minutes; nil without departures.
    public var intervalMinutes: Double?
    /// The type of service it was graded as.
    public var type: String
    /// 1 = I; nil when the interval is past the last bin or the table has no entry.
    public var category: Int?
    /// How the category came about, in words and numbers.
    public var rule: String
    /// Departures per hour (both directions) and the DG REGIO frequency class.
    public var departuresPerHour: Double
    public var dgRegioClass: String
}

extension TransitQuality {
    /// Grades every station and mode group with departures (sorted by station id, then mode group).
    public func grade(_ feed: GTFSFeed, _ count: DepartureCount) throws -> [StationGrade] {
        let r = try rules()
        let minutes = count.window.minutes
        // Rail routes per station, for the rail-node rule.
        var railRoutes: [Int: Set<Int>] = [:]
        for (key, tally) in count.tallies where key.mode == .rail { railRoutes[key.station, default: []].formUnion(tally.routes) }
        var out: [StationGrade] = []
        for (key, tally) in count.tallies.sorted(by: { (feed.stops[$0.key.station].id, $0.key.mode) < (feed.stops[$1.key.station].id, $1.key.mode) }) {
            let d = tally.departures
            var steps: [String] = ["\(d) departures \(count.window)"]
            var effective = Double(d)
            switch r.interval {
            case .windowOverBusiestDirection:
                let busiest = max(tally.byDirection[0], tally.byDirection[1]) + tally.byDirection[2]
                effective = Double(busiest)
                steps.append("busier direction \(busiest)")
            case .windowOverDepartures:
                switch r.directions {
                case .halve:
                    effective = Double(d) / 2
                    steps.append("halved (both directions) \(Self.format(effective))")
                case .halveIfBoth:
                    if tally.byDirection[0] > 0 && tally.byDirection[1] > 0 {
                        effective = Double(d) / 2
                        steps.append("halved (both direction_ids depart) \(Self.format(effective))")
                    } else {
                        steps.append("not halved (one direction)")
                    }
                case .none:
                    steps.append("not halved")
                }
            }
            let interval: Double? = effective > 0 ? minutes / effective : nil
            var type = r.groupTypes[key.mode] ?? r.types.last!
            let routes = railRoutes[key.station]?.count ?? 0
            if key.mode == .rail, r.railNodeMinRoutes > 0, routes >= r.railNodeMinRoutes, r.types.contains("rail-node") {
                type = "rail-node"
                steps.append("rail node (\(routes) rail routes ≥ \(r.railNodeMinRoutes))")
            } else if key.mode == .metro {
                steps.append("Stadtbahn graded as \(type)")
            }
            var category: Int?
            if let interval {
                steps.append("interval \(Self.format(minutes)) / \(Self.format(effective)) = \(Self.format(interval)) min")
                if let bin = Self.bin(interval, edges: r.intervalEdges, closed: r.closedSide) {
                    let lower = bin == 0 ? 0 : r.intervalEdges[bin - 1], upper = r.intervalEdges[bin]
                    let text = r.closedSide == .lower ? "[\(Self.format(lower)), \(Self.format(upper)))" : "(\(Self.format(lower)), \(Self.format(upper))]"
                    category = r.categories[bin][type]
                    steps.append("bin \(text) × \(type) → " + (category.map { "category \(romanNumeral($0))" } ?? "no category"))
                } else {
                    steps.append("past the last bin (\(Self.format(r.intervalEdges.last!)) min): no category")
                }
            } else {
                steps.append("no departures: no category")
            }
            let perHour = Double(d) / (minutes / 60)
            let dg = perHour >= dgRegioEdges[1] ? "high" : perHour >= dgRegioEdges[0] ? "medium" : "low"
            out.append(StationGrade(station: key.station, stationID: feed.stops[key.station].id, name: feed.stops[key.station].name,
                                    mode: key.mode, departures: d, effectiveDepartures: effective, intervalMinutes: interval, type: type,
                                    category: category, rule: steps.joined(separator: "; "), departuresPerHour: perHour, dgRegioClass: dg))
        }
        return out
    }

    /// The bin of an interval: the first edge above it (`lower`: interval < edge) or at or above it
    /// (`upper`: interval ≤ edge); nil past the last edge.
    public static func bin(_ interval: Double, edges: [Double], closed: ClosedSide) -> Int? {
        edges.firstIndex { closed == .lower ? interval < $0 : interval <= $0 }
    }

    static func format(_ v: Double) -> String {
        let rounded = (v * 100).rounded() / 100
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }
}
