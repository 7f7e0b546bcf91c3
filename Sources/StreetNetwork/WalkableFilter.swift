import GeoIO

/// Which lines of a street layer are walkable.
///
/// - `all` (the default): every line.
/// - `osm-walk`: OpenStreetMap ways a pedestrian may use, read from the `highway`, `foot`,
///   `access` tags, as columns or inside GDAL's `other_tags` column of an `ogr2ogr` export of
///   a `.osm.pbf` (`"foot"=>"no","access"=>"private"`):
///   - `highway` is one of ``walkableHighways`` (footway, pedestrian, path, steps,
///     living_street, residential, service, unclassified, tertiary, secondary, primary and
///     their `_link`s, track, road, corridor, platform), or one of ``footOnlyIfAllowed``
///     (cycleway, bridleway, trunk, trunk_link) with `foot` = yes, designated or permissive;
///     motorways, construction, proposed and the like never;
///   - not `foot` = no, private or use_sidepath (the pavement is mapped as its own way);
///   - not `access` = no or private, unless `foot` allows it (yes, designated, permissive,
///     destination).
///
/// Any other attribute filter is the input's `filter` in a scenario, applied before this.
public enum WalkableFilter: String, Codable, Sendable, CaseIterable {
    case all
    case osmWalk = "osm-walk"

    public static let walkableHighways: Set<String> = [
        "footway", "pedestrian", "path", "steps", "living_street", "residential", "service", "unclassified",
        "tertiary", "tertiary_link", "secondary", "secondary_link", "primary", "primary_link", "track", "road",
        "corridor", "platform",
    ]
    public static let footOnlyIfAllowed: Set<String> = ["cycleway", "bridleway", "trunk", "trunk_link"]
    static let footAllows: Set<String> = ["yes", "designated", "permissive", "destination"]

    /// Whether a feature's tags make it walkable.
    public func accepts(_ properties: Properties) -> Bool {
        switch self {
        case .all: return true
        case .osmWalk:
            let other = properties["other_tags"]?.stringValue.map(WalkableFilter.hstore) ?? [:]
            func tag(_ key: String) -> String? {
                if let value = properties[key], !value.isNull { return value.description }
                return other[key]
            }
            guard let highway = tag("highway") else { return false }
            let foot = tag("foot")
            if let foot, ["no", "private", "use_sidepath"].contains(foot) { return false }
            let footAllowed = foot.map { WalkableFilter.footAllows.contains($0) && $0 != "destination" } ?? false
            if WalkableFilter.footOnlyIfAllowed.contains(highway) { if !footAllowed { return false } }
            else if !WalkableFilter.walkableHighways.contains(highway) { return false }
            if let access = tag("access"), ["no", "private"].contains(access), !(foot.map(WalkableFilter.footAllows.contains) ?? false) { return false }
            return true
        }
    }

    /// The pairs of GDAL's `other_tags` (PostgreSQL hstore text: `"k"=>"v","k2"=>"v2"`, with
    /// `\"` and `\\` escaped inside quotes).
    public static func hstore(_ text: String) -> [String: String] {
        var result: [String: String] = [:]
        var strings: [String] = []
        var current = "", inside = false, escaped = false
        for ch in text {
            if inside {
                if escaped { current.append(ch); escaped = false }
                else if ch == "\\" { escaped = true }
                else if ch == "\"" { inside = false; strings.append(current); current = "" }
                else { current.append(ch) }
            } else if ch == "\"" {
                inside = true
            }
        }
        var i = 0
        while i + 1 < strings.count { result[strings[i]] = strings[i + 1]; i += 2 }
        return result
    }
}
