import Foundation
import Testing
import TestSupport

/// What a user meets with hostile or broken files and interrupted runs: plain messages, the
/// documented exit codes, bounded memory, nothing left behind.
@Suite struct HostileInputCLITests {
    let dataset = ExternalTools.packageRoot.appendingPathComponent("datasets/dortmund").path

    func nordwaerts(_ arguments: [String]) throws -> ExternalTools.Result {
        try ExternalTools.run(ExternalTools.nordwaerts, arguments)
    }

    /// Runs the CLI under a small Python wrapper that gives it 120 s at most (a hang fails
    /// the test instead of stalling it) and prints its exit code and peak resident memory in
    /// KiB (getrusage of the child), measured by the kernel, not by the tool.
    func measured(_ arguments: [String]) throws -> (status: Int32, peakKiB: Int, stderr: String) {
        let wrapper = """
        import resource, subprocess, sys
        r = subprocess.run(sys.argv[1:], capture_output=True, timeout=120)
        sys.stderr.write(r.stderr.decode(errors="replace"))
        print(r.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
        """
        let r = try ExternalTools.run("python3", ["-c", wrapper, ExternalTools.nordwaerts] + arguments)
        let parts = r.stdout.split(separator: " ").map { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1 }
        #expect(r.status == 0 && parts.count == 2, "the wrapper failed (a hang?): \(r.stderr)")
        return (Int32(parts.first ?? -1), parts.last ?? -1, r.stderr)
    }

