import ArgumentParser
import GeoCore

struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "version",
        abstract: "Print the versions of the tool, GEOS and PROJ.",
        discussion: """
        The versions are those of the libraries loaded at run time, for bug reports; every run \
        also records them in its report and manifest.

        Example: nordwaerts version
        """
    )

    func run() throws {
        print("nordwaerts \(Versions.toolkit)")
        print("GEOS \(Versions.geos)")
        print("PROJ \(Versions.proj)")
    }
}
