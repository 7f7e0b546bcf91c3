import ArgumentParser
import GeoCore
@main
struct Nordwaerts: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nordwaerts",
        abstract: "Urban-development analysis for Dortmund's northern districts, on GEOS and PROJ.",
        discussion: """
        Exit codes (sysexits):
          0   success
          64  usage error (unknown option, missing argument, bad option value)
          65  bad input data (malformed file, invalid coordinates, untransformable positions)
          66  input file missing or unreadable
          73  output file cannot be created
          1   any other failure
        """,
        version: Versions.toolkit,
        subcommands: [VersionCommand.self, TransformCommand.self, InspectCommand.self, ConvertCommand.self, ValidateCommand.self, RunCommand.self, CompareCommand.self, PipelineCommand.self, GenerateCommand.self, BenchCommand.self]
    )
}
