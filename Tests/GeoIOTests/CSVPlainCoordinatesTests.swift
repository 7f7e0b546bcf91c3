import Foundation
import Testing
import GeoCore
import TestSupport
@testable import GeoIO

/// `CSVPointReader.plainCoordinates`: the coordinates of a plain CSV as the feature reader
/// reads them (the expected values are the literals of the file, read by the compiler), and
/// nil for every file it leaves to that reader.
@Suite struct CSVPlainCoordinatesTests {
    func write(_ text: String, name: String = "plain.csv") throws -> String {
        let path = try ExternalTools.temporaryDirectory().appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func plainRowsGiveTheirCoordinatesInFileOrder() throws {
        let path = try write("\u{FEFF}STRNAME,STRSL,HNR,HNRZ,RW,HW,UBZ\r\nA,77414,5,,391238.57,5705056.61,613\r\n\r\nB,1,17,a,-391176.98,5704995,041\r\nC,2,1,,0.1,123456789012.125,1")
        let points = try #require(try CSVPointReader.plainCoordinates(path: path, options: ReadOptions(crs: .etrs89UTM32N)))
        #expect(points.x == [391238.57, -391176.98, 0.1])
        #expect(points.y == [5705056.61, 5704995, 123456789012.125])
    }

    @Test func semicolonsWithDecimalCommas() throws {
        let path = try write("x;y;name\n7,4588;51,5136;Dortmund\n")
        let points = try #require(try CSVPointReader.plainCoordinates(path: path, options: ReadOptions(crs: .wgs84)))
        #expect(points.x == [7.4588] && points.y == [51.5136])
    }

    @Test func anythingElseIsLeftToTheFeatureReader() throws {
        let crs = ReadOptions(crs: .etrs89UTM32N)
        for text in ["name,RW,HW\n\"A, B\",1,2\n",       // quotes
                     "name,RW,HW\nA,1,2,3\n",            // a row with more fields than the header
                     "id,RW,HW\n7,1,2\n",                // an id column names the rows
                     "name,RW,HW\nA, 1,2\n",             // a blank before the number
                     "name,RW,HW\nA,1e3,2\n",            // an exponent
                     "name,RW,HW\nA,.5,2\n",             // no digit before the point
                     "name,RW,HW\nA,,2\n",               // no coordinate
                     "name,P,Q\nA,1,2\n"] {              // no coordinate columns known
            #expect(try CSVPointReader.plainCoordinates(path: try write(text), options: crs) == nil, "\(text)")
        }
        #expect(try CSVPointReader.plainCoordinates(path: try write("lon,lat\n200,50\n"), options: ReadOptions(crs: .wgs84)) == nil)
        #expect(try CSVPointReader.plainCoordinates(path: try write("RW,HW\n1,2\n"), options: ReadOptions()) == nil)
    }

    /// Many rows (several pieces parsed on all cores), equal to the feature reader's points.
    @Test func manyRowsEqualTheFeatureReader() throws {
        var text = "name,RW,HW\n"
        for i in 0..<40000 { text += "n\(i),\(380000 + Double(i) * 0.37),\(5700000 + Double(i % 977) * 12.345678901)\n" }
        let path = try write(text, name: "many.csv")
        let points = try #require(try CSVPointReader.plainCoordinates(path: path, options: ReadOptions(crs: .etrs89UTM32N)))
        let reader = try CSVPointReader(path: path, options: ReadOptions(crs: .etrs89UTM32N))
        var k = 0
        while let item = try reader.next() {
            guard case let .feature(f) = item else { Issue.record("rejected row \(k)"); return }
            #expect(f.geometry?.x == points.x[k] && f.geometry?.y == points.y[k])
            k += 1
        }
        #expect(k == 40000 && points.x.count == 40000)
    }
}