    @Test func hostileScenariosAreRefusedInBoundedMemory() throws {
        let folder = try ExternalTools.temporaryDirectory().path
        // Nine levels of nine aliases: 9⁹ values in 290 bytes.
        var bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n"
        for level in 1..<9 {
            let name = String(UnicodeScalar(UInt8(97 + level))), before = String(UnicodeScalar(UInt8(96 + level)))
            bomb += "\(name): &\(name) [" + Array(repeating: "*\(before)", count: 9).joined(separator: ", ") + "]\n"
        }
        // Just under 1 MB each: a flat list of 499,990 values, and lists nested 500,000 deep.
        let flat = "inputs: [" + Array(repeating: "1", count: 499_990).joined(separator: ",") + "]\n"
        let deep = String(repeating: "[", count: 500_000) + String(repeating: "]", count: 500_000)
        let cases: [(name: String, text: String, message: String)] = [
            ("bomb.yaml", bomb, "bomb.yaml:6: the scenario is too large: it holds more than 200000 values, every use of a YAML alias counted in full"),
            ("flat.yaml", flat, "flat.yaml:1: the scenario is too large"),
            ("deep.yaml", deep, "deep.yaml: not a YAML or JSON scenario: line 1, column 1: lists and mappings nested more than 1000 levels deep"),
        ]
        // The memory bound holds for the plain build (`swift test`). Under AddressSanitizer or
        // ThreadSanitizer (this test process is built like the CLI) shadow memory and ASan's
        // quarantine of freed blocks (256 MB by default) make resident memory meaningless, so
        // there only the refusal is checked.
        let sanitized = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "__asan_init") != nil
            || dlsym(UnsafeMutableRawPointer(bitPattern: 0), "__tsan_init") != nil
        let bound = sanitized ? Int.max : 100 * 1024
        for c in cases {
            #expect(c.text.utf8.count < 1 << 20)
            try c.text.write(toFile: folder + "/" + c.name, atomically: true, encoding: .utf8)
            let r = try measured(["run", folder + "/" + c.name, "--out", folder + "/out", "--quiet"])
            #expect(r.status == 64 && r.stderr.contains(c.message), "\(c.name): \(r.status) \(r.stderr)")
            #expect(r.peakKiB > 0 && r.peakKiB < bound, "\(c.name): peak \(r.peakKiB) KiB")
        }
        #expect(!FileManager.default.fileExists(atPath: folder + "/out"))
    }

    @Test func aScenarioThatIsNotTextSaysWhere() throws {
        let folder = try ExternalTools.temporaryDirectory().path
        // "inputs:\n" (8 bytes) and "  parcels: {path: Stra" (22): the Latin-1 ß is byte 30.
        let bytes = Array("inputs:\n  parcels: {path: Stra".utf8) + [0xDF] + Array("e.geojson}\n".utf8)
        try Data(bytes).write(to: URL(fileURLWithPath: folder + "/latin1.yaml"))
        let r = try nordwaerts(["run", folder + "/latin1.yaml", "--out", folder + "/out", "--quiet"])
        #expect(r.status == 64 && r.stderr.contains("latin1.yaml: not a YAML or JSON scenario: not UTF-8 text at byte 30 (line 2)"), "\(r.stderr)")
        // A binary file: a PNG header (byte 0 is 0x89).
        try Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]).write(to: URL(fileURLWithPath: folder + "/image.yaml"))
        let png = try nordwaerts(["run", "--check", folder + "/image.yaml"])
        #expect(png.status == 64 && png.stderr.contains("not UTF-8 text at byte 0 (line 1)"), "\(png.stderr)")
    }

    @Test func fileErrorsAreToldInPlainWords() throws {
        let r = try nordwaerts(["run", "--out", "/proc/x", "--quiet"])
        #expect(r.status == 73, "\(r.stderr)")
        #expect(r.stderr.contains("cannot create /proc/.x.tmp-") && r.stderr.contains(": No such file or directory"), "\(r.stderr)")
        #expect(!r.stderr.contains("Domain") && !r.stderr.contains("Code="), "\(r.stderr)")
        // An output folder whose parent is a file.
        let folder = try ExternalTools.temporaryDirectory().path
        try "x".write(toFile: folder + "/file", atomically: true, encoding: .utf8)
        let under = try nordwaerts(["run", "--out", folder + "/file/out", "--quiet"])
        #expect(under.status == 73 && under.stderr.contains("cannot create \(folder)/file/.out.tmp-") && under.stderr.contains("Not a directory"), "\(under.stderr)")
        // compare into an impossible place, and convert to one.
        let compare = try nordwaerts(["compare", folder, folder, "--out", "/proc/y"])
        #expect(!compare.stderr.contains("Domain"), "\(compare.stderr)")
        let convert = try nordwaerts(["convert", dataset + "/stadtbezirke.geojson", "/proc/z/out.geojson"])
        #expect(convert.status == 73 && convert.stderr.contains("/proc/z") && !convert.stderr.contains("Domain"), "\(convert.stderr)")
    }

    @Test func misspeltAnalysisKindsGetASuggestion() throws {
        let folder = try ExternalTools.temporaryDirectory().path
        try """
        inputs:
          districts: {path: \(dataset)/stadtbezirke.geojson}
          parcels: {path: \(dataset)/parcels.geojson}
        analyses:
          - kind: rooftop-solr
        """.write(toFile: folder + "/s.yaml", atomically: true, encoding: .utf8)
        let r = try nordwaerts(["run", "--check", folder + "/s.yaml"])
        #expect(r.status == 64 && r.stderr.contains("s.yaml:5: unknown analysis kind 'rooftop-solr': did you mean `rooftop-solar`?"), "\(r.stderr)")
    }

    /// SIGINT and SIGTERM, with and without variants: the run removes its temporary folder,
    /// exits 130 or 143, and the previous results stay as they were.
    @Test func interruptedRunsCleanUpAndKeepThePreviousResults() throws {
        let variants = ExternalTools.packageRoot.appendingPathComponent("datasets/scenarios/more-transit.yaml").path
        for (signal, scenario) in [(SIGINT, [String]()), (SIGTERM, []), (SIGINT, [variants]), (SIGTERM, [variants])] {
            let work = try ExternalTools.temporaryDirectory().path
            try FileManager.default.createDirectory(atPath: work + "/results", withIntermediateDirectories: false)
            try "previous run".write(toFile: work + "/results/districts.csv", atomically: true, encoding: .utf8)
            let (process, started) = try ExternalTools.interruptedRun(["run"] + scenario + ["--out", "results", "--force", "--quiet"],
                                                                      in: work, output: "results", signal: signal)
            #expect(started, "the run did not start")
            let label = "signal \(signal) \(scenario.isEmpty ? "" : "with variants")"
            #expect(process.terminationReason == .exit && process.terminationStatus == 128 + signal, "\(label): \(process.terminationReason) \(process.terminationStatus)")
            let left = try FileManager.default.contentsOfDirectory(atPath: work)
            #expect(left == ["results"], "\(label) left \(left)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: work + "/results") == ["districts.csv"], "\(label)")
            #expect(try String(contentsOfFile: work + "/results/districts.csv", encoding: .utf8) == "previous run", "\(label)")
        }
    }
}
