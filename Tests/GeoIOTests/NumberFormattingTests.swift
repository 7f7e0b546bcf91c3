import Foundation
import Testing
@testable import GeoIO

/// Doubles in CSV and GeoJSON: the shortest text that reads back as the same double, as
/// Swift's `description` and Python's `repr` write it (the benchmark kit's rule).
@Suite struct NumberFormattingTests {
    func shortest(_ value: Double) -> String {
        var bytes: [UInt8] = []
        TextFields.appendShortest(value, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test func knownValues() {
        // As Python's repr prints them.
        #expect(shortest(0.1) == "0.1")
        #expect(shortest(12) == "12.0")
        #expect(shortest(1e-7) == "1e-07")
        #expect(shortest(-0.0) == "-0.0")
        #expect(shortest(1e16) == "1e+16")
        #expect(shortest(5e-324) == "5e-324")
        #expect(shortest(.greatestFiniteMagnitude) == "1.7976931348623157e+308")
        #expect(shortest(0.1 + 0.2) == "0.30000000000000004")
        #expect(shortest(.nan) == "null")
    }

    @Test func agreesWithDescriptionAndReadsBack() {
        var generator = SystemRandomNumberGenerator()
        for k in 0..<200_000 {
            let value = k % 2 == 0
                ? Double(bitPattern: UInt64.random(in: 0...UInt64.max, using: &generator))
                : Double.random(in: 0..<1, using: &generator) * pow(10, Double(Int.random(in: -12...20, using: &generator)))
            guard value.isFinite else { continue }
            let text = shortest(value)
            #expect(Double(text) == value, "\(text) does not read back as \(value)")
            #expect(text == value.description)
        }
    }
}
