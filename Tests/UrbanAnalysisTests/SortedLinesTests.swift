import Foundation
import Testing
import TestSupport
@testable import UrbanAnalysis

/// parcels.csv's order: lines sorted by their ids in byte order, ids longer than the 16-byte
/// sort key settled by memcmp, repeated ids counted. Expected orders worked out by hand.
@Suite struct SortedLinesTests {
    func written(_ lines: [String]) throws -> (text: String, repeats: Int) {
        var sorted = StandardPipeline.SortedLines()
        for line in lines { sorted.append(ArraySlice(Array((line + "\n").utf8))) }
        let path = try ExternalTools.temporaryDirectory().appendingPathComponent("lines.csv").path
        let repeats = try sorted.write(to: path, header: ["id", "v"])
        return (try String(contentsOfFile: path, encoding: .utf8), repeats)
    }

    @Test func cadastralIDs() throws {
        let (text, repeats) = try written(["053302-007-00066,a", "053301-001-00001,b", "053302-007-00065,c", "053301-001-00001,d"])
        // Equal ids keep their input order (the sort is stable): b before d.
        #expect(text == "id,v\n053301-001-00001,b\n053301-001-00001,d\n053302-007-00065,c\n053302-007-00066,a\n")
        #expect(repeats == 1)
    }

    @Test func idsLongerThanTheKeyAndPrefixes() throws {
        // The first 16 bytes ("parcel-000000000") are the same for all; the rest decides, and a
        // prefix sorts first ("…0001" before "…00010"). Expected order from Python:
        // sorted(ids, key=str.encode).
        let (text, repeats) = try written(["parcel-0000000000010,1", "parcel-0000000000002,2", "parcel-000000000001,3",
                                           "parcel-0000000000002,4", "parcel-000000000a,5", "parcel-000000000Z,6",
                                           "parcel-00000000000,7"])
        #expect(text == "id,v\nparcel-00000000000,7\nparcel-0000000000002,2\nparcel-0000000000002,4\nparcel-000000000001,3\n"
                + "parcel-0000000000010,1\nparcel-000000000Z,6\nparcel-000000000a,5\n")
        #expect(repeats == 1)
    }
}
