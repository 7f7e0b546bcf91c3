import GeoCore
import GeoIO

/// Which parcels could be developed, and how well: a score in 0…1 with the reasons in words.
///
/// **Eligible** are brownfield parcels and underused ones: land use in `underusedLandUses`
/// (residential, mixed, commercial) with `grz < underusedGRZ` (default 0.1). Green and
/// transport land is never eligible, whatever the parameters say.
///
/// **Score** `= Σ wᵢ·cᵢ / Σ wᵢ` over the criteria that apply, each criterion cᵢ in 0…1:
///
/// | criterion | cᵢ | default weight |
/// | --- | --- | --- |
/// | `size` | `clamp((A − min) / (full − min))`: 0 at `minimumArea_m2` (500), 1 from `fullArea_m2` (5,000) | 1 |
/// | `shape` | rectangularity `A / area(minimum-area rectangle)` (``ParcelMetrics``) | 0.5 |
/// | `grz_headroom` | `clamp(1 − grz / target)`, target the BauNVO §17 upper bound of the class: 0.4 residential (WA), 0.6 mixed (MI), 0.8 commercial (GE), 0.6 brownfield (assumed to become MI) | 1 |
/// | `transit` | 1 within `transitNear_m` (300 m) of the nearest stop, falling linearly to 0 at `transitFar_m` (1,000 m); left out when no stops are given | 1 |
/// | `brownfield` | 1 for brownfield, else 0 | 1 |
/// | `harbour_conflict` | 0 when the parcel lies in an emission zone of harbour or industrial land (Analyses layer II), else 1; left out when not given | 1 |
///
/// `clamp` limits to 0…1. A criterion that is left out drops its weight from both sums, and
/// the result says which criteria applied.
public struct DevelopmentPotential: Codable, Sendable, Equatable {
    /// A criterion's weight; 0 switches it off.
    public struct Weights: Codable, Sendable, Equatable {
        public var size: Double = 1
        public var shape: Double = 0.5
        public var grzHeadroom: Double = 1
        public var transit: Double = 1
        public var brownfield: Double = 1
        public var harbourConflict: Double = 1

        public init(size: Double = 1, shape: Double = 0.5, grzHeadroom: Double = 1, transit: Double = 1,
                    brownfield: Double = 1, harbourConflict: Double = 1) {
            self.size = size
            self.shape = shape
            self.grzHeadroom = grzHeadroom
            self.transit = transit
            self.brownfield = brownfield
            self.harbourConflict = harbourConflict
        }

        enum CodingKeys: String, CodingKey {
            case size, shape, transit, brownfield
            case grzHeadroom = "grz_headroom", harbourConflict = "harbour_conflict"
        }
    }

    /// GRZ below which residential, mixed or commercial land counts as underused. Default 0.1.
    public var underusedGRZ: Double = 0.1
    /// The classes that can be underused. Default residential, mixed, commercial.
    public var underusedLandUses: [LandUse] = [.residential, .mixed, .commercial]
    /// Area (m²) at which the size criterion starts to count. Default 500.
    public var minimumArea: Double = 500
    /// Area (m²) from which the size criterion is full. Default 5,000.
    public var fullArea: Double = 5000
    /// Distance (m) to the nearest stop up to which the transit criterion is full. Default 300.
    public var transitNear: Double = 300
    /// Distance (m) from which the transit criterion is 0. Default 1,000.
    public var transitFar: Double = 1000
    /// The weights of the criteria.
    public var weights = Weights()

    public init() {}

    enum CodingKeys: String, CodingKey {
        case underusedGRZ = "underused_grz", underusedLandUses = "underused_landuses"
        case minimumArea = "minimum_area_m2", fullArea = "full_area_m2"
        case transitNear = "transit_near_m", transitFar = "transit_far_m", weights
    }

    /// The criteria, as the reasons and outputs name them.
    public enum Criterion: String, CaseIterable, Sendable {
        case size, shape, grzHeadroom = "grz_headroom", transit, brownfield, harbourConflict = "harbour_conflict"
    }

    /// One parcel's assessment.
    public struct Assessment: Sendable, Equatable {
        /// Brownfield or underused (the parcels that get a score).
        public var eligible: Bool
        /// The score in 0…1; 0 for parcels that are not eligible.
        public var score: Double
        /// Each applying criterion's value cᵢ.
        public var criteria: [(Criterion, Double)]
        /// The nearest stop's name and distance (m), when stops were given.
        public var nearestStop: (name: String, distance: Double)?
        /// The reasons in words a planner reads: "4,200 m² brownfield, 180 m to stop Hafen".
        public var reasons: String

        /// A parcel that is not eligible.
        public static let notEligible = Assessment(eligible: false, score: 0, criteria: [], nearestStop: nil, reasons: "")

        public static func == (a: Assessment, b: Assessment) -> Bool {
            a.eligible == b.eligible && a.score == b.score && a.reasons == b.reasons
                && a.criteria.map(\.0) == b.criteria.map(\.0) && a.criteria.map(\.1) == b.criteria.map(\.1)
        }
    }

