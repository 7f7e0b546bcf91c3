import ArgumentParser
import FoundationEssentials
import Scenario

/// `nordwaerts compare`: the differences between two run folders.
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare two run folders per district and per parcel.",
        discussion: """
        Writes what 'run' writes to comparison/ for a variant: districts.csv, districts.json and \
        districts.geojson with every numeric indicator of RUN_B and its change from RUN_A \
        (<column>_change = B − A), and parcels.csv and parcels.geojson with the parcels whose \
        results differ, were added or removed. Any two folders made by 'run' compare, also runs \
        of two scenarios on the same parcels.

        Example: nordwaerts compare runs/2026-baseline runs/2026-more-transit --out runs/diff
        """
    )

    @Argument(help: "The first run folder (the baseline).")
    var runA: String

    @Argument(help: "The second run folder.")
    var runB: String

    @Option(help: "The output folder.")
    var out: String

    @Flag(help: "Replace an existing output folder once the comparison has succeeded.")
    var force = false

    func run() throws {
        try reportingErrors {
            for folder in [runA, runB] where !FileManager.default.fileExists(atPath: folder + "/districts.csv") {
                throw CLIError(.noInput, "\(folder) is not a run folder: it has no districts.csv")
            }
            let folder = try OutputFolder(path: out, force: force)
            try RunComparison(baseline: runA, variant: runB).write(into: folder.temporary, baselineName: runA, variantName: runB)
            try folder.commit()
            printError("nordwaerts: comparison of \(runB) against \(runA) in \(folder.path)")
        }
    }
}
