import ArgumentParser
import FoundationEssentials
import GeoCore
import GeoIO
import UrbanAnalysis
import DortmundModel

/// `nordwaerts generate`: the modelled layers of a dataset, inside the real districts.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Make a modelled Dortmund dataset: parcels, buildings, harbour, corridors inside the real districts.",
        discussion: """
        Builds land parcels with ALKIS-like attributes (flstkennz, gemarkung, flur, land use in \
        eight classes, floors, built area), building footprints inside them, the harbour \
        (basins, quays and the start of the Dortmund-Ems-Kanal) and corridors (Stadtbahn lines \
        through their real VRR stops, rail through the real DB stations, main roads) inside the \
        real Stadtbezirke, and copies the real layers beside them, so that OUT is a complete \
        dataset. A seed gives byte-identical files. Everything it makes is modelled, not \
        surveyed: see datasets/README.md.

        Example: nordwaerts generate --parcels 100000 --seed 7 --out /tmp/dortmund-100k
        """
    )

    @Option(help: "How many parcels to make, exactly (100 to 5,000,000).")
    var parcels = 10_000

    @Option(help: "The seed of every random choice.")
    var seed: UInt64 = 7

    @Option(help: "The folder to write (created when missing; files in it are replaced).")
    var out: String

    @Option(help: "The folder with the real layers (stadtbezirke.geojson, vrr_stations.geojson, db_stations.geojson, rs1.geojson). Default: the embedded dataset.")
    var data: String?

    func validate() throws {
        guard (100...5_000_000).contains(parcels) else { throw ValidationError("--parcels must be from 100 to 5,000,000, not \(parcels)") }
    }

    func run() throws {
        try reportingErrors {
            let source = try data ?? EmbeddedData.directory(holding: EmbeddedData.realLayers)
            let (districts, _) = try Layer.read(path: source + "/stadtbezirke.geojson", name: "districts")
            let (vrr, _) = try Layer.read(path: source + "/vrr_stations.geojson", name: "vrr_stations")
            let (db, _) = try Layer.read(path: source + "/db_stations.geojson", name: "db_stations")
            let generator = CityGenerator(parcels: parcels, seed: seed)
            let city = try generator.generate(.init(districts: districts, vrrStations: vrr, dbStations: db))
            try city.write(to: out)
            // The modelled timetable beside the layers (gtfs/; the other files are not touched).
            try TransitFeedGenerator().write(vrrStations: vrr, to: out + "/gtfs")
            // The street network: a file of its own, so the layers above keep their bytes.
            let streets = try generator.streets(.init(districts: districts, vrrStations: vrr, dbStations: db))
            try streets.write(to: out + "/streets.geojson", options: GeoJSONWriteOptions(crs: .etrs89UTM32N, precision: 2))
            if source != out {
                for name in EmbeddedData.realLayers {
                    guard let bytes = FileManager.default.contents(atPath: source + "/" + name) else {
                        throw CLIError(.noInput, "cannot read \(source)/\(name)")
                    }
                    let file = try OutputFile(path: out + "/" + name)
                    try file.write(Array(bytes))
                    try file.commit()
                }
            }
            printError("generate: \(city.parcels.count) parcels, \(city.buildings.count) buildings, \(city.corridors.count) corridors, \(streets.count) street segments → \(out)")
        }
    }
}
