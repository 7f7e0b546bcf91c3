import UrbanAnalysis

extension Catchment {
    /// The reach of each mode as the reports state it: "bus 300 m", or for a mode given in
    /// minutes "tram 5 min (400 m at 4.8 km/h)" — the metres those minutes mean at
    /// `walk_speed_kmh`, never the unset radius.
    var reachTexts: [String] {
        zip(modes, resolvedModes).map { given, resolved in
            guard let minutes = given.minutes else { return "\(given.name) \(RunReport.format(given.radius, 0)) m" }
            return "\(given.name) \(RunReport.format(minutes, minutes == minutes.rounded() ? 0 : 1)) min "
                + "(\(RunReport.format(resolved.radius, 0)) m at \(RunReport.format(walkSpeed, 1)) km/h)"
        }
    }
}
