import GeoCore
import UrbanAnalysis

/// The places the model puts at roughly their real positions. All of it is **modelled**:
/// positions are rounded from public maps, shapes are schematic, and nothing here is survey
/// data. Longitude/latitude (WGS 84) unless a name says otherwise.
enum Geography {
    /// The Dortmund harbour (Hafen), E 391946 N 5709458 in EPSG:25832.
    static let harbour = Coordinate(391946, 5709458)
    /// The direction the harbour basins run in (towards north-north-west), as a unit vector.
    static let basinDirection = Coordinate(-0.3420201433, 0.9396926208) // 20° west of north

    /// The basins from west to east, with their length (m). Names of the real basins; their
    /// sizes and placement are schematic.
    static let basins: [(name: String, length: Double)] = [
        ("Südhafen", 480), ("Schmiedinghafen", 640), ("Stadthafen", 720), ("Hardenberghafen", 640), ("Kanalhafen", 520),
    ]
    static let basinWidth = 70.0
    static let basinSpacing = 170.0

    /// The Dortmund-Ems-Kanal from the harbour's turning basin to the city boundary north of
    /// Ellinghausen (it continues to Waltrop and Henrichenburg).
    static let canal: [(Double, Double)] = [(7.4280, 51.5450), (7.4200, 51.5640), (7.4080, 51.5850), (7.3990, 51.6060)]
    static let canalWidth = 50.0

    /// Rail corridors as sequences of real DB stations (by name in the DB layer). The order
    /// follows the lines as we understand them; the track between stations is a straight line.
    static let railLines: [(id: String, name: String, stations: [String])] = [
        ("S1", "S1 Dortmund Hbf – Universität – Kley", ["Dortmund Hbf", "Dortmund West", "Dortmund-Dorstfeld", "Dortmund Universität", "Dortmund-Oespel", "Dortmund-Kley"]),
        ("S2", "S2 Dortmund Hbf – Huckarde Nord – Mengede", ["Dortmund Hbf", "Dortmund-Huckarde Nord", "Dortmund-Westerfilde", "Dortmund-Nette/Oestrich", "Dortmund-Mengede"]),
        ("S4", "S4 Lütgendortmund – Stadthaus – Wickede", ["Dortmund-Lütgendortmund", "Dortmund-Germania", "Dortmund-Marten Süd", "Dortmund-Dorstfeld Süd", "Dortmund Möllerbrücke", "Dortmund Stadthaus", "Dortmund-Körne West", "Dortmund-Körne", "Dortmund Knappschaftskrankenhaus", "Dortmund-Asseln Mitte", "Dortmund-Wickede West", "Dortmund-Wickede"]),
        ("RB51", "RB51 Dortmund Hbf – Kirchderne – Derne", ["Dortmund Hbf", "Dortmund-Kirchderne", "Dortmund-Derne"]),
        ("RE-Hamm", "Dortmund Hbf – Scharnhorst – Kurl (towards Hamm)", ["Dortmund Hbf", "Dortmund-Scharnhorst", "Dortmund-Kurl"]),
        ("RB-Hörde", "Dortmund Hbf – Signal Iduna Park – Hörde – Aplerbeck", ["Dortmund Hbf", "Dortmund Signal Iduna Park", "Dortmund-Hörde", "Dortmund-Aplerbeck Süd", "Dortmund-Aplerbeck", "Dortmund-Sölde"]),
    ]

    /// Main roads (Bundesstraßen) through waypoints: schematic courses.
    static let roads: [(id: String, name: String, points: [(Double, Double)])] = [
        ("B54", "B54 (Hagen – Dortmund – Lünen)", [(7.4460, 51.4160), (7.4530, 51.4600), (7.4620, 51.5000), (7.4600, 51.5230), (7.4660, 51.5500), (7.4720, 51.5800), (7.4700, 51.6000)]),
        ("B236", "B236 (Schwerte – Dortmund – Lünen)", [(7.5600, 51.4200), (7.5450, 51.4800), (7.5200, 51.5150), (7.5050, 51.5350), (7.5150, 51.5600), (7.5200, 51.6000)]),
        ("B1", "B1 (Bochum – Dortmund – Unna)", [(7.3020, 51.4950), (7.3600, 51.5000), (7.4300, 51.5050), (7.4700, 51.5050), (7.5200, 51.5110), (7.6000, 51.5230), (7.6380, 51.5280)]),
    ]

    /// A place with its own land-use mix: centre, radius (m) and class probabilities.
    struct Area {
        let name: String
        let centre: (Double, Double)
        let radius: Double
        let mix: [(LandUse, Double)]
    }

    static let areas: [Area] = [
        Area(name: "Westfalenhütte", centre: (7.5000, 51.5280), radius: 900, mix: [(.brownfield, 0.55), (.industrial, 0.35), (.commercial, 0.10)]),
        Area(name: "Phoenix West", centre: (7.4780, 51.4910), radius: 500, mix: [(.brownfield, 0.5), (.commercial, 0.3), (.green, 0.2)]),
        Area(name: "Kokerei Hansa", centre: (7.4130, 51.5380), radius: 350, mix: [(.brownfield, 0.6), (.green, 0.4)]),
        Area(name: "Ellinghausen", centre: (7.4400, 51.5650), radius: 800, mix: [(.industrial, 0.8), (.commercial, 0.2)]),
        Area(name: "Dortmund-Ost", centre: (7.5850, 51.5350), radius: 600, mix: [(.commercial, 0.6), (.industrial, 0.4)]),
        Area(name: "Technologiepark", centre: (7.4100, 51.4900), radius: 600, mix: [(.commercial, 0.6), (.mixed, 0.2), (.green, 0.2)]),
        Area(name: "Westfalenpark", centre: (7.4760, 51.4970), radius: 550, mix: [(.green, 1)]),
        Area(name: "Rombergpark", centre: (7.4660, 51.4790), radius: 450, mix: [(.green, 1)]),
        Area(name: "Fredenbaumpark", centre: (7.4550, 51.5380), radius: 400, mix: [(.green, 1)]),
        Area(name: "Revierpark Wischlingen", centre: (7.4050, 51.5200), radius: 450, mix: [(.green, 1)]),
        Area(name: "Hauptfriedhof", centre: (7.5270, 51.5130), radius: 450, mix: [(.green, 1)]),
        Area(name: "Bittermark", centre: (7.4650, 51.4400), radius: 1600, mix: [(.green, 0.9), (.residential, 0.1)]),
        Area(name: "Grävingholz", centre: (7.4870, 51.5720), radius: 700, mix: [(.green, 1)]),
        Area(name: "Rahmer Wald", centre: (7.3850, 51.5270), radius: 500, mix: [(.green, 1)]),
        Area(name: "Niederhofer Wald", centre: (7.5200, 51.4600), radius: 800, mix: [(.green, 0.9), (.residential, 0.1)]),
        Area(name: "City", centre: (7.4660, 51.5140), radius: 1000, mix: [(.mixed, 0.55), (.commercial, 0.35), (.residential, 0.10)]),
        Area(name: "Nordstadt", centre: (7.4550, 51.5270), radius: 1000, mix: [(.residential, 0.5), (.mixed, 0.45), (.commercial, 0.05)]),
    ]
}
