import ArgumentParser
import Transit
#if canImport(Glibc)
import Glibc
#endif
import GeoCore
import GeoIO
import Scenario
import StreetNetwork
import UrbanAnalysis

/// The exit codes every subcommand uses (sysexits.h), listed in `nordwaerts --help`.
enum ExitStatus: Int32 {
    case ok = 0
    case failure = 1
    case usage = 64
    case dataError = 65
    case noInput = 66
    case cannotCreate = 73
}

/// An error the CLI reports with its own message and exit code.
struct CLIError: Error, CustomStringConvertible {
    let status: ExitStatus
    let message: String

    init(_ status: ExitStatus, _ message: String) {
        self.status = status
        self.message = message
    }

    var description: String { message }
}

/// Writes to standard error without buffering surprises.
func printError(_ text: String, terminator: String = "\n") {
    var line = text
    if !line.hasSuffix("\n") { line += terminator }
    var bytes = Array(line.utf8)
    var offset = 0
    while offset < bytes.count {
        let n = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress! + offset, $0.count - offset) }
        if n <= 0 { break }
        offset += n
    }
}

extension ParsableCommand {
    /// Runs `body`, turning the toolkit's errors into a message on stderr and the documented
    /// exit code, so that no subcommand needs its own mapping.
    func reportingErrors(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as CLIError {
            printError("nordwaerts: error: \(error.message)")
            throw ExitCode(error.status.rawValue)
        } catch let error as CRSError {
            printError("nordwaerts: error: \(error)")
            switch error {
            case .unknown, .noTransformation: throw ExitCode(ExitStatus.usage.rawValue)
            case .untransformable, .wrongSource: throw ExitCode(ExitStatus.dataError.rawValue)
            }
        } catch let error as IOError {
            printError("nordwaerts: error: \(error)")
            switch error {
            case .cannotOpen: throw ExitCode(ExitStatus.noInput.rawValue)
            case .cannotCreate: throw ExitCode(ExitStatus.cannotCreate.rawValue)
            case .malformed, .badFeature: throw ExitCode(ExitStatus.dataError.rawValue)
            case .unusable: throw ExitCode(ExitStatus.usage.rawValue)
            }
        } catch let error as ScenarioError {
            printError("nordwaerts: error: \(error)")
            throw ExitCode(error.exitCode)
        } catch let error as AnalysisError {
            printError("nordwaerts: error: \(error)")
            if case .invalidParameter = error { throw ExitCode(ExitStatus.usage.rawValue) }
            throw ExitCode(ExitStatus.dataError.rawValue)
        } catch let error as GTFSError {
            printError("nordwaerts: error: \(error)")
            if error.isMissingInput { throw ExitCode(ExitStatus.noInput.rawValue) }
            if case .invalidParameter = error { throw ExitCode(ExitStatus.usage.rawValue) }
            throw ExitCode(ExitStatus.dataError.rawValue)
        } catch let error as NetworkError {
            printError("nordwaerts: error: \(error)")
            throw ExitCode(ExitStatus.usage.rawValue)
        } catch let error as GeometryError {
            printError("nordwaerts: error: \(error)")
            throw ExitCode(ExitStatus.dataError.rawValue)
        } catch let error as ExitCode {
            throw error
        } catch {
            printError("nordwaerts: error: \(error)")
            throw ExitCode(ExitStatus.failure.rawValue)
        }
    }
}
