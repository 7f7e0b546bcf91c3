import Foundation

/// Independent checks of written files: GDAL's ogrinfo and the RFC 7946 checker of ../shared.
public enum Checks {
    /// The feature count GDAL reads from a file (`ogrinfo -al -so`), or nil with GDAL's complaint.
    public static func ogrFeatureCount(_ path: String) throws -> (count: Int?, output: String) {
        let result = try ExternalTools.run("ogrinfo", ["-ro", "-al", "-so", path])
        let line = result.stdout.split(separator: "\n").first { $0.hasPrefix("Feature Count:") }
        let count = line.flatMap { Int($0.split(separator: ":").last!.trimmingCharacters(in: .whitespaces)) }
        return (result.status == 0 ? count : nil, result.stdout + result.stderr)
    }

    /// Runs ../shared/tools/rfc7946_check.py; nil when ../shared is absent (the caller skips).
    public static func rfc7946(_ paths: [String], decimals: Int = 7) throws -> (passed: Bool, output: String)? {
        guard let checker = ExternalTools.sharedFile("tools/rfc7946_check.py") else { return nil }
        let result = try ExternalTools.run("python3", [checker.path] + paths + ["--decimals", String(decimals)])
        return (result.status == 0, result.stdout + result.stderr)
    }

    /// Twice the signed area of a ring given as [[x, y], ...] (positive: counter-clockwise).
    public static func signedArea(_ ring: [[Double]]) -> Double {
        var sum = 0.0
        for i in 0..<(ring.count - 1) {
            sum += ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1]
        }
        return sum
    }

    /// A GeoJSON file parsed by Foundation's JSONSerialization: an independent reader.
    public static func json(_ path: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return try JSONSerialization.jsonObject(with: data) as! [String: Any]
    }
}
