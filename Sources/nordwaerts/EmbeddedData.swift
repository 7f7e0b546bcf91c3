import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

/// Finds the embedded dataset (datasets/dortmund of the repository, or an installed copy)
/// from any working folder.
enum EmbeddedData {
    /// The dataset's folder name inside `datasets/` and `share/nordwaerts/`.
    static let name = "dortmund"

    /// The folder holding the embedded dataset, looked for in this order:
    /// `$NORDWAERTS_DATA`; `share/nordwaerts/dortmund` beside the binary's `bin/` (an
    /// installed release); `datasets/dortmund` in a folder above the binary (a build inside
    /// the repository); `datasets/dortmund` above the working folder. Exit 66 when none holds it.
    static func directory(holding files: [String] = realLayers + ["parcels.geojson"]) throws -> String {
        var tried: [String] = []
        if let environment = ProcessInfo.processInfo.environment["NORDWAERTS_DATA"], !environment.isEmpty {
            if holds(files, environment) { return environment }
            throw CLIError(.noInput, "NORDWAERTS_DATA=\(environment) does not hold the embedded dataset (\(files.joined(separator: ", ")))")
        }
        var candidates: [String] = []
        if let executable = executablePath() {
            var folder = parent(executable)
            candidates.append(parent(folder) + "/share/nordwaerts/" + name)
            while folder != "/" && !folder.isEmpty {
                candidates.append(folder + "/datasets/" + name)
                folder = parent(folder)
            }
        }
        var folder = FileManager.default.currentDirectoryPath
        while folder != "/" && !folder.isEmpty {
            candidates.append(folder + "/datasets/" + name)
            folder = parent(folder)
        }
        for candidate in candidates {
            if holds(files, candidate) { return candidate }
            tried.append(candidate)
        }
        throw CLIError(.noInput, """
            cannot find the embedded dataset: set NORDWAERTS_DATA to its folder, or install it as \
            share/nordwaerts/\(name) beside the binary's bin/ folder (looked in \(tried.prefix(3).joined(separator: ", ")), …)
            """)
    }

    /// The real layers every dataset folder holds (copied by `generate`).
    static let realLayers = ["stadtbezirke.geojson", "vrr_stations.geojson", "db_stations.geojson", "rs1.geojson",
                             "addresses.csv", "zensus2011_1km.geojson", "zensus2011_100m_innenstadt_nord.geojson"]

    static func holds(_ files: [String], _ folder: String) -> Bool {
        files.allSatisfy { FileManager.default.fileExists(atPath: folder + "/" + $0) }
    }

    private static func executablePath() -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard n > 0 else { return nil }
        return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func parent(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}
