import ArgumentParser
import GeoCore

struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "version",
        abstract: "Print the versions of the tool, GEOS and PROJ."
    )

    func run() throws {
        print("nordwaerts \(Versions.toolkit)")
        print("GEOS \(Versions.geos)")
        print("PROJ \(Versions.proj)")
    }
}
