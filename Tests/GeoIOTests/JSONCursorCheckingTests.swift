import Foundation
import Testing
@testable import GeoIO

/// `JSONCursor.checkObject`: refuses exactly what `object()` (the feature reader's way of
/// reading properties) refuses, and finds the `id` that `object()["id"]` holds; the expected
/// outcome of every text is `object()`'s own.
@Suite struct JSONCursorCheckingTests {
    func withCursor<T>(_ text: [UInt8], _ body: (inout JSONCursor) throws -> T) throws -> T {
        try text.withUnsafeBufferPointer { buffer in
            var cursor = JSONCursor(base: buffer.baseAddress!, position: 0, end: buffer.count, atEOF: true)
            return try body(&cursor)
        }
    }

    static let deep = String(repeating: "[", count: 127) + String(repeating: "]", count: 127)
    static let deeper = String(repeating: "[", count: 128) + String(repeating: "]", count: 128)

    static let accepted: [String] = [
        #"{}"#, #"{"id": "053301-001-00001", "landuse": "mixed", "floors": 3, "built_area_m2": 43.33}"#,
        #"{"id": 7}"#, #"{"id": 7.5e1, "x": [1, {"a": null}, true, false]}"#, #"{"id": null}"#,
        #"{"id": "a", "id": null}"#, #"{"id": null, "id": "b"}"#, #"{"\u0069d": "escaped name"}"#,
        #"{"i\"d": 1, "id": "a\"b\u00e9\ud83d\ude00"}"#, #"{"name": "Dortmund-Hörde", "id": "Ä"}"#,
        #"{"id": {"nested": [1, 2]}}"#, #"{"id": [1, "x"]}"#, #"{"a": -0.0, "b": 1E+2, "c": NaN, "d": -Infinity}"#,
    ]
    static let nested: [String] = ["{\"a\": \"" + deep + "\"}", "{\"a\": " + deep + "}", "{\"a\": " + deeper + "}"]
    static let refused: [String] = [
        #"{"a": 1.2.3}"#, #"{"a": -}"#, #"{"a": .5}"#, #"{"a": 1.}"#, #"{"a": 1e}"#, #"{"a": tru}"#,
        #"{"a": "bad \q escape"}"#, #"{"a": "\u12"}"#, #"{"a" 1}"#, #"{"a": 1,}"#, #"{"a": [1,]}"#,
        #"{"a": 1"#, #"{"id": "a""#, "{\"a\": \"tab\there\"}", #"{a: 1}"#,
    ]
    static let invalidUTF8: [[UInt8]] = [
        Array(#"{"a": ""#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8),          // in a value
        Array(#"{""#.utf8) + [0xFF] + Array(#"": 1}"#.utf8),                   // in a name
        Array(#"{"id": ""#.utf8) + [0xE2, 0x82] + Array(#""}"#.utf8),          // a truncated sequence in the id
    ]
    static let texts: [[UInt8]] = (accepted + nested + refused).map { Array($0.utf8) } + invalidUTF8

    @Test(arguments: texts)
    func refusesWhatObjectRefusesAndFindsItsID(text: [UInt8]) throws {
        let built = try withCursor(text) { cursor -> (id: PropertyValue?, end: Int)? in
            guard let properties = try? cursor.object() else { return nil }
            return (properties["id"], cursor.position)
        }
        let checked = try withCursor(text) { cursor -> (id: PropertyValue?, end: Int)? in
            do {
                let id = try cursor.checkObject()
                return (id, cursor.position)
            } catch {
                return nil
            }
        }
        #expect((built == nil) == (checked == nil), "\(String(decoding: text, as: UTF8.self))")
        if let built, let checked {
            #expect(built.id == checked.id && built.end == checked.end, "\(String(decoding: text, as: UTF8.self))")
        }
    }

    /// The texts cover both outcomes: `object()` reads the first kind and refuses the second.
    @Test func theTextsAreReadAndRefusedAsLabelled() throws {
        for text in (Self.accepted + Self.nested.prefix(2)).map({ Array($0.utf8) }) {
            #expect(throws: Never.self) { try withCursor(text) { _ = try $0.object() } }
        }
        for text in (Self.refused + Self.nested.suffix(1)).map({ Array($0.utf8) }) + Self.invalidUTF8 {
            #expect(throws: (any Error).self) { try withCursor(text) { _ = try $0.object() } }
        }
    }
}
