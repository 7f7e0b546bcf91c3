import GeoCore
import GeoIO

/// Rooftop solar potential per building and per district, from footprints.
///
/// `kWp = footprint area × usable_roof_share × kwp_per_m2` and
/// `MWh/a = kWp × specific_yield_kwh_per_kwp / 1000`.
///
/// Defaults and where they come from:
/// - `usable_roof_share` 0.5: the share of a roof that solar cadastres typically find suitable
///   once orientation, shading, chimneys and edges are accounted for (of the order the LANUV
///   Solarkataster NRW reports for residential roofs; a screening value, not a survey);
/// - `kwp_per_m2` 0.2: current crystalline modules, about 400–450 Wp on 2 m² of roof;
/// - `specific_yield_kwh_per_kwp` 850: the order of PVGIS figures for Dortmund for typical
///   roof orientations (PVGIS gives ≈ 900 at the optimal tilt); not checked offline.
///
/// Buildings whose data do not allow an estimate are counted, not guessed: footprints below
/// `minimum_roof_m2` (default 10 m²: sheds, kiosks), and buildings whose storeys are unknown
/// (in ALKIS mostly underground or roofless structures), or whose function is listed in
/// `excluded_functions` (default: ruins).
public struct RooftopSolar: Codable, Sendable, Equatable {
    public var usableRoofShare: Double = 0.5
    public var kWpPerM2: Double = 0.2
    public var specificYield: Double = 850
    public var minimumRoof: Double = 10
    public var floorsField: String = "floors"
    public var functionField: String = "function"
    public var excludedFunctions: [String] = ["Ruine"]

    public init() {}

    enum CodingKeys: String, CodingKey {
        case usableRoofShare = "usable_roof_share", kWpPerM2 = "kwp_per_m2", specificYield = "specific_yield_kwh_per_kwp"
        case minimumRoof = "minimum_roof_m2", floorsField = "floors_field", functionField = "function_field"
        case excludedFunctions = "excluded_functions"
    }

    public func validate() throws {
        guard (0...1).contains(usableRoofShare) else {
            throw AnalysisError.invalidParameter(parameter: "usable_roof_share", value: String(usableRoofShare), expected: "0 to 1")
        }
        guard kWpPerM2 > 0, kWpPerM2 < 1 else { throw AnalysisError.invalidParameter(parameter: "kwp_per_m2", value: String(kWpPerM2), expected: "between 0 and 1") }
        guard specificYield > 0, specificYield < 3000 else {
            throw AnalysisError.invalidParameter(parameter: "specific_yield_kwh_per_kwp", value: String(specificYield), expected: "between 0 and 3000")
        }
    }

    /// One building's estimate, or why there is none.
    public enum Estimate: Sendable, Equatable {
        case estimate(roof: Double, kWp: Double, mWhPerYear: Double)
        case notEstimated(reason: String)

        public var kWp: Double { if case let .estimate(_, k, _) = self { return k } else { return 0 } }
        public var mWhPerYear: Double { if case let .estimate(_, _, m) = self { return m } else { return 0 } }
    }

    public func run(buildings: Layer) throws -> [Estimate] {
        try validate()
        return try buildings.features.parallelMap(minimumChunk: 64) { building in
            let area = try building.geometry!.area()
            if let function = building.properties[functionField]?.stringValue, excludedFunctions.contains(function) {
                return .notEstimated(reason: "function \(function)")
            }
            guard let floors = building.properties[floorsField], !floors.isNull else {
                return .notEstimated(reason: "storeys unknown")
            }
            _ = floors
            guard area >= minimumRoof else { return .notEstimated(reason: "roof below \(DevelopmentPotential.grouped(minimumRoof)) m²") }
            let kWp = area * usableRoofShare * kWpPerM2
            return .estimate(roof: area, kWp: kWp, mWhPerYear: kWp * specificYield / 1000)
        }
    }
}