    /// Checks the parameters, naming the first that is out of range.
    public func validate() throws {
        func require(_ ok: Bool, _ name: String, _ value: Double, _ expected: String) throws {
            if !ok { throw AnalysisError.invalidParameter(parameter: name, value: String(value), expected: expected) }
        }
        try require(underusedGRZ >= 0, "underused_grz", underusedGRZ, "≥ 0")
        try require(minimumArea >= 0, "minimum_area_m2", minimumArea, "≥ 0")
        try require(fullArea > minimumArea, "full_area_m2", fullArea, "more than minimum_area_m2 (\(minimumArea))")
        try require(transitNear >= 0, "transit_near_m", transitNear, "≥ 0")
        try require(transitFar > transitNear, "transit_far_m", transitFar, "more than transit_near_m (\(transitNear))")
        for (name, w) in [("size", weights.size), ("shape", weights.shape), ("grz_headroom", weights.grzHeadroom),
                          ("transit", weights.transit), ("brownfield", weights.brownfield), ("harbour_conflict", weights.harbourConflict)] {
            try require(w >= 0 && w.isFinite, "weights.\(name)", w, "a weight ≥ 0")
        }
    }

    /// Assesses every parcel on all cores. `measures` come from ``ParcelMetrics`` for the
    /// same layer; `stops` feed the transit criterion; `conflicts` (one flag per parcel,
    /// from the harbour analysis) feed the harbour-conflict criterion.
    public func run(parcels: Layer, measures: [ParcelMetrics.Measures], stops: Facilities? = nil,
                    conflicts: [Bool]? = nil) throws -> [Assessment] {
        try validate()
        return try Array(parcels.features.indices).parallelMap(minimumChunk: 64) { i in
            try assess(parcels.features[i], measures: measures[i], stops: stops, conflict: conflicts?[i])
        }
    }

    /// The BauNVO §17 upper bound used as the GRZ target of a class.
    public static func targetGRZ(_ landUse: LandUse) -> Double {
        switch landUse {
        case .residential: return 0.4
        case .commercial, .industrial, .harbour: return 0.8
        default: return 0.6
        }
    }

    /// Assesses one parcel: the streaming form of ``run(parcels:measures:stops:conflicts:)``.
    public func assess(_ parcel: Feature, measures m: ParcelMetrics.Measures, stops: Facilities?, conflict: Bool?) throws -> Assessment {
        guard let landUse = m.landUse, landUse != .green, landUse != .transport else { return .notEligible }
        let brownfield = landUse == .brownfield
        let underused = underusedLandUses.contains(landUse) && m.grz < underusedGRZ
        guard brownfield || underused else { return .notEligible }
        func clamp(_ x: Double) -> Double { Swift.min(1, Swift.max(0, x)) }
        var criteria: [(Criterion, Double)] = [
            (.size, clamp((m.area - minimumArea) / (fullArea - minimumArea))),
            (.shape, clamp(m.rectangularity)),
            (.grzHeadroom, clamp(1 - m.grz / DevelopmentPotential.targetGRZ(landUse))),
        ]
        var nearest: (name: String, distance: Double)?
        if let stops, let hit = try stops.nearest(to: parcel.geometry!) {
            nearest = (stops.names[hit.facility], hit.distance)
            criteria.append((.transit, clamp((transitFar - hit.distance) / (transitFar - transitNear))))
        }
        criteria.append((.brownfield, brownfield ? 1 : 0))
        if let conflict { criteria.append((.harbourConflict, conflict ? 0 : 1)) }

        var weighted = 0.0, total = 0.0
        for (criterion, value) in criteria {
            let w = weight(of: criterion)
            weighted += w * value
            total += w
        }
        var words = ["\(Self.grouped(m.area)) m² \(landUse.rawValue)"]
        if underused && !brownfield {
            words.append("GRZ \(Self.fixed(m.grz, 2)) (underused below \(Self.fixed(underusedGRZ, 2)))")
        }
        if let nearest { words.append("\(Self.grouped(nearest.distance)) m to stop \(nearest.name)") }
        if conflict == true { words.append("in an emission zone") }
        return Assessment(eligible: true, score: total > 0 ? weighted / total : 0, criteria: criteria,
                          nearestStop: nearest, reasons: words.joined(separator: ", "))
    }

    public func weight(of criterion: Criterion) -> Double {
        switch criterion {
        case .size: return weights.size
        case .shape: return weights.shape
        case .grzHeadroom: return weights.grzHeadroom
        case .transit: return weights.transit
        case .brownfield: return weights.brownfield
        case .harbourConflict: return weights.harbourConflict
        }
    }

    /// A whole number with thousands separators: 4200.4 → "4,200".
    static func grouped(_ value: Double) -> String {
        let digits = String(Int64(value.rounded()))
        var out = ""
        for (i, c) in digits.reversed().enumerated() {
            if i > 0, i % 3 == 0, c != "-" { out.append(",") }
            out.append(c)
        }
        return String(out.reversed())
    }

    /// `value` with `decimals` decimals: 0.0512 → "0.05".
    static func fixed(_ value: Double, _ decimals: Int) -> String {
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let n = Int64((abs(value) * scale).rounded())
        let whole = n / Int64(scale), fraction = String(n % Int64(scale))
        let sign = value < 0 && n != 0 ? "-" : ""
        return decimals == 0 ? "\(sign)\(whole)" : "\(sign)\(whole)." + String(repeating: "0", count: decimals - fraction.count) + fraction
    }
}
