/// The eight land-use classes every analysis speaks (the classes of the benchmark kit's
/// STANDARD PIPELINE, stage g): a source's own values are mapped onto them by
/// ``LandUseMapping``.
public enum LandUse: String, CaseIterable, Codable, Sendable, Comparable {
    case residential, mixed, commercial, industrial, harbour, green, brownfield, transport

    /// Classes that count as places where people live (population is spread over them).
    public var isResidential: Bool { self == .residential || self == .mixed }

    /// The class's position in ``allCases`` (0–7), for tables indexed by class.
    public var index: Int {
        switch self {
        case .residential: return 0
        case .mixed: return 1
        case .commercial: return 2
        case .industrial: return 3
        case .harbour: return 4
        case .green: return 5
        case .brownfield: return 6
        case .transport: return 7
        }
    }

    public static func < (a: LandUse, b: LandUse) -> Bool { a.index < b.index }
}

/// How a layer's land-use values map onto ``LandUse``: the eight English class names
/// always map to themselves (any case); `values` adds a source's own names, such as ALKIS
/// "tatsächliche Nutzung" (`nutzart`) values.
public struct LandUseMapping: Codable, Sendable, Equatable {
    /// Source value (compared without regard to case) → class.
    public var values: [String: LandUse]

    public init(values: [String: LandUse] = [:]) {
        self.values = Dictionary(values.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { a, _ in a })
    }

    /// The class of a source value, or nil when it is not mapped (the analyses count such
    /// parcels under "unmapped" and say so, never guess).
    public func landUse(for value: String) -> LandUse? {
        if let use = LandUse(rawValue: value) { return use }
        let key = value.lowercased()
        return LandUse(rawValue: key) ?? values[key]
    }

    /// The common ALKIS "tatsächliche Nutzung" object types and `nutzart` values of NRW
    /// (AdV GeoInfoDok 7.1): what a real ALKIS export needs.
    public static let alkis = LandUseMapping(values: [
        "Wohnbaufläche": .residential, "AX_Wohnbauflaeche": .residential,
        "Fläche gemischter Nutzung": .mixed, "AX_FlaecheGemischterNutzung": .mixed,
        "Fläche besonderer funktionaler Prägung": .mixed, "AX_FlaecheBesondererFunktionalerPraegung": .mixed,
        "Handel und Dienstleistung": .commercial,
        "Industrie- und Gewerbefläche": .industrial, "AX_IndustrieUndGewerbeflaeche": .industrial,
        "Hafen": .harbour, "Hafenbecken": .harbour, "AX_Hafenbecken": .harbour, "AX_Hafen": .harbour,
        "Sport-, Freizeit- und Erholungsfläche": .green, "AX_SportFreizeitUndErholungsflaeche": .green,
        "Friedhof": .green, "AX_Friedhof": .green, "Wald": .green, "AX_Wald": .green,
        "Landwirtschaft": .green, "AX_Landwirtschaft": .green, "Gehölz": .green, "AX_Gehoelz": .green,
        "Unland/Vegetationslose Fläche": .brownfield, "AX_UnlandVegetationsloseFlaeche": .brownfield,
        "Halde": .brownfield, "AX_Halde": .brownfield, "Brachland": .brownfield,
        "Straßenverkehr": .transport, "AX_Strassenverkehr": .transport, "Weg": .transport, "AX_Weg": .transport,
        "Platz": .transport, "AX_Platz": .transport, "Bahnverkehr": .transport, "AX_Bahnverkehr": .transport,
    ])
}

extension LandUse: CodingKeyRepresentable {}
