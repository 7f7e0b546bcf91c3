import Foundation
import Testing
import GeoCore
import TestSupport
@testable import GeoIO

@Suite struct CSVTests {
    func write(_ text: String) throws -> String {
        let path = try ExternalTools.temporaryDirectory().appendingPathComponent("points.csv").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func columnsAreTypedAndCodesStayText() throws {
        let path = try write("""
        name,RW,HW,UBZ,count,share,flag,note
        "Hafen, Speicherstraße",391238.57,5705056.61,041,3,0.5,true,
        Eving,393000,5712000,613,4,1,false,"a ""quoted"" note"
        """)
        let reader = try CSVPointReader(path: path, options: ReadOptions(crs: .etrs89UTM32N))
        #expect(reader.xColumn == "RW" && reader.yColumn == "HW")
        #expect(reader.schema.fields.map(\.type) == [.string, .string, .integer, .double, .boolean, .string])
        guard case let .feature(first)? = try reader.next(), case let .feature(second)? = try reader.next() else {
            Issue.record("rows missing"); return
        }
        #expect(first.geometry?.x == 391238.57 && first.geometry?.y == 5705056.61)
        #expect(first.properties["name"] == .string("Hafen, Speicherstraße"))
        #expect(first.properties["UBZ"] == .string("041") && second.properties["UBZ"] == .string("613"))
        #expect(second.properties["share"] == .double(1) && first.properties["flag"] == .bool(true))
        #expect(second.properties["note"] == .string("a \"quoted\" note") && first.properties["note"] == .null)
        #expect(first.properties["RW"] == nil)
    }

    @Test func semicolonsAndDecimalCommas() throws {
        let path = try write("lon;lat;Name\n7,45889;51,5175;Hbf\n")
        let reader = try CSVPointReader(path: path, options: ReadOptions(crs: .wgs84))
        guard case let .feature(f)? = try reader.next() else { Issue.record("no row"); return }
        #expect(f.geometry?.x == 7.45889 && f.geometry?.y == 51.5175)
    }

    @Test func badRowsAreRejectedAndCRSIsRequired() throws {
        let path = try write("x,y,a\n1,2,ok\nnot,2,bad\n3,4\n")
        #expect(throws: IOError.self) { try CSVPointReader(path: path) }
        let reader = try CSVPointReader(path: path, options: ReadOptions(crs: .etrs89UTM32N))
        var reasons: [String] = []
        var lines: [Int?] = []
        while let item = try reader.next() {
            if case let .rejected(problem, raw) = item {
                reasons.append(problem.reason)
                lines.append(problem.location?.line)
                #expect(raw != nil)
            }
        }
        #expect(reasons.count == 2 && reasons[0].contains("not numbers") && reasons[1].contains("2 fields"))
        #expect(lines == [3, 4])
    }

    @Test func realDortmundAddresses() throws {
        guard let file = ExternalTools.sharedFile("data/dortmund/kor-addrlink/dortmund_adressen.csv") else { return }
        let reader = try CSVPointReader(path: file.path, options: ReadOptions(crs: .etrs89UTM32N))
        var count = 0, rejected = 0
        var bounds = Envelope.empty
        while let item = try reader.next() {
            switch item {
            case let .feature(f): count += 1; bounds.formUnion(f.geometry!.envelope)
            case .rejected: rejected += 1
            }
        }
        // SOURCES.md: 109 700 rows, bounding box 382290.40, 5697384.97, 405271.77, 5717364.14.
        #expect(count == 109_700 && rejected == 0)
        #expect(abs(bounds.minX - 382290.40) < 0.005 && abs(bounds.minY - 5697384.97) < 0.005)
        #expect(abs(bounds.maxX - 405271.77) < 0.005 && abs(bounds.maxY - 5717364.14) < 0.005)
        #expect(reader.schema["STRNAME"]?.type == .string && reader.schema["HNR"]?.type == .integer)
    }
}
