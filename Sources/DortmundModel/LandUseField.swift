import GeoCore
import UrbanAnalysis

/// The modelled land use of a place, and what is built on it. The rules, first match wins:
///
/// 1. within 450 m of a harbour basin: harbour (80 %), brownfield (12 %), industrial (8 %)
/// 2. within 220 m of the canal: industrial (55 %), green (25 %), commercial (20 %)
/// 3. inside a named area of ``Geography/areas`` (Westfalenhütte, Phoenix West, parks, the
///    City, the Nordstadt, …): that area's mix
/// 4. within 40 m of a rail line: transport (85 %)
/// 5. within 90 m of a main road: commercial (35 %)
/// 6. within 350 m of a DB station: mixed (35 %)
/// 7. smooth noise above a threshold (lower near the city boundary and in the south): green
/// 8. otherwise residential (86 %), mixed (5 %), commercial (5 %), industrial (4 %)
struct LandUseField: Sendable {
    let seed: UInt64
    let basins: PreparedGeometry
    let canal: PreparedGeometry
    let rail: PreparedGeometry
    let roads: PreparedGeometry
    let stations: PreparedGeometry
    let areas: [(area: Geography.Area, centre: Coordinate)]
    let boundary: PreparedGeometry
    let noise: ValueNoise

    func landUse(at c: Coordinate, random: inout SeededRandom) throws -> LandUse {
        let point = try Geometry(point: c, crs: .etrs89UTM32N)
        func pick(_ mix: [(LandUse, Double)], otherwise: LandUse? = nil) -> LandUse? {
            var u = random.unit()
            for (use, p) in mix {
                if u < p { return use }
                u -= p
            }
            return otherwise
        }
        if try basins.isWithinDistance(450, of: point) {
            return pick([(.harbour, 0.8), (.brownfield, 0.12), (.industrial, 0.08)])!
        }
        if try canal.isWithinDistance(220, of: point) {
            return pick([(.industrial, 0.55), (.green, 0.25), (.commercial, 0.2)])!
        }
        for (area, centre) in areas {
            let dx = c.x - centre.x, dy = c.y - centre.y
            if dx * dx + dy * dy <= area.radius * area.radius, let use = pick(area.mix) { return use }
        }
        if try rail.isWithinDistance(40, of: point), random.chance(0.85) { return .transport }
        if try roads.isWithinDistance(90, of: point), random.chance(0.35) { return .commercial }
        if try stations.isWithinDistance(350, of: point), random.chance(0.35) { return .mixed }
        var threshold = 0.66
        if try boundary.isWithinDistance(800, of: point) { threshold -= 0.12 }
        if c.y < 5_702_000 { threshold -= 0.08 }
        if noise.value(c.x, c.y) > threshold { return .green }
        return pick([(.residential, 0.86), (.mixed, 0.05), (.commercial, 0.05), (.industrial, 0.04)])!
    }

    /// Lots per unit of block area, relative to residential land: mixed centres are cut
    /// finer, industry, the harbour and green land into few large lots.
    static func density(_ use: LandUse) -> Double {
        switch use {
        case .residential: return 1.0
        case .mixed: return 1.3
        case .commercial: return 0.45
        case .industrial: return 0.18
        case .harbour: return 0.3
        case .green: return 0.06
        case .brownfield: return 0.3
        case .transport: return 0.15
        }
    }

    /// A lot's use within a block of `use`: residential blocks hold some shops and mixed
    /// houses, mixed blocks some plain housing.
    static func lotUse(_ use: LandUse, random: inout SeededRandom) -> LandUse {
        switch use {
        case .residential:
            let u = random.unit()
            return u < 0.06 ? .mixed : (u < 0.10 ? .commercial : .residential)
        case .mixed:
            return random.chance(0.3) ? .residential : .mixed
        default:
            return use
        }
    }

    /// GRZ and full storeys drawn for a lot: some residential, mixed and commercial lots are
    /// left underused (GRZ below 0.1) on purpose, as real cities have them.
    static func drawGRZ(_ use: LandUse, random: inout SeededRandom) -> (grz: Double, floors: Int) {
        func underused() -> Bool { random.chance(0.08) }
        switch use {
        case .residential:
            if underused() { return (random.uniform(0.02, 0.09), 1) }
            return (random.uniform(0.18, 0.4), random.integer(1...4))
        case .mixed:
            if underused() { return (random.uniform(0.02, 0.09), 2) }
            return (random.uniform(0.35, 0.7), random.integer(3...6))
        case .commercial:
            if underused() { return (random.uniform(0.02, 0.09), 1) }
            return (random.uniform(0.3, 0.6), random.integer(1...4))
        case .industrial: return (random.uniform(0.3, 0.6), random.integer(1...2))
        case .harbour: return (random.uniform(0.2, 0.5), random.integer(1...2))
        case .transport: return random.chance(0.2) ? (random.uniform(0.03, 0.08), 1) : (0, 0)
        case .green: return random.chance(0.1) ? (random.uniform(0.005, 0.02), 1) : (0, 0)
        case .brownfield: return (0, 0)
        }
    }

    /// The building function written with a footprint (ALKIS-like, in German as ALKIS has it).
    static func buildingFunction(_ use: LandUse) -> String {
        switch use {
        case .residential: return "Wohngebäude"
        case .mixed: return "Wohn- und Geschäftsgebäude"
        case .commercial: return "Gebäude für Handel und Dienstleistungen"
        case .industrial: return "Gebäude für Gewerbe und Industrie"
        case .harbour: return "Lagerhalle"
        case .transport: return "Gebäude für Verkehr"
        case .green: return "Gebäude für Erholung"
        case .brownfield: return "Ruine"
        }
    }
}
