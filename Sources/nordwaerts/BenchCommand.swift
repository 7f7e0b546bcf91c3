import ArgumentParser
import Dispatch
import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif
import GeoCore
import GeoIO

/// Measurements for developers: speed and memory are checked here and in bench/, never by
/// timed unit tests.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure speed and memory of the core (for developers).",
        subcommands: [Soak.self, Analyses.self, Read.self, Departures.self, GeoPackage.self]
    )

    struct Soak: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create, operate on and free geometries in a loop; print resident memory as it goes.",
            discussion: """
            Each cycle builds a parcel polygon from flat coordinates, buffers it, measures it, \
            tests it against a shared prepared geometry, intersects it, transforms it to WGS 84 \
            and round-trips it through WKB. Flat memory over a million cycles means nothing leaks.

            Example: nordwaerts bench soak --cycles 1000000 --jobs 2
            """
        )

        @Option(help: "Number of cycles.")
        var cycles = 1_000_000

        @Option(help: "Threads to spread the cycles over (default 2).")
        var jobs: Int?

        @Option(help: "The same as --jobs (its earlier name).")
        var threads: Int?

        /// --jobs, else --threads, else 2.
        var workers: Int { jobs ?? threads ?? 2 }

        func run() throws {
            let utm = CRS.etrs89UTM32N
            let district = try PreparedGeometry(Geometry(x: 393000, y: 5710000, crs: utm).buffer(800))
            let transformer = try Transformer(from: utm, to: .wgs84)
            let report = max(1, cycles / 10)
            let start = Date()
            print("cycles,rss_mib,seconds")
            print("0,\(decimalText(residentMiB(), decimals: 1)),0")
            var done = 0
            while done < cycles {
                let batch = min(report, cycles - done)
                let perThread = (batch + workers - 1) / workers
                let offset = done
                DispatchQueue.concurrentPerform(iterations: workers) { t in
                    let first = offset + t * perThread
                    for i in first..<min(first + perThread, offset + batch) {
                        try! Soak.cycle(i, district, transformer, utm)
                    }
                }
                done += batch
                print("\(done),\(decimalText(residentMiB(), decimals: 1)),\(decimalText(Date().timeIntervalSince(start), decimals: 2))")
            }
        }

        static func cycle(_ i: Int, _ district: PreparedGeometry, _ transformer: Transformer, _ crs: CRS) throws {
            let x = 392000 + Double(i % 200) * 10, y = 5709000 + Double((i / 200) % 200) * 10
            let ring = [x, y, x + 8, y, x + 8, y + 6, x + 1, y + 7, x, y]
            let parcel = try Geometry(type: .polygon, flatCoordinates: ring, hasZ: false, counts: [1, 5], crs: crs)
            let grown = try parcel.buffer(2)
            _ = try grown.area() + parcel.length()
            if try district.intersects(parcel) { _ = try parcel.intersection(district.geometry).area() }
            _ = try transformer.transform(parcel).envelope
            _ = try Geometry(wkb: parcel.wkb(), crs: crs).isValid()
        }

        /// Resident memory of this process (/proc/self/statm).
        static func residentMiBNow() -> Double {
            guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
            let pages = text.split(separator: " ").dropFirst().first.flatMap { Double($0) } ?? 0
            return pages * Double(sysconf(Int32(_SC_PAGESIZE))) / 1_048_576
        }

        func residentMiB() -> Double { Soak.residentMiBNow() }
    }
}
